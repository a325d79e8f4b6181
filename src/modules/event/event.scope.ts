import { OrganizationKind } from '../../common/enums';
import { Sql, sql } from '../../common/sql';
import { Actor } from '../../context/actor';
import { hasScope } from '../../policy/reachable';
import { EventType, scopeOfEventType } from './event-type';

/**
 * The rows of the event feed an actor reaches: the vendor every event, a distributor or a
 * customer the events whose audience (fixed when the event happened) names it; an API key only
 * the categories its scopes name (licenses:read, contracts:read, customers:read). Registered in
 * rowScope() (src/policy/reachable.ts).
 */
export function eventScope(actor: Actor): Sql | null {
  const types = Object.values(EventType).filter((t) => hasScope(actor, scopeOfEventType(t)));
  if (!types.length) return sql('1 = 0');
  const typed = types.length === Object.values(EventType).length ? null : sql(`e.type IN (${types.map(() => '?').join(', ')})`, ...types);
  let audience: Sql | null;
  if (actor.organizationKind === OrganizationKind.VENDOR) audience = null;
  else if (actor.organizationKind === OrganizationKind.DISTRIBUTOR) audience = sql('e.distributorId = ?', actor.organizationId);
  else audience = sql('e.customerId = ?', actor.organizationId);
  if (!typed) return audience;
  if (!audience) return typed;
  return { sql: `(${audience.sql}) AND (${typed.sql})`, params: [...audience.params, ...typed.params] };
}
