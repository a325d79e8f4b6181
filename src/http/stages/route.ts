import type { ReplicaSet } from '../../common/replicas';
import { Exchange } from './exchange';

export interface RouteDeps {
  /** The read replicas (DATABASE_REPLICA_URLS); absent: every read goes to the primary. */
  replicas?: ReplicaSet;
}

/**
 * route: where the request's reads go. A query operation's list and loader reads go to a
 * replica, one per request (round-robin over the usable ones, else the primary, counted as
 * such: src/common/replicas.ts); a
 * mutation, its payload and everything else read from the primary. The operation is the one
 * the limits stage measured (the one Apollo executes); the policy's inputs (authentication,
 * the transfer gate's contracts and facts, the viewer's relations) come from the primary
 * whatever this decides (docs/deployment-replicas.md).
 */
export function route(deps: RouteDeps) {
  return function route(x: Exchange): undefined {
    if (!deps.replicas || !x.context || x.check?.kind !== 'ok' || x.check.operation !== 'query') return undefined;
    x.context.sql.replica = deps.replicas.forRequest();
    return undefined;
  };
}
