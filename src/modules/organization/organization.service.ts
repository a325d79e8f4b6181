import { OrganizationKind } from '../../common/enums';
import { nameSearch, updatedSince } from '../../common/filters';
import { PageArgs } from '../../common/pagination';
import { ListQuery, Sql, sql, sqlIn } from '../../common/sql';
import { DomainError, ErrorCode } from '../../common/errors';
import { transferDecisionFor } from '../../policy/gate.service';
import { listPage } from '../../context/loaders';
import { RequestContext } from '../../context/request-context';
import { BY_NAME, hasScope, reachable } from '../../policy/reachable';
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

export async function listOrganizations(
  ctx: RequestContext,
  kind: OrganizationKind | null | undefined,
  search: string | null | undefined,
  page: PageArgs,
  transferBasisAllowed?: boolean | null,
  since?: Date | null,
) {
  const base = organizationQuery(ctx);
  const where = [...base.where, kind ? sql('e.kind = ?', kind) : null, nameSearch(search), updatedSince(since)];
  if (transferBasisAllowed != null) where.push(await distributorsByGate(ctx, { ...base, where }, transferBasisAllowed));
  return listPage(ctx.sql, { ...base, where }, page);
}

/**
 * Distributors whose transfer gate, decided now by the gate's own function, is (or is not)
 * open, as a condition on ids: the candidates are read in one statement, their contracts in
 * one more (transferDecisionFor batches them), and the page, its cursors and totalCount are
 * then those of an ordinary list. The gate is CONTRACT data: who may not read
 * Organization.transferBasis may not filter by it either.
 */
async function distributorsByGate(ctx: RequestContext, list: ListQuery<Organization>, allowed: boolean): Promise<Sql> {
  const { actor } = ctx;
  const vendor = actor.organizationKind === OrganizationKind.VENDOR;
  if (!hasScope(actor, 'contracts:read') || !(vendor || actor.organizationKind === OrganizationKind.DISTRIBUTOR)) {
    throw new DomainError(ErrorCode.FORBIDDEN, 'Not allowed to filter by transferBasisAllowed: the transfer gate is for vendor roles and the distributor itself', {
      field: 'transferBasisAllowed',
    });
  }
  // A distributor reaches no other distributor (reachable.ts): it filters by its own gate only.
  const candidates = await ctx.sql.page(
    { ...list, companions: undefined, onRows: undefined, where: [...list.where, sql('e.kind = ?', OrganizationKind.DISTRIBUTOR)] },
    { first: MAX_GATE_CANDIDATES, after: null },
  );
  if (candidates.length > MAX_GATE_CANDIDATES) {
    throw new DomainError(ErrorCode.QUERY_TOO_COMPLEX, `transferBasisAllowed decides the gate of at most ${MAX_GATE_CANDIDATES} distributors; narrow the list with search`, {
      field: 'transferBasisAllowed',
    });
  }
  const decisions = await Promise.all(candidates.map((d) => transferDecisionFor(ctx, d)));
  return sqlIn(
    'e.id',
    candidates.filter((_d, i) => decisions[i].allowed === allowed).map((d) => d.id),
  );
}

/** Distributors are few (tens); a filter over more than this would not be exact, so it is refused. */
const MAX_GATE_CANDIDATES = 10_000;

/** A distributor's customers (the customer accounts); for vendor roles, every customer. */
export function listCustomers(ctx: RequestContext, search: string | null | undefined, page: PageArgs, since?: Date | null) {
  const base = organizationQuery(ctx);
  const where = [...base.where, sql('e.kind = ?', OrganizationKind.CUSTOMER), nameSearch(search), updatedSince(since)];
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
