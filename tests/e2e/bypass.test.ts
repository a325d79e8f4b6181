import 'reflect-metadata';
import { NodeType } from '../../src/common/global-id';
import { seedId } from '../../src/common/ids';
import { computerId, contractId, HARBOR, licenseId, orgId, PERSONAS, userId } from '../../seeds/personas';
import { DISTRIBUTORS, HARBOR_CUSTOMER } from '../../seeds/seed-world';
import { errorCodes, errorEntries, errorPaths, gid, leaks, valuesAtKeys } from '../helpers/authz';
import { ON_MYSQL } from '../helpers/database';
import { Client, GraphQLResponse, TestHub } from '../helpers/hub';
import { wellFormedGlobalId } from '../helpers/relay';

/**
 * Attempts to get around the access policy (docs/access-policy.md): other tenants' ids, the gate
 * through every path, aliases and fragments, counts and filters, a customer asking for what
 * its role never reads, and errors that could carry values. Each test is named after the attempt.
 */

const MUMBAI = PERSONAS.distributors.mumbai.admin;
const RHEIN = PERSONAS.distributors.rhein.admin;
const MUMBAI_C1_ADMIN = PERSONAS.customer('mumbai-c1').admin;

/** Every response body of this file, for the last check (no stack trace, no SQL). */
const seen: { what: string; status: number; text: string }[] = [];

async function ask(client: Client, query: string, variables?: Record<string, unknown>): Promise<GraphQLResponse> {
  const r = await client.gql(query, variables);
  seen.push({ what: query.slice(0, 120), status: r.status, text: JSON.stringify(r.body) });
  return r;
}

async function raw(url: string, init: RequestInit, what: string): Promise<{ status: number; text: string }> {
  const res = await fetch(url, init);
  const text = await res.text();
  seen.push({ what, status: res.status, text });
  return { status: res.status, text };
}

interface Foreign {
  what: string;
  type: NodeType;
  uuid: string;
}

/** Objects of vigilancia and its customers: no other distributor reaches them. */
const FOREIGN: Foreign[] = [
  { what: 'a license of vigilancia', type: 'License', uuid: licenseId('vigilancia', 5) },
  { what: 'a customer organization of vigilancia (vigilancia-c1)', type: 'Organization', uuid: orgId('vigilancia-c1') },
  { what: 'the distributor vigilancia itself', type: 'Organization', uuid: orgId('vigilancia') },
  { what: 'a user of vigilancia-c1', type: 'PortalUser', uuid: userId(PERSONAS.customer('vigilancia-c1').admin) },
  { what: 'a user of vigilancia', type: 'PortalUser', uuid: userId(PERSONAS.distributors.vigilancia.admin) },
  { what: 'a computer of vigilancia-c1', type: 'Computer', uuid: computerId('vigilancia-c1', 1) },
  { what: 'a contract of vigilancia', type: 'Contract', uuid: contractId('vigilancia') },
  { what: 'an activation of a vigilancia license', type: 'Activation', uuid: seedId('activation:vigilancia:5:1') },
];

const NODE_QUERY = `query($id: ID!) { node(id: $id) { __typename id ... on PortalUser { email } ... on Organization { kind orgName: name } ... on Computer { hostId } ... on License { seats } } }`;

describe(`bypass attempts (${ON_MYSQL ? 'MariaDB' : 'embedded database'})`, () => {
  let hub: TestHub;
  let vendor: Client;
  let mumbai: Client;
  let rhein: Client;
  /** Personal and contact values of mumbai's customers (read by the vendor): never in a response to mumbai. */
  let mumbaiSecrets: string[] = [];
  /** Organization names: public, so a city inside a name ("Rotterdam"?) is not a leak. */
  let publicText = '';

  beforeAll(async () => {
    hub = await TestHub.start('authz_bypass');
    vendor = await hub.as(PERSONAS.vendorAdmin);
    mumbai = await hub.as(MUMBAI);
    rhein = await hub.as(RHEIN);
    const data = await vendor.data(
      `query($id: ID!) { organizations(first: 100) { nodes { name } }
        organization(id: $id) { customers(first: 50) { nodes { email phone address { street city } users(first: 10) { nodes { name email phone } } computers(first: 10) { nodes { name hostId } } } } } }`,
      { id: gid('Organization', orgId('mumbai')) },
    );
    publicText = data.organizations.nodes.map((o: { name: string }) => o.name).join('|');
    const strings: string[] = [];
    for (const c of data.organization.customers.nodes) {
      strings.push(c.email, c.phone, c.address.street, c.address.city);
      for (const u of c.users.nodes) strings.push(u.name, u.email, u.phone);
      for (const pc of c.computers.nodes) strings.push(pc.name, pc.hostId);
    }
    mumbaiSecrets = strings.filter((s): s is string => typeof s === 'string');
    expect(mumbaiSecrets.length).toBeGreaterThanOrEqual(3 * 4 + 6 * 3 + 6 * 2);
  });
  afterAll(() => hub?.close());

  /**
   * A gated answer: HTTP 200, only TRANSFER_BASIS_REQUIRED errors (at least one, at each of
   * `mustDeny`), every e-mail, phone and host id in the data null, and none of the values of
   * mumbai's customers anywhere in the body.
   */
  function expectGated(r: GraphQLResponse, mustDeny: string[]): void {
    expect(r.status).toBe(200);
    expect(errorCodes(r)).toEqual(['TRANSFER_BASIS_REQUIRED']);
    const paths = errorPaths(r, 'TRANSFER_BASIS_REQUIRED');
    for (const p of mustDeny) expect(paths).toContain(p);
    for (const v of valuesAtKeys(r.body.data, ['email', 'phone', 'hostId', 'licensee', 'activatedBy', 'address'])) expect(v).toBeNull();
    expect(leaks(mumbaiSecrets, JSON.stringify(r.body), publicText)).toEqual([]);
    expect(JSON.stringify(r.body)).not.toMatch(/@(mumbai-c[12]|harbor)\.example/);
  }

  // -------------------------------------------------------------------------------------------
  describe('ids of other tenants', () => {
    for (const [viewerName, viewerEmail] of [
      ['admin@mumbai.example', MUMBAI],
      ['admin@rhein.example', RHEIN],
    ] as const) {
      for (const f of FOREIGN) {
        it(`node(id) of ${f.what}, as ${viewerName} → null + NOT_FOUND, a response identical to that for an unknown id`, async () => {
          const client = await hub.as(viewerEmail);
          const foreign = await ask(client, NODE_QUERY, { id: gid(f.type, f.uuid) });
          const unknown = await ask(client, NODE_QUERY, { id: wellFormedGlobalId(f.type) });
          expect(foreign.status).toBe(200);
          expect(foreign.body.data).toEqual({ node: null });
          expect(errorEntries(foreign)).toEqual([{ path: 'node', code: 'NOT_FOUND', message: expect.any(String) }]);
          expect(foreign.body).toEqual(unknown.body);
          expect(foreign.status).toBe(unknown.status);
        });
      }

      it(`nodes(ids) with the ids of other tenants' objects mixed with unknown ids, as ${viewerName} → null + NOT_FOUND at each index, the same message and code as the unknown ones`, async () => {
        const client = await hub.as(viewerEmail);
        const ids = [...FOREIGN.map((f) => gid(f.type, f.uuid)), ...FOREIGN.map((f) => wellFormedGlobalId(f.type))];
        const r = await ask(client, `query($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }`, { ids });
        expect(r.status).toBe(200);
        expect(r.body.data).toEqual({ nodes: ids.map(() => null) });
        const errors = r.body.errors ?? [];
        expect(errors.map((e) => e.path?.[1]).sort((a, b) => Number(a) - Number(b))).toEqual(ids.map((_, i) => i));
        const shapes = new Set(errors.map((e) => JSON.stringify({ message: e.message, extensions: e.extensions })));
        expect(shapes.size).toBe(1);
        expect(errors[0].extensions?.code).toBe('NOT_FOUND');
      });

      it(`organization(id) and license(id) of another tenant, as ${viewerName} → NOT_FOUND, identical to an unknown id`, async () => {
        const client = await hub.as(viewerEmail);
        const ORG = `query($id: ID!) { organization(id: $id) { id name } }`;
        const LIC = `query($id: ID!) { license(id: $id) { id seats } }`;
        for (const uuid of [orgId('vigilancia-c1'), orgId('vigilancia'), orgId('andes-c2')]) {
          const foreign = await ask(client, ORG, { id: gid('Organization', uuid) });
          const unknown = await ask(client, ORG, { id: wellFormedGlobalId('Organization') });
          expect(foreign.body.data).toEqual({ organization: null });
          expect(errorEntries(foreign)).toEqual([{ path: 'organization', code: 'NOT_FOUND', message: expect.any(String) }]);
          expect(foreign.body).toEqual(unknown.body);
        }
        for (const n of [1, 5, 10]) {
          const foreign = await ask(client, LIC, { id: gid('License', licenseId('vigilancia', n)) });
          const unknown = await ask(client, LIC, { id: wellFormedGlobalId('License') });
          expect(foreign.body.data).toEqual({ license: null });
          expect(errorEntries(foreign)).toEqual([{ path: 'license', code: 'NOT_FOUND', message: expect.any(String) }]);
          expect(foreign.body).toEqual(unknown.body);
        }
      });
    }

    it("harbor's other distributor: as mumbai, rhein's license at harbor, its activation and the harbor computer it runs on are NOT_FOUND; harbor.distributors lists only Mumbai; harbor.licenses and harbor.computers only mumbai's", async () => {
      for (const [type, uuid] of [
        ['License', licenseId('rhein', 10)],
        ['Activation', seedId('activation:rhein:10:1')],
        ['Computer', computerId(HARBOR, 1)],
        ['Organization', orgId('rhein')],
      ] as [NodeType, string][]) {
        const r = await ask(mumbai, NODE_QUERY, { id: gid(type, uuid) });
        expect({ type, data: r.body.data, codes: errorCodes(r) }).toEqual({ type, data: { node: null }, codes: ['NOT_FOUND'] });
      }
      const r = await ask(
        mumbai,
        `query($id: ID!) { organization(id: $id) { name distributors { name } licenses { totalCount nodes { distributor { name } } } computers { totalCount nodes { os } } } }`,
        {
          id: gid('Organization', orgId(HARBOR)),
        },
      );
      expect(r.body.errors).toBeUndefined();
      expect(r.body.data.organization.name).toBe(HARBOR_CUSTOMER.name);
      expect(r.body.data.organization.distributors).toEqual([{ name: 'Mumbai CCTV Pvt Ltd' }]);
      expect(r.body.data.organization.licenses).toEqual({ totalCount: 1, nodes: [{ distributor: { name: 'Mumbai CCTV Pvt Ltd' } }] });
      expect(r.body.data.organization.computers.totalCount).toBe(1);
    });
  });

  // -------------------------------------------------------------------------------------------
  describe('the gate through every door (admin@mumbai.example)', () => {
    const gatedUser = () => gid('PortalUser', userId(MUMBAI_C1_ADMIN));

    it('node(id) of a gated object (a user of mumbai-c1): the object is found, name and email null with TRANSFER_BASIS_REQUIRED', async () => {
      const r = await ask(mumbai, `query($id: ID!) { node(id: $id) { __typename id ... on PortalUser { name email } } }`, { id: gatedUser() });
      expect(r.body.data).toEqual({ node: { __typename: 'PortalUser', id: gatedUser(), name: null, email: null } });
      expect(errorPaths(r, 'TRANSFER_BASIS_REQUIRED')).toEqual(['node.email', 'node.name']);
      expectGated(r, ['node.name', 'node.email']);
    });

    it('aliases (a: email b: email c: name d: phone): each alias is gated', async () => {
      const r = await ask(mumbai, `query($id: ID!) { node(id: $id) { ... on PortalUser { a: email b: email c: name d: phone id } } }`, { id: gatedUser() });
      expect(r.body.data).toEqual({ node: { a: null, b: null, c: null, d: null, id: gatedUser() } });
      expect(errorPaths(r, 'TRANSFER_BASIS_REQUIRED')).toEqual(['node.a', 'node.b', 'node.c', 'node.d']);
      expectGated(r, []);
    });

    it('a named fragment on Node with an inner fragment on PortalUser: gated', async () => {
      const r = await ask(mumbai, `query($id: ID!) { node(id: $id) { ...N } } fragment N on Node { id ... on PortalUser { email name } }`, { id: gatedUser() });
      expect(r.body.data).toEqual({ node: { id: gatedUser(), email: null, name: null } });
      expectGated(r, ['node.email', 'node.name']);
    });

    it('a named fragment on the type (PortalUser), with __typename: gated, __typename answers', async () => {
      const r = await ask(mumbai, `query($id: ID!) { node(id: $id) { __typename ...U } } fragment U on PortalUser { __typename email phone }`, { id: gatedUser() });
      expect(r.body.data).toEqual({ node: { __typename: 'PortalUser', email: null, phone: null } });
      expectGated(r, ['node.email', 'node.phone']);
    });

    it('nested fragments (Node → PortalUser → PortalUser → inline) and @include: gated', async () => {
      const r = await ask(
        mumbai,
        `query($id: ID!, $yes: Boolean!) { node(id: $id) { ...A } }
         fragment A on Node { ...B }
         fragment B on PortalUser { ...C ... @include(if: $yes) { x: email } }
         fragment C on PortalUser { ... on PortalUser { email name } }`,
        { id: gatedUser(), yes: true },
      );
      expect(r.body.data).toEqual({ node: { email: null, name: null, x: null } });
      expectGated(r, ['node.email', 'node.name', 'node.x']);
    });

    it('nodes(ids) with gated users (of mumbai-c1, mumbai-c2 and harbor): found, every personal field gated', async () => {
      const ids = [MUMBAI_C1_ADMIN, PERSONAS.customer('mumbai-c2').user, PERSONAS.customer(HARBOR).admin].map((e) => gid('PortalUser', userId(e)));
      const r = await ask(mumbai, `query($ids: [ID!]!) { nodes(ids: $ids) { __typename id ... on PortalUser { name email phone } } }`, { ids });
      expect(r.body.data?.nodes).toEqual(ids.map((id) => ({ __typename: 'PortalUser', id, name: null, email: null, phone: null })));
      expect(errorPaths(r, 'TRANSFER_BASIS_REQUIRED')).toHaveLength(9);
      expectGated(r, ['nodes.0.email', 'nodes.1.email', 'nodes.2.email']);
    });

    it('node(id) of a gated customer organization: name answers, its contact data (email, phone, address) is gated', async () => {
      const id = gid('Organization', orgId('mumbai-c1'));
      const r = await ask(mumbai, `query($id: ID!) { node(id: $id) { ... on Organization { name kind country email phone address { street city } } } }`, { id });
      expect(r.body.data).toEqual({ node: { name: 'Deccan Retail Pvt Ltd', kind: 'CUSTOMER', country: 'IN', email: null, phone: null, address: null } });
      expectGated(r, ['node.email', 'node.phone', 'node.address']);
    });

    const L = (n: number) => gid('License', licenseId('mumbai', n));

    it('license → customer → users → email: gated', async () => {
      const r = await ask(mumbai, `query($id: ID!) { license(id: $id) { seats customer { name users { totalCount nodes { email } } } } }`, { id: L(5) });
      expect(r.body.data.license.customer.name).toBe('Deccan Retail Pvt Ltd');
      expect(r.body.data.license.customer.users.nodes).toEqual([{ email: null }, { email: null }]);
      expectGated(r, ['license.customer.users.nodes.0.email', 'license.customer.users.nodes.1.email']);
    });

    it('license → licensee → email: gated (licensee null with TRANSFER_BASIS_REQUIRED)', async () => {
      const r = await ask(mumbai, `query($id: ID!) { license(id: $id) { seats status licensee { id email name } } }`, { id: L(5) });
      expect(r.body.data.license).toEqual({ seats: 5, status: 'ALLOCATED', licensee: null });
      expectGated(r, ['license.licensee']);
    });

    it('activation → computer → name/hostId: gated, os answers', async () => {
      const r = await ask(mumbai, `query($id: ID!) { license(id: $id) { activations { nodes { activatedAt computer { os name hostId } } } } }`, { id: L(6) });
      const nodes = r.body.data.license.activations.nodes;
      expect(nodes).toHaveLength(2);
      for (const a of nodes) expect(a.computer).toEqual({ os: expect.any(String), name: null, hostId: null });
      expectGated(r, ['license.activations.nodes.0.computer.name', 'license.activations.nodes.0.computer.hostId', 'license.activations.nodes.1.computer.hostId']);
    });

    it('activation → activatedBy → email: gated', async () => {
      const r = await ask(mumbai, `query($id: ID!) { license(id: $id) { activations { nodes { activatedAt activatedBy { id email } } } } }`, { id: L(9) });
      const nodes = r.body.data.license.activations.nodes;
      expect(nodes).toHaveLength(2);
      for (const a of nodes) expect(a.activatedBy).toBeNull();
      expectGated(r, ['license.activations.nodes.0.activatedBy', 'license.activations.nodes.1.activatedBy']);
    });

    it('node(activation) → activatedBy / computer / license → licensee: gated', async () => {
      const r = await ask(
        mumbai,
        `query($id: ID!) { node(id: $id) { ... on Activation { activatedAt activatedBy { email } computer { os name hostId } license { seats licensee { email } customer { users { nodes { email } } } } } } }`,
        { id: gid('Activation', seedId('activation:mumbai:5:1')) },
      );
      expect(r.body.data.node.license.seats).toBe(5);
      expect(r.body.data.node.computer.os).toEqual(expect.any(String));
      expectGated(r, ['node.activatedBy', 'node.computer.name', 'node.computer.hostId', 'node.license.licensee']);
    });

    it('computer → organization → users → email: gated', async () => {
      const r = await ask(mumbai, `query($id: ID!) { node(id: $id) { ... on Computer { os organization { name email users { nodes { email phone } } } } } }`, {
        id: gid('Computer', computerId('mumbai-c1', 1)),
      });
      expect(r.body.data.node.organization.name).toBe('Deccan Retail Pvt Ltd');
      expect(r.body.data.node.organization.users.nodes).toHaveLength(2);
      expectGated(r, ['node.organization.email', 'node.organization.users.nodes.0.email', 'node.organization.users.nodes.1.phone']);
    });

    it("computer → activations → activatedBy, and a customer's computers → name/hostId: gated", async () => {
      const r = await ask(mumbai, `query($id: ID!) { organization(id: $id) { computers { totalCount nodes { os name hostId activations { nodes { activatedBy { email } } } } } } }`, {
        id: gid('Organization', orgId('mumbai-c2')),
      });
      expect(r.body.data.organization.computers.totalCount).toBe(2);
      expectGated(r, ['organization.computers.nodes.0.name', 'organization.computers.nodes.0.hostId', 'organization.computers.nodes.0.activations.nodes.0.activatedBy']);
    });

    it('viewer → organization → customers → users: gated', async () => {
      const r = await ask(mumbai, `{ viewer { organization { name customers { totalCount nodes { name users { nodes { name email phone } } } } } } }`);
      expect(r.body.data.viewer.organization.customers.totalCount).toBe(3);
      const users = r.body.data.viewer.organization.customers.nodes.flatMap((c: { users: { nodes: unknown[] } }) => c.users.nodes);
      expect(users).toEqual(Array(6).fill({ name: null, email: null, phone: null }));
      expect(errorPaths(r, 'TRANSFER_BASIS_REQUIRED')).toHaveLength(18);
      expectGated(r, ['viewer.organization.customers.nodes.0.users.nodes.0.email']);
    });

    it('organizations(kind: CUSTOMER) → users: gated', async () => {
      const r = await ask(mumbai, `{ organizations(kind: CUSTOMER) { totalCount nodes { name users { nodes { email } } } } }`);
      expect(r.body.data.organizations.totalCount).toBe(3);
      expect(r.body.data.organizations.nodes.map((o: { name: string }) => o.name).sort()).toEqual(['Deccan Retail Pvt Ltd', HARBOR_CUSTOMER.name, 'Konkan Ports Pvt Ltd'].sort());
      expect(errorPaths(r, 'TRANSFER_BASIS_REQUIRED')).toHaveLength(6);
      expectGated(r, ['organizations.nodes.0.users.nodes.0.email']);
    });

    it('customers → licenses → activations → computer → organization → email / activatedBy (a long way round): gated', async () => {
      const r = await ask(mumbai, `{ customers { nodes { licenses { nodes { activations { nodes { activatedBy { email } computer { hostId organization { email phone } } } } } } } } }`);
      expectGated(r, []);
      expect(errorPaths(r, 'TRANSFER_BASIS_REQUIRED').length).toBeGreaterThan(10);
    });

    it('PortalUser.role and status of a gated user, and personalDataAccess of the customer: the decision is exposed, the data is not', async () => {
      const r = await ask(mumbai, `query($id: ID!) { organization(id: $id) { personalDataAccess { allowed basis } users { nodes { role status email } } } }`, {
        id: gid('Organization', orgId('mumbai-c1')),
      });
      expect(r.body.data.organization.personalDataAccess).toEqual({ allowed: false, basis: 'NONE' });
      expectGated(r, ['organization.users.nodes.0.email']);
    });
  });

  // -------------------------------------------------------------------------------------------
  describe('counts and filters cannot widen the rows (admin@rhein.example)', () => {
    it("licenses totalCount counts only rhein's 10 licenses (not all 110)", async () => {
      const r = await ask(rhein, `{ licenses(first: 100) { totalCount nodes { distributor { name } } } }`);
      expect(r.body.errors).toBeUndefined();
      expect(r.body.data.licenses.totalCount).toBe(10);
      expect(r.body.data.licenses.nodes).toHaveLength(10);
      expect(new Set(r.body.data.licenses.nodes.map((l: { distributor: { name: string } }) => l.distributor.name))).toEqual(new Set(['Rhein Security GmbH']));
    });

    it('organizations totalCount is 5 (the vendor, rhein itself, its 3 customers), customers totalCount 3', async () => {
      const r = await ask(rhein, `{ organizations(first: 100) { totalCount nodes { name } } customers(first: 100) { totalCount nodes { name } } }`);
      expect(r.body.errors).toBeUndefined();
      expect(r.body.data.organizations.totalCount).toBe(5);
      expect(r.body.data.organizations.nodes.map((o: { name: string }) => o.name).sort()).toEqual(
        ['MOBOTIX AG', 'Rhein Security GmbH', 'Rhein Kunde Eins GmbH', 'Rhein Kunde Zwei KG', HARBOR_CUSTOMER.name].sort(),
      );
      expect(r.body.data.customers.totalCount).toBe(3);
      expect(r.body.data.customers.nodes).toHaveLength(3);
      const byKind = await ask(rhein, `{ d: organizations(kind: DISTRIBUTOR) { totalCount } c: organizations(kind: CUSTOMER) { totalCount } v: organizations(kind: VENDOR) { totalCount } }`);
      expect(byKind.body.data).toEqual({ d: { totalCount: 1 }, c: { totalCount: 3 }, v: { totalCount: 1 } });
    });

    it('licenses(filter: {distributorId: vigilancia}) and (filter: {customerId: vigilancia-c1}) → totalCount 0, no nodes', async () => {
      for (const filter of [{ distributorId: gid('Organization', orgId('vigilancia')) }, { customerId: gid('Organization', orgId('vigilancia-c1')) }]) {
        const r = await ask(rhein, `query($filter: LicenseFilter) { licenses(filter: $filter, first: 100) { totalCount nodes { seats } pageInfo { hasNextPage } } }`, { filter });
        expect(r.body.errors).toBeUndefined();
        expect(r.body.data.licenses).toEqual({ totalCount: 0, nodes: [], pageInfo: { hasNextPage: false } });
      }
    });

    it('contracts → 0 (rhein has none); contracts(filter: {distributorId: vigilancia}) → 0', async () => {
      const all = await ask(rhein, `{ contracts(first: 100) { totalCount nodes { type } } }`);
      expect(all.body.errors).toBeUndefined();
      expect(all.body.data.contracts).toEqual({ totalCount: 0, nodes: [] });
      const filtered = await ask(rhein, `query($id: ID!) { contracts(filter: { distributorId: $id }, first: 100) { totalCount nodes { type } } }`, {
        id: gid('Organization', orgId('vigilancia')),
      });
      expect(filtered.body.errors).toBeUndefined();
      expect(filtered.body.data.contracts).toEqual({ totalCount: 0, nodes: [] });
      // Mumbai sees exactly its own one.
      const own = await ask(mumbai, `{ contracts(first: 100) { totalCount nodes { type distributor { name } } } }`);
      expect(own.body.data.contracts).toEqual({ totalCount: 1, nodes: [{ type: 'SCC_2021', distributor: { name: 'Mumbai CCTV Pvt Ltd' } }] });
    });

    it('search cannot widen either: organizations(search: "Vigil"), customers(search: "Mercado") → 0', async () => {
      const r = await ask(rhein, `{ organizations(search: "Vigil") { totalCount nodes { name } } customers(search: "Mercado") { totalCount nodes { name } } }`);
      expect(r.body.data).toEqual({ organizations: { totalCount: 0, nodes: [] }, customers: { totalCount: 0, nodes: [] } });
    });

    it("nested connections count only reachable rows: the vendor's users and another distributor's customers are not counted", async () => {
      const r = await ask(rhein, `query($v: ID!) { organization(id: $v) { name users { totalCount } customers { totalCount } licenses { totalCount } } }`, {
        v: gid('Organization', orgId('mobotix')),
      });
      expect(r.body.data.organization).toEqual({ name: 'MOBOTIX AG', users: { totalCount: 0 }, customers: { totalCount: 0 }, licenses: { totalCount: 0 } });
    });
  });

  // -------------------------------------------------------------------------------------------
  describe('a customer user (user@rhein-c1.example) asks for what its role never reads', () => {
    let customer: Client;
    beforeAll(async () => {
      customer = await hub.as(PERSONAS.customer('rhein-c1').user);
    });

    for (const [field, query] of [
      ['auditEvents', `{ auditEvents { totalCount nodes { id } } }`],
      ['contracts', `{ contracts { totalCount nodes { id } } }`],
      ['customers', `{ customers { totalCount nodes { id } } }`],
    ] as const) {
      it(`${field} → FORBIDDEN (not an empty list)`, async () => {
        const r = await ask(customer, query);
        expect(r.status).toBe(200);
        expect(errorEntries(r)).toEqual([{ path: field, code: 'FORBIDDEN', message: expect.any(String) }]);
        expect(r.body.data ?? null).toBeNull();
      });
    }

    it("rhein's contact data is readable (business contact), rhein's users are not reachable, nor its other customers or its contracts", async () => {
      const r = await ask(
        customer,
        `{ viewer { organization { name distributors { name email phone address { city } users { totalCount nodes { email } } customers { totalCount nodes { name } } } } } }`,
      );
      expect(r.body.errors).toBeUndefined();
      const rheinSpec = DISTRIBUTORS.find((d) => d.slug === 'rhein')!;
      expect(r.body.data.viewer.organization.distributors).toEqual([
        {
          name: rheinSpec.name,
          email: rheinSpec.email,
          phone: rheinSpec.phone,
          address: { city: rheinSpec.city },
          users: { totalCount: 0, nodes: [] },
          customers: { totalCount: 1, nodes: [{ name: 'Rhein Kunde Eins GmbH' }] },
        },
      ]);
      for (const email of [PERSONAS.distributors.rhein.admin, PERSONAS.distributors.rhein.user]) {
        const n = await ask(customer, NODE_QUERY, { id: gid('PortalUser', userId(email)) });
        const unknown = await ask(customer, NODE_QUERY, { id: wellFormedGlobalId('PortalUser') });
        expect(n.body).toEqual(unknown.body);
        expect(n.body.data).toEqual({ node: null });
      }
      const contracts = await ask(customer, `query($id: ID!) { organization(id: $id) { name contracts { id } transferBasis { allowed } } }`, { id: gid('Organization', orgId('rhein')) });
      expect(contracts.body.data.organization).toEqual({ name: rheinSpec.name, contracts: null, transferBasis: null });
      expect(errorPaths(contracts, 'FORBIDDEN')).toEqual(['organization.contracts', 'organization.transferBasis']);
    });

    it('a sibling customer of the same distributor (rhein-c2) and its users are NOT_FOUND', async () => {
      for (const [type, uuid] of [
        ['Organization', orgId('rhein-c2')],
        ['PortalUser', userId(PERSONAS.customer('rhein-c2').admin)],
        ['Computer', computerId('rhein-c2', 1)],
        ['License', licenseId('rhein', 9)],
      ] as [NodeType, string][]) {
        const r = await ask(customer, NODE_QUERY, { id: gid(type, uuid) });
        expect({ type, data: r.body.data, codes: errorCodes(r) }).toEqual({ type, data: { node: null }, codes: ['NOT_FOUND'] });
      }
    });
  });

  // -------------------------------------------------------------------------------------------
  describe('error messages and field suggestions do not carry values', () => {
    const MISSPELLED = `query($id: ID!) { node(id: $id) { ... on PortalUser { emial } } }`;

    it('a misspelled field (emial) on a gated user is GRAPHQL_VALIDATION_FAILED, with no value of the user in the answer', async () => {
      const r = await ask(mumbai, MISSPELLED, { id: gid('PortalUser', userId(MUMBAI_C1_ADMIN)) });
      expect(r.status).toBe(400);
      expect(errorCodes(r)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
      expect(r.body.data).toBeUndefined();
      expect(leaks(mumbaiSecrets, JSON.stringify(r.body), publicText)).toEqual([]);
      expect(JSON.stringify(r.body)).not.toMatch(/@(mumbai-c[12]|harbor)\.example/);
    });

    describe('with NODE_ENV=production', () => {
      let prod: TestHub;
      beforeAll(async () => {
        prod = await TestHub.start('authz_bypass_production', {
          NODE_ENV: 'production',
          TRUST_PROXY: 'true',
          JWT_SECRET: 'x'.repeat(40),
          SECRETS_KEY: 'y'.repeat(40),
          // loadConfig requires DATABASE_URL in production; the hub runs on the DataSource the
          // test database gives it, so on the embedded database a placeholder satisfies the check.
          DATABASE_URL: hub.env.DATABASE_URL || 'mysql://placeholder@127.0.0.1:1/unused',
        });
      });
      afterAll(() => prod?.close());

      it('the misspelled field (emial) is GRAPHQL_VALIDATION_FAILED without a "Did you mean" suggestion', async () => {
        expect(prod.config.nodeEnv).toBe('production');
        const client = await prod.as(MUMBAI);
        for (const query of [MISSPELLED, `{ viewer { user { emial } } }`]) {
          const r = await ask(client, query, { id: gid('PortalUser', userId(MUMBAI_C1_ADMIN)) });
          expect(r.status).toBe(400);
          expect(errorCodes(r)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
          const text = JSON.stringify(r.body);
          expect(text).not.toMatch(/Did you mean/i);
          expect(text).not.toContain('"email"');
        }
        // The production hub gates the same way.
        const gated = await ask(client, `query($id: ID!) { node(id: $id) { ... on PortalUser { email } } }`, { id: gid('PortalUser', userId(MUMBAI_C1_ADMIN)) });
        expectGated(gated, ['node.email']);
      });

      it('an internal failure inside a resolver (activation keys sealed under another SECRETS_KEY) answers "Internal server error (request <id>)", not the failure\'s own message', async () => {
        // The seed sealed the activation keys with the development key; this hub has another
        // SECRETS_KEY, so opening one fails: an unexpected error, which the client must not see as it is.
        const client = await prod.as(PERSONAS.vendorAdmin);
        const res = await fetch(`${prod.url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${client.token}`, ...prod.defaultHeaders() },
          body: JSON.stringify({ query: `query($id: ID!) { license(id: $id) { seats activationKey } }`, variables: { id: gid('License', licenseId('rhein', 1)) } }),
        });
        const text = await res.text();
        seen.push({ what: 'activationKey under another SECRETS_KEY', status: res.status, text });
        const body = JSON.parse(text);
        const requestId = res.headers.get('x-request-id');
        expect(body.data).toEqual({ license: { seats: 4, activationKey: null } });
        expect(body.errors).toHaveLength(1);
        expect(body.errors[0]).toMatchObject({
          message: `Internal server error (request ${requestId})`,
          path: ['license', 'activationKey'],
          extensions: { code: 'INTERNAL_SERVER_ERROR', requestId },
        });
      });
    });

    it('malformed and invalid requests (bad JSON, wrong variable types, bad ids, bad cursors, out-of-range first) answer with a code and no internals', async () => {
      const auth = { authorization: `Bearer ${mumbai.token}` };
      const bad = await raw(`${hub.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...auth }, body: '{"query": "{ viewer {' }, 'bad json');
      expect(bad.status).toBe(400);
      const noBody = await raw(`${hub.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...auth }, body: '' }, 'empty body');
      expect(noBody.status).toBeGreaterThanOrEqual(400);
      const parse = await ask(mumbai, `{ viewer { organization { name } `);
      expect(errorCodes(parse)).toEqual(['GRAPHQL_PARSE_FAILED']);
      const variable = await ask(mumbai, `query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, { ids: { not: 'a list' } });
      expect(errorCodes(variable)).toEqual(['BAD_USER_INPUT']);
      const wrongType = await ask(mumbai, `query($f: LicenseFilter) { licenses(filter: $f) { totalCount } }`, { f: { distributorId: "x' OR '1'='1" } });
      expect(errorCodes(wrongType)).toEqual(['BAD_USER_INPUT']);
      const cursor = await ask(mumbai, `{ customers(after: "eyJub3QiOiJhIGN1cnNvciJ9") { totalCount } }`);
      expect(errorCodes(cursor)).toEqual(['BAD_USER_INPUT']);
      const first = await ask(mumbai, `{ customers { nodes { users(first: 100000) { totalCount } } } }`);
      expect(errorCodes(first)).toEqual(['BAD_USER_INPUT']);
      const huge = await ask(mumbai, `query($s: String) { organizations(search: $s) { totalCount } }`, { s: 'é'.repeat(500) });
      expect(errorCodes(huge)).toEqual(['BAD_USER_INPUT']);
    });

    it('a forged cursor holding a non-finite number (1e400 parses as Infinity) is never answered with a database error', async () => {
      const forged = (values: unknown[]) => Buffer.from(JSON.stringify(['c1', ...values]).replace('"INFINITY"', '1e400'), 'utf8').toString('base64url');
      for (const [query, after] of [
        [`query($a: String) { customers(after: $a) { totalCount nodes { name } } }`, forged(['INFINITY', 'x'])],
        [`query($a: String) { licenses(after: $a) { totalCount nodes { seats } } }`, forged(['INFINITY'])],
      ]) {
        const r = await ask(rhein, query, { a: after });
        for (const e of r.body.errors ?? []) {
          // Either rejected as input ("after" is not a cursor of this list) or an internal error
          // that says nothing but its request id; never the database's own words.
          if (e.extensions?.code === 'BAD_USER_INPUT') continue;
          expect({ code: e.extensions?.code, message: e.message }).toEqual({ code: 'INTERNAL_SERVER_ERROR', message: expect.stringMatching(/^Internal server error \(request [^)]+\)$/) });
        }
        expect(JSON.stringify((r.body.errors ?? []).map((e) => e.message))).not.toMatch(/column|WHERE|syntax|SQLITE|ER_/i);
      }
    });

    it('no response of this file contains a stack trace ("    at ") or SQL ("SELECT")', () => {
      expect(seen.length).toBeGreaterThan(50);
      const offending = seen.filter((s) => s.text.includes('    at ') || /\bat [^\s]+ \(.*:\d+:\d+\)/.test(s.text) || s.text.includes('SELECT') || /\bFROM `/.test(s.text));
      expect(offending).toEqual([]);
    });
  });
});
