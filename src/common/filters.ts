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
