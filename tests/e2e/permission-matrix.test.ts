import 'reflect-metadata';
import { isDeepStrictEqual } from 'node:util';
import { getNamedType, GraphQLNamedType, isInterfaceType, isObjectType, isUnionType } from 'graphql';
import { ActorType, API_KEY_SCOPES, AuditOutcome } from '../../src/common/enums';
import { newId, seedId } from '../../src/common/ids';
import { SecretBox } from '../../src/common/secret-box';
import { ApiKey } from '../../src/modules/api-key/api-key.entity';
import { AuditEvent } from '../../src/modules/audit/audit-event.entity';
import { HubEvent } from '../../src/modules/event/event.entity';
import { EventType } from '../../src/modules/event/event-type';
import { DeliveryStatus, WebhookDelivery, WebhookEndpoint } from '../../src/modules/webhook/webhook.entity';
import { PERMISSIONS } from '../../src/policy/permission-table';
import { buildBareSchema } from '../../src/schema';
import { computerId, contractId, GATE_TODAY, HARBOR, HARBOR_DISTRIBUTORS, licenseId, orgId, PERSONAS, PRODUCT_SKUS, productId, SEED_COUNTS, userId, VENDOR_SLUG } from '../../seeds/personas';
import { DISTRIBUTORS } from '../../seeds/seed-world';
import { createApiKey } from '../helpers/api-keys';
import { ON_MYSQL } from '../helpers/database';
import { Client, GraphQLResponse, TestHub } from '../helpers/hub';
import { wellFormedGlobalId } from '../helpers/relay';

/**
 * THE PERMISSION MATRIX: every (type, field) of the permission table × every kind of actor,
 * each read over real HTTP through the path a client would take to it.
 *
 * The expected outcome comes from an ORACLE written here from docs/access-policy.md (its data
 * categories, its rows table, the transfer gate of docs/transfer-gate.md), not from
 * src/policy/permission-table.ts or rules.ts: the table is only used to enumerate the fields,
 * and a test fails when the table names a field the oracle does not know.
 *
 *   oracle(actor, type, field, target) = the first step on the way to the value that denies:
 *     1. the rows the actor reaches (rowsTable): an unreachable object is NOT_FOUND where it
 *        is looked up;
 *     2. the fields on the way to a nested object (e.g. Organization.address for
 *        PostalAddress), each decided like any field;
 *     3. the field's own data category (CATEGORY) decided by fieldRule(): PUBLIC, CONTACT,
 *        PERSONAL, SECRET, CONTRACT, AUDIT, CREDENTIAL and the three root lists.
 *
 * Values: an allowed field must carry the value the vendor admin reads (who may read
 * everything), non-null where the seed has one; a reference to another object is null exactly
 * when that object is out of the actor's rows; lists count only reachable rows (a small model
 * of the seed world below). A denied field is null, with the expected code at its exact path,
 * and no error message contains the denied value.
 */

// =============================================================================================
// The seed world, as a model (docs/seed-world.md and the layout in seeds/personas.ts)
// =============================================================================================

type Kind = 'VENDOR' | 'DISTRIBUTOR' | 'CUSTOMER';
type RoleName = 'VENDOR_ADMIN' | 'VENDOR_STAFF' | 'PRIVACY_OFFICER' | 'DISTRIBUTOR_ADMIN' | 'DISTRIBUTOR_USER' | 'CUSTOMER_ADMIN' | 'CUSTOMER_USER';
type Outcome = 'allowed' | 'FORBIDDEN' | 'TRANSFER_BASIS_REQUIRED' | 'NOT_FOUND';
type Path = (string | number)[];

interface OrgM {
  slug: string;
  kind: Kind;
  /** A customer: the distributors that serve it. */
  servedBy: string[];
}

type Row =
  | { type: 'Organization'; slug: string }
  | { type: 'PortalUser'; email: string; org: string }
  | { type: 'Product'; sku: string }
  | { type: 'License'; d: string; n: number; sku: string; customer: string | null; licensee: string | null }
  | { type: 'Computer'; customer: string; n: number }
  | { type: 'Activation'; d: string; n: number; customer: string; pc: number; by: string; active: boolean }
  | { type: 'Contract'; d: string }
  | { type: 'AuditEvent'; uuid: string; actorOrg: string }
  | { type: 'ApiKey'; org: string; uuid: string }
  | { type: 'WebhookEndpoint'; org: string; uuid: string }
  /** A delivery of an endpoint of `org`. */
  | { type: 'WebhookDelivery'; org: string; uuid: string }
  /** An event of the feed: its audience (d, c) is fixed when it happens (docs/events.md). */
  | { type: 'Event'; uuid: string; eventType: EventType; at: string; subject: Row; license: RowOf<'License'> | null; d: string | null; c: string | null };
type RowOf<T extends Row['type']> = Extract<Row, { type: T }>;

const ORGS = new Map<string, OrgM>();
ORGS.set(VENDOR_SLUG, { slug: VENDOR_SLUG, kind: 'VENDOR', servedBy: [] });
for (const d of DISTRIBUTORS) {
  ORGS.set(d.slug, { slug: d.slug, kind: 'DISTRIBUTOR', servedBy: [] });
  for (const c of d.customers) ORGS.set(c.slug, { slug: c.slug, kind: 'CUSTOMER', servedBy: [d.slug] });
}
ORGS.set(HARBOR, { slug: HARBOR, kind: 'CUSTOMER', servedBy: [...HARBOR_DISTRIBUTORS] });
const org = (slug: string): OrgM => {
  const o = ORGS.get(slug);
  if (!o) throw new Error(`no organization ${slug} in the model`);
  return o;
};
const ORG = (slug: string): RowOf<'Organization'> => ({ type: 'Organization', slug });

const USERS: RowOf<'PortalUser'>[] = [
  ...[PERSONAS.vendorAdmin, PERSONAS.vendorStaff, PERSONAS.privacyOfficer].map((email) => ({ type: 'PortalUser' as const, email, org: VENDOR_SLUG })),
  ...[...ORGS.values()].filter((o) => o.kind !== 'VENDOR').flatMap((o) => [`admin@${o.slug}.example`, `user@${o.slug}.example`].map((email) => ({ type: 'PortalUser' as const, email, org: o.slug }))),
];
const USER = (email: string): RowOf<'PortalUser'> => {
  const u = USERS.find((x) => x.email === email);
  if (!u) throw new Error(`no user ${email} in the model`);
  return u;
};

const LICENSES: RowOf<'License'>[] = [];
const ACTIVATIONS: RowOf<'Activation'>[] = [];
const COMPUTERS: RowOf<'Computer'>[] = [];
const CONTRACTS: RowOf<'Contract'>[] = [];
for (const d of DISTRIBUTORS) {
  const [c1, c2] = d.customers.map((c) => c.slug);
  const spare = HARBOR_DISTRIBUTORS.includes(d.slug) ? HARBOR : c1;
  // 1–4 registered; 5 (licensee), 6 to c1; 7, 8 (revoked), 9 to c2; 10 to c1 or harbor.
  const customerOf = (n: number) => (n <= 4 ? null : n <= 6 ? c1 : n <= 9 ? c2 : spare);
  // Products: 1, 2, 5, 8, 9 perpetual VMS; 3, 6 analytics; 4, 7, 10 cloud recording.
  const skuOf = (n: number) => ([3, 6].includes(n) ? PRODUCT_SKUS.analytics : [4, 7, 10].includes(n) ? PRODUCT_SKUS.cloudRecording : PRODUCT_SKUS.vms);
  for (let n = 1; n <= 10; n++) LICENSES.push({ type: 'License', d: d.slug, n, sku: skuOf(n), customer: customerOf(n), licensee: n === 5 ? `user@${c1}.example` : null });
  const act = (n: number, customer: string, pc: number, active = true) => ACTIVATIONS.push({ type: 'Activation', d: d.slug, n, customer, pc, by: `user@${customer}.example`, active });
  act(5, c1, 1);
  act(6, c1, 1);
  act(6, c1, 2);
  act(7, c2, 1);
  act(8, c2, 2, false);
  act(9, c2, 1);
  act(9, c2, 2);
  if (spare === HARBOR) act(10, HARBOR, d.slug === 'rhein' ? 1 : 2);
  if (d.contract) CONTRACTS.push({ type: 'Contract', d: d.slug });
}
for (const o of ORGS.values()) if (o.kind === 'CUSTOMER') for (const n of [1, 2]) COMPUTERS.push({ type: 'Computer', customer: o.slug, n });

const LICENSE = (d: string, n: number) => LICENSES.find((l) => l.d === d && l.n === n)!;
const COMPUTER = (c: string, n: number) => COMPUTERS.find((k) => k.customer === c && k.n === n)!;
const ACTIVATION = (d: string, n: number, pc: number) => ACTIVATIONS.find((x) => x.d === d && x.n === n && x.pc === pc)!;
const CONTRACT = (d: string) => CONTRACTS.find((c) => c.d === d)!;
const PRODUCT: RowOf<'Product'> = { type: 'Product', sku: PRODUCT_SKUS.vms };

/** Rows created by this file (beforeAll fills in their ids). */
const KEY_OF_RHEIN: RowOf<'ApiKey'> = { type: 'ApiKey', org: 'rhein', uuid: '' };
const KEY_OF_HARBOR: RowOf<'ApiKey'> = { type: 'ApiKey', org: HARBOR, uuid: '' };
const HOOK_OF_RHEIN: RowOf<'WebhookEndpoint'> = { type: 'WebhookEndpoint', org: 'rhein', uuid: newId(new Date('2026-11-20T11:00:00.000Z')) };
const HOOK_OF_HARBOR: RowOf<'WebhookEndpoint'> = { type: 'WebhookEndpoint', org: HARBOR, uuid: newId(new Date('2026-11-20T11:01:00.000Z')) };
const DELIVERY_OF_RHEIN: RowOf<'WebhookDelivery'> = { type: 'WebhookDelivery', org: 'rhein', uuid: newId(new Date('2026-11-21T09:01:30.000Z')) };
const AUDIT_EVENT: RowOf<'AuditEvent'> = { type: 'AuditEvent', uuid: newId(new Date('2026-11-20T10:00:00.000Z')), actorOrg: 'rhein' };

/** The events of the feed, inserted by beforeAll (one of each type used, so a filter on its type finds it). */
const event = (eventType: EventType, at: string, subject: Row, audience: { d: string | null; c: string | null }, license: RowOf<'License'> | null = null): RowOf<'Event'> => ({
  type: 'Event',
  uuid: newId(new Date(at)),
  eventType,
  at,
  subject,
  license,
  ...audience,
});
const EVENTS: RowOf<'Event'>[] = [
  // mumbai (gated) allocated its #10 to harbor: mumbai and harbor see it.
  event(EventType.LICENSE_ALLOCATED, '2026-11-21T09:00:00.000Z', LICENSE('mumbai', 10), { d: 'mumbai', c: HARBOR }, LICENSE('mumbai', 10)),
  // rhein #10 activated on harbor #1: rhein and harbor see it; the subject is the Activation.
  event(EventType.LICENSE_ACTIVATED, '2026-11-21T09:01:00.000Z', ACTIVATION('rhein', 10, 1), { d: 'rhein', c: HARBOR }, LICENSE('rhein', 10)),
  // mumbai's contract signed: mumbai only (no customer).
  event(EventType.CONTRACT_SIGNED, '2026-11-21T09:02:00.000Z', CONTRACT('mumbai'), { d: 'mumbai', c: null }),
  // rhein-c1 was unlinked from mumbai: mumbai keeps seeing the unlink, but no longer reaches rhein-c1 (subject null).
  event(EventType.ORGANIZATION_CUSTOMER_UNLINKED, '2026-11-21T09:03:00.000Z', ORG('rhein-c1'), { d: 'mumbai', c: 'rhein-c1' }),
  // A person of harbor withdrew consent: the vendor and harbor only, never a distributor.
  event(EventType.USER_CONSENT_WITHDRAWN, '2026-11-21T09:04:00.000Z', USER(`user@${HARBOR}.example`), { d: null, c: HARBOR }),
];

function uuidOf(r: Row): string {
  switch (r.type) {
    case 'Organization':
      return orgId(r.slug);
    case 'PortalUser':
      return userId(r.email);
    case 'Product':
      return productId(r.sku);
    case 'License':
      return licenseId(r.d as never, r.n);
    case 'Computer':
      return computerId(r.customer, r.n);
    case 'Activation':
      return seedId(`activation:${r.d}:${r.n}:${r.pc}`);
    case 'Contract':
      return contractId(r.d as never);
    case 'AuditEvent':
    case 'ApiKey':
    case 'Event':
    case 'WebhookEndpoint':
    case 'WebhookDelivery':
      if (!r.uuid) throw new Error(`${r.type} row not created yet`);
      return r.uuid;
  }
}
const gid = (r: Row) => wellFormedGlobalId(r.type, uuidOf(r));

// =============================================================================================
// Actors
// =============================================================================================

const SCOPES = ['customers:read', 'licenses:read', 'licenses:write', 'personal_data:read', 'activation_keys:read', 'contracts:read'];

/** The transfer gate today (docs/seed-world.md): rhein is in the EEA; mumbai's SCC expired 2025-12-31. */
const GATE_OPEN: Record<string, boolean> = { rhein: true, mumbai: false };

interface Actor {
  id: string;
  label: string;
  /** For an API key: the non-admin role of its organization's kind, which it acts as. */
  role: RoleName;
  org: string;
  kind: Kind;
  email?: string;
  /** null for a portal user; an API key's scopes. */
  scopes: string[] | null;
  secret?: string;
  /** An API key's own row (it reads itself through viewer.apiKey). */
  keyUuid?: string;
}

const user = (role: RoleName, email: string, orgSlug: string, label: string): Actor => ({ id: email, label, role, email, org: orgSlug, kind: org(orgSlug).kind, scopes: null });
const key = (orgSlug: string, scopes: string[], label: string): Actor => {
  const kind = org(orgSlug).kind;
  const role: RoleName = kind === 'VENDOR' ? 'VENDOR_STAFF' : kind === 'DISTRIBUTOR' ? 'DISTRIBUTOR_USER' : 'CUSTOMER_USER';
  return { id: `key:${orgSlug}:${scopes.join(',')}`, label, role, org: orgSlug, kind, scopes };
};
const gateLabel = (d: string) => `${d} (${GATE_OPEN[d] ? 'ungated' : 'gated'})`;

const ACTORS: Actor[] = [
  user('VENDOR_ADMIN', PERSONAS.vendorAdmin, VENDOR_SLUG, 'VENDOR_ADMIN'),
  user('VENDOR_STAFF', PERSONAS.vendorStaff, VENDOR_SLUG, 'VENDOR_STAFF'),
  user('PRIVACY_OFFICER', PERSONAS.privacyOfficer, VENDOR_SLUG, 'PRIVACY_OFFICER'),
  ...['rhein', 'mumbai'].flatMap((d) => [
    user('DISTRIBUTOR_ADMIN', `admin@${d}.example`, d, `DISTRIBUTOR_ADMIN of ${gateLabel(d)}`),
    user('DISTRIBUTOR_USER', `user@${d}.example`, d, `DISTRIBUTOR_USER of ${gateLabel(d)}`),
  ]),
  user('CUSTOMER_ADMIN', PERSONAS.customer(HARBOR).admin, HARBOR, 'CUSTOMER_ADMIN of harbor (served by rhein and mumbai)'),
  user('CUSTOMER_USER', PERSONAS.customer(HARBOR).user, HARBOR, 'CUSTOMER_USER of harbor (served by rhein and mumbai)'),
  user('CUSTOMER_ADMIN', PERSONAS.customer('rhein-c1').admin, 'rhein-c1', 'CUSTOMER_ADMIN of rhein-c1 (served by rhein)'),
  user('CUSTOMER_USER', PERSONAS.customer('rhein-c1').user, 'rhein-c1', 'CUSTOMER_USER of rhein-c1 (served by rhein)'),
  ...['rhein', 'mumbai'].flatMap((d) => [
    key(d, SCOPES, `API key of ${gateLabel(d)} with all scopes`),
    key(d, [], `API key of ${gateLabel(d)} with no scopes`),
    ...SCOPES.map((s) =>
      key(
        d,
        // licenses:write includes licenses:read: the key without licenses:read has neither.
        SCOPES.filter((x) => x !== s && !(s === 'licenses:read' && x === 'licenses:write')),
        `API key of ${gateLabel(d)} without ${s}${s === 'licenses:read' ? ' (nor licenses:write, which includes it)' : ''}`,
      ),
    ),
  ]),
  key(VENDOR_SLUG, SCOPES, 'API key of the vendor with all scopes'),
  key(HARBOR, SCOPES, 'API key of harbor (customer) with all scopes'),
];
const VENDOR_ADMIN = ACTORS[0];

/** licenses:write includes licenses:read (docs/access-policy.md, API keys). */
const has = (a: Actor, scope: string) => a.scopes === null || a.scopes.includes(scope) || (scope === 'licenses:read' && a.scopes.includes('licenses:write'));
const isKey = (a: Actor) => a.scopes !== null;
const serves = (distributor: string, customer: string) => org(customer).kind === 'CUSTOMER' && org(customer).servedBy.includes(distributor);

// =============================================================================================
// The oracle, from docs/access-policy.md
// =============================================================================================

/** "Rows each kind of actor reaches"; an API key reaches only what its scopes name. */
function rowsTable(a: Actor, r: Row): boolean {
  const vendor = a.kind === 'VENDOR';
  const distributor = a.kind === 'DISTRIBUTOR';
  switch (r.type) {
    case 'Product':
      return true;
    case 'Organization': {
      const o = org(r.slug);
      if (vendor) return o.kind !== 'CUSTOMER' || has(a, 'customers:read');
      if (distributor) return o.kind === 'VENDOR' || o.slug === a.org || (serves(a.org, o.slug) && has(a, 'customers:read'));
      return o.kind === 'VENDOR' || o.slug === a.org || (o.kind === 'DISTRIBUTOR' && serves(o.slug, a.org));
    }
    case 'PortalUser': {
      if (vendor) return org(r.org).kind !== 'CUSTOMER' || has(a, 'customers:read');
      if (distributor) return r.org === a.org || (serves(a.org, r.org) && has(a, 'customers:read'));
      return r.org === a.org;
    }
    case 'License':
    case 'Activation': {
      if (!has(a, 'licenses:read')) return false;
      const l = r.type === 'License' ? r : LICENSE(r.d, r.n);
      return vendor || (distributor ? l.d === a.org : l.customer === a.org);
    }
    case 'Computer':
      if (!has(a, 'licenses:read')) return false;
      if (vendor) return true;
      // "those with an activation (past or present) of a license allocated by D"
      if (distributor) return ACTIVATIONS.some((x) => x.customer === r.customer && x.pc === r.n && x.d === a.org);
      return r.customer === a.org;
    case 'Contract':
      if (!has(a, 'contracts:read')) return false;
      return vendor || (distributor && r.d === a.org);
    case 'AuditEvent':
      return !isKey(a) && (a.role === 'VENDOR_ADMIN' || a.role === 'PRIVACY_OFFICER');
    case 'ApiKey':
      if (isKey(a)) return r.uuid === a.keyUuid; // its own row only
      return a.role === 'VENDOR_ADMIN' || ((a.role === 'DISTRIBUTOR_ADMIN' || a.role === 'CUSTOMER_ADMIN') && r.org === a.org);
    case 'WebhookEndpoint':
    case 'WebhookDelivery':
      // An organization's webhooks: its admin, VENDOR_ADMIN; never an API key (a delivery with its endpoint).
      return !isKey(a) && (a.role === 'VENDOR_ADMIN' || ((a.role === 'DISTRIBUTOR_ADMIN' || a.role === 'CUSTOMER_ADMIN') && r.org === a.org));
    case 'Event': {
      // docs/events.md: an API key only the categories its scopes name; users are not narrowed by scopes.
      const category = r.eventType.split('.')[0];
      if (!has(a, category === 'license' ? 'licenses:read' : category === 'contract' ? 'contracts:read' : 'customers:read')) return false;
      // The vendor every event; a distributor or a customer the events whose audience names it.
      return vendor || (distributor ? r.d === a.org : r.c === a.org);
    }
  }
}
const reach =
  (r: Row) =>
  (a: Actor): Outcome =>
    rowsTable(a, r) ? 'allowed' : 'NOT_FOUND';

type Category =
  | 'PUBLIC'
  | 'CONTACT'
  | 'PERSONAL'
  | 'SECRET'
  | 'CONTRACT'
  | 'AUDIT'
  | 'CREDENTIAL'
  /** Organization.apiKeys: the organization's admin, VENDOR_ADMIN; never a key. */
  | 'CREDENTIAL_OF_ORGANIZATION'
  /** Query.customers: a customer has no customers. */
  | 'CUSTOMER_LIST'
  /** Query.licenses: every role; an API key needs licenses:read. */
  | 'LICENSE_LIST'
  /** Query.contracts: never customers. */
  | 'CONTRACT_LIST'
  /** Query.users: the lookup of people, vendor roles only; an API key needs personal_data:read. */
  | 'USER_LOOKUP';

/** What a field's rule needs to know about the object it is read from. */
interface Subject {
  /** Whose contact, personal, contract or credential data it is; null when there is none to read. */
  owner?: string | null;
  license?: RowOf<'License'>;
  /** The person a field points to (License.licensee, Activation.activatedBy): a row the actor may not reach at all. */
  person?: Row;
}

/** The data categories of docs/access-policy.md, decided for a reachable object. */
function fieldRule(a: Actor, category: Category, s: Subject): Outcome {
  const vendor = a.kind === 'VENDOR';
  switch (category) {
    case 'PUBLIC':
      return 'allowed';
    case 'CONTACT':
    case 'PERSONAL': {
      if (s.owner === null) return 'allowed'; // no person named: nothing personal to deny
      // A person the actor cannot reach is an absent row (null, no error), as for any reference (rows table).
      if (s.person && !rowsTable(a, s.person)) return 'allowed';
      if (s.owner === undefined) throw new Error(`${category} without an owner`);
      if (!has(a, 'personal_data:read')) return 'FORBIDDEN';
      const owner = org(s.owner);
      if (vendor || owner.slug === a.org) return 'allowed';
      // CONTACT: the vendor's for everyone who reaches it; a serving distributor's for its customer (not gated).
      if (category === 'CONTACT' && owner.kind === 'VENDOR') return 'allowed';
      if (category === 'CONTACT' && a.kind === 'CUSTOMER' && owner.kind === 'DISTRIBUTOR' && serves(owner.slug, a.org)) return 'allowed';
      // A distributor for its customers: gated.
      if (a.kind === 'DISTRIBUTOR' && serves(a.org, owner.slug)) return GATE_OPEN[a.org] ? 'allowed' : 'TRANSFER_BASIS_REQUIRED';
      return 'FORBIDDEN';
    }
    case 'SECRET': {
      if (!has(a, 'activation_keys:read')) return 'FORBIDDEN';
      const l = s.license!;
      if (a.role === 'VENDOR_ADMIN' || a.role === 'VENDOR_STAFF') return 'allowed';
      if ((a.role === 'DISTRIBUTOR_ADMIN' || a.role === 'DISTRIBUTOR_USER') && l.d === a.org) return 'allowed';
      if (a.role === 'CUSTOMER_ADMIN' && l.customer === a.org) return 'allowed';
      return 'FORBIDDEN';
    }
    case 'CONTRACT':
      if (!has(a, 'contracts:read')) return 'FORBIDDEN';
      return vendor || (a.kind === 'DISTRIBUTOR' && s.owner === a.org) ? 'allowed' : 'FORBIDDEN';
    case 'AUDIT':
      return !isKey(a) && (a.role === 'VENDOR_ADMIN' || a.role === 'PRIVACY_OFFICER') ? 'allowed' : 'FORBIDDEN';
    case 'CREDENTIAL':
      if (isKey(a)) return 'FORBIDDEN';
      if (a.role === 'VENDOR_ADMIN') return 'allowed';
      return (a.role === 'DISTRIBUTOR_ADMIN' || a.role === 'CUSTOMER_ADMIN') && s.owner === a.org ? 'allowed' : 'FORBIDDEN';
    case 'CREDENTIAL_OF_ORGANIZATION':
      if (isKey(a)) return 'FORBIDDEN';
      if (a.role === 'VENDOR_ADMIN') return 'allowed';
      return (a.role === 'DISTRIBUTOR_ADMIN' || a.role === 'CUSTOMER_ADMIN') && s.owner === a.org ? 'allowed' : 'FORBIDDEN';
    case 'CUSTOMER_LIST':
      return !has(a, 'customers:read') || a.kind === 'CUSTOMER' ? 'FORBIDDEN' : 'allowed';
    case 'LICENSE_LIST':
      return has(a, 'licenses:read') ? 'allowed' : 'FORBIDDEN';
    case 'CONTRACT_LIST':
      return !has(a, 'contracts:read') || a.kind === 'CUSTOMER' ? 'FORBIDDEN' : 'allowed';
    case 'USER_LOOKUP':
      return a.kind === 'VENDOR' && has(a, 'personal_data:read') ? 'allowed' : 'FORBIDDEN';
  }
}

// ---------------------------------------------------------------------------------------------
// Targets: an object of each type, the request that reaches it, and the steps on the way
// ---------------------------------------------------------------------------------------------

interface Step {
  path: Path;
  decide: (a: Actor) => Outcome;
}

interface Target {
  type: string;
  label: string;
  row?: Row;
  /** Fields the seed leaves empty on this object. */
  nulls?: string[];
  /** The way to the object; the first step that denies decides every field. */
  steps: Step[];
  fieldPath(field: string): Path;
  query(fields: string[]): { text: string; variables?: Record<string, unknown> };
  /** Fields read in separate requests (a denied non-null root field nulls the whole response). */
  batches?(fields: string[]): string[][];
  subject(field: string): Subject;
  /** Query fields that look up an object: it must be reachable, after the field itself is allowed. */
  after?(field: string): Step | undefined;
  /** An object read as an item of a list (an event of the feed): false when the actor's list does not hold it (no error, no node). */
  listed?: (a: Actor) => boolean;
  /** Connections and edges: how many rows the list holds for the actor ('some' = at least one). */
  size?: (a: Actor) => number | 'some';
}

/** A field's decision: the outcome and where in the response it shows. */
interface Decision {
  outcome: Outcome;
  at: Path;
}

function decide(a: Actor, type: string, field: string, t: Target): Decision {
  for (const s of t.steps) {
    const o = s.decide(a);
    if (o !== 'allowed') return { outcome: o, at: s.path };
  }
  const spec = CATEGORY[type]?.[field];
  if (!spec) throw new Error(`the oracle does not know ${type}.${field}`);
  const o = fieldRule(a, spec.cat, t.subject(field));
  if (o !== 'allowed') return { outcome: o, at: t.fieldPath(field) };
  const after = t.after?.(field);
  if (after) {
    const o2 = after.decide(a);
    if (o2 !== 'allowed') return { outcome: o2, at: after.path };
  }
  return { outcome: 'allowed', at: t.fieldPath(field) };
}

/** (actor, type, field, target) → 'allowed' | 'FORBIDDEN' | 'TRANSFER_BASIS_REQUIRED' | 'NOT_FOUND'. */
export function oracle(a: Actor, type: string, field: string, t: Target): Outcome {
  return decide(a, type, field, t).outcome;
}

/** A step that is a field of the schema, decided like any field. */
const viaField = (type: string, field: string, path: Path, subject: Subject = {}): Step => ({
  path,
  decide: (a) => fieldRule(a, CATEGORY[type][field].cat, subject),
});

function subjectOf(r: Row, field: string): Subject {
  switch (r.type) {
    case 'Organization':
      return { owner: r.slug };
    case 'PortalUser':
      return { owner: r.org };
    case 'License':
      return { owner: field === 'licensee' ? (r.licensee ? r.customer : null) : undefined, license: r, person: field === 'licensee' && r.licensee ? USER(r.licensee) : undefined };
    case 'Computer':
      return { owner: r.customer };
    case 'Activation':
      return { owner: USER(r.by).org, person: USER(r.by) };
    case 'Contract':
      return { owner: r.d };
    case 'ApiKey':
    case 'WebhookEndpoint':
    case 'WebhookDelivery':
      return { owner: r.org };
    default:
      return {};
  }
}

const selection = (type: string, fields: string[]) => fields.map((f) => `${f}${CATEGORY[type][f]?.sel ?? ''}`).join(' ');

function nodeTarget(type: Row['type'], label: string, row: Row, nulls: string[] = []): Target {
  return {
    type,
    label,
    row,
    nulls,
    steps: [{ path: ['node'], decide: reach(row) }],
    fieldPath: (f) => ['node', f],
    query: (fields) => ({ text: `query($id: ID!) { node(id: $id) { ... on ${type} { ${selection(type, fields)} } } }`, variables: { id: gid(row) } }),
    subject: (f) => subjectOf(row, f),
  };
}

/** A field's object, reached through a field of an organization read by node(id). */
function viaOrganization(type: string, slug: string, field: string, label: string): Target {
  const row = ORG(slug);
  return {
    type,
    label,
    row,
    steps: [{ path: ['node'], decide: reach(row) }, viaField('Organization', field, ['node', field], { owner: slug })],
    fieldPath: (f) => ['node', field, f],
    query: (fields) => ({ text: `query($id: ID!) { node(id: $id) { ... on Organization { ${field} { ${selection(type, fields)} } } } }`, variables: { id: gid(row) } }),
    subject: () => ({}),
  };
}

/** The ways to a list of each node type, for its Connection, Edge (and PageInfo) types. */
interface ListAccess {
  label: string;
  path: Path;
  steps: Step[];
  wrap(inner: string): string;
  variables?: () => Record<string, unknown>;
  size: (a: Actor) => number | 'some';
}
const countOf = <R extends Row>(rows: R[], a: Actor, where: (r: R) => boolean = () => true) => rows.filter((r) => where(r) && rowsTable(a, r)).length;

const LISTS: Record<string, ListAccess> = {
  Organization: {
    label: 'organizations(first: 1)',
    path: ['organizations'],
    steps: [viaField('Query', 'organizations', ['organizations'])],
    wrap: (i) => `{ organizations(first: 1) { ${i} } }`,
    size: (a) => countOf([...ORGS.keys()].map(ORG), a),
  },
  PortalUser: {
    label: "viewer.organization.users (the actor's own organization)",
    path: ['viewer', 'organization', 'users'],
    steps: [viaField('Query', 'viewer', ['viewer']), viaField('Viewer', 'organization', ['viewer', 'organization']), viaField('Organization', 'users', ['viewer', 'organization', 'users'])],
    wrap: (i) => `{ viewer { organization { users(first: 1) { ${i} } } } }`,
    size: (a) => countOf(USERS, a, (u) => u.org === a.org),
  },
  License: {
    label: 'licenses(first: 1)',
    path: ['licenses'],
    steps: [viaField('Query', 'licenses', ['licenses'])],
    wrap: (i) => `{ licenses(first: 1) { ${i} } }`,
    size: (a) => countOf(LICENSES, a),
  },
  Computer: {
    label: 'organization(harbor).computers',
    path: ['organization', 'computers'],
    steps: [viaField('Query', 'organization', ['organization']), { path: ['organization'], decide: reach(ORG(HARBOR)) }, viaField('Organization', 'computers', ['organization', 'computers'])],
    wrap: (i) => `query($id: ID!) { organization(id: $id) { computers(first: 1) { ${i} } } }`,
    variables: () => ({ id: gid(ORG(HARBOR)) }),
    size: (a) => countOf(COMPUTERS, a, (k) => k.customer === HARBOR),
  },
  Activation: {
    label: 'license(rhein #10).activations',
    path: ['license', 'activations'],
    steps: [viaField('Query', 'license', ['license']), { path: ['license'], decide: reach(LICENSE('rhein', 10)) }, viaField('License', 'activations', ['license', 'activations'])],
    wrap: (i) => `query($id: ID!) { license(id: $id) { activations(first: 1) { ${i} } } }`,
    variables: () => ({ id: gid(LICENSE('rhein', 10)) }),
    size: (a) => countOf(ACTIVATIONS, a, (x) => x.d === 'rhein' && x.n === 10),
  },
  Contract: {
    label: 'contracts(first: 1)',
    path: ['contracts'],
    steps: [viaField('Query', 'contracts', ['contracts'])],
    wrap: (i) => `{ contracts(first: 1) { ${i} } }`,
    size: (a) => countOf(CONTRACTS, a),
  },
  ApiKey: {
    label: 'organization(rhein).apiKeys',
    path: ['organization', 'apiKeys'],
    steps: [
      viaField('Query', 'organization', ['organization']),
      { path: ['organization'], decide: reach(ORG('rhein')) },
      viaField('Organization', 'apiKeys', ['organization', 'apiKeys'], { owner: 'rhein' }),
    ],
    wrap: (i) => `query($id: ID!) { organization(id: $id) { apiKeys(first: 1) { ${i} } } }`,
    variables: () => ({ id: gid(ORG('rhein')) }),
    size: () => 'some', // the keys of rhein made here: KEY_OF_RHEIN and the actors' keys
  },
  WebhookEndpoint: {
    label: 'organization(rhein).webhookEndpoints',
    path: ['organization', 'webhookEndpoints'],
    steps: [
      viaField('Query', 'organization', ['organization']),
      { path: ['organization'], decide: reach(ORG('rhein')) },
      viaField('Organization', 'webhookEndpoints', ['organization', 'webhookEndpoints'], { owner: 'rhein' }),
    ],
    wrap: (i) => `query($id: ID!) { organization(id: $id) { webhookEndpoints(first: 1) { ${i} } } }`,
    variables: () => ({ id: gid(ORG('rhein')) }),
    size: () => 1, // HOOK_OF_RHEIN
  },
  WebhookDelivery: {
    label: 'node(the endpoint of rhein).deliveries',
    path: ['node', 'deliveries'],
    steps: [{ path: ['node'], decide: reach(HOOK_OF_RHEIN) }],
    wrap: (i) => `query($id: ID!) { node(id: $id) { ... on WebhookEndpoint { deliveries(first: 1) { ${i} } } } }`,
    variables: () => ({ id: gid(HOOK_OF_RHEIN) }),
    size: () => 1, // DELIVERY_OF_RHEIN
  },
  AuditEvent: {
    label: 'auditEvents(first: 1)',
    path: ['auditEvents'],
    steps: [viaField('Query', 'auditEvents', ['auditEvents'])],
    wrap: (i) => `{ auditEvents(first: 1) { ${i} } }`,
    size: () => 'some', // this file's own reads add events
  },
  Event: {
    label: 'events(first: 1)',
    path: ['events'],
    steps: [viaField('Query', 'events', ['events'])],
    wrap: (i) => `{ events(first: 1) { ${i} } }`,
    size: (a) => countOf(EVENTS, a),
  },
};

function listTarget(type: string, node: string, part: 'connection' | 'edge' | 'pageInfo'): Target {
  const l = LISTS[node];
  const prefix: Path = part === 'edge' ? [...l.path, 'edges', 0] : part === 'pageInfo' ? [...l.path, 'pageInfo'] : l.path;
  return {
    type,
    label: `${l.label}${part === 'edge' ? '.edges' : part === 'pageInfo' ? '.pageInfo' : ''}`,
    steps: l.steps,
    fieldPath: (f) => [...prefix, f],
    query: (fields) => ({
      text: l.wrap(part === 'edge' ? `edges { ${selection(type, fields)} }` : part === 'pageInfo' ? `pageInfo { ${selection(type, fields)} }` : selection(type, fields)),
      variables: l.variables?.(),
    }),
    subject: () => ({}),
    size: l.size,
  };
}

/** The types under Query.licenseSummary (counts), at `under` in it. */
function summaryTarget(type: string, under: Path): Target {
  const field = under[0] as string | undefined;
  return {
    type,
    label: `licenseSummary${field ? `.${field}` : ''}`,
    steps: [viaField('Query', 'licenseSummary', ['licenseSummary'])],
    fieldPath: (f) => ['licenseSummary', ...under, f],
    query: (fields) => ({ text: `{ licenseSummary { ${field ? `${field} { ${selection(type, fields)} }` : selection(type, fields)} } }` }),
    subject: () => ({}),
  };
}

interface RootCall {
  text: string;
  variables?: () => Record<string, unknown>;
  /** The object the field looks up (NOT_FOUND at errorPath when out of reach). */
  row?: Row;
  errorPath?: Path;
}
const ROOT: Record<string, RootCall> = {
  viewer: { text: '{ viewer { role } }' },
  node: { text: 'query($id: ID!) { node(id: $id) { id } }', variables: () => ({ id: gid(USER(`user@${HARBOR}.example`)) }), row: USER(`user@${HARBOR}.example`) },
  nodes: { text: 'query($ids: [ID!]!) { nodes(ids: $ids) { id } }', variables: () => ({ ids: [gid(COMPUTER('rhein-c1', 1))] }), row: COMPUTER('rhein-c1', 1), errorPath: ['nodes', 0] },
  organization: { text: 'query($id: ID!) { organization(id: $id) { id } }', variables: () => ({ id: gid(ORG(HARBOR)) }), row: ORG(HARBOR) },
  organizations: { text: '{ organizations(first: 1) { totalCount } }' },
  customers: { text: '{ customers(first: 1) { totalCount } }' },
  products: { text: '{ products { id } }' },
  license: { text: 'query($id: ID!) { license(id: $id) { id } }', variables: () => ({ id: gid(LICENSE('rhein', 10)) }), row: LICENSE('rhein', 10) },
  licenses: { text: '{ licenses(first: 1) { totalCount } }' },
  licenseSummary: { text: '{ licenseSummary { total } }' },
  contracts: { text: '{ contracts(first: 1) { totalCount } }' },
  computers: { text: '{ computers(first: 1) { totalCount } }' },
  activations: { text: '{ activations(first: 1) { totalCount } }' },
  users: { text: '{ users(first: 1) { totalCount } }' },
  auditEvents: { text: '{ auditEvents(first: 1) { totalCount } }' },
  events: { text: '{ events(first: 1) { totalCount } }' },
  rateLimit: { text: '{ rateLimit { limit } }' },
};

const QUERY_TARGET: Target = {
  type: 'Query',
  label: 'the root (harbor, user@harbor, rhein-c1 #1, rhein #10 by id)',
  steps: [],
  fieldPath: (f) => [f],
  batches: (fields) => fields.map((f) => [f]),
  query: ([f]) => {
    const call = ROOT[f];
    if (!call) throw new Error(`no root call for Query.${f}`);
    return { text: call.text, variables: call.variables?.() };
  },
  subject: () => ({}),
  after: (f) => (ROOT[f]?.row ? { path: ROOT[f].errorPath ?? [f], decide: reach(ROOT[f].row) } : undefined),
};

const CONNECTED = ['Organization', 'PortalUser', 'License', 'Computer', 'Activation', 'Contract', 'AuditEvent', 'ApiKey', 'Event', 'WebhookEndpoint', 'WebhookDelivery'];

/** The GraphQL name of an event type (LICENSE_ALLOCATED for license.allocated). */
const eventTypeName = (t: EventType) => Object.entries(EventType).find(([, v]) => v === t)![0];

/**
 * An event, read in the feed filtered on its type (one event of each type here). Event is not a
 * Node: an event out of the actor's rows is not an error but absent from the feed (the list
 * counts only reachable rows), which the field checks of Event decide (inFeed).
 */
function eventTarget(label: string, row: RowOf<'Event'>): Target {
  return {
    type: 'Event',
    label,
    row,
    steps: [viaField('Query', 'events', ['events'])],
    fieldPath: (f) => ['events', 'nodes', 0, f],
    query: (fields) => ({ text: `{ events(first: 1, filter: { types: [${eventTypeName(row.eventType)}] }) { nodes { ${selection('Event', fields)} } } }` }),
    subject: () => ({}),
    listed: (a) => rowsTable(a, row),
  };
}

const TARGETS: Record<string, Target[]> = {
  Query: [QUERY_TARGET],
  Viewer: [
    {
      type: 'Viewer',
      label: 'viewer',
      steps: [viaField('Query', 'viewer', ['viewer'])],
      fieldPath: (f) => ['viewer', f],
      query: (fields) => ({ text: `{ viewer { ${selection('Viewer', fields)} } }` }),
      subject: () => ({}),
    },
  ],
  RateLimit: [
    {
      type: 'RateLimit',
      label: 'rateLimit',
      steps: [viaField('Query', 'rateLimit', ['rateLimit'])],
      fieldPath: (f) => ['rateLimit', f],
      query: (fields) => ({ text: `{ rateLimit { ${selection('RateLimit', fields)} } }` }),
      subject: () => ({}),
    },
  ],
  Organization: [
    nodeTarget('Organization', 'the vendor (mobotix)', ORG(VENDOR_SLUG), ['transferBasis']),
    nodeTarget('Organization', 'the distributor rhein', ORG('rhein')),
    nodeTarget('Organization', 'the distributor mumbai', ORG('mumbai')),
    nodeTarget('Organization', 'the customer harbor (served by rhein and mumbai)', ORG(HARBOR), ['transferBasis']),
    nodeTarget('Organization', 'the customer rhein-c1 (served by rhein)', ORG('rhein-c1'), ['transferBasis']),
  ],
  PostalAddress: [
    viaOrganization('PostalAddress', VENDOR_SLUG, 'address', 'the vendor (mobotix.address)'),
    viaOrganization('PostalAddress', 'rhein', 'address', 'the distributor rhein (rhein.address)'),
    viaOrganization('PostalAddress', HARBOR, 'address', 'the customer harbor (harbor.address)'),
  ],
  TransferDecision: [viaOrganization('TransferDecision', HARBOR, 'personalDataAccess', 'the customer harbor (harbor.personalDataAccess)')],
  PortalUser: [
    nodeTarget('PortalUser', `a customer's user served by rhein and mumbai (user@harbor)`, USER(`user@${HARBOR}.example`), ['consentWithdrawnAt']),
    nodeTarget('PortalUser', `a customer's user served by rhein (user@rhein-c1)`, USER('user@rhein-c1.example'), ['consentWithdrawnAt']),
    nodeTarget('PortalUser', `a distributor's user (admin@rhein)`, USER('admin@rhein.example'), ['consentWithdrawnAt']),
    nodeTarget('PortalUser', 'a vendor user (support@mobotix)', USER(PERSONAS.vendorStaff), ['consentWithdrawnAt']),
  ],
  ApiKey: [nodeTarget('ApiKey', 'a key of rhein', KEY_OF_RHEIN, ['revokedAt', 'createdBy']), nodeTarget('ApiKey', 'a key of harbor', KEY_OF_HARBOR, ['revokedAt', 'createdBy'])],
  WebhookEndpoint: [
    nodeTarget('WebhookEndpoint', 'an endpoint of rhein', HOOK_OF_RHEIN, ['previousSecretUntil', 'disabledAt', 'disabledReason']),
    nodeTarget('WebhookEndpoint', 'an endpoint of harbor', HOOK_OF_HARBOR, ['previousSecretUntil', 'disabledAt', 'disabledReason']),
  ],
  WebhookDelivery: [nodeTarget('WebhookDelivery', 'a delivery to the endpoint of rhein', DELIVERY_OF_RHEIN, ['nextAttemptAt', 'error'])],
  Product: [nodeTarget('Product', PRODUCT_SKUS.vms, PRODUCT)],
  License: [
    nodeTarget('License', 'rhein #5 (held by rhein, allocated to rhein-c1, with a licensee)', LICENSE('rhein', 5), ['validUntil']),
    nodeTarget('License', 'rhein #10 (held by rhein, allocated to harbor)', LICENSE('rhein', 10)),
    nodeTarget('License', 'mumbai #10 (held by mumbai, allocated to harbor)', LICENSE('mumbai', 10)),
    nodeTarget('License', 'mumbai #5 (held by mumbai, allocated to mumbai-c1, with a licensee)', LICENSE('mumbai', 5), ['validUntil']),
    nodeTarget('License', 'rhein #1 (registered, no customer)', LICENSE('rhein', 1), ['validUntil']),
  ],
  Computer: [
    nodeTarget('Computer', 'harbor #1 (a rhein license active on it)', COMPUTER(HARBOR, 1)),
    nodeTarget('Computer', 'harbor #2 (a mumbai license active on it)', COMPUTER(HARBOR, 2)),
    nodeTarget('Computer', 'rhein-c1 #1', COMPUTER('rhein-c1', 1)),
  ],
  Activation: [
    nodeTarget('Activation', 'rhein #10 on harbor #1', ACTIVATION('rhein', 10, 1), ['deactivatedAt']),
    nodeTarget('Activation', 'mumbai #10 on harbor #2', ACTIVATION('mumbai', 10, 2), ['deactivatedAt']),
    nodeTarget('Activation', 'rhein #5 on rhein-c1 #1', ACTIVATION('rhein', 5, 1), ['deactivatedAt']),
  ],
  Contract: [
    nodeTarget('Contract', "mumbai's (SCC 2021, expired)", CONTRACT('mumbai'), ['terminatedAt']),
    nodeTarget('Contract', "vigilancia's (SCC 2021, in force)", CONTRACT('vigilancia'), ['expiresAt', 'terminatedAt']),
  ],
  AuditEvent: [nodeTarget('AuditEvent', 'a read of user@harbor by rhein', AUDIT_EVENT)],
  Event: [
    eventTarget('license.allocated of mumbai #10 to harbor (audience mumbai, harbor)', EVENTS[0]),
    eventTarget('license.activated of rhein #10 on harbor #1 (audience rhein, harbor)', EVENTS[1]),
    eventTarget("contract.signed of mumbai's contract (audience mumbai)", EVENTS[2]),
    eventTarget('organization.customer_unlinked of rhein-c1 from mumbai (audience mumbai, rhein-c1)', EVENTS[3]),
    eventTarget('user.consent_withdrawn of user@harbor (audience harbor only)', EVENTS[4]),
  ],
  LicenseSummary: [summaryTarget('LicenseSummary', [])],
  LicenseStatusCount: [summaryTarget('LicenseStatusCount', ['byStatus', 0])],
  SeatUsage: [summaryTarget('SeatUsage', ['seats'])],
  ProductLicenseSummary: [summaryTarget('ProductLicenseSummary', ['byProduct', 0])],
  PageInfo: [listTarget('PageInfo', 'Organization', 'pageInfo')],
  ...Object.fromEntries(
    CONNECTED.flatMap((n) => [
      [`${n}Connection`, [listTarget(`${n}Connection`, n, 'connection')]],
      [`${n}Edge`, [listTarget(`${n}Edge`, n, 'edge')]],
    ]),
  ),
};

// ---------------------------------------------------------------------------------------------
// The categories of every field (docs/access-policy.md), and what an allowed read must return
// ---------------------------------------------------------------------------------------------

interface ValueContext {
  a: Actor;
  t: Target;
  value: unknown;
  /** The vendor admin's read of the same field (who reads everything). */
  ref: unknown;
  data: unknown;
}
/** Returns a complaint, or null when the value is right. */
type ValueCheck = (c: ValueContext) => string | null;

interface FieldSpec {
  cat: Category;
  sel?: string;
  /** Default: the vendor admin's value, non-null unless the target lists the field in `nulls`. */
  value?: ValueCheck;
}

const show = (v: unknown) => JSON.stringify(v);
const equals =
  (expected: unknown): ValueCheck =>
  ({ value }) =>
    isDeepStrictEqual(value, expected) ? null : `expected ${show(expected)}, got ${show(value)}`;
/** A reference to another object: its id when the actor reaches it, else null. */
const refTo =
  (pick: (t: Target) => Row | null): ValueCheck =>
  (c) => {
    const r = pick(c.t);
    return equals(r && rowsTable(c.a, r) ? { id: gid(r) } : null)(c);
  };
/** A connection: totalCount = the reachable rows. */
const countTo =
  (count: (a: Actor, t: Target) => number): ValueCheck =>
  (c) =>
    equals({ totalCount: count(c.a, c.t) })(c);
/** A plain list of objects: exactly the reachable ones. */
const idsOf =
  (rows: (t: Target) => Row[]): ValueCheck =>
  (c) => {
    const expected = rows(c.t)
      .filter((r) => rowsTable(c.a, r))
      .map(gid)
      .sort();
    const got = Array.isArray(c.value) ? (c.value as { id: string }[]).map((x) => x?.id).sort() : c.value;
    return isDeepStrictEqual(got, expected) ? null : `expected ids ${show(expected)}, got ${show(c.value)}`;
  };
const nonNull: ValueCheck = ({ value }) => (value === null || value === undefined ? 'expected a value, got null' : null);
const anything: ValueCheck = () => null;

const rowOf = <T extends Row['type']>(t: Target, _type: T) => t.row as RowOf<T>;
const orgOf = (t: Target) => org(rowOf(t, 'Organization').slug);

const pub = (value?: ValueCheck, sel?: string): FieldSpec => ({ cat: 'PUBLIC', value, sel });

/** A field of an event read in the feed: absent (no node at all) when the actor does not reach the event, else `check`. */
const inFeed =
  (check: ValueCheck): ValueCheck =>
  (c) => {
    if (rowsTable(c.a, rowOf(c.t, 'Event'))) return check(c);
    const nodes = getPath(c.data, ['events', 'nodes']);
    return isDeepStrictEqual(nodes, []) ? null : `expected the event out of the feed (no node), got ${show(nodes)}`;
  };
const of = (cat: Category, value?: ValueCheck, sel?: string): FieldSpec => ({ cat, value, sel });

/** The size of a list for the actor: connections and edges check their shape against it. */
function listValue(part: 'edges' | 'nodes' | 'pageInfo' | 'totalCount' | 'cursor' | 'node'): ValueCheck {
  return ({ a, t, value, data }) => {
    const size = t.size!(a);
    const n = size === 'some' ? 1 : Math.min(size, 1);
    switch (part) {
      case 'totalCount':
        return size === 'some' ? (typeof value === 'number' && value >= 1 ? null : `expected at least 1, got ${show(value)}`) : equals(size)({ a, t, value, ref: null, data });
      case 'edges':
      case 'nodes':
        return Array.isArray(value) && value.length === n ? null : `expected ${n} item(s) (first: 1), got ${show(value)}`;
      case 'pageInfo': {
        const p = value as { hasNextPage?: boolean; endCursor?: string | null } | null;
        if (!p) return 'expected pageInfo';
        if (size !== 'some' && p.hasNextPage !== size > 1) return `expected hasNextPage ${size > 1}, got ${show(p)}`;
        return n > 0 === (typeof p.endCursor === 'string') ? null : `expected endCursor ${n > 0 ? 'a cursor' : 'null'}, got ${show(p)}`;
      }
      case 'cursor':
      case 'node': {
        const edges = getPath(data, t.fieldPath('cursor').slice(0, -2));
        if (!Array.isArray(edges)) return `expected an edges list, got ${show(edges)}`;
        if (n === 0) return edges.length === 0 ? null : `expected no edge, got ${show(edges)}`;
        return value ? null : `expected the edge's ${part}, got ${show(value)}`;
      }
    }
  };
}

/**
 * Organization.personalDataAccess says whether "the viewer [is] allowed this organization's
 * personal data now" (docs/api.md): the PERSONAL decision for that organization, scopes of
 * an API key included (docs/access-policy.md: a key needs personal_data:read).
 */
const mayReadPersonalDataOf = (a: Actor, slug: string) => fieldRule(a, 'PERSONAL', { owner: slug }) === 'allowed';

/** Viewer-dependent values: what harbor.personalDataAccess must say to this actor. */
const personalDataAccessOfHarbor: Record<string, ValueCheck> = {
  // "is the viewer allowed this organization's personal data now" (docs/api.md): exactly what PERSONAL decides.
  // (Its scope side has tests of its own below, so that a failure there names itself.)
  allowed: (c) => (has(c.a, 'personal_data:read') ? equals(mayReadPersonalDataOf(c.a, HARBOR))(c) : typeof c.value === 'boolean' ? null : 'expected a boolean'),
  reason: ({ value }) => (typeof value === 'string' && value.length > 0 ? null : `expected a reason, got ${show(value)}`),
  basis: (c) => (!has(c.a, 'personal_data:read') ? equals('NONE')(c) : c.a.kind === 'VENDOR' || c.a.org === HARBOR ? equals('NOT_REQUIRED')(c) : c.a.org === 'rhein' ? equals('EEA')(c) : nonNull(c)),
  contract: (c) =>
    c.value === null || (rowsTable(c.a, CONTRACT('mumbai')) && c.a.org === 'mumbai' && isDeepStrictEqual(c.value, { id: gid(CONTRACT('mumbai')) }))
      ? null
      : `expected no contract, or mumbai's when the actor reaches it; got ${show(c.value)}`,
  validUntil: anything,
  // The gate's reason (issue #13): only mumbai, the distributor of harbor whose gate is closed, is denied by a gate.
  denialReason: (c) => equals(has(c.a, 'personal_data:read') && !mayReadPersonalDataOf(c.a, HARBOR) && c.a.org === 'mumbai' ? 'CONTRACT_EXPIRED' : null)(c),
};

const rootValue: Record<string, ValueCheck> = {
  viewer: (c) => equals({ role: c.a.role })(c),
  node: refTo(() => ROOT.node.row!),
  nodes: (c) => equals([{ id: gid(ROOT.nodes.row!) }])(c),
  organization: refTo(() => ROOT.organization.row!),
  organizations: countTo((a) => countOf([...ORGS.keys()].map(ORG), a)),
  customers: countTo((a) => countOf([...ORGS.keys()].map(ORG), a, (r) => org(r.slug).kind === 'CUSTOMER' && (a.kind !== 'DISTRIBUTOR' || serves(a.org, r.slug)))),
  products: (c) => (Array.isArray(c.value) && c.value.length === 3 ? null : `expected the 3 products, got ${show(c.value)}`),
  license: refTo(() => ROOT.license.row!),
  licenses: countTo((a) => countOf(LICENSES, a)),
  licenseSummary: (c) => equals({ total: countOf(LICENSES, c.a) })(c),
  contracts: countTo((a) => countOf(CONTRACTS, a)),
  computers: countTo((a) => countOf(COMPUTERS, a)),
  activations: countTo((a) => countOf(ACTIVATIONS, a)),
  users: countTo((a) => countOf(USERS, a)),
  auditEvents: ({ value }) => (((value as { totalCount?: number } | null)?.totalCount ?? 0) >= 1 ? null : `expected at least one event, got ${show(value)}`),
  events: countTo((a) => countOf(EVENTS, a)),
  rateLimit: (c) => equals({ limit: 5000 })(c),
};
/** The enum names of string scopes (ApiKeyScope: LICENSES_READ for licenses:read). */
const enumNames = (scopes: string[]) => scopes.map((x) => x.replace(':', '_').toUpperCase()).sort();
/** RateLimit's numbers: what is left depends on the actor's earlier requests, never negative. */
const points: ValueCheck = ({ value }) => (typeof value === 'number' && value >= 0 ? null : `expected points, got ${show(value)}`);

/** A per-product line of licenseSummary: there when the actor reaches any license. */
const summaryItem: ValueCheck = (c) => (countOf(LICENSES, c.a) === 0 ? equals(undefined)(c) : nonNull(c));

const connection = (): Record<string, FieldSpec> => ({
  edges: pub(listValue('edges'), ' { cursor node { id } }'),
  nodes: pub(listValue('nodes'), ' { id }'),
  pageInfo: pub(listValue('pageInfo'), ' { hasNextPage endCursor }'),
  totalCount: pub(listValue('totalCount')),
});
const edge = (): Record<string, FieldSpec> => ({ cursor: pub(listValue('cursor')), node: pub(listValue('node'), ' { id }') });

export const CATEGORY: Record<string, Record<string, FieldSpec>> = {
  Query: {
    viewer: pub(rootValue.viewer),
    node: pub(rootValue.node),
    nodes: pub(rootValue.nodes),
    organization: pub(rootValue.organization),
    organizations: pub(rootValue.organizations),
    customers: of('CUSTOMER_LIST', rootValue.customers),
    products: pub(rootValue.products),
    license: pub(rootValue.license),
    licenses: of('LICENSE_LIST', rootValue.licenses),
    licenseSummary: of('LICENSE_LIST', rootValue.licenseSummary),
    contracts: of('CONTRACT_LIST', rootValue.contracts),
    computers: of('LICENSE_LIST', rootValue.computers),
    activations: of('LICENSE_LIST', rootValue.activations),
    users: of('USER_LOOKUP', rootValue.users),
    auditEvents: of('AUDIT', rootValue.auditEvents),
    events: pub(rootValue.events),
    rateLimit: pub(rootValue.rateLimit),
  },
  RateLimit: { cost: pub(points), limit: pub((c) => equals(5000)(c)), remaining: pub(points), resetAt: pub(nonNull) },
  Viewer: {
    actorType: pub((c) => equals(isKey(c.a) ? 'API_KEY' : 'USER')(c)),
    role: pub((c) => equals(c.a.role)(c)),
    scopes: pub((c) => equals([...(c.a.scopes ?? [])].sort())({ ...c, value: Array.isArray(c.value) ? [...c.value].sort() : c.value })),
    user: pub((c) => equals(c.a.email ? { id: gid(USER(c.a.email)) } : null)(c), ' { id }'),
    grantedScopes: pub((c) => equals(enumNames(c.a.scopes ?? []))({ ...c, value: Array.isArray(c.value) ? [...c.value].sort() : c.value })),
    // A key reaches its own ApiKey row, and no other (rows table).
    apiKey: pub((c) => equals(c.a.keyUuid ? { id: gid({ type: 'ApiKey', org: c.a.org, uuid: c.a.keyUuid }) } : null)(c), ' { id }'),
    organization: pub((c) => equals({ id: gid(ORG(c.a.org)) })(c), ' { id }'),
  },
  Organization: {
    id: pub(),
    kind: pub(),
    name: pub(),
    country: pub(),
    processingCountries: pub(),
    address: of('CONTACT', undefined, ' { street postalCode city country }'),
    phone: of('CONTACT'),
    email: of('CONTACT'),
    users: pub(
      countTo((a, t) => countOf(USERS, a, (u) => u.org === orgOf(t).slug)),
      '(first: 1) { totalCount }',
    ),
    customers: pub(
      countTo((a, t) => countOf([...ORGS.keys()].map(ORG), a, (r) => serves(orgOf(t).slug, r.slug))),
      '(first: 1) { totalCount }',
    ),
    distributors: pub(
      idsOf((t) => orgOf(t).servedBy.map(ORG)),
      ' { id }',
    ),
    licenses: pub(
      countTo((a, t) => {
        const o = orgOf(t);
        return countOf(LICENSES, a, (l) => (o.kind === 'DISTRIBUTOR' ? l.d === o.slug : o.kind === 'CUSTOMER' ? l.customer === o.slug : false));
      }),
      '(first: 1) { totalCount }',
    ),
    // Counts, PUBLIC: exactly the licenses the list above holds for the actor.
    licenseSummary: pub((c) => {
      const o = orgOf(c.t);
      return equals({ total: countOf(LICENSES, c.a, (l) => (o.kind === 'DISTRIBUTOR' ? l.d === o.slug : o.kind === 'CUSTOMER' ? l.customer === o.slug : false)) })(c);
    }, ' { total }'),
    computers: pub(
      countTo((a, t) => countOf(COMPUTERS, a, (k) => k.customer === orgOf(t).slug)),
      '(first: 1) { totalCount }',
    ),
    contracts: of(
      'CONTRACT',
      idsOf((t) => CONTRACTS.filter((c) => c.d === orgOf(t).slug)),
      ' { id }',
    ),
    transferBasis: of('CONTRACT', undefined, ' { allowed basis reason }'),
    apiKeys: of(
      'CREDENTIAL_OF_ORGANIZATION',
      ({ value }) => (typeof (value as { totalCount?: unknown } | null)?.totalCount === 'number' ? null : `expected a count, got ${show(value)}`),
      '(first: 1) { totalCount }',
    ),
    webhookEndpoints: of(
      'CREDENTIAL_OF_ORGANIZATION',
      countTo((_a, t) => [HOOK_OF_RHEIN, HOOK_OF_HARBOR].filter((h) => h.org === orgOf(t).slug).length),
      '(first: 1) { totalCount }',
    ),
    personalDataAccess: pub(
      (c) =>
        has(c.a, 'personal_data:read')
          ? equals({ allowed: mayReadPersonalDataOf(c.a, orgOf(c.t).slug) })(c)
          : typeof (c.value as { allowed?: unknown })?.allowed === 'boolean'
            ? null
            : 'expected a decision',
      ' { allowed }',
    ),
    updatedAt: pub(),
  },
  PostalAddress: { street: pub(), postalCode: pub(), city: pub(), country: pub() },
  TransferDecision: {
    allowed: pub(personalDataAccessOfHarbor.allowed),
    reason: pub(personalDataAccessOfHarbor.reason),
    basis: pub(personalDataAccessOfHarbor.basis),
    contract: pub(personalDataAccessOfHarbor.contract, ' { id }'),
    validUntil: pub(personalDataAccessOfHarbor.validUntil),
    denialReason: pub(personalDataAccessOfHarbor.denialReason),
  },
  PortalUser: {
    id: pub(),
    organization: pub(
      refTo((t) => ORG(rowOf(t, 'PortalUser').org)),
      ' { id }',
    ),
    name: of('PERSONAL'),
    email: of('PERSONAL'),
    phone: of('PERSONAL'),
    role: of('PERSONAL'),
    status: of('PERSONAL'),
    consentGivenAt: of('PERSONAL'),
    consentWithdrawnAt: of('PERSONAL'),
    updatedAt: of('PERSONAL'),
  },
  ApiKey: {
    id: of('CREDENTIAL'),
    organization: of(
      'CREDENTIAL',
      refTo((t) => ORG(rowOf(t, 'ApiKey').org)),
      ' { id }',
    ),
    name: of('CREDENTIAL'),
    prefix: of('CREDENTIAL'),
    scopes: of('CREDENTIAL'),
    grantedScopes: of('CREDENTIAL'),
    // The matrix's keys are stored without their creator (as keys made before it was recorded).
    createdBy: of('CREDENTIAL', undefined, ' { id }'),
    expiresAt: of('CREDENTIAL'),
    revokedAt: of('CREDENTIAL'),
    lastUsedAt: of('CREDENTIAL'),
    createdAt: of('CREDENTIAL'),
  },
  // Rows scoped to the organization's admin and VENDOR_ADMIN (rows table); every field PUBLIC on them.
  WebhookEndpoint: {
    id: pub(),
    organization: pub(
      refTo((t) => ORG(rowOf(t, 'WebhookEndpoint').org)),
      ' { id }',
    ),
    url: pub(),
    eventTypes: pub(),
    description: pub(),
    previousSecretUntil: pub(),
    disabledAt: pub(),
    disabledReason: pub(),
    createdAt: pub(),
    deliveries: pub(
      countTo((_a, t) => (rowOf(t, 'WebhookEndpoint') === HOOK_OF_RHEIN ? 1 : 0)),
      '(first: 1) { totalCount }',
    ),
  },
  WebhookDelivery: {
    id: pub(),
    endpoint: pub(equals({ id: gid(HOOK_OF_RHEIN) }), ' { id }'),
    status: pub(equals(DeliveryStatus.DELIVERED)),
    attempt: pub(equals(1)),
    nextAttemptAt: pub(),
    responseCode: pub(equals(200)),
    durationMs: pub(equals(42)),
    error: pub(),
    deliveredAt: pub(),
    createdAt: pub(),
  },
  Product: { id: pub(), sku: pub(), name: pub(), licenseModel: pub() },
  License: {
    id: pub(),
    product: pub(
      refTo((t) => ({ type: 'Product', sku: rowOf(t, 'License').sku })),
      ' { id }',
    ),
    seats: pub(),
    seatsUsed: pub(),
    status: pub(),
    validFrom: pub(),
    validUntil: pub(),
    distributor: pub(
      refTo((t) => ORG(rowOf(t, 'License').d)),
      ' { id }',
    ),
    customer: pub(
      refTo((t) => (rowOf(t, 'License').customer ? ORG(rowOf(t, 'License').customer!) : null)),
      ' { id }',
    ),
    activations: pub(
      countTo((a, t) => countOf(ACTIVATIONS, a, (x) => x.d === rowOf(t, 'License').d && x.n === rowOf(t, 'License').n)),
      '(first: 1) { totalCount }',
    ),
    licensee: of(
      'PERSONAL',
      refTo((t) => (rowOf(t, 'License').licensee ? USER(rowOf(t, 'License').licensee!) : null)),
      ' { id }',
    ),
    activationKey: of('SECRET'),
    updatedAt: pub(),
  },
  Computer: {
    id: pub(),
    os: pub(),
    organization: pub(
      refTo((t) => ORG(rowOf(t, 'Computer').customer)),
      ' { id }',
    ),
    activations: pub(
      countTo((a, t) => countOf(ACTIVATIONS, a, (x) => x.customer === rowOf(t, 'Computer').customer && x.pc === rowOf(t, 'Computer').n)),
      '(first: 1) { totalCount }',
    ),
    name: of('PERSONAL'),
    hostId: of('PERSONAL'),
    updatedAt: pub(),
  },
  Activation: {
    id: pub(),
    license: pub(
      refTo((t) => LICENSE(rowOf(t, 'Activation').d, rowOf(t, 'Activation').n)),
      ' { id }',
    ),
    computer: pub(
      refTo((t) => COMPUTER(rowOf(t, 'Activation').customer, rowOf(t, 'Activation').pc)),
      ' { id }',
    ),
    activatedAt: pub(),
    deactivatedAt: pub(),
    activatedBy: of(
      'PERSONAL',
      refTo((t) => USER(rowOf(t, 'Activation').by)),
      ' { id }',
    ),
    updatedAt: pub(),
  },
  Contract: {
    id: of('CONTRACT'),
    distributor: of(
      'CONTRACT',
      refTo((t) => ORG(rowOf(t, 'Contract').d)),
      ' { id }',
    ),
    type: of('CONTRACT'),
    status: of('CONTRACT'),
    signedAt: of('CONTRACT'),
    effectiveFrom: of('CONTRACT'),
    expiresAt: of('CONTRACT'),
    terminatedAt: of('CONTRACT'),
    documentRef: of('CONTRACT'),
    inForce: of('CONTRACT'),
    updatedAt: of('CONTRACT'),
  },
  AuditEvent: {
    id: of('AUDIT'),
    at: of('AUDIT'),
    requestId: of('AUDIT'),
    clientRequestId: of('AUDIT'),
    actorType: of('AUDIT'),
    actorId: of('AUDIT'),
    actorOrganization: of(
      'AUDIT',
      refTo((t) => ORG(rowOf(t, 'AuditEvent').actorOrg)),
      ' { id }',
    ),
    action: of('AUDIT'),
    subjectType: of('AUDIT'),
    subjectId: of('AUDIT'),
    fields: of('AUDIT'),
    purpose: of('AUDIT'),
    outcome: of('AUDIT'),
  },
  // docs/events.md: type, instant and ids only, never a personal value: every field is for whoever
  // reaches the event; the subject is read under its own rules (null when out of the actor's rows).
  Event: {
    id: pub(inFeed((c) => equals(rowOf(c.t, 'Event').uuid)(c))),
    type: pub(inFeed((c) => equals(eventTypeName(rowOf(c.t, 'Event').eventType))(c))),
    occurredAt: pub(inFeed((c) => equals(rowOf(c.t, 'Event').at)(c))),
    subjectType: pub(inFeed((c) => equals(rowOf(c.t, 'Event').subject.type)(c))),
    subjectId: pub(inFeed((c) => equals(gid(rowOf(c.t, 'Event').subject))(c))),
    subject: pub(inFeed(refTo((t) => rowOf(t, 'Event').subject)), ' { id }'),
    licenseId: pub(inFeed((c) => equals(rowOf(c.t, 'Event').license ? gid(rowOf(c.t, 'Event').license!) : null)(c))),
    distributorId: pub(inFeed((c) => equals(rowOf(c.t, 'Event').d ? gid(ORG(rowOf(c.t, 'Event').d!)) : null)(c))),
    customerId: pub(inFeed((c) => equals(rowOf(c.t, 'Event').c ? gid(ORG(rowOf(c.t, 'Event').c!)) : null)(c))),
  },
  LicenseSummary: {
    total: pub((c) => equals(countOf(LICENSES, c.a))(c)),
    byStatus: pub(nonNull, ' { count }'),
    seats: pub(nonNull, ' { total }'),
    byProduct: pub(nonNull, ' { licenses }'),
    expiringSoon: pub(nonNull),
    expiringWithinDays: pub(equals(30)),
  },
  LicenseStatusCount: { status: pub(nonNull), count: pub(nonNull) },
  SeatUsage: { total: pub(nonNull), used: pub(nonNull) },
  ProductLicenseSummary: {
    product: pub(summaryItem, ' { id }'),
    licenses: pub(summaryItem),
    seats: pub(summaryItem),
    seatsUsed: pub(summaryItem),
  },
  PageInfo: {
    hasNextPage: pub(({ a, t, value }) => (isDeepStrictEqual(value, (t.size!(a) as number) > 1) ? null : `expected ${(t.size!(a) as number) > 1}, got ${show(value)}`)),
    endCursor: pub(({ a, t, value }) => ((typeof value === 'string') === (t.size!(a) as number) > 0 ? null : `expected ${(t.size!(a) as number) > 0 ? 'a cursor' : 'null'}, got ${show(value)}`)),
    // The first page (no cursor given): nothing precedes it; its first row is its last (first: 1).
    hasPreviousPage: pub(({ value }) => (value === false ? null : `expected false, got ${show(value)}`)),
    startCursor: pub(({ a, t, value }) => ((typeof value === 'string') === (t.size!(a) as number) > 0 ? null : `expected ${(t.size!(a) as number) > 0 ? 'a cursor' : 'null'}, got ${show(value)}`)),
  },
  ...Object.fromEntries(
    CONNECTED.flatMap((n) => [
      [`${n}Connection`, connection()],
      [`${n}Edge`, edge()],
    ]),
  ),
};

// =============================================================================================
// The matrix
// =============================================================================================

/**
 * The types a read can reach: every object type reachable from Query. Mutation, its payloads and
 * the types only a payload holds (e.g. RetentionReport) are tested with the mutations.
 */
function typesReachableFromQuery(): Set<string> {
  const schema = buildBareSchema();
  const seen = new Set<string>();
  const visit = (type: GraphQLNamedType) => {
    if (seen.has(type.name) || type.name.startsWith('__')) return;
    seen.add(type.name);
    if (isObjectType(type) || isInterfaceType(type)) for (const f of Object.values(type.getFields())) visit(getNamedType(f.type));
    if (isInterfaceType(type) || isUnionType(type)) for (const t of schema.getPossibleTypes(type)) visit(t);
  };
  visit(schema.getQueryType()!);
  return seen;
}
const READ_TYPES = typesReachableFromQuery();
const SKIPPED_TYPE = (type: string) => type === 'Mutation' || type === 'Subscription' || type.endsWith('Payload') || !READ_TYPES.has(type);
const MATRIX_TYPES = Object.keys(PERMISSIONS)
  .filter((t) => !SKIPPED_TYPE(t))
  .sort();
const fieldsOf = (type: string) => Object.keys(PERMISSIONS[type]).sort();

function getPath(data: unknown, path: Path): unknown {
  let v: unknown = data;
  for (const p of path) {
    if (v === null || v === undefined) return v;
    v = (v as Record<string | number, unknown>)[p];
  }
  return v;
}
const pathKey = (p: readonly (string | number)[] | undefined) => (p ?? []).join('.');

/** Strings a denied read must not echo: the data itself, not ids, cursors or enum constants. */
function deniedStrings(value: unknown, out: Set<string> = new Set(), key = ''): Set<string> {
  if (['id', 'cursor', 'endCursor', 'actorId', 'subjectId'].includes(key)) return out;
  if (typeof value === 'string') {
    if (value.length >= 4 && !/^[A-Z][A-Z0-9_]*$/.test(value)) out.add(value);
  } else if (Array.isArray(value)) value.forEach((v) => deniedStrings(v, out, key));
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) deniedStrings(v, out, k);
  return out;
}

/** "email, name → TRANSFER_BASIS_REQUIRED; id, organization → allowed" */
function outcomesLabel(a: Actor, t: Target): string {
  const by = new Map<string, string[]>();
  for (const f of fieldsOf(t.type)) {
    let label: string;
    try {
      const d = decide(a, t.type, f, t);
      const rowLevel = d.outcome === 'NOT_FOUND' && pathKey(d.at) !== pathKey(t.fieldPath(f));
      label = d.outcome + (rowLevel ? ` (unreachable at ${pathKey(d.at)})` : pathKey(d.at) !== pathKey(t.fieldPath(f)) ? ` (at ${pathKey(d.at)})` : '');
    } catch {
      label = 'UNKNOWN TO THE ORACLE';
    }
    by.set(label, [...(by.get(label) ?? []), f]);
  }
  return [...by.entries()].map(([o, fs]) => `${fs.join(', ')} → ${o}`).join('; ');
}

describe(`the permission matrix (${ON_MYSQL ? 'MariaDB' : 'embedded database'})`, () => {
  let hub: TestHub;
  const clients = new Map<string, Client>();
  const responses = new Map<string, Promise<GraphQLResponse>>();

  async function clientOf(a: Actor): Promise<Client> {
    let c = clients.get(a.id);
    if (!c) {
      c = a.email ? await hub.as(a.email) : hub.withToken(a.secret!);
      clients.set(a.id, c);
    }
    return c;
  }

  /** One request per (actor, query): the fields of a target are read together. */
  function run(a: Actor, q: { text: string; variables?: Record<string, unknown> }): Promise<GraphQLResponse> {
    const k = `${a.id}\n${q.text}\n${JSON.stringify(q.variables ?? {})}`;
    let r = responses.get(k);
    if (!r) {
      r = clientOf(a).then((c) => c.gql(q.text, q.variables));
      responses.set(k, r);
    }
    return r;
  }

  beforeAll(async () => {
    hub = await TestHub.start('permission_matrix');
    for (const a of ACTORS) {
      if (a.scopes !== null) {
        const made = await createApiKey(hub.dataSource, { org: a.org, scopes: a.scopes, name: a.label });
        a.secret = made.secret;
        a.keyUuid = made.key.id;
      }
    }
    for (const k of [KEY_OF_RHEIN, KEY_OF_HARBOR]) {
      const { key: stored } = await createApiKey(hub.dataSource, {
        org: k.org,
        scopes: ['licenses:read', 'customers:read'],
        name: `integration of ${k.org}`,
        expiresAt: new Date('2027-11-01T00:00:00.000Z'),
      });
      await hub.dataSource.getRepository(ApiKey).update({ id: stored.id }, { lastUsedAt: new Date('2026-11-26T08:15:00.000Z') });
      k.uuid = stored.id;
    }
    for (const h of [HOOK_OF_RHEIN, HOOK_OF_HARBOR]) {
      await hub.dataSource.getRepository(WebhookEndpoint).insert({
        id: h.uuid,
        organizationId: orgId(h.org),
        url: `https://hooks.${h.org}.example/hub`,
        eventTypes: [EventType.LICENSE_ACTIVATED],
        description: `integration of ${h.org}`,
        sealedSecret: new SecretBox(hub.config.secretsKey).seal('whsec_bWF0cml4LW9ubHktbm90LWEtc2VjcmV0'),
        previousSealedSecret: null,
        previousSecretUntil: null,
        disabledAt: null,
        disabledReason: null,
        createdAt: new Date('2026-11-20T11:00:00.000Z'),
      });
    }
    await hub.dataSource.getRepository(WebhookDelivery).insert({
      id: DELIVERY_OF_RHEIN.uuid,
      endpointId: HOOK_OF_RHEIN.uuid,
      eventId: EVENTS[1].uuid,
      status: DeliveryStatus.DELIVERED,
      attempt: 1,
      nextAttemptAt: null,
      lockedUntil: null,
      responseStatus: 200,
      durationMs: 42,
      error: null,
      deliveredAt: new Date('2026-11-21T09:01:31.000Z'),
      createdAt: new Date('2026-11-21T09:01:30.000Z'),
    });
    await hub.dataSource.getRepository(AuditEvent).insert({
      id: AUDIT_EVENT.uuid,
      at: new Date('2026-11-20T10:00:00.000Z'),
      requestId: 'matrix-audit-event',
      clientRequestId: 'matrix-client-trace',
      actorType: ActorType.USER,
      actorId: userId('admin@rhein.example'),
      actorOrganizationId: orgId('rhein'),
      action: 'personal_data.read',
      subjectType: 'PortalUser',
      subjectId: userId(`user@${HARBOR}.example`),
      fields: ['PortalUser.email'],
      purpose: 'LICENSE_MANAGEMENT',
      outcome: AuditOutcome.ALLOWED,
      detail: null,
    });
    await hub.dataSource.getRepository(HubEvent).insert(
      EVENTS.map((e) => ({
        id: e.uuid,
        type: e.eventType,
        occurredAt: new Date(e.at),
        subjectType: e.subject.type,
        subjectId: uuidOf(e.subject),
        licenseId: e.license ? uuidOf(e.license) : null,
        distributorId: e.d ? orgId(e.d) : null,
        customerId: e.c ? orgId(e.c) : null,
      })),
    );
  });
  afterAll(() => hub?.close());

  describe('the matrix covers the permission table', () => {
    it('the oracle knows every (type, field) of PERMISSIONS (a field added to the table needs a rule here first)', () => {
      const unknown = MATRIX_TYPES.flatMap((t) =>
        fieldsOf(t)
          .filter((f) => !CATEGORY[t]?.[f])
          .map((f) => `${t}.${f}`),
      );
      expect(unknown).toEqual([]);
    });

    it('leaves out only Mutation and the types that only a mutation payload reaches', () => {
      const left = Object.keys(PERMISSIONS).filter(SKIPPED_TYPE).sort();
      for (const t of left) expect(`${t}: ${t === 'Mutation' || t.endsWith('Payload') || !READ_TYPES.has(t)}`).toBe(`${t}: true`);
      // Every object type a query can reach is in the matrix.
      const objectTypes = [...READ_TYPES].filter((t) => isObjectType(buildBareSchema().getType(t)));
      expect(objectTypes.filter((t) => !MATRIX_TYPES.includes(t)).sort()).toEqual([]);
    });

    it('the oracle names nothing that the table does not hold', () => {
      const stale = Object.entries(CATEGORY).flatMap(([t, fs]) =>
        Object.keys(fs)
          .filter((f) => !PERMISSIONS[t]?.[f])
          .map((f) => `${t}.${f}`),
      );
      expect(stale).toEqual([]);
    });

    it('every type has a target, so every (type, field) is read by every actor', () => {
      expect(MATRIX_TYPES.filter((t) => !TARGETS[t]?.length)).toEqual([]);
      const cells = new Set<string>();
      for (const a of ACTORS) for (const t of MATRIX_TYPES) for (const target of TARGETS[t] ?? []) for (const f of fieldsOf(t)) cells.add(`${a.id} ${target.type}.${f}`);
      expect(cells.size).toBe(ACTORS.length * MATRIX_TYPES.reduce((n, t) => n + fieldsOf(t).length, 0));
    });

    it('the matrix is a real test: every restricted field is allowed to someone and denied, at the field, to someone else; personal and contact data also behind the gate', () => {
      const weak: string[] = [];
      for (const type of MATRIX_TYPES) {
        for (const f of fieldsOf(type)) {
          const cat = CATEGORY[type]?.[f]?.cat;
          if (!cat || cat === 'PUBLIC') continue;
          const seen = new Set<Outcome>();
          for (const a of ACTORS) {
            for (const t of TARGETS[type] ?? []) {
              const d = decide(a, type, f, t);
              if (d.outcome === 'allowed' || pathKey(d.at) === pathKey(t.fieldPath(f))) seen.add(d.outcome);
            }
          }
          const needs: Outcome[] = ['allowed', 'FORBIDDEN', ...(cat === 'PERSONAL' || cat === 'CONTACT' ? (['TRANSFER_BASIS_REQUIRED'] as Outcome[]) : [])];
          // Rows and rule coincide for contracts, audit events and keys: whoever reaches the row reads it.
          if (cat === 'CONTRACT' && type === 'Contract') needs.splice(needs.indexOf('FORBIDDEN'), 1);
          if (cat === 'AUDIT' && type === 'AuditEvent') needs.splice(needs.indexOf('FORBIDDEN'), 1);
          if (cat === 'CREDENTIAL') needs.splice(needs.indexOf('FORBIDDEN'), 1);
          const missing = needs.filter((o) => !seen.has(o));
          if (missing.length) weak.push(`${type}.${f} (${cat}) never ${missing.join(', ')}`);
        }
      }
      expect(weak).toEqual([]);
    });

    it('the actors hold every scope of the product, and the model is the seed world', () => {
      expect([...API_KEY_SCOPES].sort()).toEqual([...SCOPES].sort());
      expect(GATE_TODAY.rhein).toBe('allowed');
      expect(GATE_TODAY.mumbai).toBe('denied');
      expect({
        organization: ORGS.size,
        portal_user: USERS.length,
        license: LICENSES.length,
        computer: COMPUTERS.length,
        activation: ACTIVATIONS.length,
        contract: CONTRACTS.length,
      }).toEqual({
        organization: SEED_COUNTS.organization,
        portal_user: SEED_COUNTS.portal_user,
        license: SEED_COUNTS.license,
        computer: SEED_COUNTS.computer,
        activation: SEED_COUNTS.activation,
        contract: SEED_COUNTS.contract,
      });
    });
  });

  describe('an anonymous caller (no token)', () => {
    for (const type of MATRIX_TYPES) {
      const t = TARGETS[type]?.[0];
      if (!t) continue;
      it(`reading ${type} (${t.label}) → 401 UNAUTHENTICATED, no data`, async () => {
        const batches = t.batches ? t.batches(fieldsOf(type)) : [fieldsOf(type)];
        for (const batch of batches) {
          const q = t.query(batch);
          const r = await hub.withToken(null).gql(q.text, q.variables);
          expect({ status: r.status, codes: (r.body.errors ?? []).map((e) => e.extensions?.code), data: r.body.data ?? null }).toEqual({
            status: 401,
            codes: ['UNAUTHENTICATED'],
            data: null,
          });
        }
      });
    }
  });

  for (const a of ACTORS) {
    describe(a.label, () => {
      for (const type of MATRIX_TYPES) {
        for (const t of TARGETS[type] ?? []) {
          it(`${a.label} reading ${type} of ${t.label}: ${t.listed && !t.listed(a) ? 'not in its list (no node, no error); ' : ''}${outcomesLabel(a, t)}`, async () => {
            const problems = await verify(a, t);
            if (problems.length) throw new Error(`${a.label} reading ${type} of ${t.label}:\n  - ${problems.join('\n  - ')}`);
          });
        }
      }
    });
  }

  describe("Organization.personalDataAccess answers what PERSONAL decides (docs/api.md: 'is the viewer allowed this organization's personal data now')", () => {
    for (const a of ACTORS) {
      for (const t of TARGETS.Organization) {
        const slug = orgOf(t).slug;
        if (!rowsTable(a, ORG(slug))) continue; // unreachable: NOT_FOUND, in the matrix
        const expected = mayReadPersonalDataOf(a, slug);
        it(`${a.label}: ${slug}.personalDataAccess.allowed is ${expected} (PERSONAL of ${slug} → ${fieldRule(a, 'PERSONAL', { owner: slug })})`, async () => {
          const r = await run(a, t.query(fieldsOf('Organization')));
          expect(getPath(r.body.data, ['node', 'personalDataAccess', 'allowed'])).toBe(expected);
        });
      }
    }
  });

  async function verify(a: Actor, t: Target): Promise<string[]> {
    const problems: string[] = [];
    const fields = fieldsOf(t.type);
    for (const batch of t.batches ? t.batches(fields) : [fields]) {
      const q = t.query(batch);
      const [r, refResponse] = await Promise.all([run(a, q), run(VENDOR_ADMIN, q)]);
      const data = r.body.data;
      const refData = refResponse.body.data;
      if (r.status !== 200) problems.push(`HTTP ${r.status}: ${show(r.body)}`);
      const errors = r.body.errors ?? [];
      const expected = new Map<string, Outcome>();
      const secrets = new Set<string>();
      for (const f of batch) {
        const d = decide(a, t.type, f, t);
        const path = t.fieldPath(f);
        const name = `${t.type}.${f}`;
        const refValue = getPath(refData, path);
        if (d.outcome === 'allowed') {
          const blocking = errors.filter((e) => e.path && e.path.length <= path.length && e.path.every((p, i) => p === path[i]));
          if (blocking.length) {
            problems.push(`${name}: expected allowed, got ${blocking.map((e) => `${e.extensions?.code} at ${pathKey(e.path)} ("${e.message}")`).join(', ')}`);
            continue;
          }
          const value = getPath(data, path);
          const check = CATEGORY[t.type][f].value;
          const complaint = check
            ? check({ a, t, value, ref: refValue, data })
            : t.nulls?.includes(f)
              ? equals(null)({ a, t, value, ref: refValue, data })
              : value === null || value === undefined
                ? `expected the seed's value, got ${show(value)}`
                : equals(refValue)({ a, t, value, ref: refValue, data });
          if (complaint) problems.push(`${name}: allowed, but ${complaint}`);
        } else {
          expected.set(pathKey(d.at), d.outcome);
          const shown = getPath(data, d.at);
          if (shown !== null && shown !== undefined) problems.push(`${name}: expected ${d.outcome}, but the value is there: ${show(shown)}`);
          deniedStrings(refValue, secrets);
        }
      }
      for (const [at, code] of expected) {
        const hit = errors.filter((e) => pathKey(e.path) === at);
        if (!hit.some((e) => e.extensions?.code === code)) {
          problems.push(`expected ${code} at ${at}, got ${hit.length ? hit.map((e) => `${e.extensions?.code} ("${e.message}")`).join(', ') : 'no error there'}`);
        }
      }
      for (const e of errors) {
        if (!expected.has(pathKey(e.path))) problems.push(`unexpected error ${e.extensions?.code} at ${pathKey(e.path)}: "${e.message}"`);
        for (const s of secrets) if (e.message.includes(s)) problems.push(`the message at ${pathKey(e.path)} contains the denied value ${show(s)}: "${e.message}"`);
      }
    }
    return problems;
  }
});
