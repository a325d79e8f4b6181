import { PageArgs } from '../../common/pagination';
import { RequestContext } from '../../context/request-context';
import { reachable } from '../../policy/reachable';
import { WebhookDelivery, WebhookEndpoint } from './webhook.entity';

export function webhookEndpointById(ctx: RequestContext) {
  return ctx.loaders.byId(WebhookEndpoint, () => reachable(ctx, WebhookEndpoint));
}

export function webhookDeliveryById(ctx: RequestContext) {
  return ctx.loaders.byId(WebhookDelivery, () => reachable(ctx, WebhookDelivery));
}

/** An organization's endpoints the viewer reaches, oldest first; one statement per page of organizations. */
export function webhookEndpointsOf(ctx: RequestContext, organizationId: string, page: PageArgs) {
  return ctx.loaders.pageOf('Organization.webhookEndpoints', () => reachable(ctx, WebhookEndpoint), 'e.organizationId', organizationId, page);
}

/** An endpoint's delivery log, oldest first; one statement per page of endpoints. */
export function webhookDeliveriesOf(ctx: RequestContext, endpointId: string, page: PageArgs) {
  return ctx.loaders.pageOf('WebhookEndpoint.deliveries', () => reachable(ctx, WebhookDelivery), 'e.endpointId', endpointId, page);
}
