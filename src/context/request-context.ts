import { DataSource } from 'typeorm';
import { HubConfig } from '../config';
import { SecretBox } from '../common/secret-box';
import { SqlRunner } from '../common/sql';
import { Actor } from './actor';
import { Loaders } from './loaders';
import { AuditReads } from '../policy/audit-reads';
import type { IdempotentRun } from '../modules/idempotency/mutation-outcome';
import type { AnswerBound } from '../http/answer-bound';

/** The rate limit's decision for one request (Query.rateLimit, extensions.cost; src/http/stages/rate.ts). */
export interface RateStatus {
  /** The points this request cost (0 when it was refused for the rate limit itself). */
  cost: number;
  /** The budget of a window (RATE_LIMIT_POINTS). */
  limit: number;
  /** What is left of the budget after this request. */
  remaining: number;
  /** When the window ends and the budget is whole again. */
  resetAt: Date;
}

/** Who sees as whom, at which instant, and why (RequestContext.seeAs). */
export interface SeeAs {
  /** The VENDOR_ADMIN who looks. */
  by: Actor;
  /** The organization seen as, and its admin user whose actor the request runs with. */
  organizationId: string;
  userId: string;
  /** The instant seen (the request's `now`). */
  at: Date;
  /** Why, as the admin said it (See-As-Purpose). */
  purpose: string;
  /** The real instant of the request (the audit's `at`). */
  realNow: Date;
}

/** Everything a service needs about one request; passed first to every service function. */
export interface RequestContext {
  /** The hub's id of the request: the response's x-request-id and the audit's requestId. */
  requestId: string;
  /** The x-request-id the client sent (when sane), kept beside the hub's in the audit and logs. */
  clientRequestId?: string | null;
  /** The request's instant: every time-dependent rule reads this, never the system clock. */
  now: Date;
  actor: Actor;
  config: HubConfig;
  dataSource: DataSource;
  sql: SqlRunner;
  secrets: SecretBox;
  loaders: Loaders;
  /** Aborted when the request runs out of time: the SQL behind it stops. */
  signal?: AbortSignal;
  /**
   * What the answer said, filled in as it is sent: its error codes and how often each occurs.
   * An object of its own because Apollo runs the operation on a shallow copy of the context.
   */
  answer: { errorCodes?: Map<string, number> };
  /**
   * The operation the static limits measured (its text and name): Apollo executes that one or
   * none (src/server.ts). Set by the HTTP pipeline; absent, nothing executes.
   */
  measured?: { source: string; operationName: string | null };
  /** The count of the answer's resolved fields against MAX_RESOLVED_FIELDS (src/http/answer-bound.ts). */
  answerBound?: AnswerBound;
  /** Reads of personal data in this request, written in one batch when it ends. */
  auditReads: AuditReads;
  /** Set on a mutation sent with an Idempotency-Key: its outcome is recorded, or, on a retry, replayed. */
  idempotency?: IdempotentRun;
  /** Set by the rate stage before execution: what this request cost and what is left (Query.rateLimit). */
  rateStatus?: RateStatus;
  /**
   * Set when a VENDOR_ADMIN sees as another organization (See-As, src/http/stages/see-as.ts):
   * `actor` and `now` are then that organization's admin and the instant; this says who looks,
   * when they really do, and why (the audit of reads records `by`).
   */
  seeAs?: SeeAs;
  /** Per-request memo for decisions that must be made once per request and never cached longer. */
  once<T>(key: string, compute: () => Promise<T>): Promise<T>;
}

export function createRequestContext(parts: Omit<RequestContext, 'loaders' | 'sql' | 'once' | 'auditReads' | 'answer'> & { sql?: SqlRunner }): RequestContext {
  const sql = parts.sql ?? new SqlRunner(parts.dataSource);
  const memo = new Map<string, Promise<unknown>>();
  const once = <T>(key: string, compute: () => Promise<T>): Promise<T> => {
    let p = memo.get(key) as Promise<T> | undefined;
    if (!p) {
      p = compute();
      memo.set(key, p);
    }
    return p;
  };
  return { ...parts, sql, loaders: new Loaders(sql), once, auditReads: new AuditReads(), answer: {} };
}
