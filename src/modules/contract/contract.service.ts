import { ContractStatus } from '../../common/enums';
import { idArg } from '../../common/filters';
import { PageArgs } from '../../common/pagination';
import { ListQuery, Sql, sql } from '../../common/sql';
import { listPage } from '../../context/loaders';
import { RequestContext } from '../../context/request-context';
import { reachable } from '../../policy/reachable';
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
 * "In force" as SQL for the filter. It must say what contractInForce() in the transfer gate
 * says; a test checks both on every seed contract.
 */
function inForceSql(now: Date): Sql {
  return sql(
    'e.status = ? AND e.signedAt IS NOT NULL AND e.effectiveFrom <= ? AND (e.expiresAt IS NULL OR e.expiresAt > ?) AND (e.terminatedAt IS NULL OR e.terminatedAt > ?)',
    ContractStatus.SIGNED,
    now,
    now,
    now,
  );
}

export function listContracts(ctx: RequestContext, filter: ContractFilter | null | undefined, page: PageArgs) {
  const base = contractQuery(ctx);
  const inForce = filter?.inForce == null ? null : filter.inForce ? inForceSql(ctx.now) : notSql(inForceSql(ctx.now));
  return listPage(
    ctx.sql,
    {
      ...base,
      where: [
        ...base.where,
        filter?.distributorId ? sql('e.distributorId = ?', idArg('Organization', filter.distributorId, 'filter.distributorId')) : null,
        filter?.type ? sql('e.type = ?', filter.type) : null,
        inForce,
      ],
    },
    page,
  );
}

function notSql(s: Sql): Sql {
  return { sql: `NOT (${s.sql})`, params: s.params };
}
