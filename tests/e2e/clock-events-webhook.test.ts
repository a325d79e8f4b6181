import http from 'node:http';
import { AddressInfo } from 'node:net';
import { orgId, PERSONAS } from '../../seeds/personas';
import { SecretBox } from '../../src/common/secret-box';
import { createEndpointRow } from '../../src/modules/webhook/deliver';
import { ON_MYSQL } from '../helpers/database';
import { TestHub } from '../helpers/hub';
import { ALLOCATE, ids, registerFresh } from '../helpers/licenses';
import { uid } from '../helpers/management';
import { personalValuesFor } from '../helpers/personal-values';
import { describeHits, findValues } from '../helpers/side-channel-scan';

/**
 * Issue #14: the clock scheduler runs in the hub's delivery loop. Without any test calling it,
 * license.expiring and then, when the clock passes validUntil, license.expired of a license of
 * mumbai (gated) reach mumbai's endpoint once each, with no personal value of its customers.
 */
jest.setTimeout(120_000);

describe(`clock-driven events by webhook (${ON_MYSQL ? 'MariaDB' : 'embedded database'})`, () => {
  let hub: TestHub;
  let receiver: http.Server;
  let base: string;
  const received: { body: string; headers: Record<string, string> }[] = [];

  async function until<T>(what: string, probe: () => Promise<T | null> | T | null, ms = 15_000): Promise<T> {
    const end = Date.now() + ms;
    for (;;) {
      const got = await probe();
      if (got) return got;
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  beforeAll(async () => {
    receiver = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        received.push({ body, headers: req.headers as Record<string, string> });
        res.writeHead(204);
        res.end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
    hub = await TestHub.start('clock_webhook', { WEBHOOK_DELIVERY_INTERVAL_MS: '100', WEBHOOK_ALLOW_LOOPBACK: 'true', WEBHOOK_TIMEOUT_MS: '2000' }, { deliverWebhooks: true });
  });
  afterAll(async () => {
    await hub?.close();
    receiver?.closeAllConnections();
    await new Promise<void>((r) => receiver?.close(() => r()));
  });

  it("mumbai's endpoint receives license.expiring, then license.expired once each, without a personal value", async () => {
    const deps = { dataSource: hub.dataSource, config: hub.config, secrets: new SecretBox(hub.config.secretsKey) };
    await createEndpointRow(deps, { organizationId: orgId('mumbai'), url: `${base}/mumbai`, eventTypes: ['license.expiring', 'license.expired'] }, hub.now);
    const vendor = await hub.as(PERSONAS.vendorAdmin);
    const [m] = await registerFresh(hub, { distributor: 'mumbai', validUntil: '2026-12-10T00:00:00.000Z' });
    await vendor.data(ALLOCATE, { input: { licenseIds: [m], customerId: ids.org('mumbai-c1'), licenseeId: uid('admin@mumbai-c1.example') } });
    const mine = () => received.map((x) => JSON.parse(x.body)).filter((b) => b.data.node?.id === m);

    await until('license.expiring', () => (mine().length >= 1 ? true : null));
    hub.now = new Date('2026-12-10T00:00:00.000Z');
    await until('license.expired', () => (mine().length >= 2 ? true : null));
    // Several more rounds: nothing is published twice.
    await new Promise((r) => setTimeout(r, 600));
    expect(mine().map((b) => b.type)).toEqual(['license.expiring', 'license.expired']);
    const values = (await personalValuesFor(hub.dataSource, orgId('mumbai'))).values;
    for (const x of received) expect(describeHits(findValues('mumbai webhook', x.body, x.headers, values))).toBe(describeHits([]));
    expect(mine()[1].data.node.licensee).toBeNull();
  });
});
