import { GraphQLSchema } from 'graphql';
import { ErrorCode } from '../../common/errors';
import { PersistedQueryStore, resolveOperationSource } from '../persisted-queries';
import { checkQuery } from '../query-limits';
import { RateLimiter } from '../rate-limit';
import { Exchange, refusal } from './exchange';

export interface LimitsDeps {
  schema: GraphQLSchema;
  persistedQueries: PersistedQueryStore;
  /** The whole rate-limit budget of a window, and its length (for the message). */
  budget: number;
  windowSeconds: number;
}

/**
 * limits: the static query limits, measured on the document that executes (the request's text,
 * or the one registered under its APQ hash: Apollo is then given exactly that text), and the
 * request's cost in rate-limit points. A request over a limit is refused by the rate stage,
 * once charged: every request of an actor costs at least 1 point, the refused ones too.
 */
export function limits(deps: LimitsDeps) {
  return function limits(x: Exchange): undefined {
    const source = resolveOperationSource(x.params, deps.persistedQueries);
    const check = checkQuery(deps.schema, source.kind === 'text' ? { ...x.params, query: source.query } : x.params);
    const cost = check.kind === 'ok' ? RateLimiter.cost(check.operation, check.nodeEstimate) : 1;
    x.source = source;
    x.check = check;
    x.cost = cost;
    if (check.kind === 'rejected') {
      x.overLimits = refusal(400, ErrorCode.QUERY_TOO_COMPLEX, check.message, { limit: check.limit, max: check.max, actual: check.actual });
    } else if (cost > deps.budget) {
      // A cost above the whole budget can never be paid: a limit of the query, not a wait.
      const message = `query cost of ${cost} points exceeds the whole rate-limit budget of ${deps.budget} points per ${deps.windowSeconds} s; ask for less (fewer or smaller pages)`;
      x.overLimits = refusal(400, ErrorCode.QUERY_TOO_COMPLEX, message, { limit: 'maxCost', max: deps.budget, actual: cost });
    } else if (check.kind === 'ok' && source.kind === 'text') {
      x.outcome.operation = check.operation;
      x.context!.measured = { source: source.query, operationName: check.operationName };
    }
    return undefined;
  };
}
