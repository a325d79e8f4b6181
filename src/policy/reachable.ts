import { ClassType } from 'type-graphql';
import { API_KEY_SCOPE_INCLUDES, ApiKeyScope, OrganizationKind, Role } from '../common/enums';
import { EntityManager } from 'typeorm';
import { notFound } from '../common/errors';
import { forUpdate } from '../common/transaction';
import { ListQuery, onAlias, Sql, sql, sqlAnd, SortKey } from '../common/sql';
import { Actor } from '../context/actor';
import { RequestContext } from '../context/request-context';
import { Activation } from '../modules/activation/activation.entity';
import { ApiKey } from '../modules/api-key/api-key.entity';
import { WebhookDelivery, WebhookEndpoint } from '../modules/webhook/webhook.entity';
import { AuditEvent } from '../modules/audit/audit-event.entity';
import { Computer } from '../modules/computer/computer.entity';
import { Contract } from '../modules/contract/contract.entity';
import { HubEvent } from '../modules/event/event.entity';
import { eventScope } from '../modules/event/event.scope';
import { License } from '../modules/license/license.entity';
import { Organization } from '../modules/organization/organization.entity';
import { Product } from '../modules/product/product.entity';
import { PortalUser } from '../modules/user/portal-user.entity';

export const BY_ID: SortKey[] = [{ column: 'e.id', property: 'id' }];
export const BY_NAME: SortKey[] = [
  { column: 'e.nameKey', property: 'nameKey', binary: true },
  { column: 'e.id', property: 'id' },
];

const NOTHING = sql('1 = 0');

/**
 * How a row scope that reads another table is written; both say the same rows. `set`: `e.x IN
 * (SELECT …)`, for a list over the whole table (a root list, a count): the subquery's rows drive
 * the read. `row`: a correlated `EXISTS (…)` that tests one row through an index, for rows already
 * narrowed to a few (the pages of given parents, companions): SQLite computes an uncorrelated
 * `IN (SELECT …)` whole before the first row (a distributor's 112k activations for a page of 58,
 * issue #15), while an EXISTS in a root list would scan the whole table; MariaDB plans both
 * shapes as the same semi-join.
 */
export type ScopeShape = 'set' | 'row';

/** Does the actor hold this scope? Users are not narrowed by scopes; API keys are. */
export function hasScope(actor: Actor, scope: string): boolean {
  if (actor.scopes === null || actor.scopes.includes(scope)) return true;
  return actor.scopes.some((held) => API_KEY_SCOPE_INCLUDES[held as ApiKeyScope]?.includes(scope as ApiKeyScope) ?? false);
}

const isVendor = (a: Actor) => a.organizationKind === OrganizationKind.VENDOR;
const isDistributor = (a: Actor) => a.organizationKind === OrganizationKind.DISTRIBUTOR;

/** Customers served by the actor's distributor. */
const servedBy = (a: Actor) => sql('SELECT cax.customerId FROM `customer_account` cax WHERE cax.distributorId = ?', a.organizationId);

function within(column: string, sub: Sql): Sql {
  return { sql: `${column} IN (${sub.sql})`, params: sub.params };
}

/**
 * Row scoping, the rows table of docs/access-policy.md as SQL conditions on the alias `e`. Every
 * list, lookup, loader, nested field, payload and totalCount of an entity is built on
 * reachable(), so every path to an object sees the same rows; an unreachable row is
 * indistinguishable from a missing one. An API key reaches only what its scopes name.
 * Returns null when the actor reaches every row. One switch on purpose (longer than most
 * functions): it is the rows table of the access policy, read as one table.
 */
export function rowScope(actor: Actor, entity: ClassType<object>, shape: ScopeShape = 'set'): Sql | null {
  const org = actor.organizationId;
  switch (entity) {
    case Product:
      return null;
    case Organization: {
      const customers = hasScope(actor, 'customers:read');
      if (isVendor(actor)) return customers ? null : sql('e.kind <> ?', OrganizationKind.CUSTOMER);
      if (isDistributor(actor)) {
        const own = sql('e.kind = ? OR e.id = ?', OrganizationKind.VENDOR, org);
        if (!customers) return own;
        const served = within('e.id', servedBy(actor));
        return { sql: `${own.sql} OR ${served.sql}`, params: [...own.params, ...served.params] };
      }
      return sql('e.kind = ? OR e.id = ? OR e.id IN (SELECT cax.distributorId FROM `customer_account` cax WHERE cax.customerId = ?)', OrganizationKind.VENDOR, org, org);
    }
    case PortalUser: {
      const customers = hasScope(actor, 'customers:read');
      if (isVendor(actor)) {
        return customers ? null : sql('e.organizationId NOT IN (SELECT ox.id FROM `organization` ox WHERE ox.kind = ?)', OrganizationKind.CUSTOMER);
      }
      if (isDistributor(actor) && customers) {
        const served = within('e.organizationId', servedBy(actor));
        return { sql: `e.organizationId = ? OR ${served.sql}`, params: [org, ...served.params] };
      }
      return sql('e.organizationId = ?', org);
    }
    case License:
      if (!hasScope(actor, 'licenses:read')) return NOTHING;
      if (isVendor(actor)) return null;
      return isDistributor(actor) ? sql('e.distributorId = ?', org) : sql('e.customerId = ?', org);
    case Activation:
      if (!hasScope(actor, 'licenses:read')) return NOTHING;
      if (isVendor(actor)) return null;
      if (shape === 'row') return sql(`EXISTS (SELECT 1 FROM \`license\` lx WHERE lx.id = e.licenseId AND lx.${isDistributor(actor) ? 'distributorId' : 'customerId'} = ?)`, org);
      return sql(`e.licenseId IN (SELECT lx.id FROM \`license\` lx WHERE lx.${isDistributor(actor) ? 'distributorId' : 'customerId'} = ?)`, org);
    case Computer:
      if (!hasScope(actor, 'licenses:read')) return NOTHING;
      if (isVendor(actor)) return null;
      // A distributor reaches the computers on which a license it holds was ever activated.
      if (isDistributor(actor)) {
        if (shape === 'row') return sql('EXISTS (SELECT 1 FROM `activation` ax JOIN `license` lx ON lx.id = ax.licenseId WHERE ax.computerId = e.id AND lx.distributorId = ?)', org);
        return sql('e.id IN (SELECT ax.computerId FROM `activation` ax JOIN `license` lx ON lx.id = ax.licenseId WHERE lx.distributorId = ?)', org);
      }
      return sql('e.organizationId = ?', org);
    case Contract:
      if (!hasScope(actor, 'contracts:read')) return NOTHING;
      if (isVendor(actor)) return null;
      return isDistributor(actor) ? sql('e.distributorId = ?', org) : NOTHING;
    case HubEvent:
      return eventScope(actor);
    case AuditEvent:
      return actor.scopes === null && (actor.role === Role.VENDOR_ADMIN || actor.role === Role.PRIVACY_OFFICER) ? null : NOTHING;
    case ApiKey:
      // A key reaches its own row (viewer.apiKey), whatever its scopes; no other.
      if (actor.scopes !== null) return actor.apiKeyId ? sql('e.id = ?', actor.apiKeyId) : NOTHING;
      if (actor.role === Role.VENDOR_ADMIN) return null;
      return actor.role === Role.DISTRIBUTOR_ADMIN || actor.role === Role.CUSTOMER_ADMIN ? sql('e.organizationId = ?', org) : NOTHING;
    case WebhookEndpoint:
      // Webhook endpoints: the organization's admin for its own, VENDOR_ADMIN for any; never an API key.
      if (actor.scopes !== null) return NOTHING;
      if (actor.role === Role.VENDOR_ADMIN) return null;
      return actor.role === Role.DISTRIBUTOR_ADMIN || actor.role === Role.CUSTOMER_ADMIN ? sql('e.organizationId = ?', org) : NOTHING;
    case WebhookDelivery:
      // A delivery is reached with its endpoint.
      if (actor.scopes !== null) return NOTHING;
      if (actor.role === Role.VENDOR_ADMIN) return null;
      return actor.role === Role.DISTRIBUTOR_ADMIN || actor.role === Role.CUSTOMER_ADMIN ? sql('e.endpointId IN (SELECT wx.id FROM `webhook_endpoint` wx WHERE wx.organizationId = ?)', org) : NOTHING;
    default:
      // Deny by default: an entity without a rule here is reachable by nobody.
      return NOTHING;
  }
}

/** rowScope() on another alias than `e` (a companion row joined to its parent, one row each: the `row` shape; see Companion). */
export function rowScopeAs(actor: Actor, entity: ClassType<object>, alias: string): Sql | null {
  const scope = rowScope(actor, entity, 'row');
  return scope && { sql: onAlias(scope.sql, alias), params: scope.params };
}

/** The base of every list, lookup and loader of an entity: only the rows the actor may reach. */
export function reachable<E extends object>(ctx: RequestContext, entity: ClassType<E>, sort: SortKey[] = BY_ID, shape: ScopeShape = 'set'): ListQuery<E> {
  return { entity, where: [rowScope(ctx.actor, entity, shape)], sort };
}

/**
 * A row for a write: only if the actor reaches it (else NOT_FOUND, as for an unknown id),
 * read inside the transaction and locked (SELECT … FOR UPDATE; SQLite has one writer anyway).
 */
export async function reachableForUpdate<E extends object>(ctx: RequestContext, manager: EntityManager, entity: ClassType<E>, id: string, what: string): Promise<E> {
  const list = reachable(ctx, entity);
  const where = sqlAnd([sql('e.id = ?', id), ...list.where]);
  const table = manager.connection.getMetadata(entity).tableName;
  const ids: { id: string }[] = await manager.query(`SELECT e.id FROM \`${table}\` e WHERE ${where.sql}${forUpdate(manager)}`, where.params);
  if (!ids.length) throw notFound(what);
  return manager.findOneByOrFail(entity, { id } as never);
}
