import 'reflect-metadata';
import { orgId, PERSONAS, userId } from '../../seeds/personas';
import { createApiKey } from '../helpers/api-keys';
import { gid } from '../helpers/authz';
import { ON_MYSQL } from '../helpers/database';
import { Client, TestHub } from '../helpers/hub';

/**
 * Issue #16, "see as": a VENDOR_ADMIN evaluates a query as a distributor (or customer) at an
 * instant, with the headers See-As, See-As-At and See-As-Purpose. Proven over real HTTP on the
 * real database: the answer is byte for byte the one that organization's admin gets with their
 * own token at the same instant (extensions.cost aside: it is the budget of whoever pays);
 * mumbai's gate is closed after its new contract's expiry; every refusal has its code and no
 * data; the viewing and the reads are audited as the admin's.
 */

const NOW = '2026-11-27T12:00:00.000Z';
const DAY = (d: string) => `${d}T00:00:00.000Z`;
const PURPOSE = 'Support ticket 4711: distributor says the dashboard is empty';

/** The distributor's dashboard: its gate, its summary, customers with their people, licenses, activations and computers. */
const DASHBOARD = `{
  viewer { organization { id name transferBasis { allowed basis denialReason } licenseSummary { total byStatus { status count } } } }
  customers(first: 20) { totalCount nodes { id name email phone users(first: 5) { nodes { name email role } }
    licenses(first: 10) { nodes { status validUntil seats seatsUsed licensee { email } activations { nodes { activatedAt computer { name hostId } activatedBy { email } } } } } } }
  contracts(first: 10) { nodes { id type status effectiveFrom expiresAt } }
}`;

/** The response's text as the client receives it, without extensions.cost (the budget of whoever pays differs). */
const withoutCost = (text: string): string => text.replace(/"cost":\{[^}]*\}/, '').replace(/,"extensions":\{\}|,\}/g, (m) => (m === ',}' ? '}' : ''));

/**
 * "Byte for byte", as far as the hub's own answer is itself the same from one request to the
 * next: on MariaDB the order of the `errors` entries follows the order in which the batched
 * statements complete, so two requests of mumbai's admin with the same token may list the same
 * refusals in another order (seen: 2 variants in 8 requests). The texts are compared exactly
 * when they are equal; otherwise they must have the same length and become equal once the
 * `errors` entries are in one order (each entry serialized as the hub sent it).
 */
function expectSameAnswer(seen: string, own: string): void {
  const [a, b] = [withoutCost(seen), withoutCost(own)];
  if (a === b) return;
  expect(a.length).toBe(b.length);
  const canonical = (text: string) => {
    const body = JSON.parse(text) as { errors?: unknown[] };
    if (body.errors) body.errors = body.errors.map((e) => JSON.stringify(e)).sort();
    return JSON.stringify(body);
  };
  expect(canonical(a)).toBe(canonical(b));
}

interface Raw {
  status: number;
  text: string;
  requestId: string;
  remaining: number;
}

describe(`see as another organization at an instant (${ON_MYSQL ? 'MariaDB' : 'embedded database'})`, () => {
  let hub: TestHub;
  let vendor: Client;

  async function raw(token: string, query: string, headers: Record<string, string> = {}): Promise<Raw> {
    const res = await fetch(`${hub.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, ...hub.defaultHeaders(), ...headers },
      body: JSON.stringify({ query }),
    });
    return { status: res.status, text: await res.text(), requestId: res.headers.get('x-request-id')!, remaining: Number(res.headers.get('x-ratelimit-remaining')) };
  }

  const seeAs = (slug: string, at?: string, purpose: string = PURPOSE): Record<string, string> => ({
    'See-As': gid('Organization', orgId(slug)),
    ...(at ? { 'See-As-At': at } : {}),
    ...(purpose ? { 'See-As-Purpose': purpose } : {}),
  });

  /** "See as X at T" and X's admin's own answer at T, as text, without the cost. */
  async function bothAt(slug: 'rhein' | 'mumbai', instant: string): Promise<{ seen: Raw; own: Raw }> {
    hub.now = new Date(instant);
    const own = await raw((await hub.as(PERSONAS.distributors[slug].admin)).token!, DASHBOARD);
    hub.now = new Date(NOW);
    const seen = await raw(vendor.token!, DASHBOARD, seeAs(slug, instant));
    return { seen, own };
  }

  beforeAll(async () => {
    hub = await TestHub.start('see_as');
    hub.now = new Date(NOW);
    vendor = await hub.as(PERSONAS.vendorAdmin);
  });
  afterAll(() => hub?.close());
  afterEach(() => {
    hub.now = new Date(NOW);
  });

  it('rhein (open gate): "see as rhein" now is byte for byte rhein\'s admin\'s own answer, e-mails included', async () => {
    const { seen, own } = await bothAt('rhein', NOW);
    expect(seen.status).toBe(200);
    expectSameAnswer(seen.text, own.text);
    const body = JSON.parse(seen.text);
    expect(body.errors).toBeUndefined();
    expect(body.data.viewer.organization.name).toBeTruthy();
    expect(body.data.customers.nodes.some((c: { users: { nodes: { email: string | null }[] } }) => c.users.nodes.some((u) => u.email))).toBe(true);
  });

  it('mumbai (gated): "see as mumbai" now is byte for byte mumbai\'s own answer: the same refusals and the same gate summary', async () => {
    const { seen, own } = await bothAt('mumbai', NOW);
    expectSameAnswer(seen.text, own.text);
    const body = JSON.parse(seen.text);
    expect(body.data.viewer.organization.transferBasis).toMatchObject({ allowed: false, denialReason: 'CONTRACT_EXPIRED' });
    expect(body.extensions.transferGates).toHaveLength(1);
    expect(body.errors.every((e: { extensions: { code: string } }) => e.extensions.code === 'TRANSFER_BASIS_REQUIRED')).toBe(true);
  });

  it('mumbai at an instant before its old SCC expired (2025-06-01): identical to its own answer then, and the gate open', async () => {
    const { seen, own } = await bothAt('mumbai', DAY('2025-06-01'));
    expectSameAnswer(seen.text, own.text);
    expect(JSON.parse(seen.text).data.viewer.organization.transferBasis.allowed).toBe(true);
  });

  it('mumbai with a new SCC: open while it is in force, closed (CONTRACT_EXPIRED) at a date after its expiry, each identical to its own answer then', async () => {
    const made = await vendor.data(`mutation C($input: CreateContractInput!) { createContract(input: $input) { contract { id } } }`, {
      input: { distributorId: gid('Organization', orgId('mumbai')), type: 'SCC_2021', effectiveFrom: DAY('2026-12-01'), expiresAt: DAY('2027-06-30'), documentRef: 'C-MUMBAI-SEE-AS' },
    });
    await vendor.data(`mutation S($input: SignContractInput!) { signContract(input: $input) { contract { status } } }`, { input: { contractId: made.createContract.contract.id, signedAt: NOW } });

    const during = await bothAt('mumbai', DAY('2027-01-15'));
    expectSameAnswer(during.seen.text, during.own.text);
    expect(JSON.parse(during.seen.text).data.viewer.organization.transferBasis.allowed).toBe(true);

    const after = await bothAt('mumbai', DAY('2027-07-15'));
    expectSameAnswer(after.seen.text, after.own.text);
    const body = JSON.parse(after.seen.text);
    expect(body.data.viewer.organization.transferBasis).toMatchObject({ allowed: false, denialReason: 'CONTRACT_EXPIRED' });
    expect(body.extensions.transferGates[0]).toMatchObject({ reason: 'CONTRACT_EXPIRED', contract: { documentRef: 'C-MUMBAI-SEE-AS' } });
    // Nothing the gate withholds is in the answer: no customer's e-mail.
    for (const c of body.data.customers.nodes) {
      expect(c.email).toBeNull();
      for (const u of c.users.nodes) expect(u.email).toBeNull();
    }
  });

  it('a customer (harbor, served by rhein and mumbai): "see as harbor" is byte for byte its admin\'s own answer', async () => {
    const CUSTOMER = `{ viewer { organization { id name } } licenses(first: 20) { nodes { status validUntil licensee { email } distributor { name email } activations { nodes { computer { name hostId } } } } } computers(first: 10) { nodes { name hostId } } }`;
    const own = await raw((await hub.as(PERSONAS.customer('harbor').admin)).token!, CUSTOMER);
    const seen = await raw(vendor.token!, CUSTOMER, seeAs('harbor'));
    expect(seen.status).toBe(200);
    expectSameAnswer(seen.text, own.text);
    expect(JSON.parse(seen.text).data.licenses.nodes.length).toBeGreaterThan(0);
  });

  it('an organization whose admins are all disabled: NOT_FOUND, nothing seen', async () => {
    await hub.dataSource.query("UPDATE `portal_user` SET status = 'DISABLED' WHERE organizationId = ? AND role = 'DISTRIBUTOR_ADMIN'", [orgId('gulf')]);
    const r = await raw(vendor.token!, DASHBOARD, seeAs('gulf'));
    const body = JSON.parse(r.text);
    expect([r.status, body.data, body.errors[0].extensions.code]).toEqual([404, undefined, 'NOT_FOUND']);
  });

  it("the viewing is audited once, with the purpose and the instant; the reads are the vendor admin's, for the purpose SEE_AS; the admin pays the cost", async () => {
    const before = await raw(vendor.token!, '{ viewer { role } }');
    const seen = await raw(vendor.token!, DASHBOARD, seeAs('rhein', DAY('2026-12-24')));
    expect(seen.status).toBe(200);
    const cost = JSON.parse(seen.text).extensions.cost.requestedQueryCost as number;
    expect(seen.remaining).toBe(before.remaining - cost);
    const events: { action: string; actorId: string; actorOrganizationId: string; subjectId: string; purpose: string; detail: string | null; at: unknown }[] = await hub.dataSource.query(
      'SELECT action, actorId, actorOrganizationId, subjectId, purpose, detail, at FROM `audit_event` WHERE requestId = ? ORDER BY action',
      [seen.requestId],
    );
    const viewing = events.filter((e) => e.action === 'viewer.see_as');
    expect(viewing).toHaveLength(1);
    expect(viewing[0]).toMatchObject({ actorId: userId(PERSONAS.vendorAdmin), actorOrganizationId: orgId('mobotix'), subjectId: orgId('rhein'), purpose: 'SEE_AS' });
    expect(JSON.parse(viewing[0].detail!)).toEqual({ purpose: PURPOSE, at: DAY('2026-12-24'), asUserId: userId(PERSONAS.distributors.rhein.admin) });
    const reads = events.filter((e) => e.action === 'personal_data.read');
    expect(reads.length).toBeGreaterThan(0);
    for (const r of reads) {
      expect(r).toMatchObject({ actorId: userId(PERSONAS.vendorAdmin), purpose: 'SEE_AS' });
      expect(JSON.parse(r.detail!)).toEqual({ seeAs: { organizationId: orgId('rhein'), asUserId: userId(PERSONAS.distributors.rhein.admin), at: DAY('2026-12-24') } });
    }
    // Recorded at the real instant, not the one seen.
    for (const e of events) expect(new Date(e.at as string).getUTCFullYear() === 2026 && new Date(e.at as string).getUTCMonth() === 10).toBe(true);
  });

  describe('refusals: each with its code and no data, nothing written', () => {
    const refused = async (token: string, query: string, headers: Record<string, string>, status: number, code: string, field?: string) => {
      const r = await raw(token, query, headers);
      const body = JSON.parse(r.text);
      expect([r.status, body.data, body.errors.map((e: { extensions: { code: string } }) => e.extensions.code)]).toEqual([status, undefined, [code]]);
      if (field) expect(body.errors[0].extensions.field).toBe(field);
      expect(r.text).not.toMatch(/at .*\.js|SELECT|stack/i);
      const written: unknown[] = await hub.dataSource.query("SELECT id FROM `audit_event` WHERE requestId = ? AND action = 'viewer.see_as'", [r.requestId]);
      expect(written).toHaveLength(0);
      return body.errors[0].message as string;
    };

    it('a distributor admin: FORBIDDEN', async () => {
      await refused((await hub.as(PERSONAS.distributors.rhein.admin)).token!, DASHBOARD, seeAs('mumbai'), 403, 'FORBIDDEN');
    });

    it('the vendor staff and the DPO: FORBIDDEN', async () => {
      await refused((await hub.as(PERSONAS.vendorStaff)).token!, DASHBOARD, seeAs('mumbai'), 403, 'FORBIDDEN');
      await refused((await hub.as(PERSONAS.privacyOfficer)).token!, DASHBOARD, seeAs('mumbai'), 403, 'FORBIDDEN');
    });

    it("an API key (the vendor's): FORBIDDEN", async () => {
      const { secret } = await createApiKey(hub.dataSource, { org: 'mobotix', scopes: ['customers:read', 'licenses:read', 'personal_data:read', 'contracts:read'] });
      await refused(secret, DASHBOARD, seeAs('mumbai'), 403, 'FORBIDDEN');
    });

    it('a mutation: FORBIDDEN naming See-As, and no write', async () => {
      const count = async () => {
        const rows: { n: number | string }[] = await hub.dataSource.query("SELECT COUNT(*) AS n FROM `contract` WHERE documentRef = 'C-SEE-AS-MUTATION'");
        return rows[0].n;
      };
      const mutation = `mutation { createContract(input: { distributorId: "${gid('Organization', orgId('gulf'))}", type: SCC_2021, effectiveFrom: "2026-12-01T00:00:00Z", documentRef: "C-SEE-AS-MUTATION" }) { contract { id } } }`;
      const message = await refused(vendor.token!, mutation, seeAs('rhein'), 403, 'FORBIDDEN');
      expect(message).toMatch(/See-As/);
      expect(Number(await count())).toBe(0);
    });

    it('a missing, short or control-character purpose: BAD_USER_INPUT naming See-As-Purpose', async () => {
      for (const purpose of ['', 'ab', 'a\tab inside', 'x'.repeat(201)]) await refused(vendor.token!, DASHBOARD, seeAs('rhein', undefined, purpose), 400, 'BAD_USER_INPUT', 'see-as-purpose');
    });

    it("an unknown organization, a malformed id, another type's id, the vendor itself: NOT_FOUND", async () => {
      const unknown = gid('Organization', '00000000-0000-4000-8000-000000000000');
      for (const target of [unknown, 'not-an-id', gid('PortalUser', userId(PERSONAS.distributors.rhein.admin)), gid('Organization', orgId('mobotix'))]) {
        await refused(vendor.token!, DASHBOARD, { 'See-As': target, 'See-As-Purpose': PURPOSE }, 404, 'NOT_FOUND');
      }
    });

    it('a bad instant: BAD_USER_INPUT naming See-As-At', async () => {
      for (const at of ['tomorrow', '2027-02-30', '2027-13-01T00:00:00Z', '2027-01-01T00:00:00']) await refused(vendor.token!, DASHBOARD, seeAs('rhein', at), 400, 'BAD_USER_INPUT', 'see-as-at');
    });

    it('See-As-At or See-As-Purpose without See-As: BAD_USER_INPUT', async () => {
      await refused(vendor.token!, DASHBOARD, { 'See-As-Purpose': PURPOSE }, 400, 'BAD_USER_INPUT', 'see-as-purpose');
      await refused(vendor.token!, DASHBOARD, { 'See-As-At': NOW }, 400, 'BAD_USER_INPUT', 'see-as-at');
    });
  });
});
