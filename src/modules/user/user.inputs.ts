import { Field, ID, InputType } from 'type-graphql';
import { Role } from '../../common/enums';

@InputType()
export class InviteUserInput {
  @Field(() => ID) organizationId: string;
  @Field(() => String, { description: '1..200 characters.' }) name: string;
  @Field(() => String, { description: 'Unique within the organization.' }) email: string;
  @Field(() => String, { nullable: true }) phone?: string | null;
  @Field(() => Role, { description: "A role of the organization's kind." }) role: Role;
}

/** Omitted fields stay as they are; `phone: null` removes the phone number. The e-mail is the person's own (updateMyProfile) or the PRIVACY_OFFICER's (rectifyPersonalData). */
@InputType()
export class UpdateUserInput {
  @Field(() => ID) userId: string;
  @Field(() => String, { nullable: true }) name?: string | null;
  @Field(() => String, { nullable: true }) phone?: string | null;
  @Field(() => Role, { nullable: true, description: "A role of the organization's kind." }) role?: Role | null;
}

@InputType()
export class DisableUserInput {
  @Field(() => ID) userId: string;
}
