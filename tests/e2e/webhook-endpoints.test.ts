import { orgId, PERSONAS } from '../../seeds/personas';
import { ActorType } from '../../src/common/enums';
import { DomainError } from '../../src/common/errors';
import { SecretBox } from '../../src/common/secret-box';
import { HubConfig } from '../../src/config';
import { Actor } from '../../src/context/actor';
import { createRequestContext, RequestContext } from '../../src/context/request-context';
import { AuditEvent } from '../../src/modules/audit/audit-event.entity';
import { Organization } from '../../src/modules/organization/organization.entity';
import { PortalUser } from '../../src/modules/user/portal-user.entity';
import { DeliveryStatus, WebhookDelivery, WebhookEndpoint } from '../../src/modules/webhook/webhook.entity';
import { createWebhookEndpoint, deleteWebhookEndpoint, redeliverWebhook, rotateWebhookSecret, setWebhookEndpointEnabled, updateWebhookEndpoint } from '../../src/modules/webhook/webhook.mutations';
import { ON_MYSQL } from '../helpers/database';
import { TestHub } from '../helpers/hub';
import { registerFresh } from '../helpers/licenses';

/**
 * Issue #14, the services behind the endpoint API (the GraphQL mutations are not there yet):
 * who may manage an organization's endpoints (its admin, VENDOR_ADMIN; no one else, never an
 * API key), the URL under the address rules of deliveries (BAD_USER_INPUT naming input.url, no
 * partial write), the secret sealed and returned once, rotation with overlap, disable/enable,
 * delete, redeliver; each write with its audit event, never the secret in it.
 */
jest.setTimeout(120_000);

const PUBLIC_HTTPS = 'https://93.184.216.34/hooks/hub';

describe(`webhook endpoint writes (${ON_MYSQL ? 'MariaDB' : 'embedded database'})`, () => {
  let hub: TestHub;
  let secrets: SecretBox;
  let n = 0;

  async function ctxOf(email: string, config: Partial<HubConfig> = {}, asKey = false): Promise<RequestContext> {
    const [user] = await hub.dataSource.getRepository(PortalUser).find({ where: { email }, order: { createdAt: 'ASC', id: 'ASC' }, take: 1 });
    const organization = await hub.dataSource.getRepository(Organization).findOneByOrFail({ id: user.organizationId });
    const actor: Actor = {
      type: asKey ? ActorType.API_KEY : ActorType.USER,
      id: user.id,
      userId: asKey ? null : user.id,
      apiKeyId: asKey ? user.id : null,
      organizationId: organization.id,
      organizationKind: organization.kind,
      role: user.role,
      scopes: asKey ? ['customers:read', 'licenses:read'] : null,
      organization,
    };
    return createRequestContext({ requestId: `webhook-endpoints-${++n}`, now: hub.now, actor, config: { ...hub.config, ...config }, dataSource: hub.dataSource, secrets });
  }

  async function refusal(p: Promise<unknown>): Promise<{ code: string; field?: unknown; message: string }> {
    try {
      await p;
    } catch (e) {
      if (!(e instanceof DomainError)) throw e;
      return { code: e.code, field: e.extensions.field, message: e.message };
    }
    throw new Error('expected a refusal');
  }

  const audits = (subjectId: string) => hub.dataSource.getRepository(AuditEvent).find({ where: { subjectId }, order: { id: 'ASC' } });

  beforeAll(async () => {
    hub = await TestHub.start('webhook_endpoints');
    secrets = new SecretBox(hub.config.secretsKey);
  });
  afterAll(() => hub?.close());

  it("an organization's admin creates its endpoint: the secret once, stored sealed, audited without it", async () => {
    const ctx = await ctxOf('admin@rhein.example');
    const { endpoint, secret } = await createWebhookEndpoint(ctx, {
      organizationId: orgId('rhein'),
      url: PUBLIC_HTTPS,
      eventTypes: ['LICENSE_ALLOCATED', 'license.registered'],
      description: ' ERP sync ',
    });
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    const stored = await hub.dataSource.getRepository(WebhookEndpoint).findOneByOrFail({ id: endpoint.id });
    expect(stored).toEqual(
      expect.objectContaining({ organizationId: orgId('rhein'), url: PUBLIC_HTTPS, eventTypes: ['license.registered', 'license.allocated'], description: 'ERP sync', disabledAt: null }),
    );
    expect(stored.sealedSecret).not.toContain(secret.slice(6));
    expect(secrets.open(stored.sealedSecret)).toBe(secret);
    const [audit] = await audits(endpoint.id);
    expect(audit).toEqual(expect.objectContaining({ action: 'webhook_endpoint.created', actorId: ctx.actor.id }));
    expect(JSON.stringify(audit)).not.toContain(secret.slice(6));
  });

  it('only the organization admin and VENDOR_ADMIN; never a non-admin or an API key', async () => {
    const input = { organizationId: orgId('mumbai'), url: PUBLIC_HTTPS, eventTypes: ['license.allocated'] };
    expect((await refusal(createWebhookEndpoint(await ctxOf('admin@rhein.example'), input))).code).toBe('FORBIDDEN');
    expect((await refusal(createWebhookEndpoint(await ctxOf('user@mumbai.example'), input))).code).toBe('FORBIDDEN');
    expect((await refusal(createWebhookEndpoint(await ctxOf('admin@mumbai.example', {}, true), input))).code).toBe('FORBIDDEN');
    const { endpoint } = await createWebhookEndpoint(await ctxOf(PERSONAS.vendorAdmin), input);
    // Another organization's admin does not reach it at all.
    expect((await refusal(setWebhookEndpointEnabled(await ctxOf('admin@rhein.example'), endpoint.id, false))).code).toBe('NOT_FOUND');
    expect((await refusal(deleteWebhookEndpoint(await ctxOf('user@mumbai.example'), endpoint.id))).code).toBe('NOT_FOUND');
    expect(await hub.dataSource.getRepository(WebhookEndpoint).countBy({ organizationId: orgId('mumbai') })).toBe(1);
  });

  it('refuses a URL the deliveries would refuse, naming input.url, and writes nothing', async () => {
    const ctx = await ctxOf('admin@rhein.example');
    const before = await hub.dataSource.getRepository(WebhookEndpoint).count();
    const create = (url: string, c = ctx) => refusal(createWebhookEndpoint(c, { organizationId: orgId('rhein'), url, eventTypes: ['license.allocated'] }));
    for (const url of ['http://127.0.0.1:8080/hook', 'https://10.1.2.3/hook', 'https://169.254.169.254/latest', 'ftp://93.184.216.34/x', 'not a url', 'https://user:pw@93.184.216.34/']) {
      expect({ url, ...(await create(url)) }).toEqual(expect.objectContaining({ url, code: 'BAD_USER_INPUT', field: 'input.url' }));
    }
    // In production only https://.
    const production = await ctxOf('admin@rhein.example', { webhooks: { ...hub.config.webhooks, httpsOnly: true } });
    expect(await create('http://93.184.216.34/hook', production)).toEqual(expect.objectContaining({ code: 'BAD_USER_INPUT', field: 'input.url', message: 'input.url: must be https://' }));
    expect(await refusal(createWebhookEndpoint(ctx, { organizationId: orgId('rhein'), url: PUBLIC_HTTPS, eventTypes: [] }))).toEqual(expect.objectContaining({ field: 'input.eventTypes' }));
    expect(await refusal(createWebhookEndpoint(ctx, { organizationId: orgId('rhein'), url: PUBLIC_HTTPS, eventTypes: ['license.exploded'] }))).toEqual(
      expect.objectContaining({ field: 'input.eventTypes' }),
    );
    // Loopback is allowed only where the setting says so (tests, local development).
    const local = await ctxOf('admin@rhein.example', { webhooks: { ...hub.config.webhooks, allowLoopback: true } });
    await createWebhookEndpoint(local, { organizationId: orgId('rhein'), url: 'http://127.0.0.1:8080/hook', eventTypes: ['license.allocated'] });
    expect(await hub.dataSource.getRepository(WebhookEndpoint).count()).toBe(before + 1);
  });

  it('update, disable/enable, rotate with overlap, delete: each audited', async () => {
    const ctx = await ctxOf('admin@rhein.example');
    const { endpoint, secret: first } = await createWebhookEndpoint(ctx, { organizationId: orgId('rhein'), url: PUBLIC_HTTPS, eventTypes: ['license.allocated'] });
    const repo = hub.dataSource.getRepository(WebhookEndpoint);
    expect(await refusal(updateWebhookEndpoint(ctx, { id: endpoint.id, url: 'https://192.168.1.1/', eventTypes: ['contract.signed'] }))).toEqual(expect.objectContaining({ field: 'input.url' }));
    expect((await repo.findOneByOrFail({ id: endpoint.id })).eventTypes).toEqual(['license.allocated']); // no partial write
    await updateWebhookEndpoint(ctx, { id: endpoint.id, eventTypes: ['CONTRACT_SIGNED'], description: 'contracts' });
    expect(await repo.findOneByOrFail({ id: endpoint.id })).toEqual(expect.objectContaining({ url: PUBLIC_HTTPS, eventTypes: ['contract.signed'], description: 'contracts' }));

    await setWebhookEndpointEnabled(ctx, endpoint.id, false);
    expect((await repo.findOneByOrFail({ id: endpoint.id })).disabledAt).toEqual(hub.now);
    expect((await refusal(setWebhookEndpointEnabled(ctx, endpoint.id, false))).code).toBe('CONFLICT');
    await setWebhookEndpointEnabled(ctx, endpoint.id, true);
    expect(await repo.findOneByOrFail({ id: endpoint.id })).toEqual(expect.objectContaining({ disabledAt: null, disabledReason: null }));

    expect(await refusal(rotateWebhookSecret(ctx, { id: endpoint.id, overlapSeconds: 8 * 24 * 3600 }))).toEqual(expect.objectContaining({ code: 'BAD_USER_INPUT', field: 'input.overlapSeconds' }));
    const { secret: second } = await rotateWebhookSecret(ctx, { id: endpoint.id, overlapSeconds: 3600 });
    let stored = await repo.findOneByOrFail({ id: endpoint.id });
    expect([secrets.open(stored.sealedSecret), secrets.open(stored.previousSealedSecret!), stored.previousSecretUntil]).toEqual([second, first, new Date(hub.now.getTime() + 3600_000)]);
    const { secret: third } = await rotateWebhookSecret(ctx, { id: endpoint.id, overlapSeconds: 0 });
    stored = await repo.findOneByOrFail({ id: endpoint.id });
    expect([secrets.open(stored.sealedSecret), stored.previousSealedSecret, stored.previousSecretUntil]).toEqual([third, null, null]);

    await deleteWebhookEndpoint(ctx, endpoint.id);
    expect(await repo.findOneBy({ id: endpoint.id })).toBeNull();
    const actions = (await audits(endpoint.id)).map((a) => a.action);
    expect(actions).toEqual([
      'webhook_endpoint.created',
      'webhook_endpoint.updated',
      'webhook_endpoint.disabled',
      'webhook_endpoint.enabled',
      'webhook_endpoint.secret_rotated',
      'webhook_endpoint.secret_rotated',
      'webhook_endpoint.deleted',
    ]);
    const trail = JSON.stringify(await audits(endpoint.id));
    for (const s of [first, second, third]) expect(trail).not.toContain(s.slice(6));
  });

  it('redelivers a finished delivery with a fresh schedule; not a pending one, nor to a disabled endpoint', async () => {
    const ctx = await ctxOf('admin@rhein.example');
    const { endpoint } = await createWebhookEndpoint(ctx, { organizationId: orgId('rhein'), url: PUBLIC_HTTPS, eventTypes: ['license.registered'] });
    await registerFresh(hub, { distributor: 'rhein' });
    const deliveries = hub.dataSource.getRepository(WebhookDelivery);
    const [delivery] = await deliveries.findBy({ endpointId: endpoint.id });
    expect(await refusal(redeliverWebhook(ctx, delivery.id))).toEqual(expect.objectContaining({ code: 'CONFLICT', field: 'input.deliveryId' }));
    await deliveries.update({ id: delivery.id }, { status: DeliveryStatus.FAILED, attempt: 8, nextAttemptAt: null, error: 'HTTP 503' });
    expect((await refusal(redeliverWebhook(await ctxOf('admin@mumbai.example'), delivery.id))).code).toBe('NOT_FOUND');
    await redeliverWebhook(ctx, delivery.id);
    expect(await deliveries.findOneByOrFail({ id: delivery.id })).toEqual(expect.objectContaining({ status: DeliveryStatus.PENDING, attempt: 0, nextAttemptAt: hub.now, error: null }));
    await deliveries.update({ id: delivery.id }, { status: DeliveryStatus.DELIVERED });
    await setWebhookEndpointEnabled(ctx, endpoint.id, false);
    expect(await refusal(redeliverWebhook(ctx, delivery.id))).toEqual(expect.objectContaining({ code: 'CONFLICT', message: 'the endpoint is disabled: enable it first' }));
    expect((await audits(delivery.id)).map((a) => a.action)).toEqual(['webhook_delivery.redelivered']);
  });
});
