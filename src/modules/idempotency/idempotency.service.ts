import { createHash } from 'node:crypto';
import { getOperationAST, parse } from 'graphql';
import { DataSource } from 'typeorm';
import { newId } from '../../common/ids';
import { SecretBox } from '../../common/secret-box';
import { sqlDate } from '../../common/sql';
import { inTransaction } from '../../common/transaction';
import { Actor } from '../../context/actor';
import { IdempotencyRecord } from './idempotency-record.entity';

export const IDEMPOTENCY_WINDOW_MS = 24 * 3600 * 1000;
const KEY_RE = /^[\x21-\x7e]{1,255}$/;

export type IdempotencyStart =
  | { kind: 'not-applicable' }
  | { kind: 'invalid-key' }
  | { kind: 'replay'; status: number; body: unknown }
  | { kind: 'mismatch' }
  | { kind: 'in-progress' }
  | { kind: 'started'; recordId: string; onceOnly: boolean };

/**
 * Mutations whose answer is given once only: a new API key's secret, a data subject's export.
 * A retry learns that the first request was carried out, but not the answer again.
 */
const ONCE_ONLY_FIELDS = new Set(['createApiKey', 'exportPersonalData']);

/** Only mutations are made idempotent; a query is safe to repeat anyway. */
function mutationFields(body: unknown): string[] | null {
  const b = body as { query?: unknown; operationName?: unknown } | undefined;
  if (!b || typeof b.query !== 'string') return null;
  try {
    const op = getOperationAST(parse(b.query), typeof b.operationName === 'string' ? b.operationName : undefined);
    if (op?.operation !== 'mutation') return null;
    return op.selectionSet.selections.map((s) => (s.kind === 'Field' ? s.name.value : '…'));
  } catch {
    return null;
  }
}

function requestHash(body: unknown): string {
  const b = body as { query?: unknown; variables?: unknown; operationName?: unknown };
  return createHash('sha256').update(JSON.stringify([b.query, b.variables ?? null, b.operationName ?? null])).digest('hex');
}

/**
 * Claims the key for this request, or says what to answer instead: the stored first
 * response (a retry), a refusal (same key, other request), or "still running".
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
      return { kind: 'replay', status: existing.status, body: JSON.parse(secrets.open((existing.response as { sealed: string }).sealed)) };
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
    return mine && inserted ? { kind: 'started', recordId, onceOnly } : { kind: 'in-progress' };
  });
}

/**
 * Stores the first response, sealed (it may hold personal data: an export, a profile); a
 * server error frees the key instead, so that a retry acts.
 */
export async function finishIdempotent(dataSource: DataSource, secrets: SecretBox, recordId: string, status: number, body: string, onceOnly = false): Promise<void> {
  if (onceOnly && status < 500) {
    body = JSON.stringify({
      errors: [{ message: 'Idempotency-Key: this request was already carried out; its answer is given only once', extensions: { code: 'CONFLICT', field: 'Idempotency-Key' } }],
    });
  }
  await inTransaction(dataSource, async (manager) => {
    if (status >= 500) await manager.delete(IdempotencyRecord, { id: recordId });
    else await manager.update(IdempotencyRecord, { id: recordId }, { status, response: { sealed: secrets.seal(body) } });
  });
}

export async function abandonIdempotent(dataSource: DataSource, recordId: string): Promise<void> {
  await inTransaction(dataSource, (manager) => manager.delete(IdempotencyRecord, { id: recordId }));
}

/** Housekeeping: records older than the window are worthless. */
export async function purgeIdempotency(dataSource: DataSource, now: Date): Promise<void> {
  await dataSource.query('DELETE FROM `idempotency_record` WHERE createdAt < ?', [sqlDate(new Date(now.getTime() - IDEMPOTENCY_WINDOW_MS))]);
}
