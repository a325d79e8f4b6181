import { Field, ID, InputType } from 'type-graphql';

@InputType()
export class WithdrawConsentInput {
  @Field(() => ID, { nullable: true, description: 'The person; defaults to the caller. Only the PRIVACY_OFFICER names someone else.' })
  userId?: string | null;

  /** GDPR Art. 7(3), P9: the withdrawal takes effect from the instant the vendor received it. */
  @Field(() => Date, {
    nullable: true,
    description: 'When the notice was received (PRIVACY_OFFICER, for a notice by mail; not in the future). A person withdrawing in the portal withdraws now.',
  })
  receivedAt?: Date | null;
}

@InputType()
export class RecordConsentInput {
  @Field(() => ID) userId: string;

  /** GDPR Art. 7(1): the controller must be able to show when consent was given. */
  @Field(() => Date, { description: 'When the person gave their new consent (not in the future, not before their withdrawal).' })
  givenAt: Date;
}

@InputType()
export class ExportPersonalDataInput {
  @Field(() => ID) userId: string;
}

/** Omitted fields stay as they are; `phone: null` removes the phone number. */
@InputType()
export class UpdateMyProfileInput {
  @Field(() => String, { nullable: true }) name?: string | null;
  @Field(() => String, { nullable: true }) email?: string | null;
  @Field(() => String, { nullable: true }) phone?: string | null;
}

/** GDPR Art. 16, by the PRIVACY_OFFICER. Omitted fields stay as they are; `phone: null` removes it. */
@InputType()
export class RectifyPersonalDataInput {
  @Field(() => ID) userId: string;
  @Field(() => String, { nullable: true }) name?: string | null;
  @Field(() => String, { nullable: true }) email?: string | null;
  @Field(() => String, { nullable: true }) phone?: string | null;
}

@InputType()
export class RunRetentionInput {
  @Field(() => Boolean, { description: 'true: only list what is past its deadline; false: pseudonymize it.' })
  dryRun: boolean;
}
