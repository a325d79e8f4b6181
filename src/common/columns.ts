import { Column, ColumnOptions, DataSource, PrimaryColumn } from 'typeorm';

/**
 * Column helpers that give every column an explicit type (no reflected metadata needed)
 * and that map the same way on MySQL/MariaDB and on the embedded SQLite database.
 */
export const IdColumn = () => PrimaryColumn({ type: 'varchar', length: 36 });
export const RefColumn = (opts: ColumnOptions = {}) => Column({ type: 'varchar', length: 36, ...opts });
export const TextColumn = (length: number, opts: ColumnOptions = {}) => Column({ type: 'varchar', length, ...opts });
/** Timestamps in UTC with millisecond precision. */
export const TimeColumn = (opts: ColumnOptions = {}) => Column({ type: 'datetime', precision: 3, ...opts });
export const IntColumn = (opts: ColumnOptions = {}) => Column({ type: 'int', ...opts });
/** A short list of codes (ISO countries, scopes, field names), stored comma-separated. */
export const ListColumn = (opts: ColumnOptions = {}) => Column({ type: 'simple-array', ...opts });

/** The database's clock in milliseconds, UTC, in each dialect's SQL. */
export const MYSQL_NOW = 'CURRENT_TIMESTAMP(3)';
export const SQLITE_NOW = "strftime('%Y-%m-%d %H:%M:%f','now')";

/**
 * `updatedAt`: set by the database on every insert and every update, whatever path wrote the
 * row (TypeORM, raw SQL, a migration): MySQL's DEFAULT … ON UPDATE, SQLite's default and
 * AFTER UPDATE triggers (migration 1765000000000). The hub never writes it (insert and update
 * false), so no application clock can overwrite the database's. The default is MySQL's
 * spelling; useDialectClock() gives an embedded DataSource SQLite's.
 */
export const UpdatedAtColumn = () => Column({ type: 'datetime', precision: 3, default: () => MYSQL_NOW, onUpdate: MYSQL_NOW, insert: false, update: false });

/** On the embedded database, the updatedAt columns' default is SQLite's clock (their metadata is per DataSource). */
export function useDialectClock(dataSource: DataSource): void {
  if (dataSource.options.type !== 'better-sqlite3' && dataSource.options.type !== 'sqlite') return;
  for (const meta of dataSource.entityMetadatas) {
    for (const column of meta.columns) if (column.onUpdate === MYSQL_NOW) column.default = () => SQLITE_NOW;
  }
}
