import { UUID_RE } from './ids';

/** The GraphQL object types that implement Node; a global id names one of them. */
export const NODE_TYPES = ['Organization', 'PortalUser', 'ApiKey', 'Product', 'License', 'Computer', 'Activation', 'Contract', 'AuditEvent', 'WebhookEndpoint', 'WebhookDelivery'] as const;
export type NodeType = (typeof NODE_TYPES)[number];

/** Opaque Relay id: base64url("Type:uuid"). Clients must not parse it; we may change it. */
export function toGlobalId(type: NodeType, id: string): string {
  return Buffer.from(`${type}:${id}`, 'utf8').toString('base64url');
}

/** Returns null for anything that is not a well-formed id of a known type. */
export function fromGlobalId(globalId: string): { type: NodeType; id: string } | null {
  if (typeof globalId !== 'string' || globalId.length === 0 || globalId.length > 128) return null;
  if (!/^[A-Za-z0-9_-]+$/.test(globalId)) return null;
  const raw = Buffer.from(globalId, 'base64url').toString('utf8');
  const sep = raw.indexOf(':');
  if (sep < 0) return null;
  const type = raw.slice(0, sep) as NodeType;
  const id = raw.slice(sep + 1);
  if (!NODE_TYPES.includes(type) || !UUID_RE.test(id)) return null;
  return { type, id };
}

/** Decodes an id that must be of one type; null when it is malformed or of another type. */
export function fromGlobalIdOf(type: NodeType, globalId: string): string | null {
  const parsed = fromGlobalId(globalId);
  return parsed && parsed.type === type ? parsed.id : null;
}
