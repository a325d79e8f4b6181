import { ChildProcess, spawn } from 'node:child_process';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import path from 'node:path';
import { Webhook } from 'standardwebhooks';
import { orgId } from '../../seeds/personas';
import { SecretBox } from '../../src/common/secret-box';
import { createEndpointRow } from '../../src/modules/webhook/deliver';
import { DeliveryStatus, WebhookDelivery } from '../../src/modules/webhook/webhook.entity';
import { ON_MYSQL } from '../helpers/database';
import { TestHub } from '../helpers/hub';
import { registerFresh } from '../helpers/licenses';

const WORKER = path.resolve(__dirname, '..', '..', 'scripts', 'worker.js');

/**
 * Issue #14: `npm run worker` is the hub's delivery loop as a process of its own. Beside a hub
 * that does not deliver (as in tests, or a hub started with WEBHOOK_DELIVERY_INTERVAL_MS=0), the
 * worker on the same database delivers an API write's event, signed, records it as delivered,
 * and on SIGTERM finishes its round and exits 0.
 */
jest.setTimeout(120_000);

describe(`npm run worker (${ON_MYSQL ? 'MariaDB' : 'embedded database'})`, () => {
  let hub: TestHub;
  let receiver: http.Server;
  let worker: ChildProcess | undefined;
  const received: { headers: Record<string, string>; body: string }[] = [];

  beforeAll(async () => {
    receiver = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        received.push({ headers: req.headers as Record<string, string>, body });
        res.writeHead(204);
        res.end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    hub = await TestHub.start('webhook_worker');
  });
  afterAll(async () => {
    if (worker && worker.exitCode === null) worker.kill('SIGKILL');
    await hub?.close();
    receiver?.closeAllConnections();
    await new Promise<void>((r) => receiver?.close(() => r()));
  });

  it('delivers an event of an API write, signed, and exits 0 on SIGTERM', async () => {
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/rhein`;
    const deps = { dataSource: hub.dataSource, config: hub.config, secrets: new SecretBox(hub.config.secretsKey) };
    const { endpoint, secret } = await createEndpointRow(deps, { organizationId: orgId('rhein'), url, eventTypes: ['license.registered'] }, hub.now);
    await registerFresh(hub, { distributor: 'rhein' });
    // The hub itself does not deliver (no loop asked): nothing arrives until the worker runs.
    await new Promise((r) => setTimeout(r, 300));
    expect(received).toEqual([]);

    const env = { ...hub.env, WEBHOOK_DELIVERY_INTERVAL_MS: '100', WEBHOOK_ALLOW_LOOPBACK: 'true', LOG_LEVEL: 'silent' };
    const child = spawn(process.execPath, [WORKER], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    worker = child;
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const end = Date.now() + 20_000;
    while (!received.length && Date.now() < end && child.exitCode === null) await new Promise((r) => setTimeout(r, 50));
    expect({ received: received.length, stderr }).toEqual({ received: 1, stderr: '' });

    const [x] = received;
    const event = new Webhook(secret).verify(x.body, {
      'webhook-id': x.headers['webhook-id'],
      'webhook-timestamp': x.headers['webhook-timestamp'],
      'webhook-signature': x.headers['webhook-signature'],
    });
    expect(event).toEqual(expect.objectContaining({ type: 'license.registered' }));
    const waitRecorded = Date.now() + 10_000;
    let delivery = await hub.dataSource.getRepository(WebhookDelivery).findOneByOrFail({ endpointId: endpoint.id });
    while (delivery.status !== DeliveryStatus.DELIVERED && Date.now() < waitRecorded) {
      await new Promise((r) => setTimeout(r, 50));
      delivery = await hub.dataSource.getRepository(WebhookDelivery).findOneByOrFail({ endpointId: endpoint.id });
    }
    expect(delivery).toEqual(expect.objectContaining({ status: DeliveryStatus.DELIVERED, attempt: 1, responseStatus: 204 }));

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(received.length).toBe(1);
  });
});
