import { Args, Ctx, FieldResolver, Int, Resolver, Root } from 'type-graphql';
import { PageArgsInput } from '../../common/page-args';
import { ConnectionOf, pageArgs } from '../../common/pagination';
import { RequestContext } from '../../context/request-context';
import { BY_ID } from '../../policy/reachable';
import { EventType } from '../event/event-type';
import { Organization } from '../organization/organization.entity';
import { organizationById } from '../organization/organization.service';
import { WebhookDelivery, WebhookEndpoint } from './webhook.entity';
import { webhookDeliveriesOf, webhookEndpointById, webhookEndpointsOf } from './webhook.service';

export const WebhookEndpointConnection = ConnectionOf(WebhookEndpoint);
export const WebhookDeliveryConnection = ConnectionOf(WebhookDelivery);

const BY_VALUE = new Map<string, EventType>(Object.values(EventType).map((v) => [v, v]));

@Resolver(() => WebhookEndpoint)
export class WebhookEndpointResolver {
  @FieldResolver(() => Organization, { nullable: true, description: 'The organization whose events it receives.' })
  organization(@Ctx() ctx: RequestContext, @Root() endpoint: WebhookEndpoint) {
    return organizationById(ctx).load(endpoint.organizationId);
  }

  @FieldResolver(() => [EventType], { description: 'The event types it receives (on the wire, their dotted names).' })
  eventTypes(@Root() endpoint: WebhookEndpoint): EventType[] {
    return endpoint.eventTypes.flatMap((t) => BY_VALUE.get(t) ?? []);
  }

  @FieldResolver(() => WebhookDeliveryConnection, { nullable: true, description: 'Its delivery log, oldest first: every event made for it, delivered, pending or failed.' })
  deliveries(@Ctx() ctx: RequestContext, @Root() endpoint: WebhookEndpoint, @Args(() => PageArgsInput) page: PageArgsInput) {
    return webhookDeliveriesOf(ctx, endpoint.id, pageArgs(page, BY_ID));
  }
}

@Resolver(() => WebhookDelivery)
export class WebhookDeliveryResolver {
  @FieldResolver(() => WebhookEndpoint, { nullable: true, description: 'The endpoint it is for.' })
  endpoint(@Ctx() ctx: RequestContext, @Root() delivery: WebhookDelivery) {
    return webhookEndpointById(ctx).load(delivery.endpointId);
  }

  @FieldResolver(() => Int, { nullable: true, description: 'The HTTP status the endpoint answered at the last attempt; null before the first or when no answer came.' })
  responseCode(@Root() delivery: WebhookDelivery): number | null {
    return delivery.responseStatus;
  }
}

/** Organization.webhookEndpoints: lives here, beside the endpoints, on the Organization type. */
@Resolver(() => Organization)
export class OrganizationWebhookEndpointsResolver {
  @FieldResolver(() => WebhookEndpointConnection, {
    nullable: true,
    description: "The organization's webhook endpoints, oldest first, disabled ones too (never a secret): for its admin and VENDOR_ADMIN; null with FORBIDDEN otherwise, API keys included.",
  })
  webhookEndpoints(@Ctx() ctx: RequestContext, @Root() org: Organization, @Args(() => PageArgsInput) page: PageArgsInput) {
    return webhookEndpointsOf(ctx, org.id, pageArgs(page, BY_ID));
  }
}
