import { Arg, Ctx, Field, Mutation, ObjectType, Resolver } from 'type-graphql';
import { RequestContext } from '../../context/request-context';
import { PortalUser } from './portal-user.entity';
import { DisableUserInput, InviteUserInput, UpdateUserInput } from './user.inputs';
import { disableUser, inviteUser, updateUser } from './user.mutations';
import { userById } from './user.service';

@ObjectType({ description: 'The result of a write about a person.' })
export class UserPayload {
  @Field(() => PortalUser, { nullable: true, description: 'The person, read back after the write.' }) user: PortalUser | null;
}

/** Payloads are read back through the same reachable rows as every other path. */
async function userPayload(ctx: RequestContext, written: PortalUser): Promise<UserPayload> {
  ctx.loaders.clearAll();
  return { user: await userById(ctx).load(written.id) };
}

/** An organization's people, managed by its admin or VENDOR_ADMIN (docs/access-policy.md, Mutations). */
@Resolver()
export class UserMutationsResolver {
  @Mutation(() => UserPayload, { nullable: true, description: "A new person of an organization (its admin, or VENDOR_ADMIN), with a role of the organization's kind." })
  async inviteUser(@Ctx() ctx: RequestContext, @Arg('input', () => InviteUserInput, { description: 'The organization, name, e-mail, phone and role.' }) input: InviteUserInput): Promise<UserPayload> {
    return userPayload(ctx, await inviteUser(ctx, input));
  }

  @Mutation(() => UserPayload, { nullable: true, description: "A person's name, phone or role (their organization's admin, or VENDOR_ADMIN). Audited without the values." })
  async updateUser(@Ctx() ctx: RequestContext, @Arg('input', () => UpdateUserInput, { description: 'The person and what changes.' }) input: UpdateUserInput): Promise<UserPayload> {
    return userPayload(ctx, await updateUser(ctx, input));
  }

  @Mutation(() => UserPayload, { nullable: true, description: "The person can no longer sign in, and the API keys they created are revoked (their organization's admin, or VENDOR_ADMIN)." })
  async disableUser(@Ctx() ctx: RequestContext, @Arg('input', () => DisableUserInput, { description: 'The person.' }) input: DisableUserInput): Promise<UserPayload> {
    return userPayload(ctx, await disableUser(ctx, input));
  }
}
