import { Field, ID, InputType } from 'type-graphql';

const NAME = '1..200 characters; cannot be removed.';
const EMAIL = 'An e-mail address, unique within the organization; at most 254 characters; cannot be removed.';
const PHONE = 'A phone number (digits, spaces, a leading +, and ( ) - . /), at most 64 characters; null or empty removes it.';

@InputType({ description: 'A withdrawal of consent (GDPR Art. 7(3)).' })
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

@InputType({ description: 'New consent of a person who withdrew it.' })
export class RecordConsentInput {
  @Field(() => ID, { description: 'A WITHDRAWN person.' }) userId: string;

  /** GDPR Art. 7(1): the controller must be able to show when consent was given. */
  @Field(() => Date, { description: 'When the person gave their new consent (not in the future, not before their withdrawal).' })
  givenAt: Date;
}

@InputType({ description: 'Whose data to export.' })
export class ExportPersonalDataInput {
  @Field(() => ID, { description: 'The person: the caller, or anyone for the PRIVACY_OFFICER.' }) userId: string;
}

/** Omitted fields stay as they are; `phone: null` removes the phone number. */
@InputType({ description: "Changes to the caller's own profile: omitted fields stay as they are." })
export class UpdateMyProfileInput {
  @Field(() => String, { nullable: true, description: NAME }) name?: string | null;
  @Field(() => String, { nullable: true, description: EMAIL }) email?: string | null;
  @Field(() => String, { nullable: true, description: PHONE }) phone?: string | null;
}

/** GDPR Art. 16, by the PRIVACY_OFFICER. Omitted fields stay as they are; `phone: null` removes it. */
@InputType({ description: "Corrections to a person's data (GDPR Art. 16): omitted fields stay as they are." })
export class RectifyPersonalDataInput {
  @Field(() => ID, { description: 'The person.' }) userId: string;
  @Field(() => String, { nullable: true, description: NAME }) name?: string | null;
  @Field(() => String, { nullable: true, description: EMAIL }) email?: string | null;
  @Field(() => String, { nullable: true, description: PHONE }) phone?: string | null;
}

@InputType({ description: 'A retention run.' })
export class RunRetentionInput {
  @Field(() => Boolean, { description: 'true: only list what is past its deadline; false: pseudonymize it.' })
  dryRun: boolean;
}
