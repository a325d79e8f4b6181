import { PERSONAS } from '../../seeds/personas';
import { ON_MYSQL } from '../helpers/database';
import { TestHub } from '../helpers/hub';

/**
 * MAX_CONCURRENT_OPERATIONS through the HTTP pipeline: operations beyond the limit wait their
 * turn and are answered when a slot frees; one that waits past the execution time limit gets
 * 503 TIMEOUT without running; /metrics shows the executing and waiting operations. The test
 * holds the only slot itself, as a long operation would.
 */
describe(`operations wait their turn (${ON_MYSQL ? 'MariaDB' : 'embedded database'})`, () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await TestHub.start('admission', { MAX_CONCURRENT_OPERATIONS: '1', EXECUTION_TIMEOUT_MS: '1500' });
  });
  afterAll(() => hub?.close());

  const held = () => hub.hub.admission.acquire(new AbortController().signal).then((release) => release!);

  it('a request beyond the limit waits until the slot is free, then gets its full answer', async () => {
    const client = await hub.as(PERSONAS.distributors.rhein.admin);
    const release = await held();
    let answered = false;
    const pending = client.gql(`{ customers(first: 3) { nodes { name users(first: 1) { nodes { email } } } } }`).then((r) => {
      answered = true;
      return r;
    });
    await new Promise((r) => setTimeout(r, 300));
    expect(answered).toBe(false);
    expect(hub.hub.admission.queued).toBe(1);
    const metrics = await (await fetch(`${hub.url}/metrics`)).text();
    expect(metrics).toMatch(/hub_graphql_operations\{state="waiting"\} 1/);
    expect(metrics).toMatch(/hub_graphql_operations\{state="executing"\} 1/);
    release();
    const r = await pending;
    expect(r.status).toBe(200);
    expect(r.body.errors).toBeUndefined();
    expect(r.body.data.customers.nodes).toHaveLength(3);
    expect(r.body.data.customers.nodes.every((c: { users: { nodes: { email: string }[] } }) => c.users.nodes[0].email.endsWith('.example'))).toBe(true);
    expect([hub.hub.admission.active, hub.hub.admission.queued]).toEqual([0, 0]);
  });

  it('a request that waits past the execution time limit is answered 503 TIMEOUT and never runs', async () => {
    const admin = await hub.as(PERSONAS.vendorAdmin);
    const release = await held();
    const started = Date.now();
    // A mutation: had it run, the organization would exist afterwards.
    const r = await admin.gql(`mutation { createOrganization(input: { kind: CUSTOMER, name: "Queued Too Long GmbH", country: "DE" }) { organization { id } } }`);
    release();
    expect(Date.now() - started).toBeGreaterThanOrEqual(1400);
    expect(r.status).toBe(503);
    expect(r.body.errors![0].extensions!.code).toBe('TIMEOUT');
    expect(r.body.errors![0].message).toMatch(/^the request took longer than 1500 ms and was stopped \(request [\w-]+\)$/);
    const after = await admin.data<{ organizations: { nodes: { name: string }[] } }>(`{ organizations(search: "Queued Too Long", first: 5) { nodes { name } } }`);
    expect(after.organizations.nodes).toEqual([]);
    expect([hub.hub.admission.active, hub.hub.admission.queued]).toEqual([0, 0]);
  });
});
