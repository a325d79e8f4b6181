import { OrganizationKind } from '../../common/enums';
import { nameSearch } from '../../common/filters';
import { PageArgs } from '../../common/pagination';
import { ListQuery, sql } from '../../common/sql';
import { listPage } from '../../context/loaders';
import { RequestContext } from '../../context/request-context';
import { BY_NAME, reachable } from '../../policy/reachable';
import { servedCompanion } from '../../policy/policy-facts';
import { Organization } from './organization.entity';

const CUSTOMER_OF = 'JOIN `customer_account` ca ON ca.customerId = e.id';
const DISTRIBUTOR_OF = 'JOIN `customer_account` ca ON ca.distributorId = e.id';

/**
 * For a distributor viewer every organization row also says whether the viewer serves it (a
 * companion), which the field rules of the personal data under it then know without a
 * statement of their own.
 */
export function organizationQuery(ctx: RequestContext): ListQuery<Organization> {
  const base = reachable(ctx, Organization, BY_NAME);
  return ctx.actor.organizationKind === OrganizationKind.DISTRIBUTOR ? { ...base, ...servedCompanion(ctx) } : base;
}

export function organizationById(ctx: RequestContext) {
  return ctx.loaders.byId(Organization, () => organizationQuery(ctx));
}

export function listOrganizations(ctx: RequestContext, kind: OrganizationKind | null | undefined, search: string | null | undefined, page: PageArgs) {
  const base = organizationQuery(ctx);
  return listPage(ctx.sql, { ...base, where: [...base.where, kind ? sql('e.kind = ?', kind) : null, nameSearch(search)] }, page);
}

/** A distributor's customers (the customer accounts); for vendor roles, every customer. */
export function listCustomers(ctx: RequestContext, search: string | null | undefined, page: PageArgs) {
  const base = organizationQuery(ctx);
  const where = [...base.where, sql('e.kind = ?', OrganizationKind.CUSTOMER), nameSearch(search)];
  if (ctx.actor.organizationKind === OrganizationKind.DISTRIBUTOR) {
    return listPage(ctx.sql, { ...base, joins: CUSTOMER_OF, where: [...where, sql('ca.distributorId = ?', ctx.actor.organizationId)] }, page);
  }
  return listPage(ctx.sql, { ...base, where }, page);
}

/** Customers served by a distributor (a nested connection, batched across distributors). */
export function customersOf(ctx: RequestContext, distributorId: string, page: PageArgs) {
  return ctx.loaders.pageOf('Organization.customers', () => ({ ...organizationQuery(ctx), joins: CUSTOMER_OF }), 'ca.distributorId', distributorId, page);
}

/** Distributors that serve a customer. */
export function distributorsOf(ctx: RequestContext, customerId: string) {
  return ctx.loaders.group('Organization.distributors', () => ({ ...organizationQuery(ctx), joins: DISTRIBUTOR_OF }), 'ca.customerId').load(customerId);
}
