import { orgId } from '../../seeds/personas';
import { AuditEvent } from '../../src/modules/audit/audit-event.entity';
import { DeliveryStatus, WebhookDelivery, WebhookEndpoint } from '../../src/modules/webhook/webhook.entity';
import { createApiKey } from '../helpers/api-keys';
import { ON_MYSQL } from '../helpers/database';
import { Client, TestHub } from '../helpers/hub';
import { registerFresh } from '../helpers/licenses';
import { wellFormedGlobalId } from '../helpers/relay';

/**
 * Issue #14, the GraphQL API of webhook endpoints: create (the secret in that payload only),
 * list and read the delivery log, rotate, disable, redeliver; refusals: another organization's
 * admin, an API key, a bad URL naming input.url, and nothing written by any of them.
 */
jest.setTimeout(120_000);

const CREATE = `mutation($input: CreateWebhookEndpointInput!) {
  createWebhookEndpoint(input: $input) { secret endpoint { id url eventTypes description disabledAt organization { id } } }
}`;
const ROTATE = `mutation($input: RotateWebhookSecretInput!) { rotateWebhookSecret(input: $input) { secret endpoint { id previousSecretUntil } } }`;
const DISABLE = `mutation($input: WebhookEndpointIdInput!) { disableWebhookEndpoint(input: $input) { endpoint { id disabledAt disabledReason } } }`;
const ENABLE = `mutation($input: WebhookEndpointIdInput!) { enableWebhookEndpoint(input: $input) { endpoint { id disabledAt disabledReason } } }`;
const REDELIVER = `mutation($input: RedeliverWebhookInput!) { redeliverWebhook(input: $input) { delivery { id status attempt nextAttemptAt endpoint { id } } } }`;
const LIST = `query($id: ID!) {
  organization(id: $id) { webhookEndpoints(first: 10) { totalCount nodes { id url eventTypes deliveries(first: 10) { totalCount nodes { id status attempt responseCode durationMs nextAttemptAt } } } } }
}`;

describe(`the webhook endpoint API (${ON_MYSQL ? 'MariaDB' : 'embedded database'})`, () => {
  let hub: TestHub;
  let rheinAdmin: Client;
  const rhein = wellFormedGlobalId('Organization', orgId('rhein'));
  const count = () => hub.dataSource.getRepository(WebhookEndpoint).count();

  beforeAll(async () => {
    hub = await TestHub.start('webhook_api', { WEBHOOK_ALLOW_LOOPBACK: 'true' });
    rheinAdmin = await hub.as('admin@rhein.example');
  });
  afterAll(() => hub?.close());

  it('create: the secret once in the payload, never in a later read; the endpoint in Organization.webhookEndpoints', async () => {
    const made = await rheinAdmin.data(CREATE, { input: { organizationId: rhein, url: 'http://127.0.0.1:9/hub', eventTypes: ['LICENSE_REGISTERED'], description: 'ERP' } });
    const { secret, endpoint } = made.createWebhookEndpoint;
    expect(secret).toMatch(/^whsec_/);
    expect(endpoint).toEqual({ id: expect.any(String), url: 'http://127.0.0.1:9/hub', eventTypes: ['LICENSE_REGISTERED'], description: 'ERP', disabledAt: null, organization: { id: rhein } });
    const listed = await rheinAdmin.gql(LIST, { id: rhein });
    expect(listed.body.errors).toBeUndefined();
    expect(listed.body.data.organization.webhookEndpoints.nodes.map((e: { id: string }) => e.id)).toContain(endpoint.id);
    const node = await rheinAdmin.gql(`query($id: ID!) { node(id: $id) { ... on WebhookEndpoint { id url } } }`, { id: endpoint.id });
    expect(node.body.data.node).toEqual({ id: endpoint.id, url: 'http://127.0.0.1:9/hub' });
    expect(JSON.stringify(listed.body)).not.toContain(secret);
    expect(JSON.stringify(node.body)).not.toContain(secret);
    const audit = await hub.dataSource.getRepository(AuditEvent).find({ where: { action: 'webhook_endpoint.created' } });
    expect(JSON.stringify(audit)).not.toContain(secret);
  });

  it('with an Idempotency-Key, a retry of create learns it was carried out, without the secret again (and makes no second endpoint)', async () => {
    const input = { organizationId: rhein, url: 'http://127.0.0.1:9/once', eventTypes: ['LICENSE_ALLOCATED'] };
    const first = await rheinAdmin.gql(CREATE, { input }, { 'Idempotency-Key': 'webhook-once-1' });
    const secret = first.body.data.createWebhookEndpoint.secret as string;
    const before = await count();
    const retry = await rheinAdmin.gql(CREATE, { input }, { 'Idempotency-Key': 'webhook-once-1' });
    expect(retry.body.errors?.[0].extensions).toEqual(expect.objectContaining({ code: 'CONFLICT', field: 'Idempotency-Key' }));
    expect(JSON.stringify(retry.body)).not.toContain(secret);
    expect(await count()).toBe(before);
  });

  it('the delivery log through the API; redeliver a delivered one; rotate with overlap; disable and enable', async () => {
    const made = await rheinAdmin.data(CREATE, { input: { organizationId: rhein, url: 'http://127.0.0.1:9/log', eventTypes: ['LICENSE_REGISTERED'] } });
    const id = made.createWebhookEndpoint.endpoint.id as string;
    await registerFresh(hub, { distributor: 'rhein' });
    const deliveries = await rheinAdmin.data(`query($id: ID!) { node(id: $id) { ... on WebhookEndpoint { deliveries(first: 5) { nodes { id status attempt responseCode } } } } }`, { id });
    const [d] = deliveries.node.deliveries.nodes;
    expect(d).toEqual({ id: expect.any(String), status: 'PENDING', attempt: 0, responseCode: null });

    // Still pending: CONFLICT, nothing changed; once delivered (as the worker records it), sent again.
    const pending = await rheinAdmin.gql(REDELIVER, { input: { deliveryId: d.id } });
    expect(pending.body.errors?.[0].extensions?.code).toBe('CONFLICT');
    const raw = Buffer.from(d.id, 'base64url').toString('utf8').split(':')[1];
    await hub.dataSource.getRepository(WebhookDelivery).update({ id: raw }, { status: DeliveryStatus.DELIVERED, attempt: 1, nextAttemptAt: null, responseStatus: 204, durationMs: 7 });
    const again = await rheinAdmin.data(REDELIVER, { input: { deliveryId: d.id } });
    expect(again.redeliverWebhook.delivery).toEqual({ id: d.id, status: 'PENDING', attempt: 0, nextAttemptAt: hub.now.toISOString(), endpoint: { id } });

    const rotated = await rheinAdmin.data(ROTATE, { input: { id, overlapSeconds: 3600 } });
    expect(rotated.rotateWebhookSecret.secret).toMatch(/^whsec_/);
    expect(rotated.rotateWebhookSecret.secret).not.toBe(made.createWebhookEndpoint.secret);
    expect(rotated.rotateWebhookSecret.endpoint.previousSecretUntil).toBe(new Date(hub.now.getTime() + 3600_000).toISOString());

    const off = await rheinAdmin.data(DISABLE, { input: { id } });
    expect(off.disableWebhookEndpoint.endpoint).toEqual({ id, disabledAt: hub.now.toISOString(), disabledReason: 'disabled by an admin' });
    const twice = await rheinAdmin.gql(DISABLE, { input: { id } });
    expect(twice.body.errors?.[0].extensions?.code).toBe('CONFLICT');
    const on = await rheinAdmin.data(ENABLE, { input: { id } });
    expect(on.enableWebhookEndpoint.endpoint).toEqual({ id, disabledAt: null, disabledReason: null });
  });

  it("refusals: another organization's admin, an API key, a bad URL naming input.url; nothing written", async () => {
    const made = await rheinAdmin.data(CREATE, { input: { organizationId: rhein, url: 'http://127.0.0.1:9/refusals', eventTypes: ['LICENSE_ALLOCATED'] } });
    const id = made.createWebhookEndpoint.endpoint.id as string;
    const before = await count();

    const mumbai = await hub.as('admin@mumbai.example');
    const create = await mumbai.gql(CREATE, { input: { organizationId: rhein, url: 'http://127.0.0.1:9/x', eventTypes: ['LICENSE_ALLOCATED'] } });
    expect([create.body.data?.createWebhookEndpoint ?? null, create.body.errors?.[0].extensions?.code]).toEqual([null, 'FORBIDDEN']);
    const disable = await mumbai.gql(DISABLE, { input: { id } });
    expect([disable.body.data?.disableWebhookEndpoint ?? null, disable.body.errors?.[0].extensions?.code]).toEqual([null, 'NOT_FOUND']);
    const read = await mumbai.gql(`query($id: ID!) { node(id: $id) { id } }`, { id });
    expect(read.body.errors?.[0].extensions?.code).toBe('NOT_FOUND');
    const list = await mumbai.gql(LIST, { id: wellFormedGlobalId('Organization', orgId('rhein')) });
    expect(list.body.data?.organization ?? null).toBeNull();

    const { secret } = await createApiKey(hub.dataSource, { org: 'rhein', scopes: ['customers:read', 'licenses:read'], name: 'webhook api test' });
    const key = hub.withToken(secret);
    const byKey = await key.gql(CREATE, { input: { organizationId: rhein, url: 'http://127.0.0.1:9/key', eventTypes: ['LICENSE_ALLOCATED'] } });
    expect([byKey.body.data?.createWebhookEndpoint ?? null, byKey.body.errors?.[0].extensions?.code]).toEqual([null, 'FORBIDDEN']);
    const keyList = await key.gql(`query($id: ID!) { organization(id: $id) { webhookEndpoints(first: 1) { totalCount } } }`, { id: rhein });
    expect([keyList.body.data?.organization?.webhookEndpoints ?? null, keyList.body.errors?.[0].extensions?.code]).toEqual([null, 'FORBIDDEN']);

    const bad = await rheinAdmin.gql(CREATE, { input: { organizationId: rhein, url: 'ftp://example.com/hook', eventTypes: ['LICENSE_ALLOCATED'] } });
    expect(bad.body.errors?.[0].extensions).toEqual(expect.objectContaining({ code: 'BAD_USER_INPUT', field: 'input.url' }));
    expect(bad.body.data?.createWebhookEndpoint ?? null).toBeNull();

    expect(await count()).toBe(before);
    const stored = await hub.dataSource.getRepository(WebhookEndpoint).findOneByOrFail({ url: 'http://127.0.0.1:9/refusals' });
    expect(stored.disabledAt).toBeNull();
  });
});
