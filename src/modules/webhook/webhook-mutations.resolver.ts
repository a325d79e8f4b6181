import { Arg, Ctx, Field, Mutation, ObjectType, Resolver } from 'type-graphql';
import { idArg } from '../../common/filters';
import { RequestContext } from '../../context/request-context';
import { WebhookDelivery, WebhookEndpoint } from './webhook.entity';
import { CreateWebhookEndpointInput, RedeliverWebhookInput, RotateWebhookSecretInput, UpdateWebhookEndpointInput, WebhookEndpointIdInput } from './webhook.inputs';
import { createWebhookEndpoint, deleteWebhookEndpoint, redeliverWebhook, rotateWebhookSecret, setWebhookEndpointEnabled, updateWebhookEndpoint, WithSecret } from './webhook.mutations';
import { webhookDeliveryById, webhookEndpointById } from './webhook.service';

@ObjectType({ description: 'A webhook endpoint and, this once, its signing secret (after createWebhookEndpoint or rotateWebhookSecret).' })
export class WebhookSecretPayload {
  @Field(() => WebhookEndpoint, { nullable: true, description: 'The endpoint, read back after the write.' }) endpoint: WebhookEndpoint | null;

  /** Shown here once and nowhere else: stored sealed, never logged or audited. */
  @Field(() => String, { description: 'The signing secret (whsec_…, Standard Webhooks). Shown only here, once: store it now.' })
  secret: string;

  /** Not a field: the CREDENTIAL rule of `secret` reads whose endpoint it is. */
  organizationId: string;
}

@ObjectType({ description: 'The result of a webhook endpoint write.' })
export class WebhookEndpointPayload {
  @Field(() => WebhookEndpoint, { nullable: true, description: 'The endpoint, read back after the write; null after deleteWebhookEndpoint.' }) endpoint: WebhookEndpoint | null;
}

@ObjectType({ description: 'The result of redeliverWebhook.' })
export class WebhookDeliveryPayload {
  @Field(() => WebhookDelivery, { nullable: true, description: 'The delivery, read back: PENDING again, due now.' }) delivery: WebhookDelivery | null;
}

/** Payloads are read back through the same reachable rows as every other path. */
async function reread(ctx: RequestContext, id: string): Promise<WebhookEndpoint | null> {
  ctx.loaders.clearAll();
  return webhookEndpointById(ctx).load(id);
}

async function withSecret(ctx: RequestContext, done: WithSecret): Promise<WebhookSecretPayload> {
  return { endpoint: await reread(ctx, done.endpoint.id), secret: done.secret, organizationId: done.endpoint.organizationId };
}

/** Webhook endpoints of an organization: its admin, or VENDOR_ADMIN; never an API key. */
@Resolver()
export class WebhookMutationsResolver {
  @Mutation(() => WebhookSecretPayload, { nullable: true, description: 'A new webhook endpoint of an organization (its admin, or VENDOR_ADMIN); the signing secret is in this payload only.' })
  async createWebhookEndpoint(
    @Ctx() ctx: RequestContext,
    @Arg('input', () => CreateWebhookEndpointInput, { description: 'The organization, URL, event types and optional description.' }) input: CreateWebhookEndpointInput,
  ): Promise<WebhookSecretPayload> {
    const organizationId = idArg('Organization', input.organizationId, 'input.organizationId');
    return withSecret(ctx, await createWebhookEndpoint(ctx, { ...input, organizationId }));
  }

  @Mutation(() => WebhookEndpointPayload, { nullable: true, description: 'Changes the URL, event types or description of a webhook endpoint.' })
  async updateWebhookEndpoint(
    @Ctx() ctx: RequestContext,
    @Arg('input', () => UpdateWebhookEndpointInput, { description: 'The endpoint and what changes.' }) input: UpdateWebhookEndpointInput,
  ): Promise<WebhookEndpointPayload> {
    const endpoint = await updateWebhookEndpoint(ctx, { ...input, id: idArg('WebhookEndpoint', input.id, 'input.id') });
    return { endpoint: await reread(ctx, endpoint.id) };
  }

  @Mutation(() => WebhookEndpointPayload, { nullable: true, description: 'Stops deliveries to an endpoint (its pending ones fail) until enableWebhookEndpoint; CONFLICT when already disabled.' })
  async disableWebhookEndpoint(
    @Ctx() ctx: RequestContext,
    @Arg('input', () => WebhookEndpointIdInput, { description: 'The endpoint.' }) input: WebhookEndpointIdInput,
  ): Promise<WebhookEndpointPayload> {
    const endpoint = await setWebhookEndpointEnabled(ctx, idArg('WebhookEndpoint', input.id, 'input.id'), false);
    return { endpoint: await reread(ctx, endpoint.id) };
  }

  @Mutation(() => WebhookEndpointPayload, { nullable: true, description: 'Resumes deliveries to an endpoint and clears disabledReason; CONFLICT when already enabled.' })
  async enableWebhookEndpoint(
    @Ctx() ctx: RequestContext,
    @Arg('input', () => WebhookEndpointIdInput, { description: 'The endpoint.' }) input: WebhookEndpointIdInput,
  ): Promise<WebhookEndpointPayload> {
    const endpoint = await setWebhookEndpointEnabled(ctx, idArg('WebhookEndpoint', input.id, 'input.id'), true);
    return { endpoint: await reread(ctx, endpoint.id) };
  }

  @Mutation(() => WebhookEndpointPayload, { nullable: true, description: 'Deletes an endpoint and its delivery log; nothing more is sent to it.' })
  async deleteWebhookEndpoint(
    @Ctx() ctx: RequestContext,
    @Arg('input', () => WebhookEndpointIdInput, { description: 'The endpoint.' }) input: WebhookEndpointIdInput,
  ): Promise<WebhookEndpointPayload> {
    await deleteWebhookEndpoint(ctx, idArg('WebhookEndpoint', input.id, 'input.id'));
    return { endpoint: null };
  }

  @Mutation(() => WebhookSecretPayload, { nullable: true, description: 'A new signing secret, in this payload only; the old one keeps signing beside it for overlapSeconds.' })
  async rotateWebhookSecret(
    @Ctx() ctx: RequestContext,
    @Arg('input', () => RotateWebhookSecretInput, { description: 'The endpoint and the overlap.' }) input: RotateWebhookSecretInput,
  ): Promise<WebhookSecretPayload> {
    return withSecret(ctx, await rotateWebhookSecret(ctx, { ...input, id: idArg('WebhookEndpoint', input.id, 'input.id') }));
  }

  @Mutation(() => WebhookDeliveryPayload, {
    nullable: true,
    description: 'Sends a delivered or failed delivery again from now on, with the same webhook-id; not while pending, nor to a disabled endpoint.',
  })
  async redeliverWebhook(@Ctx() ctx: RequestContext, @Arg('input', () => RedeliverWebhookInput, { description: 'The delivery.' }) input: RedeliverWebhookInput): Promise<WebhookDeliveryPayload> {
    const delivery = await redeliverWebhook(ctx, idArg('WebhookDelivery', input.deliveryId, 'input.deliveryId'));
    ctx.loaders.clearAll();
    return { delivery: await webhookDeliveryById(ctx).load(delivery.id) };
  }
}
