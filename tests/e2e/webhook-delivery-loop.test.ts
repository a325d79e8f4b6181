import http from 'node:http';
import { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { orgId, PERSONAS } from '../../seeds/personas';
import { EventType } from '../../src/modules/event/event-type';
import { ON_MYSQL } from '../helpers/database';
import { TestHub } from '../helpers/hub';
import { ALLOCATE, ids, registerFresh } from '../helpers/licenses';
import { uid } from '../helpers/management';
import { wellFormedGlobalId } from '../helpers/relay';
import { personalValuesFor } from '../helpers/personal-values';
import { describeHits, findValues } from '../helpers/side-channel-scan';

/**
 * Issue #14: the hub delivers by itself. A hub started with its delivery loop (every 100 ms here)
 * sends the events of writes made through the API to a real receiver, signed so that
 * `standardwebhooks` verifies them, without any test calling a delivery function; a gated
 * distributor's (mumbai) endpoint receives no personal value of its customers; /metrics counts
 * the deliveries by outcome and shows the age of the oldest undelivered event; closing the hub
 * stops the loop.
 */
jest.setTimeout(120_000);

interface Received {
  path: string;
  headers: Record<string, string>;
  body: string;
}

describe(`the hub's webhook delivery loop (${ON_MYSQL ? 'MariaDB' : 'embedded database'})`, () => {
  let hub: TestHub;
  let receiver: http.Server;
  let base: string;
  const received: Received[] = [];
  const secrets = new Map<string, string>();
  const byPath = (p: string) => received.filter((x) => x.path === p);

  const ENUM_NAME = new Map<string, string>(Object.entries(EventType).map(([name, value]) => [value, name]));

  /** An endpoint made through the API by the organization's admin; its secret from that payload. */
  async function endpoint(slug: string, eventTypes: string[], path: string): Promise<string> {
    const admin = await hub.as(`admin@${slug}.example`);
    const made = await admin.data(`mutation($input: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $input) { secret endpoint { id } } }`, {
      input: { organizationId: wellFormedGlobalId('Organization', orgId(slug)), url: `${base}${path}`, eventTypes: eventTypes.map((t) => ENUM_NAME.get(t)) },
    });
    secrets.set(path, made.createWebhookEndpoint.secret);
    return made.createWebhookEndpoint.endpoint.id;
  }

  interface LogEntry {
    status: string;
    attempt: number;
    responseCode: number | null;
  }
  /** The delivery log of an endpoint, read through the API as VENDOR_ADMIN. */
  async function deliveriesOf(id: string): Promise<LogEntry[]> {
    const vendor = await hub.as(PERSONAS.vendorAdmin);
    const got = await vendor.data(`query($id: ID!) { node(id: $id) { ... on WebhookEndpoint { deliveries(first: 20) { nodes { status attempt responseCode } } } } }`, { id });
    return got.node.deliveries.nodes;
  }

  async function until<T>(what: string, probe: () => Promise<T | null> | T | null, ms = 15_000): Promise<T> {
    const end = Date.now() + ms;
    for (;;) {
      const got = await probe();
      if (got) return got;
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Verifies with the library at the instant the hub signed (its clock is the test's). */
  function verify(r: Received, secret: string): unknown {
    jest.useFakeTimers({ now: new Date(Number(r.headers['webhook-timestamp']) * 1000), doNotFake: ['nextTick', 'setImmediate', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] });
    try {
      return new Webhook(secret).verify(r.body, { 'webhook-id': r.headers['webhook-id'], 'webhook-timestamp': r.headers['webhook-timestamp'], 'webhook-signature': r.headers['webhook-signature'] });
    } finally {
      jest.useRealTimers();
    }
  }

  async function metric(name: string): Promise<number> {
    const text = await (await fetch(`${hub.url}/metrics`)).text();
    const line = text.split('\n').find((l) => l.startsWith(name + ' ') || l.startsWith(name + '{'));
    return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : 0;
  }

  beforeAll(async () => {
    receiver = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        const path = req.url ?? '';
        received.push({ path, headers: req.headers as Record<string, string>, body });
        res.writeHead(path === '/down' ? 503 : 204);
        res.end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
    hub = await TestHub.start('webhook_loop', { WEBHOOK_DELIVERY_INTERVAL_MS: '100', WEBHOOK_ALLOW_LOOPBACK: 'true', WEBHOOK_TIMEOUT_MS: '2000' }, { deliverWebhooks: true });
  });
  afterAll(async () => {
    await hub?.close();
    receiver?.closeAllConnections();
    await new Promise<void>((r) => receiver?.close(() => r()));
  });

  it('delivers the events of API writes by itself, signed; mumbai gets no personal value; /metrics counts them', async () => {
    const toMumbai = await endpoint('mumbai', ['license.registered', 'license.allocated'], '/mumbai');
    const toRhein = await endpoint('rhein', ['license.allocated'], '/rhein');
    const vendor = await hub.as(PERSONAS.vendorAdmin);
    const [m] = await registerFresh(hub, { distributor: 'mumbai' });
    await vendor.data(ALLOCATE, { input: { licenseIds: [m], customerId: ids.org('mumbai-c1'), licenseeId: uid('admin@mumbai-c1.example') } });
    const [r] = await registerFresh(hub, { distributor: 'rhein' });
    await vendor.data(ALLOCATE, { input: { licenseIds: [r], customerId: ids.org('rhein-c1'), licenseeId: uid('admin@rhein-c1.example') } });

    await until('the three deliveries', () => (byPath('/mumbai').length >= 2 && byPath('/rhein').length >= 1 ? true : null));
    expect(byPath('/mumbai').map((x) => JSON.parse(x.body).type)).toEqual(['license.registered', 'license.allocated']);
    expect(byPath('/rhein').map((x) => JSON.parse(x.body).type)).toEqual(['license.allocated']);
    for (const x of received) {
      expect(verify(x, secrets.get(x.path)!)).toEqual(JSON.parse(x.body));
      expect(x.headers['webhook-id']).toBe(JSON.parse(x.body).data.eventId);
    }
    const mumbaiValues = (await personalValuesFor(hub.dataSource, orgId('mumbai'))).values;
    expect(mumbaiValues.length).toBeGreaterThan(0);
    for (const x of byPath('/mumbai')) expect(describeHits(findValues('mumbai webhook', x.body, x.headers, mumbaiValues))).toBe(describeHits([]));
    expect(JSON.parse(byPath('/mumbai')[1].body).data.node.licensee).toBeNull();
    expect(JSON.parse(byPath('/rhein')[0].body).data.node.licensee).not.toBeNull();

    // The delivery log holds them as delivered (once each), and /metrics counts them.
    const delivered = async () => [...(await deliveriesOf(toMumbai)), ...(await deliveriesOf(toRhein))].filter((d) => d.status === 'DELIVERED').length;
    await until('the outcomes recorded', async () => ((await delivered()) === 3 ? true : null));
    expect(await deliveriesOf(toMumbai)).toEqual([
      { status: 'DELIVERED', attempt: 1, responseCode: 204 },
      { status: 'DELIVERED', attempt: 1, responseCode: 204 },
    ]);
    expect(await metric('hub_webhook_deliveries_total{outcome="delivered"}')).toBe(3);
    expect(await metric('hub_webhook_oldest_undelivered_seconds')).toBe(0);
  });

  it('a receiver that fails: counted as retry, and /metrics shows the age of the oldest undelivered event', async () => {
    const id = await endpoint('rhein', ['license.registered'], '/down');
    await registerFresh(hub, { distributor: 'rhein' });
    await until('the failed attempt', async () => ((await deliveriesOf(id))[0]?.attempt === 1 ? true : null));
    await until('the outcome counted', async () => ((await metric('hub_webhook_deliveries_total{outcome="retry"}')) === 1 ? true : null));
    expect(await deliveriesOf(id)).toEqual([{ status: 'PENDING', attempt: 1, responseCode: 503 }]);
    // The hub's clock moves on by a minute (the next attempt is due after about 5 s: the delivery is tried again).
    hub.now = new Date(hub.now.getTime() + 60_000);
    expect(await metric('hub_webhook_oldest_undelivered_seconds')).toBe(60);
    await until('the second attempt', async () => ((await deliveriesOf(id))[0]?.attempt === 2 ? true : null));
    // The attempt is recorded when the delivery is taken, before its request reaches the receiver.
    await until('the second request received', async () => (byPath('/down').length === 2 ? true : null));
    expect(byPath('/down').length).toBe(2);
  });
});
