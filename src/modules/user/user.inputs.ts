import { Field, ID, InputType } from 'type-graphql';
import { Role } from '../../common/enums';
import { UPDATED_SINCE } from '../../common/filters';

@InputType({ description: 'A new person of an organization.' })
export class InviteUserInput {
  @Field(() => ID, { description: "The organization: the caller's own, or any for VENDOR_ADMIN." }) organizationId: string;
  @Field(() => String, { description: '1..200 characters.' }) name: string;
  @Field(() => String, { description: 'Unique within the organization.' }) email: string;
  @Field(() => String, { nullable: true, description: 'A phone number (digits, spaces, a leading +, and ( ) - . /), at most 64 characters.' }) phone?: string | null;
  @Field(() => Role, { description: "A role of the organization's kind." }) role: Role;
}

/** Omitted fields stay as they are; `phone: null` removes the phone number. The e-mail is the person's own (updateMyProfile) or the PRIVACY_OFFICER's (rectifyPersonalData). */
@InputType({ description: 'Changes to a person: omitted fields stay as they are. The e-mail is changed by the person (updateMyProfile) or the PRIVACY_OFFICER (rectifyPersonalData).' })
export class UpdateUserInput {
  @Field(() => ID, { description: 'A person of an organization the caller manages.' }) userId: string;
  @Field(() => String, { nullable: true, description: '1..200 characters; cannot be removed.' }) name?: string | null;
  @Field(() => String, { nullable: true, description: 'The new phone number; null or empty removes it.' }) phone?: string | null;
  @Field(() => Role, { nullable: true, description: "A role of the organization's kind." }) role?: Role | null;
}

@InputType({ description: 'The person to disable.' })
export class DisableUserInput {
  @Field(() => ID, { description: 'A person of an organization the caller manages.' }) userId: string;
}

/** The lookup of people (Query.users): vendor roles, e.g. the PRIVACY_OFFICER starting a data-subject request from an e-mail address. */
@InputType({ description: 'All given conditions must hold.' })
export class UserFilter {
  @Field(() => String, { nullable: true, description: 'The e-mail address, exactly (case-insensitive, surrounding spaces ignored).' }) email?: string | null;
  @Field(() => String, { nullable: true, description: 'A part of the name or the e-mail address (case-insensitive), 1..200 characters.' }) search?: string | null;
  @Field(() => ID, { nullable: true, description: "This organization's people." }) organizationId?: string | null;
  @Field(() => Date, { nullable: true, description: UPDATED_SINCE }) updatedSince?: Date | null;
}
