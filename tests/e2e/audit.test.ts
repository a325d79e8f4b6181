import 'reflect-metadata';
import { HARBOR, licenseId, orgId, PERSONAS, userId } from '../../seeds/personas';
import { errorEntries, gid } from '../helpers/authz';
import { ON_MYSQL } from '../helpers/database';
import { Client, GraphQLResponse, TestHub } from '../helpers/hub';
import { walkPages } from '../helpers/relay';

/**
 * The record of personal-data reads (docs/data-model.md P3, AuditEvent): who read whose data, which
 * fields, for which purpose, allowed or denied; one event per request and subject, written in
 * one batch at the end of the request; readable only by VENDOR_ADMIN and PRIVACY_OFFICER.
 */

const NOW = new Date('2026-11-27T12:00:00.000Z');
const RHEIN = PERSONAS.distributors.rhein.admin;
const MUMBAI = PERSONAS.distributors.mumbai.admin;

/** The users of rhein's customers (rhein-c1, rhein-c2, harbor) and of mumbai's (mumbai-c1, mumbai-c2, harbor). */
const usersOf = (...cslugs: string[]) => cslugs.flatMap((c) => [PERSONAS.customer(c).admin, PERSONAS.customer(c).user]);
const RHEIN_CUSTOMER_USERS = usersOf('rhein-c1', 'rhein-c2', HARBOR);
const MUMBAI_CUSTOMER_USERS = usersOf('mumbai-c1', 'mumbai-c2', HARBOR);
const userGid = (email: string) => gid('PortalUser', userId(email));

const READ_EMAILS = `{ customers(first: 50) { nodes { users(first: 5) { nodes { email } } } } }`;

const AUDIT = `query($filter: AuditEventFilter, $first: Int, $after: String) {
  auditEvents(filter: $filter, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    nodes { id at requestId clientRequestId actorType actorId actorOrganization { name } action subjectType subjectId fields purpose outcome }
  }
}`;

interface Event {
  id: string;
  at: string;
  requestId: string;
  clientRequestId: string | null;
  actorType: string;
  actorId: string | null;
  actorOrganization: { name: string } | null;
  action: string;
  subjectType: string;
  subjectId: string | null;
  fields: string[];
  purpose: string;
  outcome: string;
}

describe(`the audit record of personal-data reads (${ON_MYSQL ? 'MariaDB' : 'embedded database'})`, () => {
  let hub: TestHub;
  let dpo: Client;
  let requestCounter = 0;

  /**
   * A request sent with an x-request-id of our own: the hub names the request itself (the
   * response's x-request-id, which its events hold) and keeps ours beside it.
   */
  async function read(client: Client, query: string, variables?: Record<string, unknown>): Promise<{ r: GraphQLResponse; requestId: string; clientRequestId: string }> {
    const clientRequestId = `audit-e2e-${++requestCounter}`;
    const r = await client.gql(query, variables, { 'x-request-id': clientRequestId });
    const requestId = r.headers.get('x-request-id')!;
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
    return { r, requestId, clientRequestId };
  }

  /** Every event matching the filter, all pages, as the privacy officer. */
  async function events(filter: Record<string, unknown> = {}): Promise<Event[]> {
    const pages = await walkPages<Event>(dpo, AUDIT, (d) => d.auditEvents, 100, { filter });
    return pages.flatMap((p) => p.nodes);
  }

  const ofRequest = (list: Event[], requestId: string) => list.filter((e) => e.requestId === requestId);
  const subjects = (list: Event[]) => list.map((e) => e.subjectId).sort();

  beforeAll(async () => {
    hub = await TestHub.start('authz_audit');
    dpo = await hub.as(PERSONAS.privacyOfficer);
  });
  afterAll(() => hub?.close());
  afterEach(() => {
    hub.now = new Date(NOW);
  });

  it('starts empty: no personal data has been read yet', async () => {
    expect(await events()).toEqual([]);
  });

  it("rhein's admin reads its customers' users' e-mails: one event per user read (subject = that user), fields [PortalUser.email], purpose LICENSE_MANAGEMENT, outcome ALLOWED, the request's id, actorOrganization Rhein Security GmbH", async () => {
    const rhein = await hub.as(RHEIN);
    const { r, requestId, clientRequestId } = await read(rhein, READ_EMAILS);
    expect(r.body.errors).toBeUndefined();

    const list = await events({ actorId: userGid(RHEIN), action: 'personal_data.read' });
    expect(list).toHaveLength(6);
    expect(subjects(list)).toEqual(RHEIN_CUSTOMER_USERS.map(userGid).sort());
    for (const e of list) {
      expect(e).toEqual({
        id: expect.any(String),
        at: NOW.toISOString(),
        requestId,
        clientRequestId,
        actorType: 'USER',
        actorId: userGid(RHEIN),
        actorOrganization: { name: 'Rhein Security GmbH' },
        action: 'personal_data.read',
        subjectType: 'PortalUser',
        subjectId: e.subjectId,
        fields: ['PortalUser.email'],
        purpose: 'LICENSE_MANAGEMENT',
        outcome: 'ALLOWED',
      });
    }
  });

  it('a second request makes new events: one per request and subject, with its own request id (here the one the server chose)', async () => {
    const rhein = await hub.as(RHEIN);
    const r = await rhein.gql(READ_EMAILS);
    expect(r.body.errors).toBeUndefined();
    const requestId = r.headers.get('x-request-id')!;
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);

    const list = await events({ actorId: userGid(RHEIN), action: 'personal_data.read' });
    expect(list).toHaveLength(12);
    const second = ofRequest(list, requestId);
    expect(second).toHaveLength(6);
    expect(second.map((e) => e.clientRequestId)).toEqual(Array(6).fill(null)); // none was sent
    expect(subjects(second)).toEqual(RHEIN_CUSTOMER_USERS.map(userGid).sort());
    expect(new Set(list.map((e) => e.requestId)).size).toBe(2);
    expect(new Set(list.map((e) => e.id)).size).toBe(12);
  });

  it('a gated read by admin@mumbai.example is recorded: action personal_data.denied, outcome DENIED, one event per user, nothing recorded as read', async () => {
    const mumbai = await hub.as(MUMBAI);
    const { r, requestId } = await read(mumbai, READ_EMAILS);
    expect(errorEntries(r).every((e) => e.code === 'TRANSFER_BASIS_REQUIRED')).toBe(true);
    expect(errorEntries(r)).toHaveLength(6);

    const mine = await events({ actorId: userGid(MUMBAI) });
    expect(mine).toHaveLength(6);
    expect(subjects(mine)).toEqual(MUMBAI_CUSTOMER_USERS.map(userGid).sort());
    for (const e of mine) {
      expect(e).toMatchObject({
        requestId,
        actorType: 'USER',
        actorOrganization: { name: 'Mumbai CCTV Pvt Ltd' },
        action: 'personal_data.denied',
        subjectType: 'PortalUser',
        fields: ['PortalUser.email'],
        purpose: 'LICENSE_MANAGEMENT',
        outcome: 'DENIED',
      });
    }
    expect(await events({ actorId: userGid(MUMBAI), action: 'personal_data.read' })).toEqual([]);
  });

  it('fields are aggregated: name, email and phone of one user in one request → ONE event listing the three fields', async () => {
    const rhein = await hub.as(RHEIN);
    const subject = userGid(PERSONAS.customer('rhein-c1').user);
    const { r, requestId } = await read(rhein, `query($id: ID!) { node(id: $id) { ... on PortalUser { name email phone } } }`, { id: subject });
    expect(r.body.errors).toBeUndefined();
    expect(r.body.data.node.email).toBe(PERSONAS.customer('rhein-c1').user);

    const mine = ofRequest(await events({ actorId: userGid(RHEIN) }), requestId);
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ subjectId: subject, fields: ['PortalUser.email', 'PortalUser.name', 'PortalUser.phone'], outcome: 'ALLOWED', action: 'personal_data.read' });
  });

  it('the same person read through several paths and aliases in one request is still one event (per subject), listing every field read', async () => {
    const rhein = await hub.as(RHEIN);
    const subject = userGid(PERSONAS.customer('rhein-c1').user);
    const { r, requestId } = await read(
      rhein,
      `query($id: ID!, $lic: ID!) {
        a: node(id: $id) { ... on PortalUser { name } }
        b: node(id: $id) { ... on PortalUser { x: email y: email } }
        license(id: $lic) { licensee { phone } }
        customers { nodes { users { nodes { email } } } }
      }`,
      { id: subject, lic: gid('License', licenseId('rhein', 5)) },
    );
    expect(r.body.errors).toBeUndefined();
    expect(r.body.data.license.licensee.phone).toEqual(expect.any(String));
    const mine = ofRequest(await events({ actorId: userGid(RHEIN) }), requestId);
    expect(subjects(mine)).toEqual(RHEIN_CUSTOMER_USERS.map(userGid).sort());
    const forSubject = mine.filter((e) => e.subjectId === subject);
    expect(forSubject).toHaveLength(1);
    // The licensee relation itself is a read of that person, recorded in the same event.
    expect(forSubject[0].fields).toEqual(['License.licensee', 'PortalUser.email', 'PortalUser.name', 'PortalUser.phone']);
  });

  it('contact data of a customer organization is recorded with the organization as subject', async () => {
    const rhein = await hub.as(RHEIN);
    const { r, requestId } = await read(rhein, `{ customers { nodes { name email phone address { city } } } }`);
    expect(r.body.errors).toBeUndefined();
    const mine = ofRequest(await events({ actorId: userGid(RHEIN) }), requestId);
    expect(subjects(mine)).toEqual(['rhein-c1', 'rhein-c2', HARBOR].map((s) => gid('Organization', orgId(s))).sort());
    for (const e of mine) expect(e).toMatchObject({ subjectType: 'Organization', fields: ['Organization.address', 'Organization.email', 'Organization.phone'], outcome: 'ALLOWED' });
  });

  it('audit events are written in one batch at the end of the request: a read of 20 users yields exactly 20 events with the same `at` and requestId, from one INSERT statement', async () => {
    const at = new Date('2026-11-27T12:30:00.123Z');
    hub.now = at;
    const vendor = await hub.as(PERSONAS.vendorAdmin);
    const statements: string[] = [];
    const logger = hub.dataSource.logger;
    // eslint-disable-next-line @typescript-eslint/unbound-method -- called below with .call(logger)
    const original = logger.logQuery;
    logger.logQuery = function (query: string, parameters?: unknown[], runner?: never) {
      statements.push(query);
      return original.call(this, query, parameters, runner);
    };
    let requestId: string;
    try {
      const res = await read(vendor, `{ organizations(kind: CUSTOMER, first: 10) { nodes { users(first: 5) { nodes { email } } } } }`);
      requestId = res.requestId;
      expect(res.r.body.errors).toBeUndefined();
      const emails = res.r.body.data.organizations.nodes.flatMap((o: { users: { nodes: { email: string }[] } }) => o.users.nodes.map((u) => u.email));
      expect(emails).toHaveLength(20);
    } finally {
      logger.logQuery = original;
    }
    const inserts = statements.filter((s) => /^\s*INSERT/i.test(s));
    expect(inserts).toHaveLength(1);
    expect(inserts[0]).toMatch(/audit_event/);
    // Not one statement per user or per field either.
    expect(statements.length).toBeLessThan(20);

    hub.now = new Date(NOW);
    const batch = await events({ actorId: userGid(PERSONAS.vendorAdmin), since: at.toISOString(), until: new Date(at.getTime() + 1).toISOString() });
    expect(batch).toHaveLength(20);
    expect(new Set(batch.map((e) => e.at))).toEqual(new Set([at.toISOString()]));
    expect(new Set(batch.map((e) => e.requestId))).toEqual(new Set([requestId]));
    expect(new Set(batch.map((e) => e.subjectId)).size).toBe(20);
    expect(batch.every((e) => e.actorOrganization?.name === 'MOBOTIX AG' && e.outcome === 'ALLOWED')).toBe(true);
  });

  describe('who reads the audit record', () => {
    for (const [role, email] of [
      ['VENDOR_STAFF', PERSONAS.vendorStaff],
      ['DISTRIBUTOR_ADMIN', PERSONAS.distributors.rhein.admin],
      ['DISTRIBUTOR_USER', PERSONAS.distributors.rhein.user],
      ['DISTRIBUTOR_ADMIN behind a closed gate', PERSONAS.distributors.mumbai.admin],
      ['CUSTOMER_ADMIN', PERSONAS.customer('rhein-c1').admin],
      ['CUSTOMER_USER', PERSONAS.customer('rhein-c1').user],
    ] as const) {
      it(`${role} (${email}): auditEvents is FORBIDDEN, not an empty list; an event's node(id) is NOT_FOUND`, async () => {
        const [someEvent] = await events({ actorId: userGid(RHEIN) });
        const client = await hub.as(email);
        const r = await client.gql(AUDIT, { filter: { actorId: userGid(RHEIN) } });
        expect(r.status).toBe(200);
        expect(errorEntries(r)).toEqual([{ path: 'auditEvents', code: 'FORBIDDEN', message: expect.any(String) }]);
        expect(r.body.data ?? null).toBeNull();
        const n = await client.gql(`query($id: ID!) { node(id: $id) { id ... on AuditEvent { action } } }`, { id: someEvent.id });
        expect(n.body.data).toEqual({ node: null });
        expect(errorEntries(n).map((e) => e.code)).toEqual(['NOT_FOUND']);
      });
    }

    for (const [role, email] of [
      ['VENDOR_ADMIN', PERSONAS.vendorAdmin],
      ['PRIVACY_OFFICER', PERSONAS.privacyOfficer],
    ] as const) {
      it(`${role} (${email}): auditEvents answers, and node(id) of an event too`, async () => {
        const client = await hub.as(email);
        const r = await client.gql(AUDIT, { filter: { actorId: userGid(RHEIN) }, first: 5 });
        expect(r.body.errors).toBeUndefined();
        expect(r.body.data.auditEvents.totalCount).toBeGreaterThanOrEqual(12);
        expect(r.body.data.auditEvents.nodes).toHaveLength(5);
        const id = r.body.data.auditEvents.nodes[0].id;
        const n = await client.gql(`query($id: ID!) { node(id: $id) { id ... on AuditEvent { action } } }`, { id });
        expect(n.body.errors).toBeUndefined();
        expect(n.body.data.node).toEqual({ id, action: expect.stringMatching(/^personal_data\./) });
      });
    }
  });

  describe('filters', () => {
    it("actorId: only that actor's events", async () => {
      const rhein = await events({ actorId: userGid(RHEIN) });
      const mumbai = await events({ actorId: userGid(MUMBAI) });
      expect(rhein.length).toBeGreaterThan(0);
      expect(mumbai.length).toBe(6);
      expect(rhein.every((e) => e.actorId === userGid(RHEIN))).toBe(true);
      expect(mumbai.every((e) => e.actorId === userGid(MUMBAI))).toBe(true);
      const all = await events();
      expect(all.filter((e) => e.actorId === userGid(RHEIN))).toHaveLength(rhein.length);
    });

    it("subjectId: harbor's admin was read by rhein (ALLOWED), refused to mumbai (DENIED) and read by the vendor admin (ALLOWED)", async () => {
      const subject = userGid(PERSONAS.customer(HARBOR).admin);
      const list = await events({ subjectId: subject });
      expect(list.every((e) => e.subjectId === subject)).toBe(true);
      expect(new Set(list.map((e) => `${e.actorOrganization?.name}:${e.outcome}`))).toEqual(new Set(['Rhein Security GmbH:ALLOWED', 'Mumbai CCTV Pvt Ltd:DENIED', 'MOBOTIX AG:ALLOWED']));
      const all = await events();
      expect(list).toHaveLength(all.filter((e) => e.subjectId === subject).length);
    });

    it('action and outcome: personal_data.denied and DENIED select the same 6 events of mumbai; personal_data.read and ALLOWED the rest', async () => {
      const all = await events();
      const deniedByAction = await events({ action: 'personal_data.denied' });
      const deniedByOutcome = await events({ outcome: 'DENIED' });
      expect(deniedByAction.map((e) => e.id).sort()).toEqual(deniedByOutcome.map((e) => e.id).sort());
      expect(deniedByAction).toHaveLength(6);
      expect(deniedByAction.every((e) => e.actorId === userGid(MUMBAI))).toBe(true);
      const allowed = await events({ outcome: 'ALLOWED' });
      const read = await events({ action: 'personal_data.read' });
      expect(read.map((e) => e.id).sort()).toEqual(allowed.map((e) => e.id).sort());
      expect(allowed.length + deniedByOutcome.length).toBe(all.length);
      expect(await events({ action: 'personal_data.denied', outcome: 'ALLOWED' })).toEqual([]);
    });

    it('since (inclusive) and until (exclusive) select by the instant of the request', async () => {
      const at = '2026-11-27T12:30:00.123Z';
      const after = '2026-11-27T12:30:00.124Z';
      expect(await events({ since: at, until: after })).toHaveLength(20);
      expect(await events({ since: after })).toEqual([]);
      expect(await events({ until: at, since: '2026-11-27T12:00:00.001Z' })).toEqual([]);
      const atNow = await events({ since: NOW.toISOString(), until: '2026-11-27T12:00:00.001Z' });
      const all = await events();
      expect(atNow.length + 20).toBe(all.length);
      expect(atNow.every((e) => e.at === NOW.toISOString())).toBe(true);
      // Combined with the other filters.
      expect(await events({ since: at, until: after, actorId: userGid(RHEIN) })).toEqual([]);
      expect(await events({ since: NOW.toISOString(), until: after, actorId: userGid(MUMBAI), outcome: 'DENIED' })).toHaveLength(6);
    });
  });

  describe("the request id: the hub's own, the client's beside it", () => {
    it("a client's x-request-id never becomes the request id: the response and the events carry the hub's id, the client's is clientRequestId", async () => {
      const rhein = await hub.as(RHEIN);
      const r = await rhein.gql(READ_EMAILS, undefined, { 'x-request-id': 'integrator-trace.7' });
      expect(r.body.errors).toBeUndefined();
      const requestId = r.headers.get('x-request-id')!;
      expect(requestId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      const mine = ofRequest(await events({ actorId: userGid(RHEIN) }), requestId);
      expect(mine).toHaveLength(6);
      for (const e of mine) expect({ requestId: e.requestId, clientRequestId: e.clientRequestId }).toEqual({ requestId, clientRequestId: 'integrator-trace.7' });
      expect((await events()).filter((e) => e.requestId === 'integrator-trace.7')).toEqual([]);
    });

    it("a client cannot make its events share an id with someone else's: rhein sending mumbai's request id gets an id of its own", async () => {
      const mumbai = await read(await hub.as(MUMBAI), READ_EMAILS);
      const rhein = await (await hub.as(RHEIN)).gql(READ_EMAILS, undefined, { 'x-request-id': mumbai.requestId });
      expect(rhein.headers.get('x-request-id')).not.toBe(mumbai.requestId);
      const all = await events();
      const named = ofRequest(all, mumbai.requestId);
      expect(named).toHaveLength(6);
      expect(new Set(named.map((e) => e.actorId))).toEqual(new Set([userGid(MUMBAI)]));
      // Rhein's id for the request is the hub's; mumbai's id is only what rhein claimed.
      const rheins = ofRequest(all, rhein.headers.get('x-request-id')!);
      expect(rheins).toHaveLength(6);
      for (const e of rheins) expect({ actorId: e.actorId, clientRequestId: e.clientRequestId }).toEqual({ actorId: userGid(RHEIN), clientRequestId: mumbai.requestId });
    });

    it("write events hold both ids too: updateMyProfile records profile.updated with the response's x-request-id and the client's id", async () => {
      const person = await hub.as(PERSONAS.customer('rhein-c2').user);
      const r = await person.gql(
        `mutation($input: UpdateMyProfileInput!) { updateMyProfile(input: $input) { user { phone } } }`,
        { input: { phone: '+49 30 555 01-77' } },
        { 'x-request-id': 'profile-change-1' },
      );
      expect(r.body.errors).toBeUndefined();
      const written = (await events({ actorId: userGid(PERSONAS.customer('rhein-c2').user), action: 'profile.updated' })).filter((e) => e.clientRequestId === 'profile-change-1');
      expect(written.map((e) => e.requestId)).toEqual([r.headers.get('x-request-id')]);
    });

    it('an x-request-id that is not sane (over 64 characters, or spaces) is dropped: clientRequestId null', async () => {
      for (const sent of ['x'.repeat(65), 'has spaces in it']) {
        const r = await (await hub.as(RHEIN)).gql(READ_EMAILS, undefined, { 'x-request-id': sent });
        const mine = ofRequest(await events({ actorId: userGid(RHEIN) }), r.headers.get('x-request-id')!);
        expect(mine.length).toBe(6);
        expect(new Set(mine.map((e) => e.clientRequestId))).toEqual(new Set([null]));
      }
    });
  });
});
