import { PageArgs } from '../../common/pagination';
import { ListQuery, sql, sqlAnd } from '../../common/sql';
import { Computer } from '../computer/computer.entity';
import { RequestContext } from '../../context/request-context';
import { reachable, rowScopeAs } from '../../policy/reachable';
import { Activation } from './activation.entity';

/** Every activation row brings its computer (a companion), under the computer's own row scope. */
export function activationQuery(ctx: RequestContext): ListQuery<Activation> {
  return {
    ...reachable(ctx, Activation),
    companions: [{ key: COMPUTER, entity: Computer, on: (row, alias) => sqlAnd([sql(`${alias}.id = ${row}.computerId`), rowScopeAs(ctx.actor, Computer, alias)]) }],
  };
}

export const COMPUTER = 'computer';

export function activationById(ctx: RequestContext) {
  return ctx.loaders.byId(Activation, () => activationQuery(ctx));
}

export function activationsOfLicense(ctx: RequestContext, licenseId: string, page: PageArgs) {
  return ctx.loaders.pageOf('License.activations', () => activationQuery(ctx), 'e.licenseId', licenseId, page);
}

export function activationsOfComputer(ctx: RequestContext, computerId: string, page: PageArgs) {
  return ctx.loaders.pageOf('Computer.activations', () => activationQuery(ctx), 'e.computerId', computerId, page);
}
