import { LicenseStatus, OrganizationKind } from '../../common/enums';
import { idArg, idListArg, instantWindow, nonEmpty, updatedSince } from '../../common/filters';
import { PageArgs } from '../../common/pagination';
import { ListQuery, Sql, sql, sqlAnd, sqlIn, sqlOr } from '../../common/sql';
import { listPage } from '../../context/loaders';
import { RequestContext } from '../../context/request-context';
import { reachable, rowScopeAs } from '../../policy/reachable';
import { Product } from '../product/product.entity';
import { Organization } from '../organization/organization.entity';
import { License } from './license.entity';
import { LicenseFilter } from './license.inputs';

/**
 * Every license row brings its seatsUsed and its product in its own statement (companions):
 * a page of 1,000 licenses costs one statement, not three, and no promise per license.
 */
export function licenseQuery(ctx: RequestContext): ListQuery<License> {
  return {
    ...reachable(ctx, License),
    companions: [
      { key: SEATS_USED, select: (row) => sql(`SELECT COUNT(*) FROM \`activation\` su WHERE su.licenseId = ${row}.id AND su.deactivatedAt IS NULL`) },
      { key: PRODUCT, entity: Product, on: (row, alias) => sqlAnd([sql(`${alias}.id = ${row}.productId`), rowScopeAs(ctx.actor, Product, alias)]) },
    ],
  };
}

export const SEATS_USED = 'seatsUsed';
export const PRODUCT = 'product';

export function licenseById(ctx: RequestContext) {
  return ctx.loaders.byId(License, () => licenseQuery(ctx));
}

/** The status filter in SQL, with EXPIRED derived from validUntil at the request's instant, as licenseStatus() does. */
function statusCondition(status: LicenseStatus, now: Date): Sql {
  const live = sql('(e.validUntil IS NULL OR e.validUntil > ?)', now);
  switch (status) {
    case LicenseStatus.EXPIRED:
      return sql(`e.state IN ('REGISTERED', 'ALLOCATED') AND e.validUntil IS NOT NULL AND e.validUntil <= ?`, now);
    case LicenseStatus.REGISTERED:
    case LicenseStatus.ALLOCATED:
      return { sql: `e.state = ? AND ${live.sql}`, params: [status, ...live.params] };
    default:
      return sql('e.state = ?', status);
  }
}

/** licenseStatus() as a SQL expression on `e`: the status a user sees at instant `now`. */
export function licenseStatusSql(now: Date): Sql {
  return sql(`CASE WHEN e.state IN ('REVOKED', 'LAPSED') THEN e.state WHEN e.validUntil IS NOT NULL AND e.validUntil <= ? THEN 'EXPIRED' ELSE e.state END`, now);
}

export function licenseFilterConditions(ctx: RequestContext, filter: LicenseFilter | null | undefined): (Sql | null)[] {
  if (!filter) return [];
  return [
    filter.status ? statusCondition(filter.status, ctx.now) : null,
    filter.productId ? sql('e.productId = ?', idArg('Product', filter.productId, 'filter.productId')) : null,
    filter.customerId ? sql('e.customerId = ?', idArg('Organization', filter.customerId, 'filter.customerId')) : null,
    filter.distributorId ? sql('e.distributorId = ?', idArg('Organization', filter.distributorId, 'filter.distributorId')) : null,
    filter.expiringBefore ? sql('e.validUntil IS NOT NULL AND e.validUntil < ?', filter.expiringBefore) : null,
    instantWindow('e.validUntil', filter.validUntilAfter, filter.validUntilBefore, ['filter.validUntilAfter', 'filter.validUntilBefore']),
    filter.statuses ? sqlOr(nonEmpty(filter.statuses, 'filter.statuses').map((s) => statusCondition(s, ctx.now))) : null,
    filter.productIds ? sqlIn('e.productId', idListArg('Product', filter.productIds, 'filter.productIds')) : null,
    updatedSince(filter.updatedSince),
  ];
}

export function listLicenses(ctx: RequestContext, filter: LicenseFilter | null | undefined, page: PageArgs) {
  const base = licenseQuery(ctx);
  return listPage(ctx.sql, { ...base, where: [...base.where, ...licenseFilterConditions(ctx, filter)] }, page);
}

/** A distributor's licenses are those it holds; a customer's, those allocated to it. */
export function licensesOf(ctx: RequestContext, org: Organization, page: PageArgs) {
  const column = org.kind === OrganizationKind.DISTRIBUTOR ? 'e.distributorId' : org.kind === OrganizationKind.CUSTOMER ? 'e.customerId' : null;
  if (!column) {
    const none = { ...licenseQuery(ctx), where: [sql('1 = 0')] };
    return listPage(ctx.sql, none, page);
  }
  return ctx.loaders.pageOf(`Organization.licenses:${column}`, () => licenseQuery(ctx), column, org.id, page);
}

/** Active activations per license, one grouped statement for all licenses of a request. */
export function seatsUsed(ctx: RequestContext, licenseId: string): Promise<number> {
  return ctx.loaders
    .valueOf<number>(
      'License.seatsUsed',
      async (ids) => {
        const where = sqlIn('a.licenseId', ids);
        const rows = await ctx.sql.raw<{ id: string; n: unknown }>({
          sql: `SELECT a.licenseId AS id, COUNT(*) AS n FROM \`activation\` a WHERE ${where.sql} AND a.deactivatedAt IS NULL GROUP BY a.licenseId`,
          params: where.params,
        });
        return new Map(rows.map((r) => [String(r.id), Number(r.n)]));
      },
      0,
    )
    .load(licenseId);
}
