import { createHash } from 'node:crypto';
import { GraphQLSchema, isInputObjectType, isNonNullType, getNamedType, parse, validate } from 'graphql';
import { DataSource } from 'typeorm';
import { toGlobalId, NodeType } from '../../src/common/global-id';
import { Activation } from '../../src/modules/activation/activation.entity';
import { ApiKey } from '../../src/modules/api-key/api-key.entity';
import { Computer } from '../../src/modules/computer/computer.entity';
import { Contract } from '../../src/modules/contract/contract.entity';
import { License } from '../../src/modules/license/license.entity';
import { CustomerAccount } from '../../src/modules/organization/customer-account.entity';
import { Organization } from '../../src/modules/organization/organization.entity';
import { Product } from '../../src/modules/product/product.entity';
import { PortalUser } from '../../src/modules/user/portal-user.entity';
import { WebhookDelivery, WebhookEndpoint } from '../../src/modules/webhook/webhook.entity';
import { Client } from './hub';
import { AliasedField, aliasedDocuments, documents, fragmentsOf, objectType, Operation, render, selectionOf, split, tokenCount } from './side-channel-selections';

/**
 * The requests of the side-channel suite, generated from the schema and the database: every
 * root query field with every field selected down every path, node/nodes of ids of every kind
 * and state, and every mutation with payloads selecting every field, with valid and
 * refusal-provoking inputs.
 */

export interface Candidate {
  label: string;
  id: string;
}

/** Ids of every kind a distributor's persona may send, in every state (read from the database). */
export interface Fixture {
  distributor: { id: string; raw: string; name: string };
  ids: Record<NodeType, Candidate[]>;
  /** A REGISTERED license it holds (valid allocation), a customer it serves, an active person of it. */
  registeredLicenses: string[];
  customer: string;
  customerPerson: string;
  /** An ALLOCATED license it holds with a free seat, and an active activation of its licenses. */
  allocatedLicense: string | null;
  activeActivation: string | null;
  /** Host ids of existing computers: of its customers and of another tenant's customer. */
  customerHostIds: { label: string; hostId: string }[];
  product: string;
  /** Its customers' people who are not ACTIVE, with their organization. */
  inactivePeople: { label: string; id: string; organization: string }[];
  /** Hands out its REGISTERED licenses one by one, so that a case that succeeds spends its own. */
  nextRegistered(): string;
}

const UNKNOWN_UUID = '01890000-0000-7000-8000-00000000dead';

/** A distributor's fixture: its customers' people in every state, its licenses, another tenant's rows. */
export async function fixtureFor(dataSource: DataSource, distributorRaw: string): Promise<Fixture> {
  const repo = <T extends object>(e: new () => T) => dataSource.getRepository(e);
  const [orgs, accounts, users, computers, licenses, activations, keys, contracts, products, endpoints, deliveries] = await Promise.all([
    repo(Organization).find(),
    repo(CustomerAccount).find(),
    repo(PortalUser).find(),
    repo(Computer).find(),
    repo(License).find(),
    repo(Activation).find(),
    repo(ApiKey).find(),
    repo(Contract).find(),
    repo(Product).find(),
    repo(WebhookEndpoint).find(),
    repo(WebhookDelivery).find(),
  ]);
  const me = orgs.find((o) => o.id === distributorRaw)!;
  const myCustomers = accounts.filter((a) => a.distributorId === distributorRaw).map((a) => a.customerId);
  const other = orgs.find((o) => o.kind === 'DISTRIBUTOR' && o.id !== distributorRaw)!;
  const otherCustomer = accounts.find((a) => a.distributorId === other.id && !myCustomers.includes(a.customerId))!.customerId;
  const vendor = orgs.find((o) => o.kind === 'VENDOR')!;
  const g = (t: NodeType, id: string) => toGlobalId(t, id);
  const orgName = (id: string) => orgs.find((o) => o.id === id)?.name ?? id;

  const ids = {} as Record<NodeType, Candidate[]>;
  ids.Organization = [
    ...myCustomers.map((c) => ({ label: `its customer ${orgName(c)}`, id: g('Organization', c) })),
    { label: 'itself', id: g('Organization', distributorRaw) },
    { label: `another distributor ${other.name}`, id: g('Organization', other.id) },
    { label: `another tenant's customer ${orgName(otherCustomer)}`, id: g('Organization', otherCustomer) },
    { label: 'the vendor', id: g('Organization', vendor.id) },
    { label: 'an unknown organization', id: g('Organization', UNKNOWN_UUID) },
  ];
  const customerUsers = users.filter((u) => myCustomers.includes(u.organizationId));
  const otherUser = users.find((u) => u.organizationId === otherCustomer)!;
  ids.PortalUser = [
    ...customerUsers.map((u) => ({ label: `${u.status} ${u.email} of its customer`, id: g('PortalUser', u.id) })),
    { label: `another tenant's person ${otherUser.email}`, id: g('PortalUser', otherUser.id) },
    { label: 'an unknown person', id: g('PortalUser', UNKNOWN_UUID) },
  ];
  const mine = licenses.filter((l) => l.distributorId === distributorRaw);
  const byState = new Map<string, License>();
  for (const l of mine) if (!byState.has(`${l.state}:${!!l.licenseeId}`)) byState.set(`${l.state}:${!!l.licenseeId}`, l);
  const otherLicense = licenses.find((l) => l.distributorId === other.id && l.customerId)!;
  ids.License = [
    ...[...byState.entries()].map(([k, l]) => ({ label: `its license (${k})`, id: g('License', l.id) })),
    { label: "another tenant's license", id: g('License', otherLicense.id) },
    { label: 'an unknown license', id: g('License', UNKNOWN_UUID) },
  ];
  const myLicenseIds = new Set(mine.map((l) => l.id));
  const myActivations = activations.filter((a) => myLicenseIds.has(a.licenseId));
  const active = myActivations.find((a) => !a.deactivatedAt);
  const inactive = myActivations.find((a) => a.deactivatedAt);
  const otherActivation = activations.find((a) => licenses.find((l) => l.id === a.licenseId)?.distributorId === other.id)!;
  ids.Activation = [
    ...(active ? [{ label: 'its active activation', id: g('Activation', active.id) }] : []),
    ...(inactive ? [{ label: 'its ended activation', id: g('Activation', inactive.id) }] : []),
    { label: "another tenant's activation", id: g('Activation', otherActivation.id) },
    { label: 'an unknown activation', id: g('Activation', UNKNOWN_UUID) },
  ];
  const myComputers = computers.filter((c) => myCustomers.includes(c.organizationId));
  const otherComputer = computers.find((c) => c.organizationId === otherCustomer)!;
  ids.Computer = [
    ...myComputers.map((c) => ({ label: `computer ${c.name} of its customer`, id: g('Computer', c.id) })),
    { label: "another tenant's computer", id: g('Computer', otherComputer.id) },
    { label: 'an unknown computer', id: g('Computer', UNKNOWN_UUID) },
  ];
  const myKeys = keys.filter((k) => k.organizationId === distributorRaw);
  const otherKey = keys.find((k) => k.organizationId !== distributorRaw);
  ids.ApiKey = [
    // Its own keys that no persona uses (the suite's throwaway key), so that revoking one costs nothing.
    ...myKeys.filter((k) => k.name.startsWith('side-channel throwaway')).map((k) => ({ label: 'its throwaway API key', id: g('ApiKey', k.id) })),
    ...(otherKey ? [{ label: "another organization's API key", id: g('ApiKey', otherKey.id) }] : []),
    { label: 'an unknown API key', id: g('ApiKey', UNKNOWN_UUID) },
  ];
  const myContract = contracts.find((c) => c.distributorId === distributorRaw);
  const otherContract = contracts.find((c) => c.distributorId !== distributorRaw)!;
  ids.Contract = [
    ...(myContract ? [{ label: 'its contract', id: g('Contract', myContract.id) }] : []),
    { label: "another distributor's contract", id: g('Contract', otherContract.id) },
    { label: 'an unknown contract', id: g('Contract', UNKNOWN_UUID) },
  ];
  ids.Product = [
    { label: 'a product', id: g('Product', products[0].id) },
    { label: 'an unknown product', id: g('Product', UNKNOWN_UUID) },
  ];
  ids.AuditEvent = [{ label: 'an unknown audit event', id: g('AuditEvent', UNKNOWN_UUID) }];
  const myEndpoints = endpoints.filter((e) => e.organizationId === distributorRaw);
  const otherEndpoint = endpoints.find((e) => e.organizationId !== distributorRaw);
  ids.WebhookEndpoint = [
    ...myEndpoints.slice(0, 2).map((e) => ({ label: `its webhook endpoint${e.disabledAt ? ' (disabled)' : ''}`, id: g('WebhookEndpoint', e.id) })),
    ...(otherEndpoint ? [{ label: "another organization's webhook endpoint", id: g('WebhookEndpoint', otherEndpoint.id) }] : []),
    { label: 'an unknown webhook endpoint', id: g('WebhookEndpoint', UNKNOWN_UUID) },
  ];
  const myEndpointIds = new Set(myEndpoints.map((e) => e.id));
  const myDelivery = deliveries.find((x) => myEndpointIds.has(x.endpointId));
  const otherDelivery = deliveries.find((x) => !myEndpointIds.has(x.endpointId));
  ids.WebhookDelivery = [
    ...(myDelivery ? [{ label: `its webhook delivery (${myDelivery.status})`, id: g('WebhookDelivery', myDelivery.id) }] : []),
    ...(otherDelivery ? [{ label: "another organization's webhook delivery", id: g('WebhookDelivery', otherDelivery.id) }] : []),
    { label: 'an unknown webhook delivery', id: g('WebhookDelivery', UNKNOWN_UUID) },
  ];

  let handedOut = 0;
  const seatsUsed = (l: License) => activations.filter((a) => a.licenseId === l.id && !a.deactivatedAt).length;
  // The allocated license with the most free seats and no activation yet (a fresh one if the
  // test made one): activating it on its customer's existing computers acts, rather than
  // answering an existing activation of someone else.
  const activationsOf = (l: License) => activations.filter((a) => a.licenseId === l.id).length;
  const allocated = mine
    .filter((l) => l.state === 'ALLOCATED' && l.customerId && (!l.validUntil || l.validUntil > new Date('2030-01-01')) && seatsUsed(l) < l.seats)
    .sort((a, b) => activationsOf(a) - activationsOf(b) || b.seats - seatsUsed(b) - (a.seats - seatsUsed(a)) || a.id.localeCompare(b.id))[0];
  const firstCustomer = myCustomers[0];
  const person = customerUsers.find((u) => u.organizationId === (allocated?.customerId ?? firstCustomer) && u.status === 'ACTIVE') ?? customerUsers[0];
  return {
    distributor: { id: g('Organization', distributorRaw), raw: distributorRaw, name: me.name },
    ids,
    registeredLicenses: mine.filter((l) => l.state === 'REGISTERED').map((l) => g('License', l.id)),
    customer: g('Organization', allocated?.customerId ?? firstCustomer),
    customerPerson: g('PortalUser', person.id),
    allocatedLicense: allocated ? g('License', allocated.id) : null,
    activeActivation: active ? g('Activation', active.id) : null,
    customerHostIds: [
      ...myComputers.filter((c) => !allocated || c.organizationId === allocated.customerId).map((c) => ({ label: `host id of ${c.name} (its customer's existing computer)`, hostId: c.hostId })),
      { label: "host id of another tenant's computer", hostId: otherComputer.hostId },
    ],
    product: g('Product', products[0].id),
    inactivePeople: customerUsers.filter((u) => u.status !== 'ACTIVE').map((u) => ({ label: `${u.status} ${u.email}`, id: g('PortalUser', u.id), organization: g('Organization', u.organizationId) })),
    nextRegistered() {
      const registered = mine.filter((l) => l.state === 'REGISTERED').map((l) => g('License', l.id));
      const next = registered[handedOut++ % registered.length];
      return next;
    },
  };
}

// ————— queries —————

/**
 * Hops below a root: 3 for the dashboard roots (viewer → organization → customers → users, and
 * customers → licenses → activations → computer), 2 elsewhere (every type's personal fields are
 * one hop from any row that reaches it; deeper paths repeat the same loaders and rules and only
 * cost time).
 */
const DEEP_ROOTS = new Set(['viewer', 'customers']);
const QUERY_DEPTH = 2;
const NODE_DEPTH = 2;

/** Every root query field (from the schema), every field selected down every path. */
export function readOperations(schema: GraphQLSchema, f: Fixture): Operation[] {
  const ops: Operation[] = [];
  const root = schema.getQueryType()!;
  for (const field of Object.values(root.getFields())) {
    const name = field.name;
    const target = getNamedType(field.type);
    if (name === 'node' || name === 'license' || name === 'organization') {
      // Every candidate id of every kind (node) or of the field's type, aliased, packed.
      const fields: AliasedField[] = [];
      let n = 0;
      for (const [type, candidates] of Object.entries(f.ids)) {
        if (name !== 'node' && type !== (name === 'license' ? 'License' : 'Organization')) continue;
        for (const c of candidates) {
          const v = `v${n++}`;
          const sel = name === 'node' ? fragmentsOf(schema, 'Node', NODE_DEPTH, [type]) : selectionOf(objectType(schema, type), QUERY_DEPTH);
          fields.push({ label: c.label, head: `${name}(id: $${v})`, sel, variables: { [v]: c.id }, varDefs: [`$${v}: ID!`] });
        }
      }
      ops.push(...aliasedDocuments(name, fields));
      continue;
    }
    if (name === 'nodes') {
      // Fragments of types whose fields conflict (name: String! and String) cannot share one selection: groups that validate.
      const all = Object.values(f.ids)
        .flat()
        .map((c) => c.id);
      const types = Object.keys(f.ids);
      const groups: string[][] = [];
      for (const type of types) {
        const fits = groups.find((g) => validate(schema, parse(`query N($ids: [ID!]!) { nodes(ids: $ids) ${render(fragmentsOf(schema, 'Node', 1, [...g, type]))} }`)).length === 0);
        if (fits) fits.push(type);
        else groups.push([type]);
      }
      for (const g of groups)
        for (const op of documents(`nodes(every id) as ${g.join(', ')}`, `query N($ids: [ID!]!) { nodes(ids: $ids)`, fragmentsOf(schema, 'Node', 1, g), '}'))
          ops.push({ ...op, variables: { ids: all } });
      continue;
    }
    const required = field.args.filter((a) => isNonNullType(a.type));
    if (required.length) throw new Error(`the side-channel suite does not know how to call Query.${name}(${required.map((a) => a.name).join(', ')})`);
    const hasFirst = field.args.some((a) => a.name === 'first');
    const args = hasFirst ? '(first: 50)' : '';
    const isConnection = target.name.endsWith('Connection');
    const depth = DEEP_ROOTS.has(name) ? 3 : QUERY_DEPTH;
    const sel = isConnection
      ? { head: '', leaves: ['totalCount', 'edges { cursor }'], children: [{ head: 'nodes', ...pick(selectionOf(objectType(schema, target.name.replace(/Connection$/, '')), depth)) }] }
      : selectionOf(objectType(schema, target.name), depth);
    ops.push(...documents(name, `query { ${name}${args}`, sel, '}'));
  }
  // Lists filtered by ids of every kind: the filter must not open a door the list keeps shut.
  ops.push(
    ...aliasedDocuments(
      'licenses(filter: customerId)',
      f.ids.Organization.map((c, i) => ({
        label: c.label,
        head: `licenses(first: 20, filter: { customerId: $c${i} })`,
        sel: { head: '', leaves: ['totalCount'], children: [{ head: 'nodes', ...pick(selectionOf(objectType(schema, 'License'), 1)) }] },
        variables: { [`c${i}`]: c.id },
        varDefs: [`$c${i}: ID`],
      })),
    ),
  );
  // The root lists of issue #13 (dashboards, the DPO's lookup), filtered by ids of every kind.
  const filtered: [string, string, string, NodeType][] = [
    ['computers', 'Computer', 'customerId', 'Organization'],
    ['computers', 'Computer', 'licenseId', 'License'],
    ['activations', 'Activation', 'customerId', 'Organization'],
    ['activations', 'Activation', 'licenseId', 'License'],
    ['activations', 'Activation', 'computerId', 'Computer'],
    ['users', 'PortalUser', 'organizationId', 'Organization'],
  ];
  for (const [list, type, arg, idType] of filtered) {
    ops.push(
      ...aliasedDocuments(
        `${list}(filter: ${arg})`,
        (f.ids[idType] ?? []).map((c, i) => ({
          label: c.label,
          head: `${list}(first: 20, filter: { ${arg}: $c${i} })`,
          sel: { head: '', leaves: ['totalCount'], children: [{ head: 'nodes', ...pick(selectionOf(objectType(schema, type), 1)) }] },
          variables: { [`c${i}`]: c.id },
          varDefs: [`$c${i}: ID`],
        })),
      ),
    );
  }
  return ops;
}

const pick = ({ leaves, children }: { leaves: string[]; children: any[] }) => ({ leaves, children });

// ————— mutations —————

/** The node type an ID input field names, by its name. A new ID field fails the coverage test until it is named here. */
export const ID_FIELD_TYPES: Record<string, NodeType> = {
  licenseId: 'License',
  licenseIds: 'License',
  customerId: 'Organization',
  distributorId: 'Organization',
  organizationId: 'Organization',
  userId: 'PortalUser',
  licenseeId: 'PortalUser',
  activationId: 'Activation',
  apiKeyId: 'ApiKey',
  contractId: 'Contract',
  productId: 'Product',
  // The webhook endpoint writes name their endpoint `id` (updateWebhookEndpoint, rotateWebhookSecret, …).
  id: 'WebhookEndpoint',
  deliveryId: 'WebhookDelivery',
};

export interface MutationCase {
  mutation: string;
  label: string;
  input: Record<string, unknown>;
}

type Base = (f: Fixture, unique: string, self: string | null) => { label: string; input: Record<string, unknown> }[];

const NOW_ISH = '2026-11-27T11:00:00.000Z';

/**
 * A valid-looking input of every mutation of the schema, as a gated distributor's persona would
 * send it (valid where the distributor may act, plausible elsewhere). The ID fields are then
 * varied over every candidate of their type by `mutationCases`.
 */
export const BASE_INPUTS: Record<string, Base> = {
  activateLicense: (f, u) => [
    { label: 'a new computer', input: { licenseId: f.allocatedLicense ?? f.ids.License[0].id, computer: { hostId: `SC-${u}`, name: `side-channel-pc-${u}`, os: 'Windows 11 Pro' } } },
    // Leak 3 of issue #11: the host id of a customer's existing computer reuses that computer.
    ...f.customerHostIds.map((h) => ({ label: h.label, input: { licenseId: f.allocatedLicense ?? f.ids.License[0].id, computer: { hostId: h.hostId, name: `probe-${u}`, os: 'Windows 11 Pro' } } })),
  ],
  allocateLicense: (f) => [
    { label: 'a registered license to its customer, a licensee', input: { licenseIds: [f.nextRegistered()], customerId: f.customer, licenseeId: f.customerPerson } },
    // Known leak 2 of issue #11: a licensee who is not ACTIVE, named with the customer it belongs to.
    ...f.inactivePeople.map((p) => ({ label: `licensee ${p.label} of that customer`, input: { licenseIds: [f.nextRegistered()], customerId: p.organization, licenseeId: p.id } })),
  ],
  createApiKey: (f, u) => [{ label: 'a key of its own', input: { organizationId: f.distributor.id, name: `side-channel ${u}`, scopes: ['customers:read', 'licenses:read', 'personal_data:read'] } }],
  // Loopback is allowed in this suite's hub (WEBHOOK_ALLOW_LOOPBACK), so that the endpoint is made; nothing listens there.
  createWebhookEndpoint: (f, u) => [
    {
      label: 'an endpoint of its own',
      input: { organizationId: f.distributor.id, url: `http://127.0.0.1:9/side-channel/${u}`, eventTypes: ['LICENSE_ALLOCATED', 'USER_CONSENT_WITHDRAWN'], description: `side channel ${u}` },
    },
  ],
  updateWebhookEndpoint: (f, u) => [{ label: 'a webhook endpoint', input: { id: f.ids.WebhookEndpoint[0].id, description: `side channel ${u}` } }],
  disableWebhookEndpoint: (f) => [{ label: 'a webhook endpoint', input: { id: f.ids.WebhookEndpoint[0].id } }],
  enableWebhookEndpoint: (f) => [{ label: 'a webhook endpoint', input: { id: f.ids.WebhookEndpoint[0].id } }],
  rotateWebhookSecret: (f) => [{ label: 'a webhook endpoint', input: { id: f.ids.WebhookEndpoint[0].id, overlapSeconds: 60 } }],
  redeliverWebhook: (f) => [{ label: 'a webhook delivery', input: { deliveryId: f.ids.WebhookDelivery[0].id } }],
  // Its second endpoint when it has two (the first keeps serving the other cases), else the first.
  deleteWebhookEndpoint: (f) => [{ label: 'a webhook endpoint', input: { id: (f.ids.WebhookEndpoint.find((c, i) => i === 1 && c.label.startsWith('its')) ?? f.ids.WebhookEndpoint[0]).id } }],
  createContract: (f) => [{ label: 'a contract of its own', input: { distributorId: f.distributor.id, type: 'SCC_2021', effectiveFrom: NOW_ISH } }],
  createOrganization: (_f, u) => [
    {
      label: 'a customer of its own',
      input: {
        kind: 'CUSTOMER',
        name: `Side Channel Kunde ${u}`,
        country: 'DE',
        email: `office-${u}@side-channel.example`,
        phone: '+49 1 2345',
        address: { street: `Probegasse ${u}`, postalCode: '12345', city: 'Teststadt', country: 'DE' },
      },
    },
  ],
  deactivateActivation: (f) => [{ label: 'its active activation', input: { activationId: f.activeActivation ?? f.ids.Activation[0].id } }],
  disableUser: (f) => [{ label: "its customer's person", input: { userId: f.customerPerson } }],
  exportPersonalData: (f, _u, self) => [
    { label: "its customer's person", input: { userId: f.customerPerson } },
    // Known leak 3 of issue #11: its own export, after it activated on a customer's computer.
    ...(self ? [{ label: 'itself', input: { userId: self } }] : []),
  ],
  inviteUser: (f, u) => [{ label: 'a person of its customer', input: { organizationId: f.customer, email: `invited-${u}@side-channel.example`, name: `Invited ${u}`, role: 'CUSTOMER_USER' } }],
  linkCustomer: (f) => [{ label: 'itself and a customer', input: { distributorId: f.distributor.id, customerId: f.customer } }],
  recordConsent: (f) => [{ label: "its customer's person", input: { userId: f.customerPerson, givenAt: NOW_ISH } }],
  rectifyPersonalData: (f, u) => [{ label: "its customer's person", input: { userId: f.customerPerson, phone: `+00 ${u}` } }],
  registerLicenses: (f) => [{ label: 'for itself', input: { distributorId: f.distributor.id, productId: f.product, count: 1, seats: 1, validFrom: NOW_ISH } }],
  revokeApiKey: (f) => [{ label: 'an API key', input: { apiKeyId: f.ids.ApiKey[0].id } }],
  renewLicense: (f) => [{ label: 'its license', input: { licenseId: f.allocatedLicense ?? f.ids.License[0].id, validUntil: '2099-01-01T00:00:00.000Z' } }],
  revokeLicense: (f) => [{ label: 'its license', input: { licenseId: f.allocatedLicense ?? f.ids.License[0].id, reason: 'side channel' } }],
  runRetention: () => [
    { label: 'dry run', input: { dryRun: true } },
    { label: 'for real', input: { dryRun: false } },
  ],
  signContract: (f) => [{ label: 'a contract', input: { contractId: f.ids.Contract[0].id, signedAt: NOW_ISH } }],
  terminateContract: (f) => [{ label: 'a contract', input: { contractId: f.ids.Contract[0].id, terminatedAt: NOW_ISH } }],
  unlinkCustomer: (f) => [{ label: 'itself and a customer', input: { distributorId: f.distributor.id, customerId: f.customer } }],
  // Its own profile (a no-op change of its phone): the payload is its own person.
  updateMyProfile: (_f, u) => [{ label: 'its own phone', input: { phone: `+00 ${u}` } }],
  updateOrganization: (f) => [{ label: 'its customer (contact data)', input: { organizationId: f.customer, phone: '+00 0000' } }],
  updateUser: (f) => [{ label: "its customer's person", input: { userId: f.customerPerson, phone: '+00 0000' } }],
  // Never the caller itself: withdrawing would end the persona's access for the rest of the suite.
  withdrawConsent: (f) => [{ label: "its customer's person", input: { userId: f.customerPerson, receivedAt: NOW_ISH } }],
};

/** The ID fields of a mutation's input type (from the schema). */
export function idFieldsOf(schema: GraphQLSchema, mutation: string): { name: string; list: boolean }[] {
  const field = schema.getMutationType()!.getFields()[mutation];
  const inputArg = field.args.find((a) => a.name === 'input');
  const inputType = inputArg && getNamedType(inputArg.type);
  if (!inputType || !isInputObjectType(inputType)) return [];
  return Object.values(inputType.getFields())
    .filter((x) => getNamedType(x.type).name === 'ID')
    .map((x) => ({ name: x.name, list: String(x.type).startsWith('[') }));
}

/** Every mutation of the schema × its base inputs × every candidate id of every ID field. */
/** Mutations sent last: the export shows what the earlier ones left behind. */
const LAST = ['exportPersonalData'];

/**
 * `variants`: also every id field of the first base input set to every candidate of its type
 * (the other base inputs are special cases of their own, sent as they are).
 */
export function mutationCases(schema: GraphQLSchema, f: Fixture, unique: string, self: string | null, variants = true): MutationCase[] {
  const cases: MutationCase[] = [];
  const names = Object.keys(schema.getMutationType()!.getFields());
  for (const mutation of [...names.filter((n) => !LAST.includes(n)), ...LAST]) {
    const base = BASE_INPUTS[mutation];
    if (!base) throw new Error(`no base input for mutation ${mutation}`);
    for (const [i, b] of base(f, `${unique}-${mutation}`, self).entries()) {
      cases.push({ mutation, label: b.label, input: b.input });
      if (!variants || i > 0) continue;
      for (const idField of idFieldsOf(schema, mutation)) {
        const type = ID_FIELD_TYPES[idField.name];
        if (!type) throw new Error(`no node type for ${mutation}.input.${idField.name}`);
        for (const c of f.ids[type]) {
          if (b.input[idField.name] === c.id || (Array.isArray(b.input[idField.name]) && (b.input[idField.name] as string[])[0] === c.id)) continue;
          cases.push({ mutation, label: `${b.label}; ${idField.name} = ${c.label}`, input: { ...b.input, [idField.name]: idField.list ? [c.id] : c.id } });
        }
      }
    }
  }
  return cases;
}

/** The mutation document with every field of its payload selected, as deep as one document allows. */
export function mutationDocument(schema: GraphQLSchema, mutation: string): string {
  const field = schema.getMutationType()!.getFields()[mutation];
  const payload = objectType(schema, getNamedType(field.type).name);
  const inputType = getNamedType(field.args.find((a) => a.name === 'input')!.type).name;
  let best = '';
  for (let depth = 1; depth <= 5; depth++) {
    const sel = selectionOf(payload, depth);
    const doc = `mutation M($input: ${inputType}!) { ${mutation}(input: $input) ${render(sel)} }`;
    if (split(sel, 1700).length > 1 || doc.length > 14000 || nesting(doc) > 12) break;
    best = doc;
  }
  return best;
}

function nesting(doc: string): number {
  let depth = 0;
  let max = 0;
  for (const ch of doc) {
    if (ch === '{') max = Math.max(max, ++depth);
    else if (ch === '}') depth--;
  }
  return max;
}

// ————— transports —————

/** The same query by GET (queries only), with the CSRF-prevention header a browser cannot send cross-site. */
export async function getRequest(client: Client, query: string, variables?: Record<string, unknown>): Promise<{ status: number; headers: Headers; text: string }> {
  const url = new URL(`${client.url}/graphql`);
  url.searchParams.set('query', query);
  if (variables) url.searchParams.set('variables', JSON.stringify(variables));
  const res = await fetch(url, { headers: { ...(client.token ? { authorization: `Bearer ${client.token}` } : {}), 'apollo-require-preflight': 'true', ...client.defaultHeaders } });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

/** A raw POST: the response text exactly as sent. */
export async function postRequest(client: Client, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; headers: Headers; text: string }> {
  const res = await fetch(`${client.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(client.token ? { authorization: `Bearer ${client.token}` } : {}), ...client.defaultHeaders, ...headers },
    body: JSON.stringify(body),
  });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

/** The automatic persisted query form: by hash (register with the text first, then by hash alone, by POST and GET). */
export function apqExtensions(query: string) {
  return { persistedQuery: { version: 1, sha256Hash: createHash('sha256').update(query).digest('hex') } };
}

export { tokenCount };
