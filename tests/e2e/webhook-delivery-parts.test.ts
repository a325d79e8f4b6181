import http from 'node:http';
import { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { orgId, PERSONAS } from '../../seeds/personas';
import { newId } from '../../src/common/ids';
import { SecretBox } from '../../src/common/secret-box';
import { HubEvent } from '../../src/modules/event/event.entity';
import { addressAllowed } from '../../src/modules/webhook/address-guard';
import { buildEventPayload, PayloadDeps } from '../../src/modules/webhook/payload';
import { RETRY_DELAYS_MS, retryDelayMs } from '../../src/modules/webhook/retry';
import { sendSigned, SendOptions } from '../../src/modules/webhook/send';
import { ON_MYSQL } from '../helpers/database';
import { TestHub } from '../helpers/hub';
import { ALLOCATE, ids, registerFresh } from '../helpers/licenses';
import { uid } from '../helpers/management';
import { personalValuesFor } from '../helpers/personal-values';
import { describeHits, findValues } from '../helpers/side-channel-scan';

/**
 * Issue #14, the parts of a webhook delivery: the payload built for the endpoint's owner at the
 * delivery's instant through the read policy (a gated distributor's carries no personal value,
 * with the reasons a read gets), signed by the standardwebhooks library and verified by it on
 * a real HTTP receiver, and the refusals of an address a webhook may not reach.
 */
describe(`webhook delivery parts (${ON_MYSQL ? 'MariaDB' : 'embedded database'})`, () => {
  let hub: TestHub;
  let deps: PayloadDeps;
  let allocated: HubEvent;

  beforeAll(async () => {
    hub = await TestHub.start('webhook_parts');
    deps = { dataSource: hub.dataSource, config: hub.config, secrets: new SecretBox(hub.config.secretsKey) };
    const vendor = await hub.as(PERSONAS.vendorAdmin);
    const [licenseId] = await registerFresh(hub, { distributor: 'mumbai' });
    await vendor.data(ALLOCATE, { input: { licenseIds: [licenseId], customerId: ids.org('mumbai-c1'), licenseeId: uid('admin@mumbai-c1.example') } });
    allocated = await hub.dataSource.getRepository(HubEvent).findOneByOrFail({ type: 'license.allocated' as never });
  });
  afterAll(() => hub?.close());

  describe('the payload, as a read by the endpoint owner at the delivery instant', () => {
    it("a gated distributor's license.allocated: the license and its customer, no personal value, the reasons of a read", async () => {
      const endpointId = newId();
      const { body, personal } = await buildEventPayload(deps, { endpointId, organizationId: orgId('mumbai') }, allocated, hub.now);
      const values = (await personalValuesFor(hub.dataSource, orgId('mumbai'))).values;
      expect(describeHits(findValues('mumbai payload', body, {}, values))).toBe(describeHits([]));
      const payload = JSON.parse(body);
      expect(payload.type).toBe('license.allocated');
      expect(payload.data.eventId).toBe(allocated.id);
      expect(payload.data.node.customer.id).toBe(ids.org('mumbai-c1'));
      expect(payload.data.node.licensee).toBeNull();
      const reasons = payload.errors.map((e: { path: (string | number)[]; extensions: { code: string } }) => [e.path.join('.'), e.extensions.code]);
      expect(reasons).toContainEqual(['node.licensee', 'TRANSFER_BASIS_REQUIRED']);
      expect(personal).toBe(false);
    });

    it('the vendor (the control) gets the values, and the delivery is recorded as a read of personal data', async () => {
      const endpointId = newId();
      const { body, personal } = await buildEventPayload(deps, { endpointId, organizationId: orgId('mobotix') }, allocated, hub.now);
      const values = (await personalValuesFor(hub.dataSource, orgId('mumbai'))).values;
      expect(findValues('vendor payload', body, {}, values).map((h) => h.category)).toContain('licensee');
      expect(personal).toBe(true);
      const reads: { action: string }[] = await hub.dataSource.query('SELECT action FROM `audit_event` WHERE actorId = ?', [endpointId]);
      expect(reads.map((r) => r.action)).toContain('personal_data.read');
    });

    it('the gate is decided at the delivery instant: while its contract was in force, the same endpoint gets the licensee', async () => {
      const { body } = await buildEventPayload(deps, { endpointId: newId(), organizationId: orgId('mumbai') }, allocated, new Date('2025-06-01T00:00:00.000Z'));
      const payload = JSON.parse(body);
      expect(payload.data.node.licensee).toEqual(expect.objectContaining({ id: uid('admin@mumbai-c1.example') }));
      expect(payload.errors ?? []).not.toContainEqual(expect.objectContaining({ path: ['node', 'licensee'] }));
    });
  });

  describe('signed delivery to a real receiver', () => {
    const secret = 'whsec_' + Buffer.from('a test secret of 32 bytes, fixed').toString('base64');
    const options: SendOptions = { httpsOnly: false, allowLoopback: true, timeoutMs: 1500, maxResponseBytes: 1024 };
    let receiver: http.Server;
    let url: string;
    const received: { headers: http.IncomingHttpHeaders; body: string; path: string }[] = [];
    let answer: { status: number; headers?: Record<string, string>; body?: string; hang?: boolean } = { status: 204 };

    beforeAll(async () => {
      receiver = http.createServer((req, res) => {
        let body = '';
        req.on('data', (c: Buffer) => (body += c.toString('utf8')));
        req.on('end', () => {
          received.push({ headers: req.headers, body, path: req.url ?? '' });
          if (answer.hang) return;
          res.writeHead(answer.status, answer.headers ?? {});
          res.end(answer.body ?? '');
        });
      });
      await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
      url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    });
    afterAll(() => {
      receiver.closeAllConnections();
      return new Promise<void>((r) => receiver.close(() => r()));
    });

    it('the receiver verifies the signature with the library; a tampered body fails verification', async () => {
      answer = { status: 204 };
      const { body } = await buildEventPayload(deps, { endpointId: newId(), organizationId: orgId('mumbai') }, allocated, hub.now);
      const outcome = await sendSigned(url, secret, allocated.id, hub.now, body, options);
      expect(outcome).toEqual(expect.objectContaining({ ok: true, status: 204, error: null }));
      const got = received.at(-1)!;
      expect(got.headers['webhook-id']).toBe(allocated.id);
      const headers = { 'webhook-id': String(got.headers['webhook-id']), 'webhook-timestamp': String(got.headers['webhook-timestamp']), 'webhook-signature': String(got.headers['webhook-signature']) };
      // The library refuses a timestamp far from its own clock: verify at the instant it was signed.
      jest.useFakeTimers({ now: hub.now, doNotFake: ['nextTick', 'setImmediate', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] });
      try {
        expect(new Webhook(secret).verify(got.body, headers)).toEqual(JSON.parse(body));
        expect(() => new Webhook(secret).verify(got.body.replace('license.allocated', 'license.revoked'), headers)).toThrow();
        expect(() => new Webhook('whsec_' + Buffer.from('another secret of 32 bytes here!').toString('base64')).verify(got.body, headers)).toThrow();
      } finally {
        jest.useRealTimers();
      }
    });

    it('a failing receiver is a failed attempt with its status; a redirect is not followed', async () => {
      answer = { status: 500, body: 'x'.repeat(100_000) };
      expect(await sendSigned(url, secret, allocated.id, hub.now, '{}', options)).toEqual(expect.objectContaining({ ok: false, status: 500, error: 'HTTP 500' }));
      const before = received.length;
      answer = { status: 302, headers: { location: `${url}/elsewhere` } };
      expect(await sendSigned(url, secret, allocated.id, hub.now, '{}', options)).toEqual(expect.objectContaining({ ok: false, status: 302, error: 'redirect not followed' }));
      expect(received.slice(before).map((r) => r.path)).toEqual(['/hook']);
      answer = { status: 200 };
      expect(await sendSigned(url, secret, allocated.id, hub.now, '{}', options)).toEqual(expect.objectContaining({ ok: true, status: 200 }));
    });

    it('a receiver that does not answer: the attempt ends at its time limit', async () => {
      answer = { status: 200, hang: true };
      const outcome = await sendSigned(url, secret, allocated.id, hub.now, '{}', { ...options, timeoutMs: 300 });
      expect(outcome).toEqual(expect.objectContaining({ ok: false, status: null, error: 'no answer within 300 ms' }));
      expect(outcome.durationMs).toBeLessThan(1500);
    });

    it('refusals: loopback without the explicit setting, http:// where https is required, credentials, a name that resolves to loopback; nothing is sent', async () => {
      answer = { status: 200 };
      const before = received.length;
      const strict = { ...options, allowLoopback: false };
      expect((await sendSigned(url, secret, 'x', hub.now, '{}', strict)).error).toMatch(/^refused: the URL resolves to a loopback/);
      expect((await sendSigned(url.replace('127.0.0.1', 'localhost'), secret, 'x', hub.now, '{}', strict)).error).toMatch(/^refused/);
      expect((await sendSigned(url, secret, 'x', hub.now, '{}', { ...options, httpsOnly: true })).error).toBe('refused: the URL must be https://');
      expect((await sendSigned(url.replace('http://', 'http://u:p@'), secret, 'x', hub.now, '{}', options)).error).toBe('refused: the URL must not hold credentials');
      expect((await sendSigned('https://169.254.169.254/latest/meta-data', secret, 'x', hub.now, '{}', { ...options, httpsOnly: true })).error).toMatch(/^refused/);
      expect((await sendSigned('ftp://example.com/', secret, 'x', hub.now, '{}', options)).error).toMatch(/^refused/);
      expect(received.length).toBe(before);
    });
  });

  it('address rules: private, loopback, link-local, metadata, mapped and reserved addresses refused; public ones allowed', () => {
    const refused = [
      '10.1.2.3',
      '172.16.0.1',
      '172.31.255.255',
      '192.168.1.1',
      '127.0.0.1',
      '127.9.9.9',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
      '224.0.0.1',
      '255.255.255.255',
      '::1',
      '::',
      'fe80::1',
      'fd00::1',
      'fc00::1',
      '::ffff:127.0.0.1',
      '::ffff:10.0.0.1',
      '::ffff:7f00:1',
      'ff02::1',
    ];
    const allowed = ['93.184.216.34', '8.8.8.8', '172.32.0.1', '2606:4700:4700::1111', '2a00:1450:4001:82a::200e'];
    expect(refused.filter((a) => addressAllowed(a, { allowLoopback: false }))).toEqual([]);
    expect(allowed.filter((a) => !addressAllowed(a, { allowLoopback: false }))).toEqual([]);
    expect(addressAllowed('127.0.0.1', { allowLoopback: true })).toBe(true);
    expect(addressAllowed('10.0.0.1', { allowLoopback: true })).toBe(false);
  });

  it('retries: exponential, jittered ±20%, about a day from first to last, then none', () => {
    expect([1, 2, 3, 4, 5, 6, 7].map((a) => retryDelayMs(a, 0.5))).toEqual([...RETRY_DELAYS_MS]);
    expect(retryDelayMs(1, 0)).toBe(4_000);
    expect(retryDelayMs(1, 0.999999)).toBeLessThanOrEqual(6_000);
    expect(retryDelayMs(8, 0.5)).toBeNull();
    const total = RETRY_DELAYS_MS.reduce((a, b) => a + b, 0);
    expect(total / 3_600_000).toBeGreaterThan(24);
    expect(total / 3_600_000).toBeLessThan(30);
  });
});
