import DataLoader from 'dataloader';
import { notFound } from '../../common/errors';
import { fromGlobalId, NodeType } from '../../common/global-id';
import { RequestContext } from '../../context/request-context';
import { activationById } from '../activation/activation.service';
import { apiKeyById } from '../api-key/api-key.service';
import { auditEventById } from '../audit/audit.service';
import { computerById } from '../computer/computer.service';
import { contractById } from '../contract/contract.service';
import { licenseById } from '../license/license.service';
import { organizationById } from '../organization/organization.service';
import { productById } from '../product/product.service';
import { userById } from '../user/user.service';
import { webhookDeliveryById, webhookEndpointById } from '../webhook/webhook.service';

/** The loader of each Node type; every lookup goes through the same reachable rows as lists. */
const LOADERS: Record<NodeType, (ctx: RequestContext) => DataLoader<string, object | null>> = {
  Organization: organizationById,
  PortalUser: userById,
  ApiKey: apiKeyById,
  Product: productById,
  License: licenseById,
  Computer: computerById,
  Activation: activationById,
  Contract: contractById,
  AuditEvent: auditEventById,
  WebhookEndpoint: webhookEndpointById,
  WebhookDelivery: webhookDeliveryById,
};

/** The loader of one Node type (an idempotent replay rebuilds its payload with these). */
export function nodeLoader(ctx: RequestContext, type: NodeType): DataLoader<string, object | null> {
  return LOADERS[type](ctx);
}

/** A node by global id; unknown, malformed and unreachable ids are all the same NOT_FOUND. */
export async function loadNode(ctx: RequestContext, globalId: string): Promise<object> {
  const parsed = fromGlobalId(globalId);
  const node = parsed ? await LOADERS[parsed.type](ctx).load(parsed.id) : null;
  if (!node) throw notFound('Node');
  return node;
}
