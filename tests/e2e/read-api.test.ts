import 'reflect-metadata';
import { ActorType, AuditOutcome, LicenseStatus } from '../../src/common/enums';
import { newId } from '../../src/common/ids';
import { isWellFormedActivationKey } from '../../src/common/activation-key';
import { SecretBox } from '../../src/common/secret-box';
import { AuditEvent } from '../../src/modules/audit/audit-event.entity';
import { License } from '../../src/modules/license/license.entity';
import { DISTRIBUTOR_SLUGS, DistributorSlug, GATE_TODAY, HARBOR, orgId, PERSONAS, PRODUCT_SKUS, productId, userId } from '../../seeds/personas';
import { DISTRIBUTORS, HARBOR_CUSTOMER } from '../../seeds/seed-world';
import { ON_MYSQL } from '../helpers/database';
import { Client, TestHub } from '../helpers/hub';
import { expectBadInput, onlyError, walkPages, wellFormedGlobalId } from '../helpers/relay';

/** The scenario's "today": the clock TestHub starts with. */
const NOW = new Date('2026-11-27T12:00:00.000Z');

/** slug → organization name, from the seed itself. */
const NAME: Record<string, string> = {
  mobotix: 'MOBOTIX AG',
  [HARBOR]: HARBOR_CUSTOMER.name,
  ...Object.fromEntries(DISTRIBUTORS.flatMap((d) => [[d.slug, d.name], ...d.customers.map((c) => [c.slug, c.name])])),
};
const CUSTOMER_NAMES = [...DISTRIBUTORS.flatMap((d) => d.customers.map((c) => c.name)), HARBOR_CUSTOMER.name];

describe(`the read API as the vendor admin (${ON_MYSQL ? 'MariaDB' : 'embedded database'})`, () => {
  let hub: TestHub;
  let admin: Client;
  /** slug → global id, as organizations() returns them. */
  const ID: Record<string, string> = {};

  /** Runs `work` with the hub's clock at `instant`, as the vendor admin with a token issued then. */
  async function at<T>(instant: string | Date, work: (client: Client) => Promise<T>): Promise<T> {
    hub.now = new Date(instant);
    try {
      return await work(await hub.as(PERSONAS.vendorAdmin));
    } finally {
      hub.now = new Date(NOW);
    }
  }

  beforeAll(async () => {
    hub = await TestHub.start('read-api');
    admin = await hub.as(PERSONAS.vendorAdmin);
    const data = await admin.data(`{ organizations(first: 100) { nodes { id name } } }`);
    const byName = new Map<string, string>(data.organizations.nodes.map((o: { id: string; name: string }) => [o.name, o.id]));
    for (const [slug, name] of Object.entries(NAME)) {
      const id = byName.get(name);
      if (!id) throw new Error(`organization ${name} (${slug}) not listed`);
      ID[slug] = id;
    }
  });
  afterAll(() => hub?.close());
  afterEach(() => {
    if (hub) hub.now = new Date(NOW);
  });

  // -------------------------------------------------------------------------------------------
  // Audit events first, while the log holds only what this file puts there.
  // -------------------------------------------------------------------------------------------
  describe('auditEvents', () => {
    const AUDIT = `query($filter: AuditEventFilter, $first: Int) {
      auditEvents(filter: $filter, first: $first) {
        totalCount
        pageInfo { hasNextPage endCursor }
        nodes { id at requestId actorType actorId actorOrganization { name } action subjectType subjectId fields purpose outcome }
      }
    }`;
    const OLDER_AT = '2020-03-01T10:00:00.000Z';
    const NEWER_AT = '2020-03-02T10:00:00.000Z';

    it('an empty audit log lists no event: totalCount 0, no nodes, no next page', async () => {
      const data = await admin.data(AUDIT);
      expect(data.auditEvents).toEqual({ totalCount: 0, pageInfo: { hasNextPage: false, endCursor: null }, nodes: [] });
      const filtered = await admin.data(AUDIT, { filter: { action: 'license.allocated', outcome: 'DENIED' } });
      expect(filtered.auditEvents.totalCount).toBe(0);
    });

    it('lists events newest first and filters by actorId, subjectId, action, outcome, since (inclusive) and until (exclusive)', async () => {
      await hub.dataSource.getRepository(AuditEvent).insert([
        {
          id: newId(new Date(OLDER_AT)),
          at: new Date(OLDER_AT),
          requestId: 'e2e-audit-older',
          actorType: ActorType.USER,
          actorId: userId(PERSONAS.vendorStaff),
          actorOrganizationId: orgId('mobotix'),
          action: 'e2e.personal_data.read',
          subjectType: 'Organization',
          subjectId: orgId(HARBOR),
          fields: ['email', 'phone'],
          purpose: 'support',
          outcome: AuditOutcome.ALLOWED,
          detail: null,
        },
        {
          id: newId(new Date(NEWER_AT)),
          at: new Date(NEWER_AT),
          requestId: 'e2e-audit-newer',
          actorType: ActorType.USER,
          actorId: userId(PERSONAS.privacyOfficer),
          actorOrganizationId: orgId('mobotix'),
          action: 'e2e.personal_data.export',
          subjectType: 'Organization',
          subjectId: orgId('rhein'),
          fields: ['name'],
          purpose: 'data_subject_request',
          outcome: AuditOutcome.DENIED,
          detail: null,
        },
      ]);
      const vendorUsers = await admin.data(`query($id: ID!) { organization(id: $id) { users(first: 10) { nodes { id email } } } }`, {
        id: ID.mobotix,
      });
      const userGid = (email: string) => vendorUsers.organization.users.nodes.find((u: { email: string }) => u.email === email).id;
      const window = { since: '2020-01-01T00:00:00.000Z', until: '2021-01-01T00:00:00.000Z' };
      const list = async (filter: Record<string, unknown>) => (await admin.data(AUDIT, { filter })).auditEvents;

      const both = await list(window);
      expect(both.totalCount).toBe(2);
      expect(both.nodes.map((e: { requestId: string }) => e.requestId)).toEqual(['e2e-audit-newer', 'e2e-audit-older']);
      expect(both.nodes[1]).toMatchObject({
        at: OLDER_AT,
        actorType: 'USER',
        actorId: userGid(PERSONAS.vendorStaff),
        actorOrganization: { name: 'MOBOTIX AG' },
        action: 'e2e.personal_data.read',
        subjectType: 'Organization',
        subjectId: ID[HARBOR],
        fields: ['email', 'phone'],
        purpose: 'support',
        outcome: 'ALLOWED',
      });
      expect(both.nodes[0]).toMatchObject({ at: NEWER_AT, actorId: userGid(PERSONAS.privacyOfficer), outcome: 'DENIED', subjectId: ID.rhein });
      // An audit event is a Node too.
      const node = await admin.data(`query($id: ID!) { node(id: $id) { __typename id ... on AuditEvent { requestId } } }`, { id: both.nodes[0].id });
      expect(node.node).toEqual({ __typename: 'AuditEvent', id: both.nodes[0].id, requestId: 'e2e-audit-newer' });

      const requestIds = (page: { nodes: { requestId: string }[] }) => page.nodes.map((e) => e.requestId);
      expect(requestIds(await list({ actorId: userGid(PERSONAS.vendorStaff) }))).toEqual(['e2e-audit-older']);
      expect(requestIds(await list({ actorId: userGid(PERSONAS.privacyOfficer) }))).toEqual(['e2e-audit-newer']);
      expect(requestIds(await list({ ...window, subjectId: ID[HARBOR] }))).toEqual(['e2e-audit-older']);
      expect(requestIds(await list({ action: 'e2e.personal_data.export' }))).toEqual(['e2e-audit-newer']);
      expect(requestIds(await list({ ...window, outcome: 'DENIED' }))).toEqual(['e2e-audit-newer']);
      expect(requestIds(await list({ ...window, outcome: 'ALLOWED' }))).toEqual(['e2e-audit-older']);
      // since is inclusive, until exclusive.
      expect(requestIds(await list({ since: OLDER_AT, until: NEWER_AT }))).toEqual(['e2e-audit-older']);
      expect(requestIds(await list({ since: NEWER_AT, until: window.until }))).toEqual(['e2e-audit-newer']);
      expect(requestIds(await list({ since: '2020-03-01T10:00:00.001Z', until: NEWER_AT }))).toEqual([]);
      expect((await list({ until: '2020-01-01T00:00:00.000Z' })).totalCount).toBe(0);

      // Newest first across pages too.
      const first = (await admin.data(AUDIT, { filter: window, first: 1 })).auditEvents;
      expect(first.pageInfo.hasNextPage).toBe(true);
      const second = await admin.data(`query($filter: AuditEventFilter, $after: String) { auditEvents(filter: $filter, first: 1, after: $after) { nodes { requestId } pageInfo { hasNextPage } } }`, {
        filter: window,
        after: first.pageInfo.endCursor,
      });
      expect(requestIds(first)).toEqual(['e2e-audit-newer']);
      expect(second.auditEvents).toEqual({ nodes: [{ requestId: 'e2e-audit-older' }], pageInfo: { hasNextPage: false } });
    });

    it('rejects until before since as BAD_USER_INPUT naming filter.until', async () => {
      const r = await admin.gql(AUDIT, { filter: { since: '2020-03-02T00:00:00.000Z', until: '2020-03-01T00:00:00.000Z' } });
      expectBadInput(r, 'filter.until');
      expect(r.body.data ?? null).toBeNull();
    });

    it('rejects an actorId that is not a PortalUser or ApiKey id as BAD_USER_INPUT naming filter.actorId', async () => {
      expectBadInput(await admin.gql(AUDIT, { filter: { actorId: ID.rhein } }), 'filter.actorId');
    });
  });

  // -------------------------------------------------------------------------------------------
  describe('pagination', () => {
    const ORGS = `query($first: Int, $after: String) {
      organizations(first: $first, after: $after) { totalCount edges { cursor node { id name } } nodes { id name } pageInfo { hasNextPage endCursor } }
    }`;

    it('pages organizations(first: 10) by endCursor to all 35 distinct organizations in name order, totalCount 35 on every page', async () => {
      const pages = await walkPages<{ id: string; name: string }>(admin, ORGS, (d) => d.organizations, 10);
      expect(pages.map((p) => p.nodes.length)).toEqual([10, 10, 10, 5]);
      expect(pages.map((p) => p.totalCount)).toEqual([35, 35, 35, 35]);
      expect(pages.map((p) => p.pageInfo.hasNextPage)).toEqual([true, true, true, false]);
      for (const p of pages) expect(p.pageInfo.endCursor).toBe(p.edges![p.edges!.length - 1].cursor);

      const all = pages.flatMap((p) => p.nodes);
      expect(new Set(all.map((o) => o.id)).size).toBe(35);
      expect(new Set(all.map((o) => o.name))).toEqual(new Set(Object.values(NAME)));
      // The paged order is the order of one big page, and that order is by name.
      const whole = await admin.data(`{ organizations(first: 100) { nodes { id name } } }`);
      expect(all.map((o) => o.id)).toEqual(whole.organizations.nodes.map((o: { id: string }) => o.id));
      // By name: the initials never go back (how letter case and accents are ranked is the next test's concern).
      const initials = all.map((o) => o.name[0].toLowerCase());
      expect(initials).toEqual([...initials].sort());
      expect(all[0].name).toBe('Abu Dhabi Marina Services LLC');
      expect(all[34].name).toBe('Viña Valle Central SpA');
    });

    it('orders names the same way on both databases: case-insensitively, as a person reads a list', async () => {
      // "Mercado Paulista Ltda" < "MOBOTIX AG" < "Mumbai CCTV Pvt Ltd" for a reader (and for
      // MariaDB's utf8mb4_unicode_ci); a binary collation puts "MOBOTIX AG" first.
      const data = await admin.data(`{ organizations(first: 100) { nodes { name } } }`);
      const names: string[] = data.organizations.nodes.map((o: { name: string }) => o.name);
      expect(names.filter((n) => n.startsWith('M'))).toEqual(['Marina Bay Facilities Pte Ltd', 'Mercado Paulista Ltda', 'MOBOTIX AG', 'Mumbai CCTV Pvt Ltd']);
      expect(names).toEqual([...names].sort(byName));
    });

    it.each([0, -1, 101])('rejects first: %p as BAD_USER_INPUT naming `first`, not silently cut', async (first) => {
      const r = await admin.gql(ORGS, { first });
      expectBadInput(r, 'first');
      expect(r.body.data ?? null).toBeNull();
    });

    it('rejects an out-of-range first on a nested connection too', async () => {
      const r = await admin.gql(`query($id: ID!) { organization(id: $id) { users(first: 101) { totalCount } } }`, { id: ID.rhein });
      expectBadInput(r, 'first');
    });

    it('gives 20 items when first is not given, and 100 when first is 100', async () => {
      const data = await admin.data(`{ organizations { totalCount nodes { id } pageInfo { hasNextPage } } licenses(first: 100) { nodes { id } pageInfo { hasNextPage } } }`);
      expect(data.organizations.nodes).toHaveLength(20);
      expect(data.organizations.pageInfo.hasNextPage).toBe(true);
      expect(data.organizations.totalCount).toBe(35);
      expect(data.licenses.nodes).toHaveLength(100);
      expect(data.licenses.pageInfo.hasNextPage).toBe(true);
    });

    it('rejects a cursor that is not one of this list ("xyz", garbage, a cursor of another list shape) as BAD_USER_INPUT naming `after`', async () => {
      const licenseCursor = (await admin.data(`{ licenses(first: 1) { pageInfo { endCursor } } }`)).licenses.pageInfo.endCursor;
      const orgCursor = (await admin.data(`{ organizations(first: 1) { pageInfo { endCursor } } }`)).organizations.pageInfo.endCursor;
      for (const after of ['xyz', 'not a cursor!', '', Buffer.from('["c1"]').toString('base64url'), Buffer.from('{"a":1}').toString('base64url'), licenseCursor]) {
        const r = await admin.gql(ORGS, { first: 5, after });
        expect([after, r.body.errors?.[0]?.extensions?.code]).toEqual([after, 'BAD_USER_INPUT']);
        expectBadInput(r, 'after');
      }
      // …and the other way round: an organizations cursor on licenses.
      expectBadInput(await admin.gql(`query($after: String) { licenses(first: 5, after: $after) { nodes { id } } }`, { after: orgCursor }), 'after');
    });

    it("rejects a forged cursor of the right length whose values are not of the list's sort keys (numbers for a name and an id) as BAD_USER_INPUT naming `after`", async () => {
      const forged = (values: unknown[]) => Buffer.from(JSON.stringify(['c1', ...values]), 'utf8').toString('base64url');
      const orgs = await admin.gql(ORGS, { first: 5, after: forged([1, 2]) });
      const licenses = await admin.gql(`query($after: String) { licenses(first: 5, after: $after) { nodes { id } } }`, { after: forged([5]) });
      const outcome = (r: typeof orgs, list: string) => r.body.errors?.[0]?.extensions?.code ?? `answered a page of ${r.body.data?.[list]?.nodes?.length} rows`;
      expect({ organizations: outcome(orgs, 'organizations'), licenses: outcome(licenses, 'licenses') }).toEqual({
        organizations: 'BAD_USER_INPUT',
        licenses: 'BAD_USER_INPUT',
      });
      expectBadInput(orgs, 'after');
      expectBadInput(licenses, 'after');
    });

    it('gives opaque cursors and ids: no raw uuid and no name in clear', async () => {
      const data = await admin.data(`{ organizations(first: 100) { edges { cursor node { id name } } } }`);
      const rawIds = new Map(Object.entries(NAME).map(([slug, name]) => [name, orgId(slug)]));
      for (const { cursor, node } of data.organizations.edges) {
        const raw = rawIds.get(node.name)!;
        expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
        expect(cursor).not.toContain(raw);
        expect(cursor).not.toContain(raw.replace(/-/g, ''));
        expect(cursor.toLowerCase()).not.toContain(node.name.toLowerCase().split(' ')[0]);
        expect(node.id).not.toContain(raw);
      }
    });

    it('pages licenses(first: 7) to all 110 licenses, none twice, totalCount 110 on every page', async () => {
      const pages = await walkPages<{ id: string }>(
        admin,
        `query($first: Int, $after: String) { licenses(first: $first, after: $after) { totalCount nodes { id } pageInfo { hasNextPage endCursor } } }`,
        (d) => d.licenses,
        7,
      );
      expect(pages).toHaveLength(16);
      expect(pages.every((p) => p.totalCount === 110)).toBe(true);
      const ids = pages.flatMap((p) => p.nodes.map((n) => n.id));
      expect(ids).toHaveLength(110);
      expect(new Set(ids).size).toBe(110);
    });

    it('keeps keyset pages stable under inserts: a row added before the cursor is not seen, one added after it is seen once, none is skipped or repeated', async () => {
      const LIST = `query($first: Int, $after: String) { licenses(first: $first, after: $after) { nodes { id seats } pageInfo { hasNextPage endCursor } } }`;
      const before = (await walkPages<{ id: string; seats: number }>(admin, LIST, (d) => d.licenses, 100)).flatMap((p) => p.nodes);
      expect(before).toHaveLength(110);

      const page1 = (await admin.data(LIST, { first: 5, after: null })).licenses;
      const repo = hub.dataSource.getRepository(License);
      const secrets = new SecretBox(hub.config.secretsKey);
      // Raw ids in the keyset order (ids are time-ordered UUIDv7; the seed's all share 2026-01-01).
      const rawSorted = (await repo.find({ select: { id: true }, order: { id: 'ASC' } })).map((l) => l.id);
      const afterCursorGap = rawSorted[60];
      const between = afterCursorGap.slice(0, -1) + (afterCursorGap.endsWith('f') ? 'f' : (parseInt(afterCursorGap.slice(-1), 16) + 1).toString(16));
      expect(between > rawSorted[60] && between < rawSorted[61]).toBe(true);
      const rows = [
        // Explicit ids (not newId(), which is monotonic within the process): one below every seed id…
        { id: '00000000-0000-7000-8000-000000000001', seats: 91, key: 'e2e-before-cursor' },
        { id: between, seats: 92, key: 'e2e-between' },
        // …and one above all of them.
        { id: 'ffffffff-ffff-7fff-bfff-fffffffffffe', seats: 93, key: 'e2e-at-the-end' },
      ];
      expect(rows[0].id < rawSorted[0] && rows[2].id > rawSorted[rawSorted.length - 1]).toBe(true);
      await repo.insert(
        rows.map((r) => ({
          id: r.id,
          productId: productId(PRODUCT_SKUS.vms),
          seats: r.seats,
          state: LicenseStatus.REGISTERED,
          validFrom: new Date('2026-01-01T00:00:00.000Z'),
          validUntil: null,
          distributorId: orgId('rhein'),
          customerId: null,
          licenseeId: null,
          activationKeyCipher: secrets.seal(r.key),
          activationKeyDigest: secrets.digest(r.key),
          allocatedAt: null,
          revokedAt: null,
          revokeReason: null,
          lapsedAt: null,
          createdAt: NOW,
        })),
      );
      try {
        // Continue from page 1's cursor, as a client that started before the inserts would.
        const seen: { id: string; seats: number }[] = [...page1.nodes];
        let after = page1.pageInfo.endCursor;
        let more = page1.pageInfo.hasNextPage;
        while (more) {
          const p = (await admin.data(LIST, { first: 7, after })).licenses;
          seen.push(...p.nodes);
          after = p.pageInfo.endCursor;
          more = p.pageInfo.hasNextPage;
        }
        const seenIds = seen.map((n) => n.id);
        expect(new Set(seenIds).size).toBe(seenIds.length);
        expect(seen.filter((n) => n.seats >= 91).map((n) => n.seats)).toEqual([92, 93]);
        expect(seenIds.filter((id) => before.some((b) => b.id === id))).toEqual(before.map((b) => b.id));
      } finally {
        await repo.delete(rows.map((r) => r.id));
      }
      expect((await admin.data(`{ licenses { totalCount } }`)).licenses.totalCount).toBe(110);
    });
  });

  // -------------------------------------------------------------------------------------------
  describe('node and nodes', () => {
    const NODE_FIELDS = `__typename id
      ... on Organization { name }
      ... on PortalUser { email }
      ... on Product { sku }
      ... on License { seats validFrom }
      ... on Computer { computerName: name hostId }
      ... on Activation { activatedAt }
      ... on Contract { documentRef }`;
    /** One seed object of every Node type the seed has, as list queries return them. */
    let samples: { __typename: string; id: string; [field: string]: unknown }[];

    beforeAll(async () => {
      const d = await admin.data(
        `query($harbor: ID!) {
          organization(id: $harbor) {
            id name
            users(first: 1) { nodes { id email } }
            computers(first: 1) { nodes { id computerName: name hostId } }
            licenses(first: 1) { nodes { id seats validFrom activations(first: 1) { nodes { id activatedAt } } } }
          }
          products { id sku }
          contracts(first: 1) { nodes { id documentRef } }
        }`,
        { harbor: ID[HARBOR] },
      );
      const org = d.organization;
      const license = org.licenses.nodes[0];
      samples = [
        { __typename: 'Organization', id: org.id, name: org.name },
        { __typename: 'PortalUser', ...org.users.nodes[0] },
        { __typename: 'Product', ...d.products[0] },
        { __typename: 'License', id: license.id, seats: license.seats, validFrom: license.validFrom },
        { __typename: 'Computer', ...org.computers.nodes[0] },
        { __typename: 'Activation', ...license.activations.nodes[0] },
        { __typename: 'Contract', ...d.contracts.nodes[0] },
      ];
      for (const s of samples) expect(s.id).toEqual(expect.any(String));
    });

    it('node(id) returns the same object with the right __typename, for every Node type of the seed', async () => {
      for (const sample of samples) {
        const data = await admin.data(`query($id: ID!) { node(id: $id) { ${NODE_FIELDS} } }`, { id: sample.id });
        expect(data.node).toEqual(sample);
      }
    });

    it('nodes(ids) returns the objects in the order of the ids', async () => {
      const ids = samples.map((s) => s.id);
      const forward = await admin.data(`query($ids: [ID!]!) { nodes(ids: $ids) { ${NODE_FIELDS} } }`, { ids });
      expect(forward.nodes).toEqual(samples);
      const backward = await admin.data(`query($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }`, { ids: [...ids].reverse() });
      expect(backward.nodes.map((n: { id: string }) => n.id)).toEqual([...ids].reverse());
      const twice = await admin.data(`query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, { ids: [ids[0], ids[0]] });
      expect(twice.nodes).toEqual([{ id: ids[0] }, { id: ids[0] }]);
      expect((await admin.data(`{ nodes(ids: []) { id } }`)).nodes).toEqual([]);
    });

    it('nodes answers an unknown and a malformed id with null and NOT_FOUND at its index, and still answers the valid one', async () => {
      const valid = samples.find((s) => s.__typename === 'License')!;
      const r = await admin.gql(`query($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }`, {
        ids: [wellFormedGlobalId('License'), 'nope', valid.id],
      });
      expect(r.body.data?.nodes).toEqual([null, null, { __typename: 'License', id: valid.id }]);
      const errors = (r.body.errors ?? []).map((e) => ({ code: e.extensions?.code, path: e.path }));
      expect(errors.sort((a, b) => Number(a.path?.[1]) - Number(b.path?.[1]))).toEqual([
        { code: 'NOT_FOUND', path: ['nodes', 0] },
        { code: 'NOT_FOUND', path: ['nodes', 1] },
      ]);
    });

    it('node with a garbage id is null with NOT_FOUND', async () => {
      for (const id of ['garbage', wellFormedGlobalId('License'), wellFormedGlobalId('Spaceship'), Buffer.from('License:not-a-uuid').toString('base64url')]) {
        const r = await admin.gql(`query($id: ID!) { node(id: $id) { id } }`, { id });
        expect(r.body.data).toEqual({ node: null });
        expect(onlyError(r, 'NOT_FOUND').path).toEqual(['node']);
      }
    });

    it('organization(id) with the id of a License (another type) is NOT_FOUND, and license(id) with an Organization id too', async () => {
      const license = samples.find((s) => s.__typename === 'License')!;
      const r = await admin.gql(`query($id: ID!) { organization(id: $id) { id name } }`, { id: license.id });
      expect(r.body.data).toEqual({ organization: null });
      expect(onlyError(r, 'NOT_FOUND').path).toEqual(['organization']);
      const r2 = await admin.gql(`query($id: ID!) { license(id: $id) { id } }`, { id: ID.rhein });
      expect(r2.body.data).toEqual({ license: null });
      onlyError(r2, 'NOT_FOUND');
    });

    it('nodes takes at most 100 ids: 100 answer, 101 is QUERY_TOO_COMPLEX before execution', async () => {
      const id = samples[0].id;
      const ok = await admin.data(`query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, { ids: Array(100).fill(id) });
      expect(ok.nodes).toHaveLength(100);
      const r = await admin.gql(`query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, { ids: Array(101).fill(id) });
      expect(r.status).toBe(400);
      expect(r.body.errors).toEqual([expect.objectContaining({ extensions: { code: 'QUERY_TOO_COMPLEX', limit: 'maxIds', max: 100, actual: 101 } })]);
    });
  });

  // -------------------------------------------------------------------------------------------
  describe('queries', () => {
    it('viewer is the vendor admin: a USER acting as VENDOR_ADMIN of MOBOTIX AG, no scopes', async () => {
      const data = await admin.data(`{ viewer { actorType role scopes apiKey { id } user { email name role status } organization { name kind country } } }`);
      expect(data.viewer).toEqual({
        actorType: 'USER',
        role: 'VENDOR_ADMIN',
        scopes: [],
        apiKey: null,
        user: { email: PERSONAS.vendorAdmin, name: 'Katrin Weber', role: 'VENDOR_ADMIN', status: 'ACTIVE' },
        organization: { name: 'MOBOTIX AG', kind: 'VENDOR', country: 'DE' },
      });
    });

    it('organization(id) returns the organization with its address and contact data', async () => {
      const data = await admin.data(`query($id: ID!) { organization(id: $id) { id kind name country processingCountries address { street postalCode city country } phone email } }`, { id: ID.rhein });
      expect(data.organization).toEqual({
        id: ID.rhein,
        kind: 'DISTRIBUTOR',
        name: 'Rhein Security GmbH',
        country: 'DE',
        processingCountries: ['DE'],
        address: { street: 'Rheinallee 12', postalCode: '55118', city: 'Mainz', country: 'DE' },
        phone: '+49 6131 4470-0',
        email: 'info@rhein.example',
      });
      const nordlicht = await admin.data(`query($id: ID!) { organization(id: $id) { processingCountries } }`, { id: ID.nordlicht });
      expect([...nordlicht.organization.processingCountries].sort()).toEqual(['DE', 'US']);
    });

    it('organizations(kind:) counts 1 vendor, 11 distributors and 23 customers', async () => {
      const data = await admin.data(`{
        v: organizations(kind: VENDOR) { totalCount nodes { kind } }
        d: organizations(kind: DISTRIBUTOR) { totalCount nodes { kind name } }
        c: organizations(kind: CUSTOMER, first: 100) { totalCount nodes { kind } }
      }`);
      expect(data.v.totalCount).toBe(1);
      expect(data.d.totalCount).toBe(11);
      expect(data.c.totalCount).toBe(23);
      expect(data.d.nodes.map((o: { name: string }) => o.name).sort()).toEqual(DISTRIBUTORS.map((d) => d.name).sort());
      for (const [conn, kind] of [
        [data.v, 'VENDOR'],
        [data.d, 'DISTRIBUTOR'],
        [data.c, 'CUSTOMER'],
      ] as const) {
        expect(new Set(conn.nodes.map((o: { kind: string }) => o.kind))).toEqual(new Set([kind]));
      }
    });

    it('organizations(search:) matches a part of the name case-insensitively ("rhein", "RHEIN")', async () => {
      const Q = `query($s: String) { organizations(search: $s, first: 100) { totalCount nodes { name } } }`;
      const expected = ['Rhein Kunde Eins GmbH', 'Rhein Kunde Zwei KG', 'Rhein Security GmbH'];
      for (const s of ['rhein', 'RHEIN', 'rHeIn', 'Security Gm']) {
        const data = await admin.data(Q, { s });
        const names = data.organizations.nodes.map((o: { name: string }) => o.name).sort();
        if (s === 'Security Gm') expect(names).toEqual(['Rhein Security GmbH']);
        else expect(names).toEqual(expected);
        expect(data.organizations.totalCount).toBe(names.length);
      }
    });

    it('organizations(search:) is case-insensitive beyond ASCII too ("GÜVENLIK", "VIGILÂNCIA", "VIÑA"), on both databases', async () => {
      const Q = `query($s: String) { organizations(search: $s, first: 100) { nodes { name } } }`;
      const found = async (s: string) => (await admin.data(Q, { s })).organizations.nodes.map((o: { name: string }) => o.name);
      expect(await found('güvenlik')).toEqual(['Bosphorus Güvenlik A.Ş.']);
      expect({ search: 'GÜVENLIK', found: await found('GÜVENLIK') }).toEqual({ search: 'GÜVENLIK', found: ['Bosphorus Güvenlik A.Ş.'] });
      expect({ search: 'VIGILÂNCIA', found: await found('VIGILÂNCIA') }).toEqual({ search: 'VIGILÂNCIA', found: ['Vigilância Brasil Ltda'] });
      expect({ search: 'VIÑA', found: await found('VIÑA') }).toEqual({ search: 'VIÑA', found: ['Viña Valle Central SpA'] });
    });

    it('organizations(search:) takes % and _ literally: no organization has them in its name', async () => {
      const Q = `query($s: String) { organizations(search: $s, first: 100) { totalCount nodes { name } } }`;
      for (const s of ['%', '_', 'Rhein_', 'Rhein%', '%Rhein', '!', '!%', '\\']) {
        const data = await admin.data(Q, { s });
        expect([s, data.organizations.totalCount, data.organizations.nodes]).toEqual([s, 0, []]);
      }
      // Other punctuation matches itself.
      const dotted = await admin.data(Q, { s: 's.a.' });
      expect(dotted.organizations.nodes.map((o: { name: string }) => o.name)).toEqual(['Porto Santos Terminais S.A.']);
    });

    it('customers lists all 23 customers for the vendor admin, and filters them by search', async () => {
      const data = await admin.data(`{ customers(first: 100) { totalCount nodes { name kind } } }`);
      expect(data.customers.totalCount).toBe(23);
      expect(data.customers.nodes.map((o: { name: string }) => o.name).sort()).toEqual([...CUSTOMER_NAMES].sort());
      expect(new Set(data.customers.nodes.map((o: { kind: string }) => o.kind))).toEqual(new Set(['CUSTOMER']));

      const kunde = await admin.data(`{ customers(search: "KUNDE", first: 100) { totalCount nodes { name } } }`);
      expect(kunde.customers.totalCount).toBe(6);
      expect(kunde.customers.nodes.every((o: { name: string }) => /kunde/i.test(o.name))).toBe(true);
      // A distributor's name does not make it a customer.
      const security = await admin.data(`{ customers(search: "Security") { totalCount } }`);
      expect(security.customers.totalCount).toBe(0);
    });

    it('products lists the catalogue (≥ 3) with sku, name and licenseModel', async () => {
      const data = await admin.data(`{ products { id sku name licenseModel } }`);
      expect(data.products.length).toBeGreaterThanOrEqual(3);
      const bySku = Object.fromEntries(data.products.map((p: { sku: string }) => [p.sku, p]));
      expect(bySku[PRODUCT_SKUS.vms]).toMatchObject({ name: 'MOBOTIX HUB VMS Professional', licenseModel: 'PERPETUAL' });
      expect(bySku[PRODUCT_SKUS.analytics]).toMatchObject({ name: 'MOBOTIX Analytics Suite', licenseModel: 'SUBSCRIPTION' });
      expect(bySku[PRODUCT_SKUS.cloudRecording]).toMatchObject({ name: 'MOBOTIX Cloud Recording', licenseModel: 'SUBSCRIPTION' });
      expect(new Set(data.products.map((p: { id: string }) => p.id)).size).toBe(data.products.length);
    });

    it('license(id) shows product, distributor, customer, licensee, seats, seatsUsed, status, a well-formed activation key and its activations', async () => {
      const list = await admin.data(`query($d: ID!) { licenses(filter: { distributorId: $d }, first: 20) { nodes { id licensee { email } } } }`, { d: ID.rhein });
      const withLicensee = list.licenses.nodes.filter((l: { licensee: unknown }) => l.licensee);
      expect(withLicensee).toHaveLength(1);
      const data = await admin.data(
        `query($id: ID!) { license(id: $id) {
          id seats seatsUsed status validFrom validUntil activationKey
          product { sku name licenseModel }
          distributor { name kind }
          customer { name kind }
          licensee { email name role organization { name } }
          activations { totalCount nodes { activatedAt deactivatedAt computer { name os organization { name } } activatedBy { email } license { id } } }
        } }`,
        { id: withLicensee[0].id },
      );
      const license = data.license;
      expect(license).toMatchObject({
        id: withLicensee[0].id,
        seats: 5,
        seatsUsed: 1,
        status: 'ALLOCATED',
        validFrom: '2025-03-01T00:00:00.000Z',
        validUntil: null,
        product: { sku: PRODUCT_SKUS.vms, name: 'MOBOTIX HUB VMS Professional', licenseModel: 'PERPETUAL' },
        distributor: { name: 'Rhein Security GmbH', kind: 'DISTRIBUTOR' },
        customer: { name: 'Rhein Kunde Eins GmbH', kind: 'CUSTOMER' },
        licensee: { email: 'user@rhein-c1.example', name: 'Sabine Fischer', role: 'CUSTOMER_USER', organization: { name: 'Rhein Kunde Eins GmbH' } },
      });
      expect(license.activationKey).toMatch(/^[0-9A-Z*~$=]{5}(-[0-9A-Z*~$=]{5}){3}$/);
      expect(isWellFormedActivationKey(license.activationKey)).toBe(true);
      expect(license.activations).toEqual({
        totalCount: 1,
        nodes: [
          {
            activatedAt: '2025-03-10T10:00:00.000Z',
            deactivatedAt: null,
            computer: { name: 'RK1-VMS-01', os: 'Windows Server 2022', organization: { name: 'Rhein Kunde Eins GmbH' } },
            activatedBy: { email: 'user@rhein-c1.example' },
            license: { id: withLicensee[0].id },
          },
        ],
      });
    });

    it('seatsUsed counts only active activations: a revoked license with a deactivated activation uses 0, the one at its limit uses all', async () => {
      const data = await admin.data(`query($d: ID!) { licenses(filter: { distributorId: $d }) { nodes { seats seatsUsed status activations { totalCount nodes { deactivatedAt } } } } }`, {
        d: ID.vigilancia,
      });
      const nodes: { seats: number; seatsUsed: number; status: string; activations: { totalCount: number; nodes: { deactivatedAt: string | null }[] } }[] = data.licenses.nodes;
      const revoked = nodes.filter((l) => l.status === 'REVOKED');
      expect(revoked).toHaveLength(1);
      expect(revoked[0].seatsUsed).toBe(0);
      expect(revoked[0].activations.totalCount).toBe(1);
      expect(revoked[0].activations.nodes[0].deactivatedAt).toBe('2025-09-15T12:00:00.000Z');
      expect(nodes.filter((l) => l.seatsUsed === l.seats && l.seats > 0)).toHaveLength(1);
      expect(nodes.reduce((n, l) => n + l.seatsUsed, 0)).toBe(6); // 1 + 2 + 1 + 0 + 2 + 0 (spare to c1, not activated)
    });

    it('every activation key of the seed is well-formed and distinct', async () => {
      const data = await admin.data(`{ licenses(first: 100) { nodes { activationKey } } }`);
      const more = await admin.data(`query($after: String) { licenses(first: 100, after: $after) { nodes { activationKey } } }`, {
        after: (await admin.data(`{ licenses(first: 100) { pageInfo { endCursor } } }`)).licenses.pageInfo.endCursor,
      });
      const keys: string[] = [...data.licenses.nodes, ...more.licenses.nodes].map((l: { activationKey: string }) => l.activationKey);
      expect(keys).toHaveLength(110);
      expect(keys.every((k) => isWellFormedActivationKey(k) && /^[^-]{5}-[^-]{5}-[^-]{5}-[^-]{5}$/.test(k))).toBe(true);
      expect(new Set(keys).size).toBe(110);
    });

    it('licenses counts all 110 licenses', async () => {
      expect((await admin.data(`{ licenses { totalCount } }`)).licenses.totalCount).toBe(110);
    });
  });

  // -------------------------------------------------------------------------------------------
  describe('LicenseFilter', () => {
    const COUNT = `query($filter: LicenseFilter) { licenses(filter: $filter, first: 100) { totalCount nodes { id status } } }`;
    const count = async (filter: Record<string, unknown>, client: Client = admin) => {
      const d = (await client.data(COUNT, { filter })).licenses;
      expect(d.nodes).toHaveLength(d.totalCount);
      return d;
    };

    it('filters by status at the instant of the request: REGISTERED 44, ALLOCATED 44, REVOKED 11, EXPIRED 11, LAPSED 0', async () => {
      const expected: Record<string, number> = { REGISTERED: 44, ALLOCATED: 44, REVOKED: 11, EXPIRED: 11, LAPSED: 0 };
      for (const [status, n] of Object.entries(expected)) {
        const d = await count({ status });
        expect([status, d.totalCount]).toEqual([status, n]);
        expect(d.nodes.every((l: { status: string }) => l.status === status)).toBe(true);
      }
    });

    it('derives EXPIRED from the clock: on 2026-06-01 no license is EXPIRED and the one expired today reads ALLOCATED', async () => {
      const expiredToday = await count({ status: 'EXPIRED', distributorId: ID.rhein });
      expect(expiredToday.totalCount).toBe(1);
      const id = expiredToday.nodes[0].id;
      await at('2026-06-01T00:00:00.000Z', async (client) => {
        expect((await count({ status: 'EXPIRED' }, client)).totalCount).toBe(0);
        expect((await count({ status: 'ALLOCATED' }, client)).totalCount).toBe(55);
        const d = await client.data(`query($id: ID!) { license(id: $id) { status validUntil } }`, { id });
        expect(d.license).toEqual({ status: 'ALLOCATED', validUntil: '2026-06-30T00:00:00.000Z' });
      });
      // At the very instant validUntil is reached, it is EXPIRED (valid while now < validUntil).
      await at('2026-06-30T00:00:00.000Z', async (client) => {
        expect((await count({ status: 'EXPIRED' }, client)).totalCount).toBe(11);
        expect((await client.data(`query($id: ID!) { license(id: $id) { status } }`, { id })).license.status).toBe('EXPIRED');
      });
      await at('2026-06-29T23:59:59.999Z', async (client) => {
        expect((await count({ status: 'EXPIRED' }, client)).totalCount).toBe(0);
      });
    });

    it('filters by distributorId (rhein: 10), customerId (harbor: 2, one from each distributor) and both', async () => {
      expect((await count({ distributorId: ID.rhein })).totalCount).toBe(10);
      for (const slug of DISTRIBUTOR_SLUGS) expect([slug, (await count({ distributorId: ID[slug] })).totalCount]).toEqual([slug, 10]);
      const harbor = await admin.data(`query($c: ID!) { licenses(filter: { customerId: $c }) { totalCount nodes { distributor { name } customer { name } } } }`, { c: ID[HARBOR] });
      expect(harbor.licenses.totalCount).toBe(2);
      expect(harbor.licenses.nodes.map((l: { distributor: { name: string } }) => l.distributor.name).sort()).toEqual(['Mumbai CCTV Pvt Ltd', 'Rhein Security GmbH']);
      expect((await count({ customerId: ID[HARBOR], distributorId: ID.mumbai })).totalCount).toBe(1);
      expect((await count({ customerId: ID[HARBOR], distributorId: ID.alpen })).totalCount).toBe(0);
      expect((await count({ distributorId: ID.rhein, status: 'REGISTERED' })).totalCount).toBe(4);
      expect((await count({ customerId: ID['alpen-c2'] })).totalCount).toBe(3);
    });

    it('filters by productId: 55 VMS, 22 analytics, 33 cloud recording, 110 together', async () => {
      const products = (await admin.data(`{ products { id sku } }`)).products as { id: string; sku: string }[];
      const idOf = (sku: string) => products.find((p) => p.sku === sku)!.id;
      const vms = (await count({ productId: idOf(PRODUCT_SKUS.vms) })).totalCount;
      const analytics = (await count({ productId: idOf(PRODUCT_SKUS.analytics) })).totalCount;
      const cloud = (await count({ productId: idOf(PRODUCT_SKUS.cloudRecording) })).totalCount;
      expect([vms, analytics, cloud]).toEqual([55, 22, 33]);
    });

    it('filters by expiringBefore: licenses whose validUntil is strictly before the instant', async () => {
      expect((await count({ expiringBefore: '2027-01-01T00:00:00.000Z' })).totalCount).toBe(11);
      expect((await count({ expiringBefore: '2026-06-30T00:00:00.000Z' })).totalCount).toBe(0);
      expect((await count({ expiringBefore: '2026-06-30T00:00:00.001Z' })).totalCount).toBe(11);
      expect((await count({ expiringBefore: '2028-01-01T00:00:00.000Z' })).totalCount).toBe(55);
      expect((await count({ expiringBefore: '2028-01-01T00:00:00.000Z', status: 'REGISTERED' })).totalCount).toBe(22);
    });

    it('rejects an id of the wrong type in the filter as BAD_USER_INPUT naming the filter field', async () => {
      const license = (await admin.data(`{ licenses(first: 1) { nodes { id } } }`)).licenses.nodes[0].id;
      expectBadInput(await admin.gql(COUNT, { filter: { customerId: license } }), 'filter.customerId');
      expectBadInput(await admin.gql(COUNT, { filter: { customerId: 'nope' } }), 'filter.customerId');
      expectBadInput(await admin.gql(COUNT, { filter: { distributorId: license } }), 'filter.distributorId');
      expectBadInput(await admin.gql(COUNT, { filter: { productId: ID.rhein } }), 'filter.productId');
    });

    it('an id of the right type that matches nothing gives an empty list, not an error', async () => {
      const d = await count({ customerId: wellFormedGlobalId('Organization') });
      expect(d.totalCount).toBe(0);
    });
  });

  // -------------------------------------------------------------------------------------------
  describe('ContractFilter', () => {
    const CONTRACTS = `query($filter: ContractFilter) { contracts(filter: $filter, first: 100) { totalCount nodes { id type status documentRef inForce distributor { name } } } }`;
    type C = { id: string; type: string; status: string; documentRef: string; inForce: boolean; distributor: { name: string } };
    const list = async (filter: Record<string, unknown> | null, client: Client = admin): Promise<C[]> => {
      const d = (await client.data(CONTRACTS, { filter })).contracts;
      expect(d.nodes).toHaveLength(d.totalCount);
      return d.nodes;
    };
    const refs = (cs: C[]) => cs.map((c) => c.documentRef).sort();

    it('lists the 8 seed contracts and filters them by distributorId and type', async () => {
      expect(refs(await list(null))).toEqual(['C-ANDES-2023', 'C-BOSPHORUS-2019', 'C-GULF-2025', 'C-LIBERTY-2024', 'C-LIONCITY-2024', 'C-MUMBAI-2022', 'C-OLDGLORY-2017', 'C-VIGILANCIA-2023'].sort());
      const liberty = await list({ distributorId: ID.liberty });
      expect(liberty).toHaveLength(1);
      expect(liberty[0]).toMatchObject({ type: 'DPF_CERTIFICATION', status: 'SIGNED', distributor: { name: 'Liberty Surveillance Inc.' } });
      expect(await list({ distributorId: ID.rhein })).toEqual([]);
      expect(refs(await list({ type: 'SCC_2021' }))).toEqual(['C-ANDES-2023', 'C-GULF-2025', 'C-MUMBAI-2022', 'C-VIGILANCIA-2023']);
      expect(refs(await list({ type: 'SCC_2010' }))).toEqual(['C-BOSPHORUS-2019']);
      expect(refs(await list({ type: 'SCC_2021', distributorId: ID.mumbai }))).toEqual(['C-MUMBAI-2022']);
      expect(await list({ type: 'DPA', distributorId: ID.mumbai })).toEqual([]);
      expectBadInput(await admin.gql(CONTRACTS, { filter: { distributorId: 'nope' } }), 'filter.distributorId');
    });

    it("filters inForce at the request instant: today 3 in force (liberty, vigilancia, lioncity), 5 not (oldglory and bosphorus are past their type's cut-off)", async () => {
      expect(refs(await list({ inForce: true }))).toEqual(['C-LIBERTY-2024', 'C-LIONCITY-2024', 'C-VIGILANCIA-2023']);
      expect(refs(await list({ inForce: false }))).toEqual(['C-ANDES-2023', 'C-BOSPHORUS-2019', 'C-GULF-2025', 'C-MUMBAI-2022', 'C-OLDGLORY-2017']);
      expect(refs(await list({ inForce: true, type: 'SCC_2021' }))).toEqual(['C-VIGILANCIA-2023']);
    });

    it("the inForce filter (SQL) agrees with each contract's inForce field (the gate) for all 8 contracts at many instants", async () => {
      const instants = [
        '2017-02-28T23:59:59.999Z',
        '2017-03-01T00:00:00.000Z',
        '2019-12-31T23:59:59.999Z',
        '2020-01-01T00:00:00.000Z',
        '2022-01-10T00:00:00.000Z',
        '2023-01-01T00:00:00.000Z',
        '2023-06-01T00:00:00.000Z',
        '2024-06-01T00:00:00.000Z',
        '2024-09-29T23:59:59.999Z',
        '2024-09-30T00:00:00.000Z',
        '2025-12-31T00:00:00.000Z',
        '2025-12-31T23:59:59.000Z',
        '2025-12-31T23:59:59.999Z',
        '2026-01-01T00:00:00.000Z',
        NOW.toISOString(),
        '2098-12-31T23:59:59.999Z',
        '2099-01-01T00:00:00.000Z',
      ];
      const inForceAt: Record<string, string[]> = {};
      for (const instant of instants) {
        await at(instant, async (client) => {
          const all = await list(null, client);
          expect(all).toHaveLength(8);
          const byField = refs(all.filter((c) => c.inForce));
          const notByField = refs(all.filter((c) => !c.inForce));
          expect({ instant, filter: refs(await list({ inForce: true }, client)) }).toEqual({ instant, filter: byField });
          expect({ instant, filter: refs(await list({ inForce: false }, client)) }).toEqual({ instant, filter: notByField });
          inForceAt[instant] = byField;
        });
      }
      // And what the scenario says, at instants where it is plain.
      expect(inForceAt['2020-01-01T00:00:00.000Z']).toEqual(['C-BOSPHORUS-2019', 'C-OLDGLORY-2017']);
      expect(inForceAt['2017-02-28T23:59:59.999Z']).toEqual([]);
      expect(inForceAt['2025-12-31T23:59:59.000Z']).toEqual(['C-LIBERTY-2024', 'C-LIONCITY-2024', 'C-MUMBAI-2022', 'C-VIGILANCIA-2023']);
      expect(inForceAt['2026-01-01T00:00:00.000Z']).not.toContain('C-MUMBAI-2022');
      expect(inForceAt['2026-01-01T00:00:00.000Z']).toHaveLength(3);
      // andes (stored TERMINATED) was in force before its terminatedAt, as the gate reads it.
      expect(inForceAt['2024-09-29T23:59:59.999Z']).toContain('C-ANDES-2023');
      expect(inForceAt['2024-09-30T00:00:00.000Z']).not.toContain('C-ANDES-2023');
      expect(inForceAt['2099-01-01T00:00:00.000Z']).not.toContain('C-LIBERTY-2024');
    });
  });

  // -------------------------------------------------------------------------------------------
  describe('Organization nested fields', () => {
    const ORG = `query($id: ID!) { organization(id: $id) {
      name kind
      customers(first: 10) { totalCount nodes { name kind } }
      distributors { name kind }
      licenses(first: 20) { totalCount nodes { id distributor { name } customer { name } } }
      computers(first: 10) { totalCount nodes { name hostId os organization { name } } }
      contracts { type status documentRef inForce distributor { name } }
      users(first: 10) { totalCount nodes { email role organization { name } } }
    } }`;

    it('rhein: 3 customers (its two and harbor), 10 licenses, no contracts, no distributors, its 2 users', async () => {
      const { organization: rhein } = await admin.data(ORG, { id: ID.rhein });
      expect(rhein.customers.totalCount).toBe(3);
      expect(rhein.customers.nodes.map((c: { name: string }) => c.name).sort()).toEqual(['Harbor Logistics BV', 'Rhein Kunde Eins GmbH', 'Rhein Kunde Zwei KG'].sort());
      expect(rhein.licenses.totalCount).toBe(10);
      expect(rhein.licenses.nodes).toHaveLength(10);
      expect(new Set(rhein.licenses.nodes.map((l: { distributor: { name: string } }) => l.distributor.name))).toEqual(new Set(['Rhein Security GmbH']));
      expect(rhein.licenses.nodes.filter((l: { customer: unknown }) => l.customer === null)).toHaveLength(4);
      expect(rhein.contracts).toEqual([]);
      expect(rhein.distributors).toEqual([]);
      expect(rhein.computers.totalCount).toBe(0);
      expect(rhein.users.totalCount).toBe(2);
      expect(rhein.users.nodes.map((u: { email: string; role: string }) => [u.email, u.role]).sort()).toEqual([
        ['admin@rhein.example', 'DISTRIBUTOR_ADMIN'],
        ['user@rhein.example', 'DISTRIBUTOR_USER'],
      ]);
    });

    it('harbor: served by Rhein and Mumbai, holds 2 licenses (one from each), owns 2 computers, has no customers and no contracts', async () => {
      const { organization: harbor } = await admin.data(ORG, { id: ID[HARBOR] });
      expect(harbor.distributors.map((d: { name: string }) => d.name).sort()).toEqual(['Mumbai CCTV Pvt Ltd', 'Rhein Security GmbH']);
      expect(harbor.distributors.every((d: { kind: string }) => d.kind === 'DISTRIBUTOR')).toBe(true);
      expect(harbor.licenses.totalCount).toBe(2);
      expect(harbor.computers.totalCount).toBe(2);
      expect(harbor.computers.nodes.map((c: { name: string; hostId: string; os: string }) => [c.name, c.hostId, c.os]).sort()).toEqual([
        ['HL-REC-02', 'B0A1-C2D3-E4F5-0602', 'Ubuntu 24.04 LTS'],
        ['HL-VMS-01', 'B0A1-C2D3-E4F5-0601', 'Windows Server 2022'],
      ]);
      expect(harbor.customers.totalCount).toBe(0);
      expect(harbor.contracts).toEqual([]);
      expect(harbor.users.nodes.map((u: { email: string }) => u.email).sort()).toEqual(['admin@harbor.example', 'user@harbor.example']);
    });

    it('mumbai: exactly one contract, SCC_2021, expired and so not in force today', async () => {
      const { organization: mumbai } = await admin.data(ORG, { id: ID.mumbai });
      expect(mumbai.contracts).toEqual([{ type: 'SCC_2021', status: 'SIGNED', documentRef: 'C-MUMBAI-2022', inForce: false, distributor: { name: 'Mumbai CCTV Pvt Ltd' } }]);
      expect(mumbai.customers.totalCount).toBe(3);
    });

    it('a customer (alpen-c1) has 2 computers, 2 users and its 3 allocated licenses', async () => {
      const { organization: c } = await admin.data(ORG, { id: ID['alpen-c1'] });
      expect(c.computers.totalCount).toBe(2);
      expect(c.computers.nodes.every((pc: { organization: { name: string } }) => pc.organization.name === 'Alpen Kunde Eins AG')).toBe(true);
      expect(c.users.totalCount).toBe(2);
      expect(c.licenses.totalCount).toBe(3);
      expect(c.distributors.map((d: { name: string }) => d.name)).toEqual(['Alpen Video AG']);
    });

    it('nested connections page by cursor too (harbor.users first: 1, then after)', async () => {
      const Q = `query($id: ID!, $after: String) { organization(id: $id) { users(first: 1, after: $after) { totalCount nodes { email } pageInfo { hasNextPage endCursor } } } }`;
      const p1 = (await admin.data(Q, { id: ID[HARBOR], after: null })).organization.users;
      expect(p1.totalCount).toBe(2);
      expect(p1.nodes).toHaveLength(1);
      expect(p1.pageInfo.hasNextPage).toBe(true);
      const p2 = (await admin.data(Q, { id: ID[HARBOR], after: p1.pageInfo.endCursor })).organization.users;
      expect(p2.nodes).toHaveLength(1);
      expect(p2.pageInfo.hasNextPage).toBe(false);
      expect([p1.nodes[0].email, p2.nodes[0].email].sort()).toEqual(['admin@harbor.example', 'user@harbor.example']);
      expectBadInput(await admin.gql(Q, { id: ID[HARBOR], after: 'xyz' }), 'after');
    });
  });

  // -------------------------------------------------------------------------------------------
  describe('transferBasis and personalDataAccess', () => {
    const EXPECTED_BASIS: Record<DistributorSlug, { basis: string; country: string }> = {
      rhein: { basis: 'EEA', country: 'DE' },
      alpen: { basis: 'ADEQUACY', country: 'CH' },
      liberty: { basis: 'DPF_CERTIFICATION', country: 'US' },
      oldglory: { basis: 'NONE', country: 'US' },
      vigilancia: { basis: 'SCC_2021', country: 'BR' },
      mumbai: { basis: 'NONE', country: 'IN' },
      lioncity: { basis: 'DPA', country: 'SG' },
      gulf: { basis: 'NONE', country: 'AE' },
      bosphorus: { basis: 'NONE', country: 'TR' },
      andes: { basis: 'NONE', country: 'CL' },
      nordlicht: { basis: 'NONE', country: 'US' },
    };

    it('decides the gate for each of the 11 distributors today as the scenario says, with the basis and a reason naming the country', async () => {
      const data = await admin.data(`{ organizations(kind: DISTRIBUTOR) { nodes { id name transferBasis { allowed basis reason validUntil contract { documentRef } } } } }`);
      expect(data.organizations.nodes).toHaveLength(11);
      const bySlug = new Map(DISTRIBUTOR_SLUGS.map((s) => [s, data.organizations.nodes.find((o: { id: string }) => o.id === ID[s])]));
      for (const slug of DISTRIBUTOR_SLUGS) {
        const decision = bySlug.get(slug).transferBasis;
        const { basis, country } = EXPECTED_BASIS[slug];
        expect({ slug, allowed: decision.allowed, basis: decision.basis }).toEqual({ slug, allowed: GATE_TODAY[slug] === 'allowed', basis });
        expect({ slug, reason: decision.reason }).toEqual({ slug, reason: expect.stringMatching(new RegExp(`\\b${country}\\b`)) });
        if (!decision.allowed) expect(decision.validUntil).toBeNull();
      }
      expect(bySlug.get('liberty').transferBasis).toMatchObject({ contract: { documentRef: 'C-LIBERTY-2024' }, validUntil: '2099-01-01T00:00:00.000Z' });
      expect(bySlug.get('vigilancia').transferBasis.contract).toEqual({ documentRef: 'C-VIGILANCIA-2023' });
      expect(bySlug.get('lioncity').transferBasis.contract).toEqual({ documentRef: 'C-LIONCITY-2024' });
      expect(bySlug.get('rhein').transferBasis.contract).toBeNull();
      expect(bySlug.get('alpen').transferBasis.contract).toBeNull();
    });

    it('transferBasis is null for customers and the vendor', async () => {
      const data = await admin.data(`{ organizations(first: 100) { nodes { kind transferBasis { allowed } } } }`);
      const others = data.organizations.nodes.filter((o: { kind: string }) => o.kind !== 'DISTRIBUTOR');
      expect(others).toHaveLength(24);
      expect(others.every((o: { transferBasis: unknown }) => o.transferBasis === null)).toBe(true);
    });

    it('personalDataAccess is allowed with basis NOT_REQUIRED for the vendor admin, for every organization, even behind a closed gate', async () => {
      const data = await admin.data(`{ organizations(first: 100) { nodes { name personalDataAccess { allowed basis reason contract { id } } } } }`);
      expect(data.organizations.nodes).toHaveLength(35);
      for (const o of data.organizations.nodes) {
        expect({ name: o.name, ...o.personalDataAccess, reason: typeof o.personalDataAccess.reason }).toEqual({
          name: o.name,
          allowed: true,
          basis: 'NOT_REQUIRED',
          reason: 'string',
          contract: null,
        });
        expect(o.personalDataAccess.reason.length).toBeGreaterThan(0);
      }
    });

    it('the gate follows the clock: mumbai is allowed on 2025-12-31 (SCC in force) and denied from 2026-01-01', async () => {
      const Q = `query($id: ID!) { organization(id: $id) { transferBasis { allowed basis reason } } }`;
      await at('2025-12-31T23:59:59.000Z', async (client) => {
        expect((await client.data(Q, { id: ID.mumbai })).organization.transferBasis).toMatchObject({ allowed: true, basis: 'SCC_2021' });
      });
      await at('2026-01-01T00:00:00.000Z', async (client) => {
        expect((await client.data(Q, { id: ID.mumbai })).organization.transferBasis).toMatchObject({ allowed: false, basis: 'NONE' });
      });
      // Liberty's DPF certification gives nothing before the U.S. decision of 2023-07-10.
      await at('2024-01-01T00:00:00.000Z', async (client) => {
        expect((await client.data(Q, { id: ID.liberty })).organization.transferBasis).toMatchObject({ allowed: true, basis: 'DPF_CERTIFICATION' });
      });
      // Old Glory's Privacy Shield was a basis before Schrems II.
      await at('2020-07-15T12:00:00.000Z', async (client) => {
        expect((await client.data(Q, { id: ID.oldglory })).organization.transferBasis).toMatchObject({ allowed: true, basis: 'PRIVACY_SHIELD' });
      });
      await at('2020-07-16T00:00:00.000Z', async (client) => {
        expect((await client.data(Q, { id: ID.oldglory })).organization.transferBasis).toMatchObject({ allowed: false, basis: 'NONE' });
      });
    });
  });
});

/** Sort by name as a reader would (case-insensitive), ties by the name's code points. */
function byName(a: string, b: string): number {
  const la = a.toLowerCase();
  const lb = b.toLowerCase();
  return la < lb ? -1 : la > lb ? 1 : a < b ? -1 : a > b ? 1 : 0;
}
