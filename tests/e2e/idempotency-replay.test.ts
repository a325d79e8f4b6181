import { createHash } from 'node:crypto';
import { contractId, PERSONAS } from '../../seeds/personas';
import { toGlobalId } from '../../src/common/global-id';
import { ON_MYSQL } from '../helpers/database';
import { Client, codes, GraphQLResponse, TestHub } from '../helpers/hub';
import { auditOf, ids, registerFresh, requestIdOf, rowCount } from '../helpers/licenses';

/**
 * Issue #11, 2: a replay of an Idempotency-Key never returns what the asker may not read at the
 * instant of the replay. The hub keeps what the mutation did (its errors, the ids of its payload)
 * and renders the answer again under today's policy; the mutation itself never runs twice.
 */
describe(`Idempotency-Key replays under today's policy (${ON_MYSQL ? 'MariaDB' : 'embedded database'})`, () => {
  let hub: TestHub;
  let admin: Client;
  let vigilancia: Client;
  const replayed = (r: GraphQLResponse) => r.headers.get('idempotency-replayed');
  const withKey = (key: string) => ({ 'Idempotency-Key': key });
  const C1 = 'vigilancia-c1';

  /** A distributor's allocation whose payload selects its customer's people: names and e-mails. */
  const ALLOCATE_SHOWING_PEOPLE = `mutation Allocate($input: AllocateLicenseInput!) {
    allocateLicense(input: $input) {
      licenses { id status customer { id name users(first: 10) { nodes { id name email } } } }
    }
  }`;

  /** The audit events written by one request, straight from the table. */
  const auditOfRequest = async (requestId: string) => {
    const rows: { action: string; subjectId: string; fields: string; outcome: string }[] = await hub.dataSource.query(
      'SELECT action, subjectId, fields, outcome FROM `audit_event` WHERE requestId = ? ORDER BY action, subjectId',
      [requestId],
    );
    return rows.map((r) => ({ action: r.action, subject: toGlobalId('PortalUser', r.subjectId), fields: r.fields, outcome: r.outcome }));
  };

  beforeAll(async () => {
    hub = await TestHub.start('idempotency_replay');
    admin = await hub.as(PERSONAS.vendorAdmin);
    vigilancia = await hub.as(PERSONAS.distributors.vigilancia.user);
  });
  afterAll(() => hub?.close());

  it('replays a payload with personal data under an unchanged policy: the same answer, and its reads audited again', async () => {
    const licenseIds = await registerFresh(hub, { distributor: 'vigilancia', count: 1 });
    const variables = { input: { licenseIds, customerId: ids.org(C1), licenseeId: ids.user(PERSONAS.customer(C1).admin) } };
    const query = `mutation($input: AllocateLicenseInput!) { allocateLicense(input: $input) { licenses { id status licensee { id name email } } } }`;
    const first = await vigilancia.gql(query, variables, withKey('unchanged-policy'));
    expect(first.body.errors).toBeUndefined();
    expect(first.body.data.allocateLicense.licenses[0].licensee).toEqual({ id: ids.user(PERSONAS.customer(C1).admin), name: expect.any(String), email: PERSONAS.customer(C1).admin });

    const retry = await vigilancia.gql(query, variables, withKey('unchanged-policy'));
    expect({ status: retry.status, replayed: replayed(retry), body: retry.body }).toEqual({ status: 200, replayed: 'true', body: first.body });
    // The replay's own reads are recorded like any read, under its own request id.
    expect(await auditOfRequest(requestIdOf(retry))).toEqual([
      { action: 'personal_data.read', subject: ids.user(PERSONAS.customer(C1).admin), fields: 'License.licensee,PortalUser.email,PortalUser.name', outcome: 'ALLOWED' },
    ]);
    expect(await auditOf(admin, licenseIds[0], 'license.allocated')).toHaveLength(1);
  });

  it('a mutation sent by its persisted-query hash alone is the same request: the retry by hash does not act again', async () => {
    const licenseIds = await registerFresh(hub, { distributor: 'vigilancia', count: 1 });
    const variables = { input: { licenseIds, customerId: ids.org(C1), licenseeId: ids.user(PERSONAS.customer(C1).admin) } };
    const query = `mutation($input: AllocateLicenseInput!) { allocateLicense(input: $input) { licenses { id status } } }`;
    const extensions = { persistedQuery: { version: 1, sha256Hash: createHash('sha256').update(query).digest('hex') } };
    const post = (payload: Record<string, unknown>) =>
      fetch(`${hub.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${vigilancia.token}`, 'Idempotency-Key': 'apq-by-hash' },
        body: JSON.stringify(payload),
      });
    const first = await post({ query, variables, extensions });
    expect(((await first.json()) as any).data.allocateLicense.licenses).toEqual([{ id: licenseIds[0], status: 'ALLOCATED' }]);
    const byHash = await post({ variables, extensions });
    expect(byHash.headers.get('idempotency-replayed')).toBe('true');
    expect(((await byHash.json()) as any).data.allocateLicense.licenses).toEqual([{ id: licenseIds[0], status: 'ALLOCATED' }]);
    expect(await auditOf(admin, licenseIds[0], 'license.allocated')).toHaveLength(1);
  });

  it('replays a failed mutation with the same error, even once the mutation would succeed, and does not act', async () => {
    const [licenseId] = await registerFresh(hub, { distributor: 'rhein' });
    // alpen-c1 is not a customer of rhein: not reachable for it, so NOT_FOUND.
    const variables = { input: { licenseIds: [licenseId], customerId: ids.org('alpen-c1') } };
    const rhein = await hub.as(PERSONAS.distributors.rhein.user);
    const query = `mutation($input: AllocateLicenseInput!) { allocateLicense(input: $input) { licenses { id status } } }`;
    const first = await rhein.gql(query, variables, withKey('failed-once'));
    expect(codes(first)).toEqual(['NOT_FOUND']);
    expect(first.body.data).toEqual({ allocateLicense: null });

    // Now rhein serves alpen-c1: the same request without the key would allocate.
    const linked = await admin.gql(`mutation($input: LinkCustomerInput!) { linkCustomer(input: $input) { customer { id } } }`, {
      input: { distributorId: ids.org('rhein'), customerId: ids.org('alpen-c1') },
    });
    expect(linked.body.errors).toBeUndefined();

    const retry = await rhein.gql(query, variables, withKey('failed-once'));
    expect({ status: retry.status, replayed: replayed(retry), body: retry.body }).toEqual({ status: first.status, replayed: 'true', body: first.body });
    const license = await admin.data(`query($id: ID!) { license(id: $id) { status customer { id } } }`, { id: licenseId });
    expect(license.license).toEqual({ status: 'REGISTERED', customer: null });
  });

  it("replays a refusal by the mutation's own rule as that refusal", async () => {
    const customer = await hub.as(PERSONAS.customer(C1).admin);
    const query = `mutation($input: RevokeLicenseInput!) { revokeLicense(input: $input) { license { id } } }`;
    const variables = { input: { licenseId: ids.license('vigilancia', 1) } };
    const first = await customer.gql(query, variables, withKey('refused-once'));
    expect(codes(first)).toEqual(['FORBIDDEN']);
    const retry = await customer.gql(query, variables, withKey('refused-once'));
    expect({ replayed: replayed(retry), body: retry.body }).toEqual({ replayed: 'true', body: first.body });
  });

  it('replays under the mutation rule of today: an officer who is no longer PRIVACY_OFFICER gets FORBIDDEN, not the stored retention report', async () => {
    const dpo = await hub.as(PERSONAS.privacyOfficer);
    const query = `mutation($input: RunRetentionInput!) { runRetention(input: $input) { report { dryRun people retentionYears items { subjectId } } } }`;
    const first = await dpo.gql(query, { input: { dryRun: true } }, withKey('report-then-demoted'));
    expect(first.body.errors).toBeUndefined();
    expect(first.body.data.runRetention.report).toMatchObject({ dryRun: true, retentionYears: 10 });

    const demoted = await admin.gql(`mutation($input: UpdateUserInput!) { updateUser(input: $input) { user { role } } }`, {
      input: { userId: ids.user(PERSONAS.privacyOfficer), role: 'VENDOR_STAFF' },
    });
    expect(demoted.body.data.updateUser.user).toEqual({ role: 'VENDOR_STAFF' });

    const retry = await (await hub.as(PERSONAS.privacyOfficer)).gql(query, { input: { dryRun: true } }, withKey('report-then-demoted'));
    expect({ replayed: replayed(retry), data: retry.body.data, codes: codes(retry) }).toEqual({ replayed: 'true', data: { runRetention: null }, codes: ['FORBIDDEN'] });
  });

  it('keeps once-only answers once only: a retried createApiKey learns it was carried out (CONFLICT), without the secret, and no second key exists', async () => {
    const vigilanciaAdmin = await hub.as(PERSONAS.distributors.vigilancia.admin);
    const query = `mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret apiKey { id name } } }`;
    const variables = { input: { organizationId: ids.org('vigilancia'), name: 'replay-once', scopes: ['licenses:read'] } };
    const first = await vigilanciaAdmin.gql(query, variables, withKey('api-key-once'));
    expect(first.body.errors).toBeUndefined();
    const secret: string = first.body.data.createApiKey.secret;
    expect(secret).toMatch(/^mbxk_/);
    const keys = await rowCount(hub.dataSource, 'api_key');

    const retry = await vigilanciaAdmin.gql(query, variables, withKey('api-key-once'));
    expect(replayed(retry)).toBe('true');
    expect(retry.body.data).toBeUndefined();
    expect(retry.body.errors).toEqual([
      { message: 'Idempotency-Key: this request was already carried out; its answer is given only once', extensions: { code: 'CONFLICT', field: 'Idempotency-Key' } },
    ]);
    expect(JSON.stringify(retry.body)).not.toContain(secret);
    expect(await rowCount(hub.dataSource, 'api_key')).toBe(keys);
  });

  // Last: it ends vigilancia's transfer basis for the rest of this file.
  it("the issue's case: a distributor's replay after its contract was terminated returns none of its customer's personal data (TRANSFER_BASIS_REQUIRED), does not act twice, and audits the denials", async () => {
    const licenseIds = await registerFresh(hub, { distributor: 'vigilancia', count: 4 });
    const variables = { input: { licenseIds, customerId: ids.org(C1) } };
    const first = await vigilancia.gql(ALLOCATE_SHOWING_PEOPLE, variables, withKey('gate-open-then-closed'));
    expect(first.body.errors).toBeUndefined();
    const people = first.body.data.allocateLicense.licenses.flatMap((l: { customer: { users: { nodes: { name: string; email: string }[] } } }) => l.customer.users.nodes);
    const personalValues: string[] = people.flatMap((p: { name: string; email: string }) => [p.name, p.email]);
    expect(personalValues).toHaveLength(16);
    expect(personalValues.every((v) => typeof v === 'string' && v.length > 0)).toBe(true);

    // The vendor ends vigilancia's SCC: its gate is closed from the next request on.
    const terminated = await admin.gql(`mutation($input: TerminateContractInput!) { terminateContract(input: $input) { contract { status inForce } } }`, {
      input: { contractId: toGlobalId('Contract', contractId('vigilancia')), terminatedAt: new Date(hub.now.getTime() - 60_000).toISOString() },
    });
    expect(terminated.body.errors).toBeUndefined();
    expect(terminated.body.data.terminateContract.contract).toEqual({ status: 'TERMINATED', inForce: false });

    const retry = await vigilancia.gql(ALLOCATE_SHOWING_PEOPLE, variables, withKey('gate-open-then-closed'));
    expect({ status: retry.status, replayed: replayed(retry) }).toEqual({ status: 200, replayed: 'true' });
    // Not acted twice: the licenses are there, allocated once (a second allocation would be CONFLICT).
    const licenses = retry.body.data.allocateLicense.licenses;
    expect(licenses.map((l: { id: string; status: string }) => [l.id, l.status])).toEqual(licenseIds.map((id) => [id, 'ALLOCATED']));
    for (const id of licenseIds) expect(await auditOf(admin, id, 'license.allocated')).toHaveLength(1);
    // No personal value: null where each was, with TRANSFER_BASIS_REQUIRED.
    const body = JSON.stringify(retry.body);
    for (const value of personalValues) expect(body).not.toContain(value);
    const nodes = licenses.flatMap((l: { customer: { users: { nodes: unknown[] } } }) => l.customer.users.nodes);
    expect(nodes).toHaveLength(8);
    for (const node of nodes) expect(node).toEqual({ id: expect.any(String), name: null, email: null });
    expect(codes(retry)).toEqual(Array(16).fill('TRANSFER_BASIS_REQUIRED'));
    expect(new Set(retry.body.errors!.map((e) => e.path!.at(-1)))).toEqual(new Set(['name', 'email']));

    // The audit holds the first request's reads and the replay's denials, each under its request.
    const subjects = ([...new Set(people.map((p: { id: string }) => p.id))] as string[]).sort((a, b) => (a < b ? -1 : 1));
    expect(subjects).toHaveLength(2);
    const byRequest = async (r: GraphQLResponse) => (await auditOfRequest(requestIdOf(r))).filter((e) => e.action.startsWith('personal_data.')).sort((a, b) => (a.subject < b.subject ? -1 : 1));
    const fields = 'PortalUser.email,PortalUser.name';
    expect(await byRequest(first)).toEqual(subjects.map((subject) => ({ action: 'personal_data.read', subject, fields, outcome: 'ALLOWED' })));
    expect(await byRequest(retry)).toEqual(subjects.map((subject) => ({ action: 'personal_data.denied', subject, fields, outcome: 'DENIED' })));
  });
});
