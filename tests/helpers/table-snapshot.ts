import { createHash } from 'node:crypto';
import { DataSource } from 'typeorm';
import { dialectOf } from '../../ormconfig';

/** The tables of the database (all of them, not only the entities'), sorted by name. */
export async function listTables(dataSource: DataSource): Promise<string[]> {
  const rows: Record<string, unknown>[] =
    dialectOf(dataSource) === 'sqlite'
      ? await dataSource.query(`SELECT name AS t FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`)
      : await dataSource.query(`SELECT TABLE_NAME AS t FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE = 'BASE TABLE'`);
  return rows.map((r) => String(r.t ?? r.T ?? Object.values(r)[0])).sort();
}

export async function countRows(dataSource: DataSource, table: string): Promise<number> {
  const [row] = await dataSource.query(`SELECT COUNT(*) AS n FROM \`${table}\``);
  return Number(row.n);
}

/**
 * Columns that record a use, not a write of the request: an API key's lastUsedAt is written after
 * any request it authenticates (at most once a minute), so "nothing written" leaves it out.
 */
const USE_RECORDS: Record<string, string[]> = { api_key: ['lastUsedAt'] };

/**
 * Every row of a table as JSON, in a stable order (by the rows' own text, so no key is needed).
 * `ignore` leaves columns out (updatedAt, when two databases written at different instants are compared).
 */
export async function tableRows(dataSource: DataSource, table: string, ignore: readonly string[] = []): Promise<string[]> {
  const rows: Record<string, unknown>[] = await dataSource.query(`SELECT * FROM \`${table}\``);
  const skip = USE_RECORDS[table] ?? [];
  return rows
    .map((r) =>
      JSON.stringify(
        Object.keys(r)
          .filter((k) => !skip.includes(k) && !ignore.includes(k))
          .sort()
          .map((k) => [k, r[k] instanceof Date ? r[k].toISOString() : r[k]]),
      ),
    )
    .sort();
}

/** table → { rows, sha256 of its rows }: a fingerprint of the whole database. */
export async function snapshot(dataSource: DataSource, ignore: readonly string[] = []): Promise<Record<string, { rows: number; sha256: string }>> {
  const out: Record<string, { rows: number; sha256: string }> = {};
  for (const table of await listTables(dataSource)) {
    const rows = await tableRows(dataSource, table, ignore);
    out[table] = { rows: rows.length, sha256: createHash('sha256').update(rows.join('\n')).digest('hex') };
  }
  return out;
}
