import 'reflect-metadata';
import { CountingLogger } from '../../src/common/query-counter';
import { PERSONAS } from '../../seeds/personas';
import { createApiKey } from '../helpers/api-keys';
import { ON_MYSQL } from '../helpers/database';
import { Client, TestHub } from '../helpers/hub';
import { countStatements, expectBadInput, onlyError, walkPages } from '../helpers/relay';

/**
 * Issue #13 §1: licenseSummary counts in SQL what the license rows show through the API, for
 * every persona's scope and at every instant (the status EXPIRED depends on the clock).
 */

const STATUSES = ['REGISTERED', 'ALLOCATED', 'REVOKED', 'LAPSED', 'EXPIRED'];
const SUMMARY = `total byStatus { status count } seats { total used } byProduct { product { id sku } licenses seats seatsUsed } expiringSoon expiringWithinDays`;
const LICENSES = `query($first: Int, $after: String) { licenses(first: $first, after: $after) {
  totalCount pageInfo { hasNextPage endCursor } nodes { status seats seatsUsed validUntil product { id sku } distributor { id } customer { id } } } }`;

type Row = { status: string; seats: number; seatsUsed: number; validUntil: string | null; product: { id: string; sku: string }; distributor: { id: string } | null; customer: { id: string } | null };
type Summary = {
  total: number;
  byStatus: { status: string; count: number }[];
  seats: { total: number; used: number };
  byProduct: { product: { id: string; sku: string }; licenses: number; seats: number; seatsUsed: number }[];
  expiringSoon: number;
  expiringWithinDays: number;
};

/** The summary a client would compute from the rows themselves. */
function expected(rows: Row[], now: Date, days: number): Summary {
  const until = now.getTime() + days * 86_400_000;
  const products = new Map<string, Summary['byProduct'][number]>();
  for (const r of rows) {
    const p = products.get(r.product.id) ?? { product: r.product, licenses: 0, seats: 0, seatsUsed: 0 };
    p.licenses++;
    p.seats += r.seats;
    p.seatsUsed += r.seatsUsed;
    products.set(r.product.id, p);
  }
  return {
    total: rows.length,
    byStatus: STATUSES.map((status) => ({ status, count: rows.filter((r) => r.status === status).length })),
    seats: { total: rows.reduce((n, r) => n + r.seats, 0), used: rows.reduce((n, r) => n + r.seatsUsed, 0) },
    byProduct: [...products.values()].sort((a, b) => a.product.id.localeCompare(b.product.id)),
    expiringSoon: rows.filter((r) => {
      if (!['REGISTERED', 'ALLOCATED'].includes(r.status) || !r.validUntil) return false;
      const t = new Date(r.validUntil).getTime();
      return t > now.getTime() && t <= until;
    }).length,
    expiringWithinDays: days,
  };
}

const sorted = (s: Summary): Summary => ({ ...s, byProduct: [...s.byProduct].sort((a, b) => a.product.id.localeCompare(b.product.id)) });

describe(`licenseSummary (${ON_MYSQL ? 'MariaDB' : 'embedded database'})`, () => {
  let hub: TestHub;
  const start = new Date('2026-11-27T12:00:00.000Z');

  beforeAll(async () => {
    hub = await TestHub.start('dashboard-summary');
  });
  afterAll(async () => {
    hub.now = start;
    await hub?.close();
  });

  async function rowsOf(client: Client): Promise<Row[]> {
    const pages = await walkPages<Row>(client, LICENSES, (d) => d.licenses, 100);
    return pages.flatMap((p) => p.nodes);
  }

  const personas = [
    PERSONAS.vendorAdmin,
    PERSONAS.vendorStaff,
    PERSONAS.distributors.rhein.admin,
    PERSONAS.distributors.mumbai.user,
    PERSONAS.customer('harbor').admin,
    PERSONAS.customer('rhein-c1').user,
  ];

  it.each(personas)('equals counting the license rows the API lists, as %s, today and at later instants', async (email) => {
    for (const [now, days] of [
      [start, 30],
      [new Date('2027-06-30T00:00:00.000Z'), 365],
      // The very instant the subscriptions end: EXPIRED from validUntil on (validUntil <= now).
      [new Date('2027-12-31T00:00:00.000Z'), 30],
      [new Date('2031-01-01T00:00:00.000Z'), 3650],
    ] as const) {
      hub.now = now;
      const client = await hub.as(email);
      const rows = await rowsOf(client);
      const { licenseSummary } = await client.data<{ licenseSummary: Summary }>(`query($d: Int) { licenseSummary(expiringWithinDays: $d) { ${SUMMARY} } }`, { d: days });
      expect(sorted(licenseSummary)).toEqual(expected(rows, now, days));
      if (email === PERSONAS.vendorAdmin) {
        // The comparison means something: the vendor sees several statuses and some expiring.
        expect(licenseSummary.total).toBeGreaterThan(50);
        expect(licenseSummary.byStatus.filter((s) => s.count > 0).length).toBeGreaterThanOrEqual(2);
        // Half a year on, the subscriptions ending 2027-12-31 fall within a year's window.
        if (days === 365) expect(licenseSummary.expiringSoon).toBeGreaterThan(0);
      }
    }
    hub.now = start;
  });

  it('the default window is 30 days; a window outside 0..3650 is BAD_USER_INPUT naming expiringWithinDays', async () => {
    const admin = await hub.as(PERSONAS.vendorAdmin);
    const d = await admin.data<{ licenseSummary: Summary }>(`{ licenseSummary { expiringWithinDays } }`);
    expect(d.licenseSummary.expiringWithinDays).toBe(30);
    for (const bad of [-1, 3651]) {
      expectBadInput(await admin.gql(`query($d: Int) { licenseSummary(expiringWithinDays: $d) { total } }`, { d: bad }), 'expiringWithinDays');
      const org = await admin.gql(`query($d: Int) { organizations(first: 1) { nodes { licenseSummary(expiringWithinDays: $d) { total } } } }`, { d: bad });
      expect(org.body.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(org.body.errors?.[0]?.extensions?.field).toBe('expiringWithinDays');
    }
  });

  it("Organization.licenseSummary equals the organization's licenses the viewer reaches, for distributors and customers", async () => {
    for (const email of [PERSONAS.vendorAdmin, PERSONAS.distributors.rhein.admin, PERSONAS.customer('harbor').admin]) {
      const client = await hub.as(email);
      const rows = await rowsOf(client);
      const orgs = await walkPages<{ id: string; kind: string; licenseSummary: Summary }>(
        client,
        `query($first: Int, $after: String) { organizations(first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor } nodes { id kind licenseSummary { ${SUMMARY} } } } }`,
        (d) => d.organizations,
        100,
      );
      const all = orgs.flatMap((p) => p.nodes);
      expect(all.length).toBeGreaterThan(1);
      for (const org of all) {
        const mine = org.kind === 'DISTRIBUTOR' ? rows.filter((r) => r.distributor?.id === org.id) : org.kind === 'CUSTOMER' ? rows.filter((r) => r.customer?.id === org.id) : [];
        expect({ email, org: org.id, summary: sorted(org.licenseSummary) }).toEqual({ email, org: org.id, summary: expected(mine, start, 30) });
      }
    }
  });

  it('a distributor sees counts of its own licenses only, even for the vendor organization and other distributors', async () => {
    const rhein = await hub.as(PERSONAS.distributors.rhein.admin);
    const d = await rhein.data<{ licenseSummary: Summary; organizations: { nodes: { name: string; kind: string; licenseSummary: Summary }[] } }>(
      `{ licenseSummary { total } organizations(first: 100) { nodes { name kind licenseSummary { total } } } }`,
    );
    expect(d.licenseSummary.total).toBeGreaterThan(0);
    const own = d.organizations.nodes.filter((o) => o.licenseSummary.total > 0);
    expect(own.map((o) => o.name)).toContain('Rhein Security GmbH');
    expect(own.every((o) => o.kind !== 'VENDOR')).toBe(true);
  });

  it('an API key without licenses:read gets FORBIDDEN for the root summary and zero counts under organizations, as for Organization.licenses', async () => {
    const { secret } = await createApiKey(hub.dataSource, { org: 'rhein', scopes: ['customers:read'] });
    const key = hub.withToken(secret);
    const root = await key.gql(`{ licenseSummary { total } }`);
    expect(onlyError(root, 'FORBIDDEN').message).toContain('licenses:read');
    const nested = await key.data<{ organizations: { nodes: { licenseSummary: Summary; licenses: { totalCount: number } }[] } }>(
      `{ organizations(first: 100) { nodes { licenseSummary { total } licenses { totalCount } } } }`,
    );
    expect(nested.organizations.nodes.every((o) => o.licenseSummary.total === 0 && o.licenses.totalCount === 0)).toBe(true);
  });

  it('the summary costs one statement, and Organization.licenseSummary one for a page of any size', async () => {
    const admin = await hub.as(PERSONAS.vendorAdmin);
    await admin.data(`{ viewer { role } }`);
    const base = (await countStatements(CountingLogger, () => admin.data(`{ viewer { role } }`))).statements;
    const root = await countStatements(CountingLogger, () => admin.data(`{ licenseSummary { total byStatus { count } seats { used } expiringSoon } }`));
    expect(root.statements - base).toBe(1);
    const page = (n: number) => countStatements(CountingLogger, () => admin.data(`query($n: Int) { organizations(first: $n) { nodes { licenseSummary { total seats { used } } } } }`, { n }));
    const two = await page(2);
    const all = await page(100);
    expect(all.statements).toBe(two.statements);
    // The organizations page and the summaries: two statements for distributors and customers alike.
    expect(all.statements - base).toBe(2);
  });
});
