import { ContractStatus } from '../../common/enums';
import { idArg, instantWindow, nonEmpty, updatedSince } from '../../common/filters';
import { PageArgs } from '../../common/pagination';
import { ListQuery, Sql, sql, sqlAnd, sqlIn } from '../../common/sql';
import { listPage } from '../../context/loaders';
import { RequestContext } from '../../context/request-context';
import { jurisdictionData } from '../../policy/gate.service';
import { reachable } from '../../policy/reachable';
import { typesValidAt } from '../../policy/transfer-gate';
import { Contract } from './contract.entity';
import { ContractFilter } from './contract.inputs';

export function contractQuery(ctx: RequestContext): ListQuery<Contract> {
  return reachable(ctx, Contract);
}

export function contractById(ctx: RequestContext) {
  return ctx.loaders.byId(Contract, () => contractQuery(ctx));
}

export function contractsOf(ctx: RequestContext, distributorId: string): Promise<Contract[]> {
  return ctx.loaders.group('Organization.contracts', () => contractQuery(ctx), 'e.distributorId').load(distributorId);
}

/**
 * "In force" at `now` as SQL: what contractInForce() (transfer-gate.ts) says, term by term. The
 * type's legal window is not re-stated in SQL: the types whose window holds at `now` are
 * computed by the gate's own function (typesValidAt) from the request's jurisdiction facts and
 * bound as a list. A row stored TERMINATED is read by its terminatedAt, as the gate reads it.
 * tests/e2e/contract-in-force.test.ts compares this with the field and the gate at every
 * boundary of every seed contract.
 */
export function inForceSql(now: Date, validTypes: readonly string[]): Sql {
  const dates = sql(
    'e.signedAt IS NOT NULL AND e.signedAt <= ? AND e.effectiveFrom <= ? AND (e.expiresAt IS NULL OR e.expiresAt > ?) ' +
      'AND ((e.terminatedAt IS NOT NULL AND e.terminatedAt > ?) OR (e.terminatedAt IS NULL AND e.status = ?))',
    now,
    now,
    now,
    now,
    ContractStatus.SIGNED,
  );
  return sqlAnd([sqlIn('e.status', [ContractStatus.SIGNED, ContractStatus.TERMINATED]), dates, sqlIn('e.type', validTypes)]);
}

export async function listContracts(ctx: RequestContext, filter: ContractFilter | null | undefined, page: PageArgs) {
  const base = contractQuery(ctx);
  let inForce: Sql | null = null;
  if (filter?.inForce != null) {
    const positive = inForceSql(ctx.now, typesValidAt((await jurisdictionData(ctx)).mechanisms, ctx.now));
    inForce = filter.inForce ? positive : notSql(positive);
  }
  return listPage(
    ctx.sql,
    {
      ...base,
      where: [
        ...base.where,
        filter?.distributorId ? sql('e.distributorId = ?', idArg('Organization', filter.distributorId, 'filter.distributorId')) : null,
        filter?.type ? sql('e.type = ?', filter.type) : null,
        inForce,
        instantWindow('e.expiresAt', filter?.expiresAfter, filter?.expiresBefore, ['filter.expiresAfter', 'filter.expiresBefore']),
        filter?.statuses ? statusIn(ctx.now, nonEmpty(filter.statuses, 'filter.statuses')) : null,
        updatedSince(filter?.updatedSince),
      ],
    },
    page,
  );
}

/** Every term of inForceSql is true or false, never NULL, so NOT is its exact complement. */
function notSql(s: Sql): Sql {
  return { sql: `NOT (${s.sql})`, params: s.params };
}

/** contractStatusAt() (transfer-gate.ts) as a SQL expression on `e`: the status Contract.status shows at `now`. */
export function contractStatusSql(now: Date): Sql {
  return sql(
    "CASE WHEN e.status NOT IN ('SIGNED', 'TERMINATED') THEN e.status " +
      "WHEN e.status = 'TERMINATED' AND e.terminatedAt IS NULL THEN 'TERMINATED' " +
      "WHEN e.terminatedAt IS NOT NULL AND e.terminatedAt <= ? THEN 'TERMINATED' " +
      "WHEN e.signedAt IS NOT NULL AND ? < e.signedAt THEN 'DRAFT' ELSE 'SIGNED' END",
    now,
    now,
  );
}

function statusIn(now: Date, statuses: readonly ContractStatus[]): Sql {
  const status = contractStatusSql(now);
  return { sql: `(${status.sql}) IN (${statuses.map(() => '?').join(', ')})`, params: [...status.params, ...statuses] };
}
