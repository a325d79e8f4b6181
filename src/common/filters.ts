import { badInput } from './errors';
import { fromGlobalIdOf, NodeType } from './global-id';
import { organizationNameKey } from '../modules/organization/organization.entity';
import { Sql, sql } from './sql';

/** Decodes a global id given in an argument; names the argument when it is not an id of that type. */
export function idArg(type: NodeType, value: string, field: string): string {
  const id = fromGlobalIdOf(type, value);
  if (!id) throw badInput({ field, message: `is not a ${type} id` });
  return id;
}

/**
 * Substring match on the folded name (nameKey): case- and accent-insensitive, the same on
 * both databases; % and _ in the term match themselves.
 */
export function nameSearch(term: string | null | undefined): Sql | null {
  if (term == null) return null;
  if (term.length > 200) throw badInput({ field: 'search', message: 'must be at most 200 characters' });
  const escaped = organizationNameKey(term).replace(/[!%_]/g, (c) => `!${c}`);
  return sql(`e.nameKey LIKE ? ESCAPE '!'`, `%${escaped}%`);
}

/** A list of global ids given in a filter: 1..100 of them, each of that type; names the field otherwise. */
export function idListArg(type: NodeType, values: readonly string[], field: string): string[] {
  if (values.length === 0 || values.length > 100) throw badInput({ field, message: 'must name 1 to 100 ids' });
  return values.map((v) => idArg(type, v, field));
}

/** A list of enum values given in a filter: at least one (an empty list would silently match nothing). */
export function nonEmpty<T>(values: readonly T[], field: string): readonly T[] {
  if (values.length === 0) throw badInput({ field, message: 'must name at least one value' });
  return values;
}

/**
 * `column` strictly after `after` and strictly before `before` (each optional): a window of
 * instants; a window whose end is not after its start is refused, naming its end.
 */
export function instantWindow(column: string, after: Date | null | undefined, before: Date | null | undefined, fields: [string, string]): Sql | null {
  if (after && before && before.getTime() <= after.getTime()) throw badInput({ field: fields[1], message: `must be later than ${fields[0]}` });
  const bounds = [after ? sql(`${column} > ?`, after) : null, before ? sql(`${column} < ?`, before) : null].filter((b): b is Sql => !!b);
  if (!bounds.length) return null;
  return { sql: [`${column} IS NOT NULL`, ...bounds.map((b) => b.sql)].join(' AND '), params: bounds.flatMap((b) => b.params) };
}

/**
 * updatedSince: rows whose updatedAt (set by the database on every write) is at or after the
 * instant, to the millisecond. Inclusive on purpose: a sync asks again from the greatest
 * updatedAt it has seen, gets the rows of that millisecond again, and deduplicates by id.
 */
export function updatedSince(since: Date | null | undefined): Sql | null {
  return since ? sql('e.updatedAt >= ?', since) : null;
}

/** The description every updatedSince filter field and argument carries. */
export const UPDATED_SINCE = 'Only rows whose updatedAt is at or after this instant (inclusive, milliseconds): incremental sync, see docs/api.md "Sync".';
