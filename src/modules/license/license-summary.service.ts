import { LicenseStatus, OrganizationKind } from '../../common/enums';
import { badInput } from '../../common/errors';
import { Sql, sqlAnd, sqlIn } from '../../common/sql';
import { RequestContext } from '../../context/request-context';
import { reachable } from '../../policy/reachable';
import { Organization } from '../organization/organization.entity';
import { License } from './license.entity';
import { licenseStatusSql } from './license.service';
import { LicenseSummary } from './license-summary.type';

export const MAX_EXPIRING_WITHIN_DAYS = 3650;
const DAY_MS = 86_400_000;

/** The window of expiringSoon, checked: 0..3650 days. */
export function expiringWindow(days: number): number {
  if (!Number.isInteger(days) || days < 0 || days > MAX_EXPIRING_WITHIN_DAYS) {
    throw badInput({ field: 'expiringWithinDays', message: `must be a whole number of days between 0 and ${MAX_EXPIRING_WITHIN_DAYS}` });
  }
  return days;
}

interface Bucket {
  parent: string;
  productId: string;
  status: LicenseStatus;
  n: number;
  seats: number;
  used: number;
  soon: number;
}

/** A set of licenses to summarize: all the viewer reaches, or those whose `column` is one of `ids`. */
type Scope = { column: 'e.distributorId' | 'e.customerId'; ids: readonly string[] } | null;

/**
 * One statement: every reachable license (per parent, when scopes are given) reduced to
 * (parent, product, status) buckets with their counts, seats, seats in use and expiring-soon
 * counts. The status is computed by licenseStatusSql(), the SQL twin of licenseStatus().
 */
async function buckets(ctx: RequestContext, scopes: Scope[], days: number): Promise<Bucket[]> {
  const base = reachable(ctx, License);
  const soonUntil = new Date(ctx.now.getTime() + days * DAY_MS);
  const parts: Sql[] = scopes.map((scope) => {
    const status = licenseStatusSql(ctx.now);
    const where = sqlAnd([scope ? sqlIn(scope.column, scope.ids) : null, ...base.where]);
    return {
      sql:
        `SELECT ${scope ? scope.column : "''"} AS parent, e.productId AS productId, ${status.sql} AS status, e.seats AS seats, ` +
        '(SELECT COUNT(*) FROM `activation` su WHERE su.licenseId = e.id AND su.deactivatedAt IS NULL) AS used, ' +
        `CASE WHEN e.state IN ('REGISTERED', 'ALLOCATED') AND e.validUntil > ? AND e.validUntil <= ? THEN 1 ELSE 0 END AS soon ` +
        `FROM ${ctx.sql.table(License)} e WHERE ${where.sql}`,
      params: [...status.params, ctx.now, soonUntil, ...where.params],
    };
  });
  const rows = await ctx.sql.raw<Record<string, unknown>>({
    sql:
      'SELECT x.parent AS parent, x.productId AS productId, x.status AS status, COUNT(*) AS n, SUM(x.seats) AS seats, SUM(x.used) AS used, SUM(x.soon) AS soon ' +
      `FROM (${parts.map((p) => p.sql).join(' UNION ALL ')}) x GROUP BY x.parent, x.productId, x.status`,
    params: parts.flatMap((p) => p.params),
  });
  return rows.map((r) => ({
    parent: String(r.parent),
    productId: String(r.productId),
    status: String(r.status) as LicenseStatus,
    n: Number(r.n),
    seats: Number(r.seats ?? 0),
    used: Number(r.used ?? 0),
    soon: Number(r.soon ?? 0),
  }));
}

/** The summary of some buckets (of one parent). */
function summarize(rows: Bucket[], days: number): LicenseSummary {
  const byStatus = new Map<LicenseStatus, number>(Object.values(LicenseStatus).map((s) => [s, 0]));
  const byProduct = new Map<string, { productId: string; licenses: number; seats: number; seatsUsed: number }>();
  let total = 0;
  let seats = 0;
  let used = 0;
  let soon = 0;
  for (const r of rows) {
    total += r.n;
    seats += r.seats;
    used += r.used;
    soon += r.soon;
    byStatus.set(r.status, (byStatus.get(r.status) ?? 0) + r.n);
    const p = byProduct.get(r.productId) ?? { productId: r.productId, licenses: 0, seats: 0, seatsUsed: 0 };
    p.licenses += r.n;
    p.seats += r.seats;
    p.seatsUsed += r.used;
    byProduct.set(r.productId, p);
  }
  return {
    total,
    byStatus: [...byStatus].map(([status, count]) => ({ status, count })),
    seats: { total: seats, used },
    byProduct: [...byProduct.values()].sort((a, b) => (a.productId < b.productId ? -1 : a.productId > b.productId ? 1 : 0)),
    expiringSoon: soon,
    expiringWithinDays: days,
  };
}

/** Query.licenseSummary: every license the viewer reaches. */
export async function licenseSummary(ctx: RequestContext, expiringWithinDays: number): Promise<LicenseSummary> {
  const days = expiringWindow(expiringWithinDays);
  return summarize(await buckets(ctx, [null], days), days);
}

const HELD_BY: Partial<Record<OrganizationKind, 'e.distributorId' | 'e.customerId'>> = {
  [OrganizationKind.DISTRIBUTOR]: 'e.distributorId',
  [OrganizationKind.CUSTOMER]: 'e.customerId',
};

/**
 * Organization.licenseSummary: a distributor's held licenses, a customer's allocated ones
 * (as Organization.licenses), within the viewer's reach. All organizations of a request that
 * ask with the same window are answered by one statement (a per-request loader).
 */
export async function licenseSummaryOf(ctx: RequestContext, org: Organization, expiringWithinDays: number): Promise<LicenseSummary> {
  const days = expiringWindow(expiringWithinDays);
  const column = HELD_BY[org.kind];
  if (!column) return summarize([], days);
  const loader = ctx.loaders.valueOf<Bucket[]>(
    `Organization.licenseSummary:${days}`,
    async (keys) => {
      const ids = { distributor: [] as string[], customer: [] as string[] };
      for (const key of keys) (key.startsWith('e.distributorId:') ? ids.distributor : ids.customer).push(key.slice(key.indexOf(':') + 1));
      const scopes: Scope[] = [];
      if (ids.distributor.length) scopes.push({ column: 'e.distributorId', ids: ids.distributor });
      if (ids.customer.length) scopes.push({ column: 'e.customerId', ids: ids.customer });
      const out = new Map<string, Bucket[]>();
      for (const b of await buckets(ctx, scopes, days)) {
        // An organization has one kind, so its id names its buckets; a license held by a
        // distributor and allocated to a customer of the same batch is counted for each.
        const list = out.get(b.parent) ?? [];
        list.push(b);
        out.set(b.parent, list);
      }
      return new Map(keys.map((k) => [k, out.get(k.slice(k.indexOf(':') + 1)) ?? []]));
    },
    [],
  );
  return summarize(await loader.load(`${column}:${org.id}`), days);
}
