import { Arg, Args, Ctx, FieldResolver, ID, Query, Resolver, Root } from 'type-graphql';
import { OrganizationKind } from '../../common/enums';
import { notFound } from '../../common/errors';
import { UPDATED_SINCE } from '../../common/filters';
import { fromGlobalIdOf } from '../../common/global-id';
import { PageArgsInput } from '../../common/page-args';
import { ConnectionOf, pageArgs } from '../../common/pagination';
import { OrderInput } from '../../common/ordering';
import { RequestContext } from '../../context/request-context';
import { BY_ID, BY_NAME } from '../../policy/reachable';
import { personalDataAccessFor, transferDecisionFor } from '../../policy/gate.service';
import { TransferDecisionType } from '../../policy/transfer-decision.type';
import { computersOf } from '../computer/computer.service';
import { Computer } from '../computer/computer.entity';
import { Contract } from '../contract/contract.entity';
import { contractsOf } from '../contract/contract.service';
import { License } from '../license/license.entity';
import { licensesOf } from '../license/license.service';
import { PortalUser } from '../user/portal-user.entity';
import { usersOf } from '../user/user.service';
import { Organization } from './organization.entity';
import { ORGANIZATION_ORDERS } from './organization.inputs';
import { customersOf, distributorsOf, listCustomers, listOrganizations, organizationById } from './organization.service';

const ORDER_BY = 'The order of the rows (ties broken by id); absent: by name.';
type OrganizationOrder = OrderInput<keyof typeof ORGANIZATION_ORDERS.field>;
const SEARCH = 'Only names containing this text, ignoring case and accents (at most 200 characters).';

export const OrganizationConnection = ConnectionOf(Organization);
export const PortalUserConnection = ConnectionOf(PortalUser);
export const LicenseConnection = ConnectionOf(License);
export const ComputerConnection = ConnectionOf(Computer);

@Resolver(() => Organization)
export class OrganizationResolver {
  @Query(() => Organization, { nullable: true, description: 'An organization by its global id; null with NOT_FOUND if it is unknown or the viewer cannot reach it.' })
  async organization(@Ctx() ctx: RequestContext, @Arg('id', () => ID, { description: 'The global id of an Organization.' }) id: string): Promise<Organization> {
    const key = fromGlobalIdOf('Organization', id);
    const org = key ? await organizationById(ctx).load(key) : null;
    if (!org) throw notFound('Organization');
    return org;
  }

  @Query(() => OrganizationConnection, { description: 'The organizations the viewer reaches, by name.' })
  organizations(
    @Ctx() ctx: RequestContext,
    @Arg('kind', () => OrganizationKind, { nullable: true, description: 'Only organizations of this kind.' }) kind: OrganizationKind | null,
    @Arg('search', () => String, { nullable: true, description: SEARCH }) search: string | null,
    @Args(() => PageArgsInput) page: PageArgsInput,
    @Arg('orderBy', () => ORGANIZATION_ORDERS.input, { nullable: true, description: ORDER_BY }) orderBy: OrganizationOrder | null,
    @Arg('transferBasisAllowed', () => Boolean, {
      nullable: true,
      description:
        'Only distributors whose transfer gate is open (true) or closed (false) at the instant of the request, decided as Organization.transferBasis is. CONTRACT data: FORBIDDEN for customers and API keys without contracts:read.',
    })
    transferBasisAllowed: boolean | null,
    @Arg('updatedSince', () => Date, { nullable: true, description: UPDATED_SINCE }) updatedSince: Date | null,
  ) {
    return listOrganizations(ctx, kind, search, pageArgs(page, BY_NAME, ORGANIZATION_ORDERS.ordering('organizations', orderBy, ctx.now)), transferBasisAllowed, updatedSince);
  }

  @Query(() => OrganizationConnection, { description: "A distributor's customers, by name; every customer for vendor roles; FORBIDDEN for customers (CUSTOMER_LIST: API keys need customers:read)." })
  customers(
    @Ctx() ctx: RequestContext,
    @Arg('search', () => String, { nullable: true, description: SEARCH }) search: string | null,
    @Args(() => PageArgsInput) page: PageArgsInput,
    @Arg('orderBy', () => ORGANIZATION_ORDERS.input, { nullable: true, description: ORDER_BY }) orderBy: OrganizationOrder | null,
    @Arg('updatedSince', () => Date, { nullable: true, description: UPDATED_SINCE }) updatedSince: Date | null,
  ) {
    return listCustomers(ctx, search, pageArgs(page, BY_NAME, ORGANIZATION_ORDERS.ordering('customers', orderBy, ctx.now)), updatedSince);
  }

  @FieldResolver(() => PortalUserConnection, { description: "The organization's people the viewer reaches (their personal data follows PortalUser's rules)." })
  users(@Ctx() ctx: RequestContext, @Root() org: Organization, @Args(() => PageArgsInput) page: PageArgsInput) {
    return usersOf(ctx, org.id, pageArgs(page, BY_ID));
  }

  @FieldResolver(() => OrganizationConnection, { name: 'customers', description: 'Customers a distributor serves (empty for others).' })
  servedCustomers(@Ctx() ctx: RequestContext, @Root() org: Organization, @Args(() => PageArgsInput) page: PageArgsInput) {
    return customersOf(ctx, org.id, pageArgs(page, BY_NAME));
  }

  @FieldResolver(() => [Organization], { description: 'Distributors that serve a customer (empty for others).' })
  distributors(@Ctx() ctx: RequestContext, @Root() org: Organization) {
    return org.kind === OrganizationKind.CUSTOMER ? distributorsOf(ctx, org.id) : [];
  }

  @FieldResolver(() => LicenseConnection, { description: "A distributor's held licenses; a customer's allocated licenses." })
  licenses(@Ctx() ctx: RequestContext, @Root() org: Organization, @Args(() => PageArgsInput) page: PageArgsInput) {
    return licensesOf(ctx, org, pageArgs(page, BY_ID));
  }

  @FieldResolver(() => ComputerConnection, { description: "A customer's computers the viewer reaches (a distributor: those with an activation of a license it allocated)." })
  computers(@Ctx() ctx: RequestContext, @Root() org: Organization, @Args(() => PageArgsInput) page: PageArgsInput) {
    return computersOf(ctx, org.id, pageArgs(page, BY_ID));
  }

  @FieldResolver(() => [Contract], {
    nullable: true,
    description: "A distributor's data-transfer contracts (empty for others). CONTRACT: vendor roles and the distributor itself; null with FORBIDDEN otherwise.",
  })
  contracts(@Ctx() ctx: RequestContext, @Root() org: Organization) {
    return org.kind === OrganizationKind.DISTRIBUTOR ? contractsOf(ctx, org.id) : [];
  }

  @FieldResolver(() => TransferDecisionType, {
    nullable: true,
    description: "The transfer gate's decision for a distributor at the instant of the request (null for others). CONTRACT: vendor roles and the distributor itself; null with FORBIDDEN otherwise.",
  })
  transferBasis(@Ctx() ctx: RequestContext, @Root() org: Organization) {
    return org.kind === OrganizationKind.DISTRIBUTOR ? transferDecisionFor(ctx, org) : null;
  }

  @FieldResolver(() => TransferDecisionType, { description: "Whether the viewer may read this organization's personal data now, and why." })
  personalDataAccess(@Ctx() ctx: RequestContext, @Root() org: Organization) {
    return personalDataAccessFor(ctx, org);
  }
}
