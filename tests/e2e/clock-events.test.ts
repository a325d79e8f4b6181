import { orgId, PERSONAS } from '../../seeds/personas';
import { runClockEvents } from '../../src/modules/event/clock-events';
import { ON_MYSQL } from '../helpers/database';
import { TestHub } from '../helpers/hub';
import { ALLOCATE, ids, registerFresh, rowCount } from '../helpers/licenses';
import { org, uid } from '../helpers/management';
import { personalValuesFor } from '../helpers/personal-values';
import { describeHits, findValues } from '../helpers/side-channel-scan';

/**
 * Issue #14, the clock-driven events: transfer_basis.opened/.closed when a distributor's gate
 * changes as the clock moves (decided by the gate itself), contract.expiring, license.expiring
 * and license.expired, each published once through the outbox however many schedulers run the
 * round, at once or again. The clock moves forward only, test after test.
 */
jest.setTimeout(120_000);

const CREATE = `mutation($input: CreateContractInput!) { createContract(input: $input) { contract { id } } }`;
const SIGN = `mutation($input: SignContractInput!) { signContract(input: $input) { contract { id inForce } } }`;
const FEED = `query($types: [EventType!]) { events(first: 100, filter: { types: $types }) { nodes { id type subjectType subjectId distributorId customerId } } }`;
const CLOCK_TYPES = ['TRANSFER_BASIS_OPENED', 'TRANSFER_BASIS_CLOSED', 'CONTRACT_EXPIRING', 'LICENSE_EXPIRING', 'LICENSE_EXPIRED'];

type FeedEvent = { id: string; type: string; subjectType: string; subjectId: string; distributorId: string | null; customerId: string | null };

describe(`clock-driven events (${ON_MYSQL ? 'MariaDB' : 'embedded database'})`, () => {
  let hub: TestHub;
  let gulfContract: string;
  let licenseId: string;

  beforeAll(async () => {
    hub = await TestHub.start('clock_events', { LICENSE_EXPIRING_DAYS: '30', CONTRACT_EXPIRING_DAYS: '20' });
  });
  afterAll(() => hub?.close());

  const at = (iso: string) => (hub.now = new Date(iso));
  /** One round of the scheduler at the hub's clock; `n` schedulers at once. */
  const round = async (n = 1) => (await Promise.all(Array.from({ length: n }, () => runClockEvents(hub.dataSource, hub.config, hub.now)))).reduce((a, b) => a + b, 0);
  async function feed(email: string, types = CLOCK_TYPES): Promise<FeedEvent[]> {
    return (await (await hub.as(email)).data(FEED, { types })).events.nodes;
  }
  const about = (events: FeedEvent[], subjectId: string) => events.filter((e) => e.subjectId === subjectId).map((e) => e.type);

  it('the first round records every gate and publishes no transfer_basis event', async () => {
    const vendor = await hub.as(PERSONAS.vendorAdmin);
    licenseId = (await registerFresh(hub, { distributor: 'mumbai', validUntil: '2027-03-01T00:00:00.000Z' }))[0];
    await vendor.data(ALLOCATE, { input: { licenseIds: [licenseId], customerId: ids.org('mumbai-c1'), licenseeId: uid('admin@mumbai-c1.example') } });
    await round(2);
    expect(await rowCount(hub.dataSource, 'hub_gate_state')).toBe(11);
    expect((await feed(PERSONAS.vendorAdmin, ['TRANSFER_BASIS_OPENED', 'TRANSFER_BASIS_CLOSED'])).length).toBe(0);
  });

  it('a contract reaching expiresAt: contract.expiring once, then exactly one transfer_basis.closed although schedulers run at once and again', async () => {
    const vendor = await hub.as(PERSONAS.vendorAdmin);
    const created = await vendor.data(CREATE, {
      input: { distributorId: org('gulf'), type: 'SCC_2021', effectiveFrom: '2026-11-01T00:00:00Z', expiresAt: '2026-12-20T00:00:00Z', documentRef: 'C-GULF-2026' },
    });
    gulfContract = created.createContract.contract.id;
    expect((await vendor.data(SIGN, { input: { contractId: gulfContract, signedAt: '2026-11-20T10:00:00Z' } })).signContract.contract.inForce).toBe(true);
    await round();
    // The signature opened the gate: the scheduler notices every change of the gate, a write's too.
    expect(about(await feed(PERSONAS.vendorAdmin), org('gulf'))).toEqual(['TRANSFER_BASIS_OPENED']);
    expect(about(await feed(PERSONAS.vendorAdmin), gulfContract)).toEqual([]);

    at('2026-12-01T00:00:00.000Z');
    await round(2);
    await round();
    expect(about(await feed(PERSONAS.vendorAdmin), gulfContract)).toEqual(['CONTRACT_EXPIRING']);

    at('2026-12-19T23:59:59.999Z');
    await round();
    expect(about(await feed(PERSONAS.vendorAdmin), org('gulf'))).toEqual(['TRANSFER_BASIS_OPENED']);
    at('2026-12-20T00:00:00.000Z');
    await round(2);
    await round(2);
    expect(about(await feed(PERSONAS.vendorAdmin), org('gulf'))).toEqual(['TRANSFER_BASIS_OPENED', 'TRANSFER_BASIS_CLOSED']);
    const gulf = await feed(PERSONAS.distributors.gulf.admin);
    expect(gulf.filter((e) => e.type === 'TRANSFER_BASIS_CLOSED')).toEqual([expect.objectContaining({ subjectType: 'Organization', subjectId: org('gulf'), distributorId: org('gulf') })]);
    // Another distributor does not see it.
    expect(about(await feed(PERSONAS.distributors.lioncity.admin), org('gulf'))).toEqual([]);
  });

  it('a contract signed now, effective later: transfer_basis.opened once when the clock reaches its effective date', async () => {
    const vendor = await hub.as(PERSONAS.vendorAdmin);
    const created = await vendor.data(CREATE, { input: { distributorId: org('bosphorus'), type: 'SCC_2021', effectiveFrom: '2027-01-15T00:00:00Z', documentRef: 'C-BOSPHORUS-2027' } });
    expect((await vendor.data(SIGN, { input: { contractId: created.createContract.contract.id, signedAt: '2026-12-19T09:00:00Z' } })).signContract.contract.inForce).toBe(false);
    await round(2);
    expect(about(await feed(PERSONAS.vendorAdmin), org('bosphorus'))).toEqual([]);
    at('2027-01-14T23:59:59.999Z');
    await round();
    expect(about(await feed(PERSONAS.vendorAdmin), org('bosphorus'))).toEqual([]);
    at('2027-01-15T00:00:00.000Z');
    await round(2);
    await round();
    expect(about(await feed(PERSONAS.distributors.bosphorus.admin), org('bosphorus'))).toEqual(['TRANSFER_BASIS_OPENED']);
  });

  it('license.expiring once LICENSE_EXPIRING_DAYS before validUntil, license.expired once after; the customer sees them too', async () => {
    const raw = licenseId;
    at('2027-01-29T23:59:59.000Z');
    await round();
    expect(about(await feed(PERSONAS.vendorAdmin), raw)).toEqual([]);
    at('2027-01-30T00:00:00.000Z');
    await round(2);
    await round();
    expect(about(await feed(PERSONAS.vendorAdmin), raw)).toEqual(['LICENSE_EXPIRING']);
    at('2027-03-01T00:00:00.000Z');
    await round(2);
    await round();
    expect(about(await feed(PERSONAS.vendorAdmin), raw)).toEqual(['LICENSE_EXPIRING', 'LICENSE_EXPIRED']);
    expect(about(await feed('admin@mumbai-c1.example'), raw)).toEqual(['LICENSE_EXPIRING', 'LICENSE_EXPIRED']);
    expect(about(await feed(PERSONAS.distributors.mumbai.admin), raw)).toEqual(['LICENSE_EXPIRING', 'LICENSE_EXPIRED']);
    expect(about(await feed(PERSONAS.distributors.rhein.admin), raw)).toEqual([]);
  });

  it("mumbai's feed of clock events with their subjects holds no personal value of its customers (the vendor's does)", async () => {
    const query = `{ events(first: 100, filter: { types: [${CLOCK_TYPES.join(', ')}] }) { nodes { id type occurredAt subjectType subjectId licenseId distributorId customerId subject { id ... on License { status validUntil customer { id name } licensee { id name email } } ... on Organization { id name } } } } }`;
    const values = (await personalValuesFor(hub.dataSource, orgId('mumbai'))).values;
    const scan = async (email: string) => {
      const client = await hub.as(email);
      const res = await fetch(`${hub.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${client.token}` }, body: JSON.stringify({ query }) });
      const text = await res.text();
      return { status: res.status, types: (JSON.parse(text).data?.events.nodes ?? []).map((e: FeedEvent) => e.type), hits: findValues(email, text, res.headers, values) };
    };
    const control = await scan(PERSONAS.vendorAdmin);
    expect(control.hits.map((h) => h.category)).toContain('licensee');
    for (const email of [PERSONAS.distributors.mumbai.admin, PERSONAS.distributors.mumbai.user]) {
      const { status, types, hits } = await scan(email);
      expect(status).toBe(200);
      expect(types).toEqual(expect.arrayContaining(['LICENSE_EXPIRING', 'LICENSE_EXPIRED']));
      expect([email, describeHits(hits)]).toEqual([email, describeHits([])]);
    }
  });
});
