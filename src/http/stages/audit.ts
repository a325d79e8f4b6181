import { ErrorCode } from '../../common/errors';
import { Logger } from '../../observability/logger';
import { HubMetrics } from '../../observability/metrics';
import { abandon, IdempotencyDeps } from './idempotency';
import { Exchange, Refusal, refusal } from './exchange';

export interface AuditDeps extends IdempotencyDeps {
  metrics: Pick<HubMetrics, 'gateDenials'>;
  logger: Logger;
}

/**
 * audit: the reads of personal data the answer holds are recorded before the data leaves: no
 * record, no answer (500, and the Idempotency-Key is freed).
 */
export function audit(deps: AuditDeps) {
  return async function audit(x: Exchange): Promise<Refusal | undefined> {
    const context = x.context!;
    try {
      deps.metrics.gateDenials.inc(context.auditReads.deniedCount);
      await context.auditReads.flush(context);
      return undefined;
    } catch (e) {
      deps.logger.error({ requestId: x.requestId, err: (e as Error).message }, 'audit write failed');
      await abandon(deps, x);
      return refusal(500, ErrorCode.INTERNAL_SERVER_ERROR, `Internal server error (request ${x.requestId})`);
    }
  };
}
