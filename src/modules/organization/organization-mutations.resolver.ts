import { Arg, Ctx, Field, Mutation, ObjectType, Resolver } from 'type-graphql';
import { RequestContext } from '../../context/request-context';
import { Organization } from './organization.entity';
import { CreateOrganizationInput, LinkCustomerInput, UnlinkCustomerInput, UpdateOrganizationInput } from './organization.inputs';
import { createOrganization, CustomerLink, linkCustomer, unlinkCustomer, updateOrganization } from './organization.mutations';
import { organizationById } from './organization.service';

@ObjectType({ description: 'The result of an organization write.' })
export class OrganizationPayload {
  @Field(() => Organization, { nullable: true, description: 'The organization, read back after the write.' }) organization: Organization | null;
}

@ObjectType({ description: 'The two organizations of a customer account, read back after the write.' })
export class CustomerLinkPayload {
  @Field(() => Organization, { nullable: true, description: 'The distributor.' }) distributor: Organization | null;
  @Field(() => Organization, { nullable: true, description: 'The customer.' }) customer: Organization | null;
}

/** Payloads are read back through the same reachable rows as every other path. */
async function organizationPayload(ctx: RequestContext, written: Organization): Promise<OrganizationPayload> {
  ctx.loaders.clearAll();
  return { organization: await organizationById(ctx).load(written.id) };
}

async function linkPayload(ctx: RequestContext, link: CustomerLink): Promise<CustomerLinkPayload> {
  ctx.loaders.clearAll();
  const [distributor, customer] = await Promise.all([organizationById(ctx).load(link.distributor.id), organizationById(ctx).load(link.customer.id)]);
  return { distributor, customer };
}

/** Organizations and the customer accounts between them (docs/access-policy.md, Mutations). */
@Resolver()
export class OrganizationMutationsResolver {
  @Mutation(() => OrganizationPayload, {
    nullable: true,
    description: 'A new distributor or customer (VENDOR_ADMIN); a new customer of its own (DISTRIBUTOR_ADMIN), which it serves from then on.',
  })
  async createOrganization(
    @Ctx() ctx: RequestContext,
    @Arg('input', () => CreateOrganizationInput, { description: 'The kind, name, countries and contact data.' }) input: CreateOrganizationInput,
  ): Promise<OrganizationPayload> {
    return organizationPayload(ctx, await createOrganization(ctx, input));
  }

  @Mutation(() => OrganizationPayload, {
    nullable: true,
    description: "Name and contact data (VENDOR_ADMIN, or the organization's own admin); processingCountries by VENDOR_ADMIN only. Audited without the values.",
  })
  async updateOrganization(
    @Ctx() ctx: RequestContext,
    @Arg('input', () => UpdateOrganizationInput, { description: 'The organization and what changes.' }) input: UpdateOrganizationInput,
  ): Promise<OrganizationPayload> {
    return organizationPayload(ctx, await updateOrganization(ctx, input));
  }

  @Mutation(() => CustomerLinkPayload, { nullable: true, description: 'The distributor serves the customer from now on (VENDOR_ADMIN).' })
  async linkCustomer(@Ctx() ctx: RequestContext, @Arg('input', () => LinkCustomerInput, { description: 'The distributor and the customer.' }) input: LinkCustomerInput): Promise<CustomerLinkPayload> {
    return linkPayload(ctx, await linkCustomer(ctx, input));
  }

  @Mutation(() => CustomerLinkPayload, {
    nullable: true,
    description: 'The distributor no longer serves the customer (VENDOR_ADMIN); refused while it holds licenses in force allocated to it.',
  })
  async unlinkCustomer(
    @Ctx() ctx: RequestContext,
    @Arg('input', () => UnlinkCustomerInput, { description: 'The distributor and the customer.' }) input: UnlinkCustomerInput,
  ): Promise<CustomerLinkPayload> {
    return linkPayload(ctx, await unlinkCustomer(ctx, input));
  }
}
