import { PageArgs } from '../../common/pagination';
import { idArg, updatedSince } from '../../common/filters';
import { ListQuery, sql, sqlAnd } from '../../common/sql';
import { listPage } from '../../context/loaders';
import { Computer } from '../computer/computer.entity';
import { RequestContext } from '../../context/request-context';
import { BY_ID, reachable, rowScopeAs, ScopeShape } from '../../policy/reachable';
import { Activation } from './activation.entity';
import { ActivationFilter } from './activation.inputs';

/**
 * Every activation row brings its computer (a companion), under the computer's own row scope.
 * `row`: the scope tests each row (by id, the pages of given licenses or computers); `set` for
 * the root list (see ScopeShape).
 */
export function activationQuery(ctx: RequestContext, shape: ScopeShape = 'set'): ListQuery<Activation> {
  return {
    ...reachable(ctx, Activation, BY_ID, shape),
    companions: [{ key: COMPUTER, entity: Computer, on: (row, alias) => sqlAnd([sql(`${alias}.id = ${row}.computerId`), rowScopeAs(ctx.actor, Computer, alias)]) }],
  };
}

export const COMPUTER = 'computer';

export function activationById(ctx: RequestContext) {
  return ctx.loaders.byId(Activation, () => activationQuery(ctx, 'row'));
}

export function activationsOfLicense(ctx: RequestContext, licenseId: string, page: PageArgs) {
  return ctx.loaders.pageOf('License.activations', () => activationQuery(ctx, 'row'), 'e.licenseId', licenseId, page);
}

export function activationsOfComputer(ctx: RequestContext, computerId: string, page: PageArgs) {
  return ctx.loaders.pageOf('Computer.activations', () => activationQuery(ctx, 'row'), 'e.computerId', computerId, page);
}

/**
 * The root list: the activations the viewer reaches, each with its computer (a companion under
 * the computer's own row scope), narrowed by the filter. One statement per page.
 */
export function listActivations(ctx: RequestContext, filter: ActivationFilter | null | undefined, page: PageArgs) {
  const base = activationQuery(ctx);
  const where = [
    ...base.where,
    filter?.customerId ? sql('e.computerId IN (SELECT cf.id FROM `computer` cf WHERE cf.organizationId = ?)', idArg('Organization', filter.customerId, 'filter.customerId')) : null,
    filter?.licenseId ? sql('e.licenseId = ?', idArg('License', filter.licenseId, 'filter.licenseId')) : null,
    filter?.computerId ? sql('e.computerId = ?', idArg('Computer', filter.computerId, 'filter.computerId')) : null,
    filter?.active == null ? null : sql(filter.active ? 'e.deactivatedAt IS NULL' : 'e.deactivatedAt IS NOT NULL'),
    updatedSince(filter?.updatedSince),
  ];
  return listPage(ctx.sql, { ...base, where }, page);
}
