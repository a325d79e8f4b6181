import 'reflect-metadata';
import { ObjectLiteral } from 'typeorm';
import { PERSONAS } from '../../seeds/personas';
import { NodeType, toGlobalId } from '../../src/common/global-id';
import { Activation } from '../../src/modules/activation/activation.entity';
import { AuditEvent } from '../../src/modules/audit/audit-event.entity';
import { Computer } from '../../src/modules/computer/computer.entity';
import { Contract } from '../../src/modules/contract/contract.entity';
import { License } from '../../src/modules/license/license.entity';
import { Organization } from '../../src/modules/organization/organization.entity';
import { ON_MYSQL } from '../helpers/database';
import { Client, TestHub } from '../helpers/hub';
import { ids, registerFresh } from '../helpers/licenses';
import { CountingLogger } from '../../src/common/query-counter';
import { countStatements, expectBadInput } from '../helpers/relay';

/**
 * Issue #13: orderBy on the main connections, and last/before. Every order in both directions,
 * walked forwards and backwards with pages of several sizes, must give exactly the list the
 * test computes itself from the table rows (ties and NULLs included: the id breaks ties, NULLs
 * come first ascending and last descending). Cursors are refused under another order or list.
 */

type Value = string | null;
interface Spec<E extends ObjectLiteral> {
  field: string;
  orderType: string;
  nodeType: NodeType;
  entity: new () => E;
  extra?: string;
  /** The rows of the table the list holds for the vendor admin. */
  keep?: (row: E) => boolean;
  orders: Record<string, (row: E, now: Date) => Value>;
}

const iso = (d: Date | null) => (d === null ? null : d.toISOString());
const bytes = (a: string, b: string) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));

/** A license's status at `now`, as a user sees it (written here again, not imported). */
function statusAt(l: License, now: Date): string {
  if (l.state === 'REVOKED' || l.state === 'LAPSED') return l.state;
  return l.validUntil !== null && l.validUntil.getTime() <= now.getTime() ? 'EXPIRED' : l.state;
}

const SPECS: Spec<any>[] = [
  {
    field: 'licenses',
    orderType: 'LicenseOrder',
    nodeType: 'License',
    entity: License,
    orders: {
      VALID_UNTIL: (l: License) => iso(l.validUntil),
      CREATED_AT: (l: License) => iso(l.createdAt),
      UPDATED_AT: (l: License) => iso(l.updatedAt),
      STATUS: (l: License, now) => statusAt(l, now),
    },
  },
  {
    field: 'organizations',
    orderType: 'OrganizationOrder',
    nodeType: 'Organization',
    entity: Organization,
    orders: { NAME: (o: Organization) => o.nameKey, CREATED_AT: (o: Organization) => iso(o.createdAt), UPDATED_AT: (o: Organization) => iso(o.updatedAt) },
  },
  {
    field: 'customers',
    orderType: 'OrganizationOrder',
    nodeType: 'Organization',
    entity: Organization,
    keep: (o: Organization) => o.kind === 'CUSTOMER',
    orders: { NAME: (o: Organization) => o.nameKey, CREATED_AT: (o: Organization) => iso(o.createdAt), UPDATED_AT: (o: Organization) => iso(o.updatedAt) },
  },
  {
    field: 'contracts',
    orderType: 'ContractOrder',
    nodeType: 'Contract',
    entity: Contract,
    orders: { EXPIRES_AT: (c: Contract) => iso(c.expiresAt), CREATED_AT: (c: Contract) => iso(c.createdAt), UPDATED_AT: (c: Contract) => iso(c.updatedAt) },
  },
  {
    field: 'computers',
    orderType: 'ComputerOrder',
    nodeType: 'Computer',
    entity: Computer,
    orders: { UPDATED_AT: (c: Computer) => iso(c.updatedAt) },
  },
  {
    field: 'activations',
    orderType: 'ActivationOrder',
    nodeType: 'Activation',
    entity: Activation,
    orders: { ACTIVATED_AT: (a: Activation) => iso(a.activatedAt), UPDATED_AT: (a: Activation) => iso(a.updatedAt) },
  },
  {
    // One action only: reading the list must not change it (reads of personal data are audited).
    field: 'auditEvents',
    orderType: 'AuditEventOrder',
    nodeType: 'AuditEvent',
    entity: AuditEvent,
    extra: ', filter: { action: "license.registered" }',
    keep: (e: AuditEvent) => e.action === 'license.registered',
    orders: { AT: (e: AuditEvent) => iso(e.at) },
  },
];

const listQuery = (s: Spec<any>) => `query($first: Int, $after: String, $last: Int, $before: String, $orderBy: ${s.orderType}) {
  list: ${s.field}(first: $first, after: $after, last: $last, before: $before, orderBy: $orderBy${s.extra ?? ''}) {
    totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node { id } } } }`;

interface PageOut {
  totalCount: number;
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
  edges: { cursor: string; node: { id: string } }[];
}

/** The ids of the rows in `direction` of `field`'s key: NULL smallest, ties by id, all reversed for DESC. */
function expected<E extends ObjectLiteral>(rows: E[], spec: Spec<E>, field: string, direction: string, now: Date): string[] {
  const key = spec.orders[field];
  const sorted = [...rows].sort((a, b) => {
    const [x, y] = [key(a, now), key(b, now)];
    if (x !== y) {
      if (x === null) return -1;
      if (y === null) return 1;
      return bytes(x, y);
    }
    return bytes(a.id, b.id);
  });
  if (direction === 'DESC') sorted.reverse();
  return sorted.map((r) => toGlobalId(spec.nodeType, r.id));
}

describe(`ordering and paging backwards (${ON_MYSQL ? 'MariaDB' : 'embedded database'})`, () => {
  let hub: TestHub;
  let admin: Client;

  async function page(spec: Spec<any>, variables: Record<string, unknown>): Promise<PageOut> {
    return (await admin.data(listQuery(spec), variables)).list;
  }

  /** Every page forwards (first/after) or backwards (last/before), concatenated in list order. */
  async function walk(spec: Spec<any>, orderBy: unknown, size: number, backward: boolean): Promise<string[]> {
    const pages: PageOut[] = [];
    let cursor: string | null = null;
    for (let i = 0; i < 500; i++) {
      const p = await page(spec, backward ? { orderBy, last: size, before: cursor } : { orderBy, first: size, after: cursor });
      pages.push(p);
      const cursors = p.edges.map((e) => e.cursor);
      expect(p.pageInfo.startCursor).toBe(cursors[0] ?? null);
      expect(p.pageInfo.endCursor).toBe(cursors[cursors.length - 1] ?? null);
      // The side the walk comes from: a cursor was given after the first page.
      expect(backward ? p.pageInfo.hasNextPage : p.pageInfo.hasPreviousPage).toBe(i > 0);
      const more = backward ? p.pageInfo.hasPreviousPage : p.pageInfo.hasNextPage;
      if (!more) break;
      expect(p.edges).toHaveLength(size);
      cursor = backward ? p.pageInfo.startCursor : p.pageInfo.endCursor;
    }
    if (backward) pages.reverse();
    return pages.flatMap((p) => p.edges.map((e) => e.node.id));
  }

  beforeAll(async () => {
    hub = await TestHub.start('ordering', { RATE_LIMIT_POINTS: '1000000' }); // pages of 1 over every list: thousands of requests;
    admin = await hub.as(PERSONAS.vendorAdmin);
    // Ties and NULLs in the data: licenses registered together share validUntil and createdAt
    // (the test clock stands still), perpetual ones have none; contracts without an end; two
    // customers of the same name.
    await registerFresh(hub, { count: 3, validUntil: '2027-03-01T00:00:00.000Z' });
    await registerFresh(hub, { count: 3, validUntil: null, distributor: 'rhein' });
    await registerFresh(hub, { count: 2, validUntil: '2026-06-01T00:00:00.000Z' });
    for (const expiresAt of [null, null, '2028-01-01T00:00:00.000Z', '2028-01-01T00:00:00.000Z']) {
      await admin.data(`mutation($input: CreateContractInput!) { createContract(input: $input) { contract { id } } }`, {
        input: { distributorId: ids.org('rhein'), type: 'SCC_2021', effectiveFrom: '2026-01-01T00:00:00.000Z', ...(expiresAt ? { expiresAt } : {}) },
      });
    }
    for (const n of [1, 2]) {
      await admin.data(`mutation($input: CreateOrganizationInput!) { createOrganization(input: $input) { organization { id } } }`, {
        input: { kind: 'CUSTOMER', name: 'Zwilling Tie GmbH', country: 'DE', email: `tie-${n}@ordering.example` },
      });
    }
  });
  afterAll(async () => {
    await hub?.close();
  });

  for (const spec of SPECS) {
    describe(spec.field, () => {
      let rows: ObjectLiteral[];
      beforeAll(async () => {
        rows = (await hub.dataSource.getRepository(spec.entity).find()).filter((r) => !spec.keep || spec.keep(r));
      });

      it('the data has ties and, for a nullable key, NULLs (what the orders must get right)', async () => {
        expect((await page(spec, { first: 1 })).totalCount).toBe(rows.length);
        for (const key of Object.values(spec.orders)) {
          const values = rows.map((r) => key(r, hub.now));
          expect(new Set(values).size).toBeLessThan(values.length);
        }
      });

      for (const field of Object.keys(spec.orders)) {
        for (const direction of ['ASC', 'DESC']) {
          it(`${field} ${direction}: pages of 1, 3 and 100, forwards and backwards, give the whole list in that order`, async () => {
            const want = expected(rows, spec, field, direction, hub.now);
            const orderBy = { field, direction };
            for (const size of [1, 3, 100]) {
              expect(await walk(spec, orderBy, size, false)).toEqual(want);
              expect(await walk(spec, orderBy, size, true)).toEqual(want);
            }
          });
        }
      }
    });
  }

  it('nullable keys hold NULLs in the seed or the rows made here (VALID_UNTIL, EXPIRES_AT)', async () => {
    const licenses = await hub.dataSource.getRepository(License).find();
    const contracts = await hub.dataSource.getRepository(Contract).find();
    expect(licenses.filter((l) => l.validUntil === null).length).toBeGreaterThan(1);
    expect(contracts.filter((c) => c.expiresAt === null).length).toBeGreaterThan(1);
  });

  describe('the default orders are unchanged, and so are their cursors', () => {
    it('licenses without orderBy are by id, and a cursor is still ["c1", id]', async () => {
      const p = await page(SPECS[0], { first: 3 });
      const uuids = (await hub.dataSource.getRepository(License).find()).map((l) => l.id).sort(bytes);
      expect(p.edges.map((e) => e.node.id)).toEqual(uuids.slice(0, 3).map((id) => toGlobalId('License', id)));
      expect(p.pageInfo.endCursor).toBe(Buffer.from(JSON.stringify(['c1', uuids[2]]), 'utf8').toString('base64url'));
    });

    it('last/before works without orderBy too, on top-level and nested connections', async () => {
      const forward = await walk(SPECS[0], null, 100, false);
      expect(await walk(SPECS[0], null, 7, true)).toEqual(forward);
      // auditEvents: newest first (descending) by its own order.
      const events = await walk(SPECS[4], null, 100, false);
      expect(events.length).toBeGreaterThan(3);
      expect(await walk(SPECS[4], null, 2, true)).toEqual(events);
      const nested = `query($id: ID!, $first: Int, $last: Int, $before: String) { organization(id: $id) { licenses(first: $first, last: $last, before: $before) {
        pageInfo { hasNextPage hasPreviousPage startCursor } nodes { id } } } }`;
      const all = (await admin.data(nested, { id: ids.org('rhein'), first: 100 })).organization.licenses.nodes.map((n: { id: string }) => n.id);
      expect(all.length).toBeGreaterThan(3);
      const tail = (await admin.data(nested, { id: ids.org('rhein'), last: 2 })).organization.licenses;
      expect(tail.nodes.map((n: { id: string }) => n.id)).toEqual(all.slice(-2));
      expect(tail.pageInfo).toMatchObject({ hasPreviousPage: true, hasNextPage: false });
      const before = (await admin.data(nested, { id: ids.org('rhein'), last: 2, before: tail.pageInfo.startCursor })).organization.licenses;
      expect(before.nodes.map((n: { id: string }) => n.id)).toEqual(all.slice(-4, -2));
      expect(before.pageInfo).toMatchObject({ hasPreviousPage: all.length > 4, hasNextPage: true });
    });
  });

  it("an order, forwards or backwards, costs the statements of the list's own order, whatever the page size", async () => {
    const q = `query($first: Int, $last: Int, $orderBy: LicenseOrder) { licenses(first: $first, last: $last, orderBy: $orderBy) {
      nodes { id status seatsUsed product { id } distributor { id } activations(last: 2) { nodes { id } } } } }`;
    const cost = async (variables: Record<string, unknown>) => (await countStatements(CountingLogger, () => admin.data(q, variables))).statements;
    const own = await cost({ first: 2 });
    for (const orderBy of [null, { field: 'STATUS', direction: 'DESC' }, { field: 'VALID_UNTIL', direction: 'ASC' }]) {
      for (const size of [{ first: 2 }, { first: 100 }, { last: 2 }, { last: 100 }]) expect(await cost({ ...size, orderBy })).toBe(own);
    }
  });

  it('the request of docs/api.md: the licenses that expire next, then the ones before a row', async () => {
    const q = `query($last: Int, $first: Int, $before: String) {
      licenses(orderBy: { field: VALID_UNTIL, direction: ASC }, filter: { validUntilAfter: "2026-11-27T12:00:00Z" }, first: $first, last: $last, before: $before) {
        pageInfo { hasNextPage hasPreviousPage startCursor endCursor } nodes { id validUntil status } } }`;
    const all = (await admin.data(q, { first: 100 })).licenses.nodes;
    const validUntil = all.map((l: { validUntil: string }) => l.validUntil);
    expect(validUntil).toEqual([...validUntil].sort());
    expect(all.length).toBeGreaterThan(5);
    const [first4] = [(await admin.data(q, { first: 4 })).licenses];
    expect(first4.nodes).toEqual(all.slice(0, 4));
    expect(first4.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    const before = (await admin.data(q, { last: 4, before: (await admin.data(q, { first: 6 })).licenses.pageInfo.endCursor })).licenses;
    expect(before.nodes).toEqual(all.slice(1, 5));
  });

  describe('refusals', () => {
    const LICENSES = SPECS[0];

    it('a cursor made under one order is refused under another, naming after or before', async () => {
      const byValidUntil = (await page(LICENSES, { first: 2, orderBy: { field: 'VALID_UNTIL', direction: 'ASC' } })).pageInfo.endCursor;
      const byDefault = (await page(LICENSES, { first: 2 })).pageInfo.endCursor;
      expectBadInput(await admin.gql(listQuery(LICENSES), { first: 2, after: byValidUntil, orderBy: { field: 'VALID_UNTIL', direction: 'DESC' } }), 'after');
      expectBadInput(await admin.gql(listQuery(LICENSES), { first: 2, after: byValidUntil }), 'after');
      expectBadInput(await admin.gql(listQuery(LICENSES), { last: 2, before: byValidUntil, orderBy: { field: 'STATUS', direction: 'ASC' } }), 'before');
      expectBadInput(await admin.gql(listQuery(LICENSES), { first: 2, after: byDefault, orderBy: { field: 'CREATED_AT', direction: 'ASC' } }), 'after');
      // The same cursor under its own order is fine, in both directions.
      expect((await page(LICENSES, { last: 1, before: byValidUntil, orderBy: { field: 'VALID_UNTIL', direction: 'ASC' } })).edges).toHaveLength(1);
    });

    it('a cursor of another list is refused, even under an order of the same name', async () => {
      const license = (await page(LICENSES, { first: 1, orderBy: { field: 'CREATED_AT', direction: 'ASC' } })).pageInfo.endCursor;
      expectBadInput(await admin.gql(listQuery(SPECS[3]), { first: 1, after: license, orderBy: { field: 'CREATED_AT', direction: 'ASC' } }), 'after');
      const organization = (await page(SPECS[1], { first: 1, orderBy: { field: 'NAME', direction: 'ASC' } })).pageInfo.endCursor;
      expectBadInput(await admin.gql(listQuery(SPECS[2]), { first: 1, after: organization, orderBy: { field: 'NAME', direction: 'ASC' } }), 'after');
    });

    it('a cursor whose values its keys could not have made is refused', async () => {
      const forged = (values: unknown[]) => Buffer.from(JSON.stringify(['c2', 'licenses:VALID_UNTIL:ASC', ...values]), 'utf8').toString('base64url');
      const id = '01890000-0000-7000-8000-00000000dead';
      const orderBy = { field: 'VALID_UNTIL', direction: 'ASC' };
      expectBadInput(await admin.gql(listQuery(LICENSES), { first: 1, after: forged(['tomorrow', id]), orderBy }), 'after');
      expectBadInput(await admin.gql(listQuery(LICENSES), { first: 1, after: forged([null, 'x']), orderBy }), 'after');
      expect((await page(LICENSES, { first: 1, after: forged([null, id]), orderBy })).edges).toHaveLength(1);
    });

    it('first with last, last with after, first with before, after with before, and last out of 1..100 are refused', async () => {
      expectBadInput(await admin.gql(listQuery(LICENSES), { first: 2, last: 2 }), 'last');
      const cursor = (await page(LICENSES, { first: 1 })).pageInfo.endCursor;
      expectBadInput(await admin.gql(listQuery(LICENSES), { last: 2, after: cursor }), 'after');
      expectBadInput(await admin.gql(listQuery(LICENSES), { first: 2, before: cursor }), 'before');
      expectBadInput(await admin.gql(listQuery(LICENSES), { after: cursor, before: cursor }), 'before');
      for (const last of [0, 101, -1]) expectBadInput(await admin.gql(listQuery(LICENSES), { last }), 'last');
    });
  });
});
