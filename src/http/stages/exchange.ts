import { IncomingHttpHeaders } from 'node:http';
import { HTTPGraphQLResponse } from '@apollo/server';
import { RateStatus, RequestContext } from '../../context/request-context';
import { IdempotencyStart } from '../../modules/idempotency/idempotency.service';
import { OperationSource } from '../persisted-queries';
import { GraphQLParams, QueryCheck } from '../query-limits';

/** What one /graphql request did, for the log line and the metrics. */
export interface Outcome {
  status: number;
  operation?: string;
  operationName?: string;
  actorId?: string;
  /** The distinct error codes of the answer, in order of first appearance. */
  codes?: string[];
  /** How many errors of each code. */
  codeCounts?: Map<string, number>;
}

/**
 * One /graphql request on its way through the stages (src/http/graphql-route.ts): what the
 * request said, what each stage found out, and the headers every answer carries. Each stage
 * reads what the stages before it left here and adds its own part.
 */
export interface Exchange {
  /** The hub's own id of the request (x-request-id, audit, logs). */
  readonly requestId: string;
  /** The client's own x-request-id, when it is a sane one; logged beside ours. */
  readonly clientRequestId: string | null;
  readonly method: string;
  readonly headers: IncomingHttpHeaders;
  /** The query string, with its `?` (or ''). */
  readonly search: string;
  /** The client's address (the proxy's X-Forwarded-For under TRUST_PROXY). */
  readonly address: string;
  /** The body as text, when there was one (POST). */
  readonly rawBody: string | undefined;

  // parse
  params: GraphQLParams;
  /** The body as the client sent it (parsed JSON, or the text Apollo's CSRF check refuses). */
  body?: unknown;
  // authenticate
  now?: Date;
  context?: RequestContext;
  // limits
  source?: OperationSource;
  check?: QueryCheck;
  /** The points the request costs (rate). */
  cost?: number;
  /** The limits' refusal, given once the rate stage has charged for it (a refused request costs a point too). */
  overLimits?: Refusal;
  // idempotency
  idempotency?: IdempotencyStart;
  // admit
  abort?: AbortController;
  /** Resolves 'timeout' when the time limit is reached (set by admit). */
  timedOut?: Promise<'timeout'>;
  /** Stops the time limit's timer. */
  stopTimer?: () => void;
  release?: () => void;
  // execute
  execution?: Promise<HTTPGraphQLResponse>;
  result?: HTTPGraphQLResponse;

  // rate
  /** What the rate limit decided for this request (extensions.cost, Query.rateLimit). */
  rateStatus?: RateStatus;

  /** A stage refused: the answer is on its way, no stage runs after it. */
  answered?: boolean;
  /** Headers every answer of this request carries (rate limit, replay, retry-after). */
  readonly responseHeaders: Record<string, string>;
  readonly outcome: Outcome;
}

/**
 * A stage's "no": the request is answered with this coded error and goes no further. (Or, for
 * an Idempotency-Key whose answer was given already, with `stored`: that answer as it was.)
 */
export interface Refusal {
  status: number;
  code: string;
  message: string;
  extensions?: Record<string, unknown>;
  stored?: unknown;
}

/** A stage: refuses (the answer), or returns nothing and the request goes on. */
export type Stage = (exchange: Exchange) => Promise<Refusal | undefined> | Refusal | undefined;

export const refusal = (status: number, code: string, message: string, extensions?: Record<string, unknown>): Refusal => ({ status, code, message, extensions });

/** A refusal in GraphQL's response shape; with the request's cost once the rate limit has decided it (extensions.cost). */
export function refusalBody(r: Refusal, rateStatus?: RateStatus): string {
  if (r.stored !== undefined) return JSON.stringify(r.stored);
  const errors = [{ message: r.message, extensions: { code: r.code, ...r.extensions } }];
  return JSON.stringify(rateStatus ? { errors, extensions: { cost: costExtension(rateStatus) } } : { errors });
}

/** extensions.cost of an answer: the points this request cost, the budget, what is left of it and when it is whole again. */
export function costExtension(status: RateStatus): { requestedQueryCost: number; limit: number; remaining: number; resetAt: string } {
  return { requestedQueryCost: status.cost, limit: status.limit, remaining: status.remaining, resetAt: status.resetAt.toISOString() };
}

/** A new exchange for a request (what the request said; the stages fill in the rest). */
export function newExchange(parts: Pick<Exchange, 'requestId' | 'clientRequestId' | 'method' | 'headers' | 'search' | 'address' | 'rawBody'>): Exchange {
  return { ...parts, params: {}, responseHeaders: {}, outcome: { status: 200 } };
}
