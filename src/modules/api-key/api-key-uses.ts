import { DataSource } from 'typeorm';
import { sqlDate } from '../../common/sql';

/** At most one write of ApiKey.lastUsedAt per key and this interval (per process, and guarded in SQL for every process). */
export const KEY_USE_INTERVAL_MS = 60_000;

/** Where a failed write is reported: the key's id and the error's message, never the secret (it is not known here). */
export type KeyUseErrorSink = (failure: { apiKeyId: string; err: string }) => void;

/**
 * Records that an API key was used (ApiKey.lastUsedAt), off the request's path: `record` starts
 * the write and returns at once; the request never waits for it and never fails because of it.
 * A key is written at most once a minute per process (the last write remembered here), and the
 * UPDATE itself only moves lastUsedAt forward by at least a minute, so several processes do
 * not write more than that either. The instant is the request's clock (ctx.now).
 */
export class KeyUses {
  /** Key id → the instant (ms) last written or being written by this process. */
  private readonly written = new Map<string, number>();
  private readonly pending = new Set<Promise<void>>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly onError: KeyUseErrorSink,
  ) {}

  /** A use of the key at `now`; `lastUsedAt` as the authentication read it. Never throws, never awaited. */
  record(apiKeyId: string, lastUsedAt: Date | null, now: Date): void {
    const at = now.getTime();
    const known = Math.max(lastUsedAt?.getTime() ?? -Infinity, this.written.get(apiKeyId) ?? -Infinity);
    if (at - known < KEY_USE_INTERVAL_MS) return;
    if (this.written.size >= 10_000) this.written.clear(); // a bound on memory; the SQL guard still holds
    this.written.set(apiKeyId, at);
    const write = this.write(apiKeyId, now)
      .catch((e: unknown) => {
        this.written.delete(apiKeyId);
        this.onError({ apiKeyId, err: e instanceof Error ? e.message : String(e) });
      })
      .finally(() => this.pending.delete(write));
    this.pending.add(write);
  }

  /** Resolves when the writes started so far have ended (shutdown, tests). */
  async settled(): Promise<void> {
    await Promise.all([...this.pending]);
  }

  private async write(apiKeyId: string, now: Date): Promise<void> {
    const at = sqlDate(now);
    const before = sqlDate(new Date(now.getTime() - KEY_USE_INTERVAL_MS + 1));
    // Only forward, and only by a minute or more: concurrent processes write a key once a minute at most.
    await this.dataSource.query('UPDATE `api_key` SET lastUsedAt = ? WHERE id = ? AND (lastUsedAt IS NULL OR lastUsedAt < ?)', [at, apiKeyId, before]);
  }
}
