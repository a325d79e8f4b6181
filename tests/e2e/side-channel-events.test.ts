import { orgId, PERSONAS } from '../../seeds/personas';
import { createApiKey } from '../helpers/api-keys';
import { ON_MYSQL } from '../helpers/database';
import { Client, codes, TestHub } from '../helpers/hub';
import { ALLOCATE, ids, registerFresh } from '../helpers/licenses';
import { ALL_SCOPES, org, uid } from '../helpers/management';
import { personalValuesFor } from '../helpers/personal-values';
import { describeHits, findValues, Hit } from '../helpers/side-channel-scan';
import { committedSchema, fragmentsOf, render } from '../helpers/side-channel-selections';

/**
 * Issue #14 in the side-channel suite: the event feed of a distributor whose transfer gate is
 * closed (mumbai). Events about its customers exist (a license registered and allocated to a
 * named licensee, a customer linked and unlinked, a consent withdrawn, a contract); as its admin,
 * its user and an API key with every scope, the feed with every field and the subject of every
 * kind (every field two hops deep) holds none of its customers' personal values in its bytes.
 * The control: the vendor's identical request does.
 */
jest.setTimeout(120_000);

describe(`side channels of the event feed through a closed gate (${ON_MYSQL ? 'MariaDB' : 'embedded database'})`, () => {
  let hub: TestHub;
  let vendor: Client;
  let queries: string[];

  beforeAll(async () => {
    hub = await TestHub.start('side_channel_events', { RATE_LIMIT_POINTS: '10000000' });
    vendor = await hub.as(PERSONAS.vendorAdmin);
    const [licenseId] = await registerFresh(hub, { distributor: 'mumbai' });
    await vendor.data(ALLOCATE, { input: { licenseIds: [licenseId], customerId: ids.org('mumbai-c1'), licenseeId: uid('admin@mumbai-c1.example') } });
    const LINK = `mutation($input: LinkCustomerInput!) { linkCustomer(input: $input) { customer { id } } }`;
    const UNLINK = `mutation($input: UnlinkCustomerInput!) { unlinkCustomer(input: $input) { customer { id } } }`;
    await vendor.data(LINK, { input: { distributorId: org('mumbai'), customerId: org('rhein-c1') } });
    await vendor.data(UNLINK, { input: { distributorId: org('mumbai'), customerId: org('rhein-c1') } });
    // Received by mail earlier (as the side-channel world does): the withdrawal's instant is a personal value distinct from the events' instant.
    await (
      await hub.as(PERSONAS.privacyOfficer)
    ).data(`mutation($input: WithdrawConsentInput!) { withdrawConsent(input: $input) { user { id } } }`, {
      input: { userId: uid('user@mumbai-c2.example'), receivedAt: new Date(hub.now.getTime() - 3 * 3600_000 - 17_000).toISOString() },
    });
    // One request per kind of subject (all of them at once exceed the document size limit).
    queries = ['License', 'Activation', 'Contract', 'Organization', 'PortalUser'].map(
      (type) =>
        `query { events(first: 100) { totalCount edges { cursor } nodes { id type occurredAt subjectType subjectId licenseId distributorId customerId subject ${render(fragmentsOf(committedSchema(), 'Node', 2, [type]))} } } }`,
    );
  });
  afterAll(() => hub?.close());

  /** Every query as this client: the statuses, the event types of the first answer, and every hit of every answer's bytes. */
  async function scan(client: Client, label: string) {
    const values = (await personalValuesFor(hub.dataSource, orgId('mumbai'))).values;
    const out = { statuses: [] as number[], types: [] as string[], hits: [] as Hit[] };
    for (const query of queries) {
      const res = await fetch(`${hub.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${client.token}` },
        body: JSON.stringify({ query }),
      });
      const text = await res.text();
      out.statuses.push(res.status);
      const body = JSON.parse(text) as { data?: { events: { nodes: { type: string }[] } } };
      if (!out.types.length) out.types = body.data?.events.nodes.map((e) => e.type) ?? [];
      out.hits.push(...findValues(label, text, res.headers, values));
    }
    return out;
  }

  it('the control: the vendor reads the same feed with the personal values in it', async () => {
    const control = await scan(vendor, 'vendor');
    expect(control.statuses).toEqual(queries.map(() => 200));
    expect(control.types).toEqual(expect.arrayContaining(['LICENSE_REGISTERED', 'LICENSE_ALLOCATED', 'ORGANIZATION_CUSTOMER_LINKED', 'ORGANIZATION_CUSTOMER_UNLINKED', 'USER_CONSENT_WITHDRAWN']));
    expect(control.hits.map((h) => h.category)).toContain('licensee');
  });

  it("mumbai's admin, user and an API key with every scope: the events, and no personal value of a customer in the bytes", async () => {
    const { secret } = await createApiKey(hub.dataSource, { org: 'mumbai', scopes: ALL_SCOPES });
    const personas: [string, Client][] = [
      ['admin', await hub.as(PERSONAS.distributors.mumbai.admin)],
      ['user', await hub.as(PERSONAS.distributors.mumbai.user)],
      ['key', hub.withToken(secret)],
    ];
    for (const [label, client] of personas) {
      const { statuses, types, hits } = await scan(client, label);
      expect([label, statuses]).toEqual([label, queries.map(() => 200)]);
      expect([label, [...types].sort()]).toEqual([label, ['LICENSE_ALLOCATED', 'LICENSE_REGISTERED', 'ORGANIZATION_CUSTOMER_LINKED', 'ORGANIZATION_CUSTOMER_UNLINKED']]);
      expect([label, describeHits(hits)]).toEqual([label, describeHits([])]);
    }
  });

  it('the subject of a gated allocation: the license and its customer, the licensee refused with the reason a read gets', async () => {
    const mumbai = await hub.as(PERSONAS.distributors.mumbai.admin);
    const res = await mumbai.gql(`{ events(first: 10, filter: { types: [LICENSE_ALLOCATED] }) { nodes { type subject { ... on License { customer { id } licensee { name email } } } } } }`);
    expect(res.body.data!.events.nodes).toEqual([{ type: 'LICENSE_ALLOCATED', subject: { customer: { id: org('mumbai-c1') }, licensee: null } }]);
    expect(codes(res)).toEqual(['TRANSFER_BASIS_REQUIRED']);
    expect(res.body.errors![0].path).toEqual(['events', 'nodes', 0, 'subject', 'licensee']);
  });
});
