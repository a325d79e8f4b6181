import 'reflect-metadata';
import { DISTRIBUTOR_SLUGS, GATE_TODAY, PERSONAS } from '../../seeds/personas';
import { DISTRIBUTORS } from '../../seeds/seed-world';
import { createApiKey } from '../helpers/api-keys';
import { ON_MYSQL } from '../helpers/database';
import { Client, TestHub } from '../helpers/hub';
import { expectBadInput, onlyError, walkPages } from '../helpers/relay';

/**
 * Issue #13 §2: the filters a dashboard needs, each compared with filtering the rows the API
 * lists without it, so SQL and the fields agree; bad values are BAD_USER_INPUT naming the field.
 */

type License = { id: string; status: string; validUntil: string | null; product: { id: string } };
type Contract = { id: string; status: string; expiresAt: string | null };

const LICENSES = `query($first: Int, $after: String, $filter: LicenseFilter) { licenses(first: $first, after: $after, filter: $filter) {
  totalCount pageInfo { hasNextPage endCursor } nodes { id status validUntil product { id } } } }`;
const CONTRACTS = `query($first: Int, $after: String, $filter: ContractFilter) { contracts(first: $first, after: $after, filter: $filter) {
  totalCount pageInfo { hasNextPage endCursor } nodes { id status expiresAt } } }`;
const DISTRIBUTORS_BY_GATE = `query($first: Int, $after: String, $allowed: Boolean) { organizations(first: $first, after: $after, kind: DISTRIBUTOR, transferBasisAllowed: $allowed) {
  totalCount pageInfo { hasNextPage endCursor } nodes { id name transferBasis { allowed } } } }`;

const NOW = new Date('2026-11-27T12:00:00.000Z');
const t = (iso: string | null) => (iso === null ? null : new Date(iso).getTime());
const ids = (rows: { id: string }[]) => rows.map((r) => r.id).sort();

describe(`dashboard filters (${ON_MYSQL ? 'MariaDB' : 'embedded database'})`, () => {
  let hub: TestHub;
  let admin: Client;

  async function all<N>(client: Client, query: string, pick: (d: any) => any, variables: Record<string, unknown>, first = 100): Promise<{ rows: N[]; totalCount: number }> {
    const pages = await walkPages<N>(client, query, pick, first, variables);
    return { rows: pages.flatMap((p) => p.nodes), totalCount: pages[0].totalCount };
  }

  beforeAll(async () => {
    hub = await TestHub.start('dashboard-filters');
    admin = await hub.as(PERSONAS.vendorAdmin);
  });
  afterAll(async () => {
    await hub?.close();
  });

  describe('licenses', () => {
    let every: License[];
    beforeAll(async () => {
      every = (await all<License>(admin, LICENSES, (d) => d.licenses, {})).rows;
    });

    it('validUntilAfter/validUntilBefore select a window; expiringBefore keeps its meaning (expired ones included)', async () => {
      const windows: [string | null, string | null][] = [
        [NOW.toISOString(), '2027-06-01T00:00:00.000Z'],
        [NOW.toISOString(), null],
        [null, NOW.toISOString()],
        ['2020-01-01T00:00:00.000Z', '2030-01-01T00:00:00.000Z'],
      ];
      let nonEmpty = 0;
      for (const [after, before] of windows) {
        const want = every.filter((l) => l.validUntil !== null && (after === null || t(l.validUntil)! > t(after)!) && (before === null || t(l.validUntil)! < t(before)!));
        const got = await all<License>(admin, LICENSES, (d) => d.licenses, { filter: { validUntilAfter: after, validUntilBefore: before } }, 7);
        expect({ after, before, ids: ids(got.rows), totalCount: got.totalCount }).toEqual({ after, before, ids: ids(want), totalCount: want.length });
        if (want.length) nonEmpty++;
      }
      expect(nonEmpty).toBeGreaterThanOrEqual(2);
      // A window after now holds no expired license; expiringBefore (kept for integrators) does.
      const upcoming = await all<License>(admin, LICENSES, (d) => d.licenses, { filter: { validUntilAfter: NOW.toISOString() } });
      expect(upcoming.rows.every((l) => l.status !== 'EXPIRED')).toBe(true);
      const before = await all<License>(admin, LICENSES, (d) => d.licenses, { filter: { expiringBefore: '2030-01-01T00:00:00.000Z' } });
      expect(ids(before.rows)).toEqual(ids(every.filter((l) => l.validUntil !== null && t(l.validUntil)! < t('2030-01-01T00:00:00.000Z')!)));
    });

    it('statuses selects several statuses at once, as License.status shows them now', async () => {
      const present = [...new Set(every.map((l) => l.status))];
      expect(present.length).toBeGreaterThanOrEqual(2);
      for (const statuses of [present.slice(0, 2), ['EXPIRED', 'REVOKED'], ['REGISTERED', 'ALLOCATED', 'LAPSED']]) {
        const got = await all<License>(admin, LICENSES, (d) => d.licenses, { filter: { statuses } }, 9);
        const want = every.filter((l) => statuses.includes(l.status));
        expect({ statuses, ids: ids(got.rows), totalCount: got.totalCount }).toEqual({ statuses, ids: ids(want), totalCount: want.length });
      }
    });

    it('productIds selects licenses of several products', async () => {
      const products = [...new Set(every.map((l) => l.product.id))].sort();
      expect(products.length).toBeGreaterThanOrEqual(2);
      for (const productIds of [products.slice(0, 1), products.slice(0, 2), products]) {
        const got = await all<License>(admin, LICENSES, (d) => d.licenses, { filter: { productIds } });
        expect(ids(got.rows)).toEqual(ids(every.filter((l) => productIds.includes(l.product.id))));
      }
    });

    it('bad values are BAD_USER_INPUT naming the field', async () => {
      const q = `query($filter: LicenseFilter) { licenses(filter: $filter) { totalCount } }`;
      expectBadInput(await admin.gql(q, { filter: { statuses: [] } }), 'filter.statuses');
      expectBadInput(await admin.gql(q, { filter: { productIds: [] } }), 'filter.productIds');
      expectBadInput(await admin.gql(q, { filter: { productIds: ['not-an-id'] } }), 'filter.productIds');
      expectBadInput(await admin.gql(q, { filter: { validUntilAfter: '2027-01-01T00:00:00.000Z', validUntilBefore: '2027-01-01T00:00:00.000Z' } }), 'filter.validUntilBefore');
    });

    it('a distributor filters within its own licenses only', async () => {
      const rhein = await hub.as(PERSONAS.distributors.rhein.admin);
      const own = (await all<License>(rhein, LICENSES, (d) => d.licenses, {})).rows;
      const got = await all<License>(rhein, LICENSES, (d) => d.licenses, { filter: { statuses: ['REGISTERED', 'ALLOCATED', 'EXPIRED', 'REVOKED', 'LAPSED'] } });
      expect(ids(got.rows)).toEqual(ids(own));
      expect(own.length).toBeLessThan(every.length);
    });
  });

  describe('contracts', () => {
    let every: Contract[];
    beforeAll(async () => {
      every = (await all<Contract>(admin, CONTRACTS, (d) => d.contracts, {})).rows;
    });

    it('expiresAfter/expiresBefore select a window of expiresAt', async () => {
      expect(every.some((c) => c.expiresAt !== null)).toBe(true);
      for (const [after, before] of [
        [NOW.toISOString(), null],
        [null, NOW.toISOString()],
        ['2020-01-01T00:00:00.000Z', '2040-01-01T00:00:00.000Z'],
      ] as const) {
        const got = await all<Contract>(admin, CONTRACTS, (d) => d.contracts, { filter: { expiresAfter: after, expiresBefore: before } }, 3);
        const want = every.filter((c) => c.expiresAt !== null && (after === null || t(c.expiresAt)! > t(after)!) && (before === null || t(c.expiresAt)! < t(before)!));
        expect({ after, before, ids: ids(got.rows), totalCount: got.totalCount }).toEqual({ after, before, ids: ids(want), totalCount: want.length });
      }
    });

    it('statuses selects by the status Contract.status shows at the instant of the request', async () => {
      for (const now of [NOW, new Date('2016-01-01T00:00:00.000Z'), new Date('2099-06-01T00:00:00.000Z')]) {
        hub.now = now;
        try {
          const client = await hub.as(PERSONAS.vendorAdmin);
          const rows = (await all<Contract>(client, CONTRACTS, (d) => d.contracts, {})).rows;
          for (const statuses of [['SIGNED'], ['TERMINATED'], ['DRAFT', 'TERMINATED'], ['DRAFT', 'SIGNED', 'TERMINATED']]) {
            const got = await all<Contract>(client, CONTRACTS, (d) => d.contracts, { filter: { statuses } });
            expect({ now, statuses, ids: ids(got.rows) }).toEqual({ now, statuses, ids: ids(rows.filter((c) => statuses.includes(c.status))) });
          }
          if (now === NOW) expect(new Set(rows.map((c) => c.status)).size).toBeGreaterThanOrEqual(2);
        } finally {
          hub.now = NOW;
        }
      }
      expectBadInput(await admin.gql(`{ contracts(filter: { statuses: [] }) { totalCount } }`), 'filter.statuses');
      expectBadInput(await admin.gql(`{ contracts(filter: { expiresAfter: "2027-01-01T00:00:00.000Z", expiresBefore: "2026-01-01T00:00:00.000Z" }) { totalCount } }`), 'filter.expiresBefore');
    });
  });

  describe('distributors by their transfer gate', () => {
    it('transferBasisAllowed gives the distributors whose gate is open or closed, as transferBasis decides, with exact totalCount and cursors', async () => {
      const name = Object.fromEntries(DISTRIBUTORS.map((d) => [d.slug, d.name]));
      for (const allowed of [true, false]) {
        const got = await all<{ id: string; name: string; transferBasis: { allowed: boolean } }>(admin, DISTRIBUTORS_BY_GATE, (d) => d.organizations, { allowed }, 2);
        const want = DISTRIBUTOR_SLUGS.filter((s) => (GATE_TODAY[s] === 'allowed') === allowed).map((s) => name[s]);
        expect(got.rows.map((r) => r.name).sort()).toEqual([...want].sort());
        expect(got.totalCount).toBe(want.length);
        expect(got.rows.every((r) => r.transferBasis.allowed === allowed)).toBe(true);
      }
    });

    it('follows the clock: once the DPF certification of liberty ends (2099-01-01) the filter no longer lists it', async () => {
      const open = await admin.data<{ organizations: { nodes: { name: string }[] } }>(`{ organizations(transferBasisAllowed: true, first: 100) { nodes { name } } }`);
      hub.now = new Date('2099-06-01T00:00:00.000Z');
      try {
        const later = await (
          await hub.as(PERSONAS.vendorAdmin)
        ).data<{ organizations: { nodes: { name: string; transferBasis: { allowed: boolean } }[] } }>(
          `{ organizations(transferBasisAllowed: true, first: 100) { nodes { name transferBasis { allowed } } } }`,
        );
        expect(later.organizations.nodes.every((o) => o.transferBasis.allowed)).toBe(true);
        expect(open.organizations.nodes.map((o) => o.name)).toContain('Liberty Surveillance Inc.');
        expect(later.organizations.nodes.map((o) => o.name)).not.toContain('Liberty Surveillance Inc.');
      } finally {
        hub.now = NOW;
      }
    });

    it('a distributor filters by its own gate; a customer, or an API key without contracts:read, gets FORBIDDEN naming the argument', async () => {
      const q = `query($allowed: Boolean) { organizations(transferBasisAllowed: $allowed, first: 100) { totalCount nodes { name } } }`;
      const rhein = await hub.as(PERSONAS.distributors.rhein.admin);
      expect((await rhein.data(q, { allowed: true })).organizations.nodes.map((o: { name: string }) => o.name)).toEqual(['Rhein Security GmbH']);
      expect((await rhein.data(q, { allowed: false })).organizations.totalCount).toBe(0);
      const mumbai = await hub.as(PERSONAS.distributors.mumbai.user);
      expect((await mumbai.data(q, { allowed: true })).organizations.totalCount).toBe(0);
      expect((await mumbai.data(q, { allowed: false })).organizations.totalCount).toBe(1);
      for (const client of [await hub.as(PERSONAS.customer('harbor').admin), hub.withToken((await createApiKey(hub.dataSource, { org: 'rhein', scopes: ['customers:read'] })).secret)]) {
        const error = onlyError(await client.gql(q, { allowed: true }), 'FORBIDDEN');
        expect(error.extensions?.field).toBe('transferBasisAllowed');
        expect(error.message).toContain('transferBasisAllowed');
      }
    });
  });
});
