import http from 'node:http';
import { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { orgId, PERSONAS } from '../../seeds/personas';
import { SecretBox } from '../../src/common/secret-box';
import { createEndpointRow, deliverDue, DeliveryDeps, newWebhookSecret } from '../../src/modules/webhook/deliver';
import { DeliveryStatus, WebhookDelivery, WebhookEndpoint } from '../../src/modules/webhook/webhook.entity';
import { ON_MYSQL } from '../helpers/database';
import { TestHub } from '../helpers/hub';
import { ALLOCATE, ids, registerFresh } from '../helpers/licenses';
import { uid } from '../helpers/management';
import { personalValuesFor } from '../helpers/personal-values';
import { describeHits, findValues } from '../helpers/side-channel-scan';

/**
 * Issue #14: webhook deliveries from the outbox, on a real HTTP receiver. Each event reaches each
 * subscribed endpoint in its audience once (two workers at once included), signed so that the
 * library verifies it; a failing receiver is tried again on the schedule and receives the event
 * once it recovers; a delivery whose worker died is tried again when its lease ends; an endpoint
 * failing for a day is disabled with its reason; a gated distributor's endpoint receives no
 * personal value of its customers.
 */
jest.setTimeout(120_000);

interface Received {
  path: string;
  headers: Record<string, string>;
  body: string;
}

describe(`webhook deliveries (${ON_MYSQL ? 'MariaDB' : 'embedded database'})`, () => {
  let hub: TestHub;
  let deps: DeliveryDeps;
  let receiver: http.Server;
  let base: string;
  const received: Received[] = [];
  const failing = new Set<string>();
  const secrets = new Map<string, string>();

  async function endpoint(slug: string, eventTypes: string[], path = `/${slug}`): Promise<string> {
    const { endpoint: e, secret } = await createEndpointRow(deps, { organizationId: orgId(slug), url: `${base}${path}`, eventTypes }, hub.now);
    secrets.set(path, secret);
    return e.id;
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

  beforeAll(async () => {
    hub = await TestHub.start('webhook_delivery');
    receiver = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        const path = req.url ?? '';
        received.push({ path, headers: req.headers as Record<string, string>, body });
        res.writeHead(failing.has(path) ? 503 : 204);
        res.end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
    deps = {
      dataSource: hub.dataSource,
      config: hub.config,
      secrets: new SecretBox(hub.config.secretsKey),
      send: { httpsOnly: false, allowLoopback: true, timeoutMs: 2000, maxResponseBytes: 1024 },
      leaseMs: 60_000,
    };
  });
  // Each test's endpoints stop receiving when it ends: the next test's events are its own.
  afterEach(async () => {
    await hub.dataSource.query('UPDATE `webhook_endpoint` SET disabledAt = ? WHERE disabledAt IS NULL', ['2026-11-27 12:00:00.000']);
  });
  afterAll(async () => {
    receiver?.closeAllConnections();
    await new Promise<void>((r) => receiver?.close(() => r()));
    await hub?.close();
  });

  it("delivers each event once to each endpoint in its audience, signed; mumbai's endpoint gets no personal value, rhein's (open gate) does", async () => {
    await endpoint('mumbai', ['license.registered', 'license.allocated']);
    await endpoint('rhein', ['license.allocated']);
    await endpoint('rhein-c1', ['license.allocated', 'license.registered'], '/rhein-c1');
    const vendor = await hub.as(PERSONAS.vendorAdmin);
    const [m] = await registerFresh(hub, { distributor: 'mumbai' });
    await vendor.data(ALLOCATE, { input: { licenseIds: [m], customerId: ids.org('mumbai-c1'), licenseeId: uid('admin@mumbai-c1.example') } });
    const [r] = await registerFresh(hub, { distributor: 'rhein' });
    await vendor.data(ALLOCATE, { input: { licenseIds: [r], customerId: ids.org('rhein-c1'), licenseeId: uid('admin@rhein-c1.example') } });

    const outcomes = await deliverDue(deps, hub.now);
    expect(outcomes.every((o) => o.ok)).toBe(true);
    const byPath = (p: string) => received.filter((x) => x.path === p);
    expect(byPath('/mumbai').map((x) => JSON.parse(x.body).type)).toEqual(['license.registered', 'license.allocated']);
    expect(byPath('/rhein').map((x) => JSON.parse(x.body).type)).toEqual(['license.allocated']);
    // The customer: only the allocation (the registration happened before it was in the audience).
    expect(byPath('/rhein-c1').map((x) => JSON.parse(x.body).type)).toEqual(['license.allocated']);
    for (const x of received) {
      expect(verify(x, secrets.get(x.path)!)).toEqual(JSON.parse(x.body));
      expect(x.headers['webhook-id']).toBe(JSON.parse(x.body).data.eventId);
    }
    const mumbaiValues = (await personalValuesFor(hub.dataSource, orgId('mumbai'))).values;
    for (const x of byPath('/mumbai')) expect(describeHits(findValues('mumbai webhook', x.body, x.headers, mumbaiValues))).toBe(describeHits([]));
    const allocation = JSON.parse(byPath('/mumbai')[1].body);
    expect(allocation.data.node.licensee).toBeNull();
    expect(allocation.errors).toContainEqual(expect.objectContaining({ path: ['node', 'licensee'], extensions: expect.objectContaining({ code: 'TRANSFER_BASIS_REQUIRED' }) }));
    const rheinValues = (await personalValuesFor(hub.dataSource, orgId('rhein'))).values;
    expect(findValues('rhein webhook', byPath('/rhein')[0].body, {}, rheinValues).map((h) => h.category)).toContain('licensee');
    // Nothing is due any more: a second round sends nothing.
    expect(await deliverDue(deps, hub.now)).toEqual([]);
  });

  it('a receiver that fails is tried again on the schedule and gets the event once it recovers', async () => {
    const id = await endpoint('rhein', ['license.registered'], '/flaky');
    failing.add('/flaky');
    await registerFresh(hub, { distributor: 'rhein' });
    expect(await deliverDue(deps, hub.now)).toEqual([expect.objectContaining({ ok: false })]);
    const [first] = await hub.dataSource.getRepository(WebhookDelivery).findBy({ endpointId: id });
    expect(first).toEqual(expect.objectContaining({ status: DeliveryStatus.PENDING, attempt: 1, responseStatus: 503, error: 'HTTP 503' }));
    const wait = first.nextAttemptAt!.getTime() - hub.now.getTime();
    expect(wait).toBeGreaterThanOrEqual(4000);
    expect(wait).toBeLessThanOrEqual(6000);
    expect(await deliverDue(deps, hub.now)).toEqual([]); // not due yet
    failing.delete('/flaky');
    const later = new Date(hub.now.getTime() + 6001);
    expect(await deliverDue(deps, later)).toEqual([expect.objectContaining({ ok: true })]);
    const [done] = await hub.dataSource.getRepository(WebhookDelivery).findBy({ endpointId: id });
    expect(done).toEqual(expect.objectContaining({ status: DeliveryStatus.DELIVERED, attempt: 2, responseStatus: 204 }));
    expect(received.filter((x) => x.path === '/flaky').length).toBe(2);
  });

  it('a delivery claimed by a worker that died is tried again when its lease ends', async () => {
    const id = await endpoint('rhein', ['license.registered'], '/lease');
    await registerFresh(hub, { distributor: 'rhein' });
    // What a worker that claimed the delivery and died left behind: a lease, one attempt counted.
    await hub.dataSource.getRepository(WebhookDelivery).update({ endpointId: id }, { lockedUntil: new Date(hub.now.getTime() + deps.leaseMs), attempt: 1 });
    expect(await deliverDue(deps, hub.now)).toEqual([]);
    expect(await deliverDue(deps, new Date(hub.now.getTime() + deps.leaseMs))).toEqual([expect.objectContaining({ ok: true })]);
    expect(received.filter((x) => x.path === '/lease').length).toBe(1);
  });

  it('two workers at once deliver each event once', async () => {
    await endpoint('rhein', ['license.registered'], '/pair');
    await registerFresh(hub, { distributor: 'rhein', count: 24 });
    const rounds = await Promise.all([deliverDue(deps, hub.now, 8), deliverDue(deps, hub.now, 8), deliverDue(deps, hub.now, 8), deliverDue(deps, hub.now, 8)]);
    const more = await deliverDue(deps, hub.now, 100);
    const ids = [...rounds.flat(), ...more].map((o) => o.id);
    expect(new Set(ids).size).toBe(ids.length);
    const got = received.filter((x) => x.path === '/pair').map((x) => x.headers['webhook-id']);
    expect(got.length).toBe(24);
    expect(new Set(got).size).toBe(24);
  });

  it('during a rotation both secrets sign; after the overlap only the new one', async () => {
    const id = await endpoint('rhein', ['license.registered'], '/rotated');
    const old = secrets.get('/rotated')!;
    const fresh = newWebhookSecret();
    await hub.dataSource
      .getRepository(WebhookEndpoint)
      .update({ id }, { sealedSecret: deps.secrets.seal(fresh), previousSealedSecret: deps.secrets.seal(old), previousSecretUntil: new Date(hub.now.getTime() + 3600_000) });
    await registerFresh(hub, { distributor: 'rhein' });
    await deliverDue(deps, hub.now);
    const during = received.filter((x) => x.path === '/rotated').at(-1)!;
    expect(verify(during, old)).toBeTruthy();
    expect(verify(during, fresh)).toBeTruthy();
    const after = new Date(hub.now.getTime() + 3600_000);
    const saved = hub.now;
    hub.now = after;
    try {
      await registerFresh(hub, { distributor: 'rhein' });
      await deliverDue(deps, after);
    } finally {
      hub.now = saved;
    }
    const late = received.filter((x) => x.path === '/rotated').at(-1)!;
    expect(verify(late, fresh)).toBeTruthy();
    expect(() => verify(late, old)).toThrow();
  });

  it('an endpoint failing for about a day is disabled with its reason, and receives no further deliveries', async () => {
    const id = await endpoint('rhein', ['license.registered'], '/dead');
    failing.add('/dead');
    await registerFresh(hub, { distributor: 'rhein' });
    let at = hub.now;
    for (let attempt = 1; attempt <= 8; attempt++) {
      const [d] = await hub.dataSource.getRepository(WebhookDelivery).findBy({ endpointId: id });
      at = d.nextAttemptAt ?? at;
      expect([attempt, await deliverDue(deps, at)]).toEqual([attempt, [expect.objectContaining({ ok: false })]]);
    }
    const [d] = await hub.dataSource.getRepository(WebhookDelivery).findBy({ endpointId: id });
    expect(d).toEqual(expect.objectContaining({ status: DeliveryStatus.FAILED, attempt: 8, nextAttemptAt: null }));
    expect((at.getTime() - hub.now.getTime()) / 3600_000).toBeGreaterThan(20);
    const e = await hub.dataSource.getRepository(WebhookEndpoint).findOneByOrFail({ id });
    expect(e.disabledAt).toEqual(at);
    expect(e.disabledReason).toMatch(/every attempt of a delivery failed .*HTTP 503/);
    await registerFresh(hub, { distributor: 'rhein' });
    expect(await hub.dataSource.getRepository(WebhookDelivery).countBy({ endpointId: id })).toBe(1);
  });
});
