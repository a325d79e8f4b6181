import { HubConfig } from '../../config';
import { Admission } from '../admission';
import { AnswerBound } from '../answer-bound';
import { abandon, IdempotencyDeps } from './idempotency';
import { Exchange, Refusal, refusal } from './exchange';

export interface AdmitDeps extends IdempotencyDeps {
  config: Pick<HubConfig, 'executionTimeoutMs' | 'maxResolvedFields'>;
  admission: Pick<Admission, 'acquire'>;
}

/** The answer to a request stopped at its time limit (waiting for a turn, or executing). */
export const timeout = (x: Exchange, ms: number): Refusal => refusal(503, 'TIMEOUT', `the request took longer than ${ms} ms and was stopped (request ${x.requestId})`);

/**
 * admit: the time limit starts, then the request waits its turn among the operations executing
 * at once (MAX_CONCURRENT_OPERATIONS). A request that waited too long is a TIMEOUT, like one
 * that executed too long: to the client both took too long. The time limit's AbortController
 * stops the SQL behind the request; the answer's size is bounded (MAX_RESOLVED_FIELDS).
 */
export function admit(deps: AdmitDeps) {
  const { executionTimeoutMs } = deps.config;
  return async function admit(x: Exchange): Promise<Refusal | undefined> {
    const context = x.context!;
    const abort = new AbortController();
    x.abort = abort;
    context.signal = abort.signal;
    context.answerBound = new AnswerBound(deps.config.maxResolvedFields);
    // The embedded database (better-sqlite3) answers synchronously: an execution that never waits
    // never lets the timer below fire, so the SQL also reads the clock before each statement.
    const deadline = Date.now() + executionTimeoutMs;
    context.sql.signal = {
      get aborted() {
        if (!abort.signal.aborted && Date.now() >= deadline) abort.abort();
        return abort.signal.aborted;
      },
    } as AbortSignal;
    let timer: NodeJS.Timeout | undefined;
    x.timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => {
        abort.abort();
        resolve('timeout');
      }, executionTimeoutMs);
    });
    x.stopTimer = () => clearTimeout(timer);
    const release = await deps.admission.acquire(abort.signal);
    if (!release) {
      x.stopTimer();
      await abandon(deps, x);
      return timeout(x, executionTimeoutMs);
    }
    x.release = release;
    return undefined;
  };
}
