import { EntityManager } from 'typeorm';
import { badInput, conflict, forbidden, InputProblem } from '../../common/errors';
import { newId } from '../../common/ids';
import { CONTROL_RE } from '../../common/text';
import { inTransaction } from '../../common/transaction';
import { RequestContext } from '../../context/request-context';
import { reachableForUpdate } from '../../policy/reachable';
import { managesOrganization } from '../../policy/rules';
import { recordWrite } from '../audit/audit.writer';
import { EventType } from '../event/event-type';
import { Organization } from '../organization/organization.entity';
import { resolveWebhookUrl, WebhookUrlRefused } from './address-guard';
import { newWebhookSecret } from './deliver';
import { DeliveryStatus, WebhookDelivery, WebhookEndpoint } from './webhook.entity';
import { CreateWebhookEndpointInput, RotateWebhookSecretInput, UpdateWebhookEndpointInput } from './webhook.inputs';

export const WEBHOOK_LIMITS = { url: 2000, description: 500, overlapSeconds: 7 * 24 * 3600 } as const;

/** A new endpoint or a new secret: the secret exists in clear only in this value (stored sealed, never logged or audited). */
export interface WithSecret {
  endpoint: WebhookEndpoint;
  secret: string;
}

const NOT_ALLOWED = "Not allowed: webhook endpoints are managed by VENDOR_ADMIN or the organization's admin";
const BY_NAME = new Map<string, string>(
  Object.entries(EventType).flatMap(([name, value]) => [
    [name, value],
    [value, value],
  ]),
);

/** The URL under the address rules of deliveries (address-guard.ts): https only in production; private, loopback and reserved addresses refused. */
async function urlProblem(ctx: RequestContext, url: string): Promise<InputProblem | null> {
  if (url.length > WEBHOOK_LIMITS.url) return { field: 'input.url', message: `must be at most ${WEBHOOK_LIMITS.url} characters` };
  const { httpsOnly, allowLoopback } = ctx.config.webhooks;
  try {
    await resolveWebhookUrl(url, { httpsOnly, allowLoopback });
    return null;
  } catch (e) {
    if (e instanceof WebhookUrlRefused) return { field: 'input.url', message: e.message };
    throw e;
  }
}

/** The stored (dotted) event types, in the order of EventType, or a problem. */
function eventTypesOf(asked: string[], problems: InputProblem[]): string[] {
  const known = asked.map((t) => BY_NAME.get(t));
  if (!asked.length) problems.push({ field: 'input.eventTypes', message: 'must name at least one event type' });
  else if (known.includes(undefined)) problems.push({ field: 'input.eventTypes', message: `must be some of ${Object.values(EventType).join(', ')}` });
  const held = new Set(known);
  return Object.values(EventType).filter((t) => held.has(t));
}

function descriptionOf(value: string | null | undefined, problems: InputProblem[]): string | null {
  const d = value?.trim() ?? '';
  if (d.length > WEBHOOK_LIMITS.description) problems.push({ field: 'input.description', message: `must be at most ${WEBHOOK_LIMITS.description} characters` });
  else if (CONTROL_RE.test(d)) problems.push({ field: 'input.description', message: 'must not contain control characters' });
  return d || null;
}

/** The endpoint for a write: reached by the caller (else NOT_FOUND) and locked, and managed by it. */
async function endpointForUpdate(ctx: RequestContext, manager: EntityManager, id: string): Promise<WebhookEndpoint> {
  const endpoint = await reachableForUpdate(ctx, manager, WebhookEndpoint, id, 'WebhookEndpoint');
  if (!managesOrganization(ctx.actor, endpoint.organizationId)) throw forbidden(NOT_ALLOWED);
  return endpoint;
}

/**
 * createWebhookEndpoint: an organization's admin for its own organization, VENDOR_ADMIN for any;
 * never an API key. The URL must pass the address rules of deliveries; the secret is stored
 * sealed (SECRETS_KEY) and returned once.
 */
export async function createWebhookEndpoint(ctx: RequestContext, input: CreateWebhookEndpointInput): Promise<WithSecret> {
  if (!managesOrganization(ctx.actor, input.organizationId)) throw forbidden(NOT_ALLOWED);
  const problems: InputProblem[] = [];
  const url = input.url.trim();
  const urlRefused = await urlProblem(ctx, url);
  if (urlRefused) problems.push(urlRefused);
  const eventTypes = eventTypesOf(input.eventTypes, problems);
  const description = descriptionOf(input.description, problems);
  if (problems.length) throw badInput(problems);
  return inTransaction(ctx.dataSource, async (manager) => {
    await reachableForUpdate(ctx, manager, Organization, input.organizationId, 'Organization');
    const secret = newWebhookSecret();
    const endpoint: WebhookEndpoint = {
      id: newId(ctx.now),
      organizationId: input.organizationId,
      url,
      eventTypes,
      description,
      sealedSecret: ctx.secrets.seal(secret),
      previousSealedSecret: null,
      previousSecretUntil: null,
      disabledAt: null,
      disabledReason: null,
      createdAt: ctx.now,
    };
    await manager.insert(WebhookEndpoint, endpoint);
    await recordWrite(manager, ctx, { action: 'webhook_endpoint.created', subjectType: 'WebhookEndpoint', subjectId: endpoint.id, detail: { organizationId: endpoint.organizationId, eventTypes } });
    return { endpoint, secret };
  });
}

/** updateWebhookEndpoint: the same people; what is given changes (url, eventTypes, description). */
export async function updateWebhookEndpoint(ctx: RequestContext, input: UpdateWebhookEndpointInput): Promise<WebhookEndpoint> {
  const problems: InputProblem[] = [];
  const change: Partial<WebhookEndpoint> = {};
  if (input.url != null) {
    change.url = input.url.trim();
    const refused = await urlProblem(ctx, change.url);
    if (refused) problems.push(refused);
  }
  if (input.eventTypes != null) change.eventTypes = eventTypesOf(input.eventTypes, problems);
  if (input.description !== undefined) change.description = descriptionOf(input.description, problems);
  if (problems.length) throw badInput(problems);
  return inTransaction(ctx.dataSource, async (manager) => {
    const endpoint = await endpointForUpdate(ctx, manager, input.id);
    if (Object.keys(change).length) await manager.update(WebhookEndpoint, { id: endpoint.id }, change);
    await recordWrite(manager, ctx, { action: 'webhook_endpoint.updated', subjectType: 'WebhookEndpoint', subjectId: endpoint.id, detail: { changed: Object.keys(change).sort() } });
    return { ...endpoint, ...change };
  });
}

/**
 * disableWebhookEndpoint / enableWebhookEndpoint. A disabled endpoint gets no new deliveries and
 * its pending ones fail; enabling clears disabledReason (also after the hub disabled it for a
 * day of failures). Setting the state it already has is a CONFLICT.
 */
export async function setWebhookEndpointEnabled(ctx: RequestContext, id: string, enabled: boolean): Promise<WebhookEndpoint> {
  return inTransaction(ctx.dataSource, async (manager) => {
    const endpoint = await endpointForUpdate(ctx, manager, id);
    if (enabled === !endpoint.disabledAt) throw conflict(`the endpoint is already ${enabled ? 'enabled' : 'disabled'}`, { rule: 'webhook_endpoint.state' });
    const change = enabled ? { disabledAt: null, disabledReason: null } : { disabledAt: ctx.now, disabledReason: 'disabled by an admin' };
    await manager.update(WebhookEndpoint, { id }, change);
    await recordWrite(manager, ctx, { action: enabled ? 'webhook_endpoint.enabled' : 'webhook_endpoint.disabled', subjectType: 'WebhookEndpoint', subjectId: id });
    return { ...endpoint, ...change };
  });
}

/** deleteWebhookEndpoint: the endpoint and its delivery log go; nothing more is sent to it. */
export async function deleteWebhookEndpoint(ctx: RequestContext, id: string): Promise<WebhookEndpoint> {
  return inTransaction(ctx.dataSource, async (manager) => {
    const endpoint = await endpointForUpdate(ctx, manager, id);
    await manager.delete(WebhookDelivery, { endpointId: id });
    await manager.delete(WebhookEndpoint, { id });
    await recordWrite(manager, ctx, { action: 'webhook_endpoint.deleted', subjectType: 'WebhookEndpoint', subjectId: id, detail: { organizationId: endpoint.organizationId } });
    return endpoint;
  });
}

/**
 * rotateWebhookSecret: a new secret, returned once; the old one keeps signing beside it for
 * overlapSeconds (0..7 days), so receivers can switch without losing a delivery.
 */
export async function rotateWebhookSecret(ctx: RequestContext, input: RotateWebhookSecretInput): Promise<WithSecret> {
  if (!Number.isInteger(input.overlapSeconds) || input.overlapSeconds < 0 || input.overlapSeconds > WEBHOOK_LIMITS.overlapSeconds) {
    throw badInput({ field: 'input.overlapSeconds', message: `must be 0 to ${WEBHOOK_LIMITS.overlapSeconds} (7 days)` });
  }
  return inTransaction(ctx.dataSource, async (manager) => {
    const endpoint = await endpointForUpdate(ctx, manager, input.id);
    const secret = newWebhookSecret();
    const overlap = input.overlapSeconds > 0;
    const change = {
      sealedSecret: ctx.secrets.seal(secret),
      previousSealedSecret: overlap ? endpoint.sealedSecret : null,
      previousSecretUntil: overlap ? new Date(ctx.now.getTime() + input.overlapSeconds * 1000) : null,
    };
    await manager.update(WebhookEndpoint, { id: endpoint.id }, change);
    await recordWrite(manager, ctx, { action: 'webhook_endpoint.secret_rotated', subjectType: 'WebhookEndpoint', subjectId: endpoint.id, detail: { overlapSeconds: input.overlapSeconds } });
    return { endpoint: { ...endpoint, ...change }, secret };
  });
}

/**
 * redeliverWebhook: a delivery (delivered or failed) is sent again from now on, with a fresh
 * schedule of attempts; the receiver sees the same webhook-id. Not while it is still pending,
 * nor to a disabled endpoint (enable it first).
 */
export async function redeliverWebhook(ctx: RequestContext, deliveryId: string): Promise<WebhookDelivery> {
  return inTransaction(ctx.dataSource, async (manager) => {
    const delivery = await reachableForUpdate(ctx, manager, WebhookDelivery, deliveryId, 'WebhookDelivery');
    const endpoint = await endpointForUpdate(ctx, manager, delivery.endpointId);
    if (endpoint.disabledAt) throw conflict('the endpoint is disabled: enable it first', { rule: 'webhook_delivery.endpoint_enabled', field: 'input.deliveryId' });
    if (delivery.status === DeliveryStatus.PENDING) throw conflict('the delivery is still pending', { rule: 'webhook_delivery.redeliver_done', field: 'input.deliveryId' });
    const change = { status: DeliveryStatus.PENDING, attempt: 0, nextAttemptAt: ctx.now, lockedUntil: null, error: null };
    await manager.update(WebhookDelivery, { id: deliveryId }, change);
    await recordWrite(manager, ctx, { action: 'webhook_delivery.redelivered', subjectType: 'WebhookDelivery', subjectId: deliveryId, detail: { endpointId: endpoint.id } });
    return { ...delivery, ...change };
  });
}
