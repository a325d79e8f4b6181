import { licenseId as seedLicenseId, PERSONAS } from '../../seeds/personas';
import { newId } from '../../src/common/ids';
import { recordWrite } from '../../src/modules/audit/audit.writer';
import { RequestContext } from '../../src/context/request-context';
import { createApiKey } from '../helpers/api-keys';
import { ON_MYSQL } from '../helpers/database';
import { Client, codes, TestHub } from '../helpers/hub';
import { ALLOCATE, allocatedFresh, ids, registerFresh, REVOKE, rowCount } from '../helpers/licenses';
import { org, uid } from '../helpers/management';

/**
 * Issue #14, step 1: the outbox and the event feed. Every write that publishes an event records
 * it in its own transaction (through the audit writer); events(filter, first, after) holds, for
 * each viewer, the events of what it reaches, oldest first; an unlink stays visible to the
 * distributor it was unlinked from; no personal value is in an event.
 */
const EVENTS = `query($filter: EventFilter, $first: Int, $after: String) {
  events(filter: $filter, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    nodes { id type occurredAt subjectType subjectId licenseId distributorId customerId subject { id } }
  }
}`;

interface EventNode {
  id: string;
  type: string;
  occurredAt: string;
  subjectType: string;
  subjectId: string;
  licenseId: string | null;
  distributorId: string | null;
  customerId: string | null;
  subject: { id: string } | null;
}

async function eventsOf(client: Client, filter: Record<string, unknown> = {}): Promise<EventNode[]> {
  const out: EventNode[] = [];
  let after: string | null = null;
  for (;;) {
    const { events }: { events: { nodes: EventNode[]; pageInfo: { hasNextPage: boolean; endCursor: string } } } = await client.data(EVENTS, { filter, first: 100, after });
    out.push(...events.nodes);
    if (!events.pageInfo.hasNextPage) return out;
    after = events.pageInfo.endCursor;
  }
}

describe(`the outbox and the event feed (${ON_MYSQL ? 'MariaDB' : 'embedded database'})`, () => {
  let hub: TestHub;
  let vendor: Client;

  beforeAll(async () => {
    hub = await TestHub.start('events_feed');
    vendor = await hub.as(PERSONAS.vendorAdmin);
  });
  afterAll(() => hub?.close());

  it('starts empty (the seed writes no events), and a refused write publishes nothing', async () => {
    expect(await eventsOf(vendor)).toEqual([]);
    const mumbai = await hub.as(PERSONAS.distributors.mumbai.user);
    const refused = await mumbai.gql(REVOKE, { input: { licenseId: ids.license('rhein', 0) } });
    expect(codes(refused)[0]).toBe('FORBIDDEN');
    expect(await rowCount(hub.dataSource, 'hub_event')).toBe(0);
  });

  it('a write that rolls back after recording its audit event leaves no event; one that commits leaves exactly one', async () => {
    const ctx = {
      now: hub.now,
      requestId: 'events-feed-test',
      clientRequestId: null,
      actor: { type: 'USER', id: null, organizationId: null },
    } as unknown as RequestContext;
    const licenseId = seedLicenseId('rhein', 0);
    const audits = await rowCount(hub.dataSource, 'audit_event');
    await expect(
      hub.dataSource.transaction(async (manager) => {
        await recordWrite(manager, ctx, { action: 'license.revoked', subjectType: 'License', subjectId: licenseId });
        expect(await manager.query('SELECT COUNT(*) AS n FROM `hub_event`')).toEqual([{ n: expect.anything() }]);
        throw new Error('rolled back on purpose');
      }),
    ).rejects.toThrow('rolled back on purpose');
    expect(await rowCount(hub.dataSource, 'hub_event')).toBe(0);
    expect(await rowCount(hub.dataSource, 'audit_event')).toBe(audits);
    await hub.dataSource.transaction((manager) => recordWrite(manager, ctx, { action: 'license.revoked', subjectType: 'License', subjectId: licenseId }));
    expect(await rowCount(hub.dataSource, 'hub_event')).toBe(1);
    // Actions that publish no event (an invitation, an API key) add nothing to the outbox.
    await hub.dataSource.transaction((manager) => recordWrite(manager, ctx, { action: 'user.invited', subjectType: 'PortalUser', subjectId: newId() }));
    expect(await rowCount(hub.dataSource, 'hub_event')).toBe(1);
    await hub.dataSource.query('DELETE FROM `hub_event`');
  });

  it('license writes publish their events to the vendor, the distributor and (once allocated) the customer, oldest first', async () => {
    const [licenseId] = await allocatedFresh(hub, 'rhein-c1', { distributor: 'rhein' });
    const vendorEvents = await eventsOf(vendor);
    expect(vendorEvents.map((e) => [e.type, e.subjectType, e.subjectId, e.licenseId, e.distributorId])).toEqual([
      ['LICENSE_REGISTERED', 'License', licenseId, licenseId, org('rhein')],
      ['LICENSE_ALLOCATED', 'License', licenseId, licenseId, org('rhein')],
    ]);
    expect(vendorEvents.map((e) => e.customerId)).toEqual([null, org('rhein-c1')]);
    expect(vendorEvents[0].id < vendorEvents[1].id).toBe(true);
    expect(vendorEvents[1].subject).toEqual({ id: licenseId });
    expect(new Date(vendorEvents[0].occurredAt).toISOString()).toBe(hub.now.toISOString());

    const rhein = await eventsOf(await hub.as(PERSONAS.distributors.rhein.user));
    expect(rhein.map((e) => e.type)).toEqual(['LICENSE_REGISTERED', 'LICENSE_ALLOCATED']);
    const customer = await eventsOf(await hub.as('admin@rhein-c1.example'));
    expect(customer.map((e) => e.type)).toEqual(['LICENSE_ALLOCATED']);
    // Another distributor and another customer see none of it.
    expect(await eventsOf(await hub.as(PERSONAS.distributors.mumbai.admin))).toEqual([]);
    expect(await eventsOf(await hub.as('admin@rhein-c2.example'))).toEqual([]);
  });

  it('filters by types and since, and pages with cursors so a script that was down catches up', async () => {
    await registerFresh(hub, { distributor: 'rhein', count: 3 });
    const all = await eventsOf(vendor);
    expect(all.length).toBe(5);
    expect((await eventsOf(vendor, { types: ['LICENSE_ALLOCATED'] })).map((e) => e.type)).toEqual(['LICENSE_ALLOCATED']);
    expect(await eventsOf(vendor, { types: ['CONTRACT_SIGNED'] })).toEqual([]);
    expect(await eventsOf(vendor, { since: new Date(hub.now.getTime() + 1).toISOString() })).toEqual([]);
    expect((await eventsOf(vendor, { since: hub.now.toISOString() })).length).toBe(5);
    const firstPage = (await vendor.data(EVENTS, { first: 2 })).events;
    expect(firstPage.totalCount).toBe(5);
    const rest = (await vendor.data(EVENTS, { first: 100, after: firstPage.pageInfo.endCursor })).events.nodes as EventNode[];
    expect([...firstPage.nodes, ...rest].map((e: EventNode) => e.id)).toEqual(all.map((e) => e.id));
    expect(codes(await vendor.gql(EVENTS, { filter: { types: [] } }))).toEqual(['BAD_USER_INPUT']);
  });

  it('an unlink stays visible to the distributor it was unlinked from; the subject becomes null for it', async () => {
    const LINK = `mutation($input: LinkCustomerInput!) { linkCustomer(input: $input) { customer { id } } }`;
    const UNLINK = `mutation($input: UnlinkCustomerInput!) { unlinkCustomer(input: $input) { customer { id } } }`;
    await vendor.data(LINK, { input: { distributorId: org('lioncity'), customerId: org('alpen-c2') } });
    await vendor.data(UNLINK, { input: { distributorId: org('lioncity'), customerId: org('alpen-c2') } });
    const lioncity = await eventsOf(await hub.as(PERSONAS.distributors.lioncity.admin), { types: ['ORGANIZATION_CUSTOMER_LINKED', 'ORGANIZATION_CUSTOMER_UNLINKED'] });
    expect(lioncity.map((e) => [e.type, e.subjectId, e.distributorId, e.customerId, e.subject])).toEqual([
      ['ORGANIZATION_CUSTOMER_LINKED', org('alpen-c2'), org('lioncity'), org('alpen-c2'), null],
      ['ORGANIZATION_CUSTOMER_UNLINKED', org('alpen-c2'), org('lioncity'), org('alpen-c2'), null],
    ]);
    // The customer sees both too; the customer's other distributor (alpen) none.
    expect((await eventsOf(await hub.as('admin@alpen-c2.example'), { types: ['ORGANIZATION_CUSTOMER_UNLINKED'] })).length).toBe(1);
    expect(await eventsOf(await hub.as(PERSONAS.distributors.alpen.admin), { types: ['ORGANIZATION_CUSTOMER_UNLINKED'] })).toEqual([]);
  });

  it("a consent withdrawal is seen by the vendor and the person's organization, never by a distributor", async () => {
    const person = 'user@mumbai-c1.example';
    await (await hub.as(person)).data(`mutation { withdrawConsent(input: {}) { user { id } } }`);
    const types = { types: ['USER_CONSENT_WITHDRAWN'] };
    expect((await eventsOf(vendor, types)).map((e) => e.subjectId)).toEqual([uid(person)]);
    expect((await eventsOf(await hub.as('admin@mumbai-c1.example'), types)).map((e) => e.subjectId)).toEqual([uid(person)]);
    expect(await eventsOf(await hub.as(PERSONAS.distributors.mumbai.admin), types)).toEqual([]);
  });

  it('contract events reach the vendor and the distributor; API keys see only the categories their scopes name', async () => {
    const CREATE = `mutation($input: CreateContractInput!) { createContract(input: $input) { contract { id } } }`;
    const { createContract } = await vendor.data(CREATE, {
      input: { distributorId: org('gulf'), type: 'SCC_2021', effectiveFrom: '2026-01-01T00:00:00.000Z', documentRef: 'C-GULF-EVENTS' },
    });
    const gulf = await eventsOf(await hub.as(PERSONAS.distributors.gulf.admin));
    expect(gulf.map((e) => [e.type, e.subjectId, e.distributorId])).toEqual([['CONTRACT_CREATED', createContract.contract.id, org('gulf')]]);

    const { secret: contractsOnly } = await createApiKey(hub.dataSource, { org: 'rhein', scopes: ['contracts:read'] });
    expect(await eventsOf(hub.withToken(contractsOnly))).toEqual([]);
    const { secret: licensesOnly } = await createApiKey(hub.dataSource, { org: 'rhein', scopes: ['licenses:read'] });
    expect(new Set((await eventsOf(hub.withToken(licensesOnly))).map((e) => e.type))).toEqual(new Set(['LICENSE_REGISTERED', 'LICENSE_ALLOCATED']));
    const { secret: vendorContracts } = await createApiKey(hub.dataSource, { org: 'mobotix', scopes: ['contracts:read'] });
    expect((await eventsOf(hub.withToken(vendorContracts))).map((e) => e.type)).toEqual(['CONTRACT_CREATED']);
  });

  it('an allocation event of a gated distributor carries ids only: no licensee, no name', async () => {
    const [licenseId] = await registerFresh(hub, { distributor: 'mumbai' });
    const mumbai = await hub.as(PERSONAS.distributors.mumbai.user);
    await mumbai.data(ALLOCATE, { input: { licenseIds: [licenseId], customerId: ids.org('mumbai-c1') } });
    const res = await mumbai.gql(EVENTS, { filter: { types: ['LICENSE_ALLOCATED'] }, first: 10 });
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.events.nodes.map((e: EventNode) => e.licenseId)).toEqual([licenseId]);
    expect(JSON.stringify(res.body)).not.toMatch(/@mumbai-c1\.example/);
  });
});
