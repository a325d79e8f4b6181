import { Column, ColumnOptions, PrimaryColumn } from 'typeorm';

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
