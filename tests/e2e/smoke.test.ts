import { PERSONAS } from '../../seeds/personas';
import { TestHub } from '../helpers/hub';

describe('the hub on the seed world', () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await TestHub.start('smoke');
  });
  afterAll(() => hub?.close());

  it('lists all 35 organizations to the vendor admin, sorted by name', async () => {
    const admin = await hub.as(PERSONAS.vendorAdmin);
    const data = await admin.data(`{ organizations(first: 100) { totalCount nodes { name } } }`);
    expect(data.organizations.totalCount).toBe(35);
    const names = data.organizations.nodes.map((o: { name: string }) => o.name);
    expect(names).toHaveLength(35);
    expect(names).toContain('MOBOTIX AG');
    expect(names).toContain('Harbor Logistics BV');
  });

  it('answers /health and /ready, with a request id on every response', async () => {
    const health = await fetch(`${hub.url}/health`);
    expect(health.status).toBe(200);
    expect(health.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const ready = await fetch(`${hub.url}/ready`, { headers: { 'x-request-id': 'trace-123' } });
    expect(await ready.json()).toEqual({ status: 'ready' });
    // The hub's own id, not the client's (which only the audit and the log keep, beside it).
    expect(ready.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});
