import { createHash } from 'node:crypto';
import { getOperationAST, Kind, OperationTypeNode, parse } from 'graphql';
import { DataSource, EntityManager } from 'typeorm';
import { ActorType, UserStatus } from '../../common/enums';
import { newId } from '../../common/ids';
import { SecretBox } from '../../common/secret-box';
import { sqlDate, sqlIn } from '../../common/sql';
import { inTransaction } from '../../common/transaction';
import { Actor } from '../../context/actor';
import { IdempotencyRecord } from './idempotency-record.entity';
import { IdempotentRun, StoredOutcome } from './mutation-outcome';

export const IDEMPOTENCY_WINDOW_MS = 24 * 3600 * 1000;
const KEY_RE = /^[\x21-\x7e]{1,255}$/;

export type IdempotencyStart =
  | { kind: 'not-applicable' }
  | { kind: 'invalid-key' }
  /** Carried out, and its answer is not given again: answer this instead of executing. */
  | { kind: 'answered'; status: number; body: unknown }
  /** A retry: execute the same request again, with the stored outcome in place of the resolvers. */
  | { kind: 'replay'; run: IdempotentRun }
  | { kind: 'mismatch' }
  | { kind: 'in-progress' }
  | { kind: 'started'; recordId: string; onceOnly: boolean; run: IdempotentRun };

const CARRIED_OUT = {
  errors: [{ message: 'Idempotency-Key: this request was already carried out; its answer is given only once', extensions: { code: 'CONFLICT', field: 'Idempotency-Key' } }],
};

/**
 * Mutations whose answer is given once only: a new API key's or webhook secret, a data subject's export.
 * A retry learns that the first request was carried out, but not the answer again.
 */
const ONCE_ONLY_FIELDS = new Set(['createApiKey', 'createWebhookEndpoint', 'rotateWebhookSecret', 'exportPersonalData']);

/** Only mutations are made idempotent; a query is safe to repeat anyway. */
function mutationFields(body: unknown): string[] | null {
  const b = body as { query?: unknown; operationName?: unknown } | undefined;
  if (!b || typeof b.query !== 'string') return null;
  try {
    const op = getOperationAST(parse(b.query), typeof b.operationName === 'string' ? b.operationName : undefined);
    if (op?.operation !== OperationTypeNode.MUTATION) return null;
    return op.selectionSet.selections.map((s) => (s.kind === Kind.FIELD ? s.name.value : '…'));
  } catch {
    return null;
  }
}

/** What makes two requests the same: the document, the variables and the operation name. */
export function requestHash(body: unknown): string {
  const b = body as { query?: unknown; variables?: unknown; operationName?: unknown };
  return createHash('sha256')
    .update(JSON.stringify([b.query, b.variables ?? null, b.operationName ?? null]))
    .digest('hex');
}

/**
 * Claims the key for this request, or says what to do instead: replay the stored outcome (a
 * retry), answer "carried out" (a once-only answer), refuse (same key, other request), or
 * answer "still running".
 */
export async function startIdempotent(dataSource: DataSource, secrets: SecretBox, actor: Actor, key: string | undefined, body: unknown, now: Date): Promise<IdempotencyStart> {
  const fields = key === undefined ? null : mutationFields(body);
  if (key === undefined || !fields) return { kind: 'not-applicable' };
  const onceOnly = fields.some((f) => ONCE_ONLY_FIELDS.has(f) || f === '…');
  if (!KEY_RE.test(key)) return { kind: 'invalid-key' };
  const actorKey = `${actor.type}:${actor.id}`;
  const hash = requestHash(body);
  return inTransaction(dataSource, async (manager) => {
    const existing = await manager.findOneBy(IdempotencyRecord, { actorKey, idempotencyKey: key });
    if (existing && existing.createdAt.getTime() > now.getTime() - IDEMPOTENCY_WINDOW_MS) {
      if (existing.requestHash !== hash) return { kind: 'mismatch' };
      if (existing.status === null) return { kind: 'in-progress' };
      const sealed = existing.outcome?.sealed;
      if (!sealed) return { kind: 'answered', status: existing.status, body: CARRIED_OUT };
      return { kind: 'replay', run: new IdempotentRun(JSON.parse(secrets.open(sealed)) as StoredOutcome) };
    }
    if (existing) await manager.delete(IdempotencyRecord, { id: existing.id });
    const recordId = newId(now);
    const inserted = await manager
      .createQueryBuilder()
      .insert()
      .into(IdempotencyRecord)
      .values({ id: recordId, actorKey, idempotencyKey: key, requestHash: hash, status: null, createdAt: now })
      .orIgnore()
      .execute();
    // Another request claimed the key between our read and our insert.
    const mine = await manager.findOneBy(IdempotencyRecord, { id: recordId });
    return mine && inserted ? { kind: 'started', recordId, onceOnly, run: new IdempotentRun() } : { kind: 'in-progress' };
  });
}

/**
 * Stores what the first request did (sealed: error messages and the ids of what it touched),
 * never its rendered answer; a server error frees the key instead, so that a retry acts. A
 * once-only answer, or an outcome naming a person who has withdrawn consent or been erased
 * meanwhile, is kept only as "carried out".
 */
export async function finishIdempotent(dataSource: DataSource, secrets: SecretBox, recordId: string, status: number, run: IdempotentRun, onceOnly = false): Promise<void> {
  await inTransaction(dataSource, async (manager) => {
    if (status >= 500) {
      await manager.delete(IdempotencyRecord, { id: recordId });
      return;
    }
    const subjects = [...run.subjects];
    const kept = !onceOnly && !(await anyoneGone(manager, subjects));
    await manager.update(
      IdempotencyRecord,
      { id: recordId },
      { status, outcome: kept ? { sealed: secrets.seal(JSON.stringify(run.recorded)) } : null, subjects: subjects.length ? `,${subjects.join(',')},` : null },
    );
  });
}

async function anyoneGone(manager: EntityManager, ids: string[]): Promise<boolean> {
  if (!ids.length) return false;
  const among = sqlIn('id', ids);
  const rows: { n: unknown }[] = await manager.query(`SELECT COUNT(*) AS n FROM \`portal_user\` WHERE ${among.sql} AND status IN (?, ?)`, [...among.params, UserStatus.WITHDRAWN, UserStatus.ERASED]);
  return Number(rows[0].n) > 0;
}

export async function abandonIdempotent(dataSource: DataSource, recordId: string): Promise<void> {
  await inTransaction(dataSource, (manager) => manager.delete(IdempotencyRecord, { id: recordId }));
}

/** Housekeeping: records older than the window are worthless; they go (the retention job and the hub's timer). */
export async function purgeIdempotency(manager: EntityManager, now: Date): Promise<number> {
  const result = await manager
    .createQueryBuilder()
    .delete()
    .from(IdempotencyRecord)
    .where('createdAt < :before', { before: sqlDate(new Date(now.getTime() - IDEMPOTENCY_WINDOW_MS)) })
    .execute();
  return result.affected ?? 0;
}

/**
 * GDPR Art. 7(3) and 17: a person's withdrawal or erasure (and a computer's erasure) deletes every
 * record of their own requests and every record whose outcome names them, in the caller's transaction.
 */
export async function forgetIdempotencyAbout(manager: EntityManager, ids: string[]): Promise<number> {
  let deleted = 0;
  for (let i = 0; i < ids.length; i += 100) {
    const chunk = ids.slice(i, i + 100);
    const qb = manager
      .createQueryBuilder()
      .delete()
      .from(IdempotencyRecord)
      .where('actorKey IN (:...actors)', { actors: chunk.map((id) => `${ActorType.USER}:${id}`) });
    chunk.forEach((id, j) => qb.orWhere(`subjects LIKE :s${j}`, { [`s${j}`]: `%,${id},%` }));
    deleted += (await qb.execute()).affected ?? 0;
  }
  return deleted;
}
