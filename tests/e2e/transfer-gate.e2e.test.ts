import 'reflect-metadata';
import { ContractStatus, ContractType } from '../../src/common/enums';
import { newId } from '../../src/common/ids';
import { sqlDate } from '../../src/common/sql';
import { Contract } from '../../src/modules/contract/contract.entity';
import { DISTRIBUTOR_SLUGS, DistributorSlug, GATE_TODAY, HARBOR, orgId, PERSONAS } from '../../seeds/personas';
import { HARBOR_CUSTOMER } from '../../seeds/seed-world';
import { deepCopy, errorCodes, errorEntries, errorPaths, gid, leaks, stringsIn } from '../helpers/authz';
import { ON_MYSQL } from '../helpers/database';
import { Client, GraphQLResponse, TestHub } from '../helpers/hub';

/**
 * The transfer gate end to end (docs/access-policy.md "Data categories", docs/transfer-gate.md "The algorithm"): a
 * distributor's dashboard over real HTTP, for each of the 11 seed distributors, at the
 * scenario's today and at the instants where a basis begins or ends.
 */

const NOW = new Date('2026-11-27T12:00:00.000Z');

/** The distributor dashboard of the brief, exactly. */
const DASHBOARD = `{ viewer { organization { transferBasis { allowed basis reason } } } customers(first: 50) { totalCount nodes { name email phone address { city } personalDataAccess { allowed basis reason } users(first: 5) { nodes { name email phone } } licenses(first: 20) { totalCount nodes { status seats seatsUsed product { sku } licensee { email } activations { nodes { activatedAt computer { os name hostId } activatedBy { email } } } } } } } }`;

/**
 * The same selection, read by the vendor admin (never gated) through the distributor's
 * `customers`, with each license's distributor so that harbor's licenses from the other
 * distributor can be set aside (a distributor reaches only the licenses it holds).
 */
const REFERENCE = `query($id: ID!) { organization(id: $id) { customers(first: 50) { totalCount nodes { name email phone address { city } users(first: 5) { nodes { name email phone } } licenses(first: 20) { totalCount nodes { distributor { id } status seats seatsUsed product { sku } licensee { email } activations { nodes { activatedAt computer { os name hostId } activatedBy { email } } } } } } } } }`;

const EMAILS_OF_CUSTOMERS = `{ customers(first: 50) { nodes { name users(first: 5) { nodes { email } } } } }`;

interface DashUser {
  name: string | null;
  email: string | null;
  phone: string | null;
}
interface DashActivation {
  activatedAt: string;
  computer: { os: string; name: string | null; hostId: string | null } | null;
  activatedBy: { email: string | null } | null;
}
interface DashLicense {
  distributor?: { id: string };
  status: string;
  seats: number;
  seatsUsed: number;
  product: { sku: string };
  licensee: { email: string | null } | null;
  activations: { nodes: DashActivation[] };
}
interface DashCustomer {
  name: string;
  email: string | null;
  phone: string | null;
  address: { city: string | null } | null;
  personalDataAccess?: { allowed: boolean; basis: string; reason: string };
  users: { nodes: DashUser[] };
  licenses: { totalCount: number; nodes: DashLicense[] };
}
interface Customers {
  totalCount: number;
  nodes: DashCustomer[];
}

/**
 * What a gated distributor must get instead of `customers`: every personal or contact field
 * null, everything else as it is; the paths where TRANSFER_BASIS_REQUIRED must be reported;
 * and the values that must not appear in the response.
 */
function gatedView(reference: Customers): { view: Customers; paths: string[]; denied: string[] } {
  const view = deepCopy(reference);
  const paths: string[] = [];
  const denied: string[] = [];
  const deny = (obj: Record<string, any>, key: string, path: string) => {
    denied.push(...stringsIn(obj[key]));
    if (obj[key] !== null && obj[key] !== undefined) paths.push(path);
    obj[key] = null;
  };
  view.nodes.forEach((c, i) => {
    const at = `customers.nodes.${i}`;
    for (const k of ['email', 'phone', 'address'] as const) deny(c, k, `${at}.${k}`);
    c.users.nodes.forEach((u, j) => {
      for (const k of ['name', 'email', 'phone'] as const) deny(u, k, `${at}.users.nodes.${j}.${k}`);
    });
    c.licenses.nodes.forEach((l, k) => {
      const lat = `${at}.licenses.nodes.${k}`;
      deny(l, 'licensee', `${lat}.licensee`);
      l.activations.nodes.forEach((a, n) => {
        const aat = `${lat}.activations.nodes.${n}`;
        if (a.computer) {
          deny(a.computer, 'name', `${aat}.computer.name`);
          deny(a.computer, 'hostId', `${aat}.computer.hostId`);
        }
        deny(a, 'activatedBy', `${aat}.activatedBy`);
      });
    });
  });
  return { view, paths: paths.sort(), denied };
}

describe(`the transfer gate end to end (${ON_MYSQL ? 'MariaDB' : 'embedded database'})`, () => {
  let hub: TestHub;
  let vendor: Client;

  const distributorGid = (slug: string) => gid('Organization', orgId(slug));

  /** The vendor admin's view of a distributor's customers, limited to the licenses that distributor holds. */
  async function referenceFor(slug: DistributorSlug): Promise<Customers> {
    const data = await vendor.data(REFERENCE, { id: distributorGid(slug) });
    const customers: Customers = data.organization.customers;
    for (const c of customers.nodes) {
      c.licenses.nodes = c.licenses.nodes.filter((l) => l.distributor?.id === distributorGid(slug));
      c.licenses.totalCount = c.licenses.nodes.length;
      for (const l of c.licenses.nodes) delete l.distributor;
    }
    return customers;
  }

  /** Runs with the hub's clock at `instant`, as `email`, with a token issued at that instant. */
  async function asAt(instant: string, email: string): Promise<Client> {
    hub.now = new Date(instant);
    return hub.as(email);
  }

  function withoutAccess(customers: Customers): Customers {
    const copy = deepCopy(customers);
    for (const c of copy.nodes) delete c.personalDataAccess;
    return copy;
  }

  /** Every e-mail of the customers' users read in a response of EMAILS_OF_CUSTOMERS. */
  const emailsOf = (r: GraphQLResponse): (string | null)[] => (r.body.data?.customers.nodes ?? []).flatMap((c: { users: { nodes: { email: string | null }[] } }) => c.users.nodes.map((u) => u.email));

  beforeAll(async () => {
    hub = await TestHub.start('authz_transfer_gate');
    vendor = await hub.as(PERSONAS.vendorAdmin);
  });
  afterAll(() => hub?.close());
  afterEach(() => {
    hub.now = new Date(NOW);
  });

  describe("each distributor's dashboard today", () => {
    for (const slug of DISTRIBUTOR_SLUGS) {
      const gate = GATE_TODAY[slug];
      it(`admin@${slug}.example: the dashboard answers (HTTP 200), personal and contact data ${gate === 'allowed' ? 'with its values, no error' : 'null with TRANSFER_BASIS_REQUIRED at each path, the rest answered'}`, async () => {
        const reference = await referenceFor(slug);
        // The seed gives every distributor customers with users, contact data, a licensee and activations.
        expect(reference.nodes.length).toBeGreaterThanOrEqual(2);
        expect(reference.totalCount).toBe(reference.nodes.length);
        const { view, paths, denied } = gatedView(reference);
        expect(paths.filter((p) => p.endsWith('.licensee')).length).toBeGreaterThanOrEqual(1);
        expect(paths.filter((p) => p.endsWith('.computer.hostId')).length).toBeGreaterThanOrEqual(1);
        expect(paths.filter((p) => p.endsWith('.activatedBy')).length).toBeGreaterThanOrEqual(1);

        const client = await hub.as(PERSONAS.distributors[slug].admin);
        const r = await client.gql(DASHBOARD);
        expect(r.status).toBe(200);
        const decision = r.body.data?.viewer.organization.transferBasis;
        const customers: Customers = r.body.data?.customers;
        expect(customers.totalCount).toBe(reference.totalCount);

        if (gate === 'allowed') {
          expect(r.body.errors).toBeUndefined();
          expect(decision).toMatchObject({ allowed: true });
          expect(decision.basis).not.toBe('NONE');
          expect(withoutAccess(customers)).toEqual(reference);
          for (const c of customers.nodes) expect({ customer: c.name, ...c.personalDataAccess }).toMatchObject({ customer: c.name, allowed: true, basis: decision.basis });
          return;
        }

        expect(decision).toMatchObject({ allowed: false, basis: 'NONE' });
        expect(decision.reason).toEqual(expect.any(String));
        expect(decision.reason.length).toBeGreaterThan(0);
        // Names, status, seats, seatsUsed, product, totalCount, computer.os answer; the rest is null.
        expect(withoutAccess(customers)).toEqual(view);
        for (const c of customers.nodes) expect({ customer: c.name, ...c.personalDataAccess }).toMatchObject({ customer: c.name, allowed: false, basis: 'NONE', reason: decision.reason });
        // One TRANSFER_BASIS_REQUIRED at the exact path of each denied field, and no other error.
        expect(errorCodes(r)).toEqual(['TRANSFER_BASIS_REQUIRED']);
        expect(errorPaths(r, 'TRANSFER_BASIS_REQUIRED')).toEqual(paths);
        // No denied value anywhere: not in the messages, not in the data.
        const errorsText = JSON.stringify(r.body.errors);
        expect(leaks(denied, errorsText)).toEqual([]);
        expect(leaks(denied, JSON.stringify(r.body), JSON.stringify({ view, decision }))).toEqual([]);
      });
    }

    it('harbor (Harbor Logistics BV, served by rhein and mumbai): its users are readable through admin@rhein.example and gated through admin@mumbai.example', async () => {
      const harborEmails = [PERSONAS.customer(HARBOR).admin, PERSONAS.customer(HARBOR).user].sort();
      const harborOf = (r: GraphQLResponse) => r.body.data?.customers.nodes.findIndex((c: { name: string }) => c.name === HARBOR_CUSTOMER.name);

      const rhein = await (await hub.as(PERSONAS.distributors.rhein.admin)).gql(DASHBOARD);
      const ri = harborOf(rhein);
      expect(ri).toBeGreaterThanOrEqual(0);
      const rheinHarbor: DashCustomer = rhein.body.data.customers.nodes[ri];
      expect(rhein.body.errors).toBeUndefined();
      expect(rheinHarbor.users.nodes.map((u) => u.email).sort()).toEqual(harborEmails);
      expect(rheinHarbor.email).toBe(HARBOR_CUSTOMER.email);
      expect(rheinHarbor.personalDataAccess).toMatchObject({ allowed: true });

      const mumbai = await (await hub.as(PERSONAS.distributors.mumbai.admin)).gql(DASHBOARD);
      const mi = harborOf(mumbai);
      expect(mi).toBeGreaterThanOrEqual(0);
      const mumbaiHarbor: DashCustomer = mumbai.body.data.customers.nodes[mi];
      expect(mumbaiHarbor.users.nodes).toEqual([
        { name: null, email: null, phone: null },
        { name: null, email: null, phone: null },
      ]);
      expect(mumbaiHarbor.email).toBeNull();
      expect(mumbaiHarbor.personalDataAccess).toMatchObject({ allowed: false });
      const harborErrors = errorEntries(mumbai).filter((e) => e.path.startsWith(`customers.nodes.${mi}.users.`));
      expect(harborErrors.map((e) => e.code)).toEqual(Array(6).fill('TRANSFER_BASIS_REQUIRED'));
      for (const email of harborEmails) expect(JSON.stringify(mumbai.body)).not.toContain(email);
    });
  });

  describe('the gate is decided per request, with the request clock', () => {
    it("mumbai (SCC_2021 expires at the start of 2026-01-01): reads its customers' e-mails at 2025-12-31T23:59:59.999Z, TRANSFER_BASIS_REQUIRED at 2026-01-01T00:00:00.000Z", async () => {
      const before = await asAt('2025-12-31T23:59:59.999Z', PERSONAS.distributors.mumbai.admin);
      const r1 = await before.gql(`{ viewer { organization { transferBasis { allowed basis } } } }`);
      expect(r1.body.data.viewer.organization.transferBasis).toEqual({ allowed: true, basis: 'SCC_2021' });
      const open = await before.gql(EMAILS_OF_CUSTOMERS);
      expect(open.body.errors).toBeUndefined();
      expect(emailsOf(open)).toHaveLength(6);
      expect(emailsOf(open).every((e) => typeof e === 'string' && e.endsWith('.example'))).toBe(true);

      // The same token, one millisecond later: the next request is decided anew.
      hub.now = new Date('2026-01-01T00:00:00.000Z');
      const closed = await before.gql(EMAILS_OF_CUSTOMERS);
      expect(closed.status).toBe(200);
      expect(emailsOf(closed)).toEqual(Array(6).fill(null));
      expect(errorCodes(closed)).toEqual(['TRANSFER_BASIS_REQUIRED']);
      expect(errorEntries(closed)).toHaveLength(6);

      // And with a token issued at that instant.
      const after = await asAt('2026-01-01T00:00:00.000Z', PERSONAS.distributors.mumbai.admin);
      const closed2 = await after.gql(EMAILS_OF_CUSTOMERS);
      expect(emailsOf(closed2)).toEqual(Array(6).fill(null));
      expect(errorCodes(closed2)).toEqual(['TRANSFER_BASIS_REQUIRED']);
    });

    it("oldglory (Privacy Shield): reads its customers' e-mails at 2020-07-15T23:59:59.999Z, TRANSFER_BASIS_REQUIRED at 2020-07-16T00:00:00.000Z (Schrems II)", async () => {
      const before = await asAt('2020-07-15T23:59:59.999Z', PERSONAS.distributors.oldglory.admin);
      const open = await before.gql(`{ viewer { organization { transferBasis { allowed basis } } } customers(first: 50) { nodes { users(first: 5) { nodes { email } } } } }`);
      expect(open.body.errors).toBeUndefined();
      expect(open.body.data.viewer.organization.transferBasis).toEqual({ allowed: true, basis: 'PRIVACY_SHIELD' });
      expect(emailsOf(open)).toHaveLength(4);
      expect(emailsOf(open).every((e) => typeof e === 'string' && /@oldglory-c[12]\.example$/.test(e))).toBe(true);

      const after = await asAt('2020-07-16T00:00:00.000Z', PERSONAS.distributors.oldglory.admin);
      const closed = await after.gql(`{ viewer { organization { transferBasis { allowed basis reason } } } customers(first: 50) { nodes { users(first: 5) { nodes { email } } } } }`);
      expect(closed.body.data.viewer.organization.transferBasis).toMatchObject({ allowed: false, basis: 'NONE' });
      expect(closed.body.data.viewer.organization.transferBasis.reason).toMatch(/\bUS\b/);
      expect(emailsOf(closed)).toEqual(Array(4).fill(null));
      expect(errorCodes(closed)).toEqual(['TRANSFER_BASIS_REQUIRED']);
      expect(JSON.stringify(closed.body)).not.toMatch(/@oldglory-c[12]\.example/);
    });

    /** [distributor, instant, gate]: one millisecond either side of where each basis begins or ends. */
    const BOUNDARIES: [DistributorSlug, string, 'allowed' | 'denied', string][] = [
      ['bosphorus', '2022-12-26T23:59:59.999Z', 'allowed', 'SCC_2010 clauses still valid'],
      ['bosphorus', '2022-12-27T00:00:00.000Z', 'denied', 'old SCC ended 2022-12-27'],
      // andes's contract is stored TERMINATED; the gate reads it by its terminatedAt (the status
      // at an instant is one function of the clock), so it was a basis until then.
      ['andes', '2024-09-29T23:59:59.999Z', 'allowed', 'SCC_2021 in force until its termination'],
      ['andes', '2024-09-30T00:00:00.000Z', 'denied', 'SCC_2021 terminated 2024-09-30'],
      ['oldglory', '2020-07-15T23:59:59.999Z', 'allowed', 'Privacy Shield still valid'],
      ['oldglory', '2020-07-16T00:00:00.000Z', 'denied', 'Privacy Shield invalid since 2020-07-16 (transfer_mechanism)'],
      ['liberty', '2023-12-31T23:59:59.999Z', 'denied', 'DPF certification not yet effective'],
      ['liberty', '2024-01-01T00:00:00.000Z', 'allowed', 'DPF certification effective'],
      ['vigilancia', '2023-04-30T23:59:59.999Z', 'denied', 'SCC_2021 not yet effective'],
      ['vigilancia', '2023-05-01T00:00:00.000Z', 'allowed', 'SCC_2021 effective'],
      ['lioncity', '2024-05-31T23:59:59.999Z', 'denied', 'DPA not yet effective'],
      ['lioncity', '2024-06-01T00:00:00.000Z', 'allowed', 'DPA effective'],
      ['nordlicht', '2024-01-01T00:00:00.000Z', 'denied', 'U.S. processing without a basis, at any time'],
      ['rhein', '2019-01-01T00:00:00.000Z', 'allowed', 'EEA, at any time'],
    ];
    for (const [slug, instant, gate, why] of BOUNDARIES) {
      it(`${slug} at ${instant}: ${gate} (${why})`, async () => {
        const client = await asAt(instant, PERSONAS.distributors[slug].admin);
        const r = await client.gql(`{ viewer { organization { transferBasis { allowed } } } customers(first: 50) { nodes { users(first: 5) { nodes { email } } } } }`);
        expect(r.body.data.viewer.organization.transferBasis.allowed).toBe(gate === 'allowed');
        const emails = emailsOf(r);
        expect(emails.length).toBeGreaterThanOrEqual(4);
        if (gate === 'allowed') {
          expect(r.body.errors).toBeUndefined();
          expect(emails.every((e) => typeof e === 'string' && e.endsWith('.example'))).toBe(true);
        } else {
          expect(emails.every((e) => e === null)).toBe(true);
          expect(errorCodes(r)).toEqual(['TRANSFER_BASIS_REQUIRED']);
        }
      });
    }

    it('the gate sees a contract change on the next request: gulf reads e-mails once a signed SCC_2021 is in the database, and is denied again once it is terminated', async () => {
      const gulf = await hub.as(PERSONAS.distributors.gulf.admin);
      const denied = await gulf.gql(EMAILS_OF_CUSTOMERS);
      expect(emailsOf(denied)).toEqual(Array(4).fill(null));
      expect(errorCodes(denied)).toEqual(['TRANSFER_BASIS_REQUIRED']);

      const repo = hub.dataSource.getRepository(Contract);
      const id = newId(new Date('2026-11-01T00:00:00.000Z'));
      await repo.insert({
        id,
        distributorId: orgId('gulf'),
        type: ContractType.SCC_2021,
        status: ContractStatus.SIGNED,
        signedAt: new Date('2026-11-01T00:00:00.000Z'),
        effectiveFrom: new Date('2026-11-01T00:00:00.000Z'),
        expiresAt: null,
        terminatedAt: null,
        documentRef: 'C-GULF-E2E',
        createdAt: new Date('2026-11-01T00:00:00.000Z'),
      });
      try {
        // The same client, the next request.
        const open = await gulf.gql(`{ viewer { organization { transferBasis { allowed basis contract { documentRef } } } } customers(first: 50) { nodes { users(first: 5) { nodes { email } } } } }`);
        expect(open.body.errors).toBeUndefined();
        expect(open.body.data.viewer.organization.transferBasis).toEqual({ allowed: true, basis: 'SCC_2021', contract: { documentRef: 'C-GULF-E2E' } });
        expect(emailsOf(open)).toHaveLength(4);
        expect(emailsOf(open).every((e) => typeof e === 'string' && /@gulf-c[12]\.example$/.test(e))).toBe(true);

        await hub.dataSource.query('UPDATE `contract` SET terminatedAt = ? WHERE id = ?', [sqlDate(new Date('2026-11-20T00:00:00.000Z')), id]);
        const closed = await gulf.gql(`{ viewer { organization { transferBasis { allowed basis reason } } } customers(first: 50) { nodes { users(first: 5) { nodes { email } } } } }`);
        expect(closed.body.data.viewer.organization.transferBasis).toMatchObject({ allowed: false, basis: 'NONE' });
        expect(closed.body.data.viewer.organization.transferBasis.reason).toMatch(/AE/);
        expect(closed.body.data.viewer.organization.transferBasis.reason).toMatch(/terminated/);
        expect(emailsOf(closed)).toEqual(Array(4).fill(null));
        expect(errorCodes(closed)).toEqual(['TRANSFER_BASIS_REQUIRED']);
      } finally {
        await repo.delete({ id });
      }
      // Back to the seed: gulf is denied again.
      expect(emailsOf(await gulf.gql(EMAILS_OF_CUSTOMERS))).toEqual(Array(4).fill(null));
    });
  });

  describe('the jurisdiction facts are data', () => {
    it("an adequacy decision ended by the operator (jurisdiction_rule CH validUntil) closes alpen's gate on the next request, and reopens it when restored", async () => {
      const alpen = await hub.as(PERSONAS.distributors.alpen.admin);
      const Q = `{ viewer { organization { transferBasis { allowed basis reason } } } customers(first: 50) { nodes { users(first: 5) { nodes { email } } } } }`;
      const open = await alpen.gql(Q);
      expect(open.body.errors).toBeUndefined();
      expect(open.body.data.viewer.organization.transferBasis).toMatchObject({ allowed: true, basis: 'ADEQUACY' });
      const SET = "UPDATE `jurisdiction_rule` SET validUntil = ? WHERE country = 'CH' AND regime = 'ADEQUACY'";
      await hub.dataSource.query(SET, [sqlDate(new Date('2026-11-01T00:00:00.000Z'))]);
      try {
        const closed = await alpen.gql(Q);
        expect(closed.body.data.viewer.organization.transferBasis).toMatchObject({ allowed: false, basis: 'NONE' });
        expect(closed.body.data.viewer.organization.transferBasis.reason).toMatch(/\bCH\b/);
        expect(emailsOf(closed)).toEqual(Array(4).fill(null));
        expect(errorCodes(closed)).toEqual(['TRANSFER_BASIS_REQUIRED']);
      } finally {
        await hub.dataSource.query(SET, [null]);
      }
      const reopened = await alpen.gql(Q);
      expect(reopened.body.errors).toBeUndefined();
      expect(emailsOf(reopened).every((e) => typeof e === 'string')).toBe(true);
    });
  });

  describe('who is never gated', () => {
    it("a customer (admin@mumbai-c1.example, user@mumbai-c1.example) reads its own users' e-mails behind its distributor's closed gate", async () => {
      for (const email of [PERSONAS.customer('mumbai-c1').admin, PERSONAS.customer('mumbai-c1').user]) {
        const client = await hub.as(email);
        const r = await client.gql(`{ viewer { organization { name email phone personalDataAccess { allowed basis } users(first: 5) { nodes { name email phone } } } } }`);
        expect(r.body.errors).toBeUndefined();
        const org = r.body.data.viewer.organization;
        expect(org.personalDataAccess).toEqual({ allowed: true, basis: 'NOT_REQUIRED' });
        expect(org.email).toBe('office@mumbai-c1.example');
        expect(org.users.nodes.map((u: { email: string }) => u.email).sort()).toEqual([PERSONAS.customer('mumbai-c1').admin, PERSONAS.customer('mumbai-c1').user]);
        expect(org.users.nodes.every((u: { name: string; phone: string }) => !!u.name && !!u.phone)).toBe(true);
      }
    });

    it("the vendor admin reads everything of mumbai's customers: every personal and contact field has its value, no error", async () => {
      const r = await vendor.gql(REFERENCE, { id: distributorGid('mumbai') });
      expect(r.body.errors).toBeUndefined();
      const customers: Customers = r.body.data.organization.customers;
      expect(customers.totalCount).toBe(3);
      const { paths } = gatedView(customers);
      // gatedView lists only the fields that had a value: all of them did.
      for (const c of customers.nodes) {
        expect([c.email, c.phone, c.address?.city].every((v) => typeof v === 'string')).toBe(true);
        for (const u of c.users.nodes) expect([u.name, u.email, u.phone].every((v) => typeof v === 'string')).toBe(true);
        for (const l of c.licenses.nodes) {
          for (const a of l.activations.nodes) {
            expect(typeof a.computer?.name).toBe('string');
            expect(typeof a.computer?.hostId).toBe('string');
            expect(typeof a.activatedBy?.email).toBe('string');
          }
        }
      }
      expect(paths.length).toBeGreaterThan(20);
      const access = await vendor.data(`query($id: ID!) { organization(id: $id) { customers(first: 50) { nodes { personalDataAccess { allowed basis } } } } }`, { id: distributorGid('mumbai') });
      for (const c of access.organization.customers.nodes) expect(c.personalDataAccess).toEqual({ allowed: true, basis: 'NOT_REQUIRED' });
    });
  });

  describe('the decision is exposed with a reason a human can read', () => {
    it("mumbai: transferBasis and each customer's personalDataAccess say why (IN, expired), the same decision in both", async () => {
      const client = await hub.as(PERSONAS.distributors.mumbai.admin);
      const data = await client.data(`{ viewer { organization { transferBasis { allowed basis reason } } } customers(first: 50) { nodes { personalDataAccess { allowed basis reason } } } }`);
      const decision = data.viewer.organization.transferBasis;
      expect(decision).toMatchObject({ allowed: false, basis: 'NONE' });
      expect(decision.reason).toMatch(/\bIN\b/);
      expect(decision.reason).toMatch(/expired/);
      expect(data.customers.nodes).toHaveLength(3);
      for (const c of data.customers.nodes) expect(c.personalDataAccess).toEqual(decision);
    });

    it('nordlicht: the reason names the U.S., where it processes data without a basis', async () => {
      const client = await hub.as(PERSONAS.distributors.nordlicht.admin);
      const data = await client.data(`{ viewer { organization { transferBasis { allowed basis reason } } } customers(first: 50) { nodes { personalDataAccess { allowed reason } } } }`);
      expect(data.viewer.organization.transferBasis).toMatchObject({ allowed: false, basis: 'NONE' });
      expect(data.viewer.organization.transferBasis.reason).toMatch(/\bUS\b/);
      expect(data.viewer.organization.transferBasis.reason).not.toMatch(/\bDE\b:/);
      for (const c of data.customers.nodes) expect(c.personalDataAccess).toEqual({ allowed: false, reason: data.viewer.organization.transferBasis.reason });
    });

    it('every distributor: the reason names one of its countries, and an open gate names its basis', async () => {
      const COUNTRY: Record<DistributorSlug, string> = {
        rhein: 'DE',
        alpen: 'CH',
        liberty: 'US',
        oldglory: 'US',
        vigilancia: 'BR',
        mumbai: 'IN',
        lioncity: 'SG',
        gulf: 'AE',
        bosphorus: 'TR',
        andes: 'CL',
        nordlicht: 'US',
      };
      for (const slug of DISTRIBUTOR_SLUGS) {
        const client = await hub.as(PERSONAS.distributors[slug].admin);
        const data = await client.data(`{ viewer { organization { transferBasis { allowed basis reason } } } }`);
        const d = data.viewer.organization.transferBasis;
        expect({ slug, allowed: d.allowed }).toEqual({ slug, allowed: GATE_TODAY[slug] === 'allowed' });
        expect({ slug, reason: d.reason }).toEqual({ slug, reason: expect.stringMatching(new RegExp(`\\b${COUNTRY[slug]}\\b`)) });
      }
    });
  });
});
