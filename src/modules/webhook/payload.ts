import { execute, GraphQLFormattedError, parse } from 'graphql';
import { DataSource } from 'typeorm';
import { HubConfig } from '../../config';
import { ActorType, OrganizationKind, Role } from '../../common/enums';
import { ErrorCode } from '../../common/errors';
import { NODE_TYPES, NodeType, toGlobalId } from '../../common/global-id';
import { SecretBox } from '../../common/secret-box';
import { Actor } from '../../context/actor';
import { createRequestContext } from '../../context/request-context';
import { buildHubSchema } from '../../schema';
import { HubEvent } from '../event/event.entity';
import { Organization } from '../organization/organization.entity';

/** What a webhook of each kind of subject asks about it: a fixed read, run as the endpoint's owner. */
const SELECTIONS: Record<string, string> = {
  License: `... on License { id status seats seatsUsed validFrom validUntil product { id sku } distributor { id name } customer { id name users(first: 20) { nodes { id name email status } } } licensee { id name email } }`,
  Activation: `... on Activation { id activatedAt deactivatedAt activatedBy { id name } license { id status } computer { id os name hostId } }`,
  Contract: `... on Contract { id type status signedAt effectiveFrom expiresAt terminatedAt inForce distributor { id name } }`,
  Organization: `... on Organization { id kind name country }`,
  PortalUser: `... on PortalUser { id status consentWithdrawnAt }`,
};

const DOCUMENTS = new Map(Object.entries(SELECTIONS).map(([type, sel]) => [type, parse(`query WebhookSubject($id: ID!) { node(id: $id) { __typename ${sel} } }`)]));

/** The organization admin role of each kind: an endpoint reads as its organization's admin. */
const ADMIN_ROLE: Record<OrganizationKind, Role> = {
  [OrganizationKind.VENDOR]: Role.VENDOR_ADMIN,
  [OrganizationKind.DISTRIBUTOR]: Role.DISTRIBUTOR_ADMIN,
  [OrganizationKind.CUSTOMER]: Role.CUSTOMER_ADMIN,
};

const CLIENT_CODES = new Set<string>(Object.values(ErrorCode).filter((c) => c !== ErrorCode.INTERNAL_SERVER_ERROR));

export interface PayloadDeps {
  dataSource: DataSource;
  config: HubConfig;
  secrets: SecretBox;
}

export interface EventPayload {
  /** The JSON text that is signed and sent. */
  body: string;
  /** Personal data was read for it (and recorded as a read in the audit record). */
  personal: boolean;
}

/** An error as a client of /graphql would see it: message, path, code; nothing internal. */
function formatted(e: { message: string; path?: readonly (string | number)[]; extensions?: Record<string, unknown> }): GraphQLFormattedError {
  const code = e.extensions?.code;
  if (typeof code === 'string' && CLIENT_CODES.has(code)) {
    const { http: _http, stacktrace: _stack, ...extensions } = e.extensions ?? {};
    return { message: e.message, path: e.path, extensions };
  }
  return { message: 'Internal server error', path: e.path, extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR } };
}

/**
 * The payload of one event for one endpoint, built at delivery time through the same policy as a
 * read: the fixed selection of the event's subject is executed on the hub's schema (permission
 * table, row scopes, transfer gate, all at `now`) as the endpoint's owner, an admin of its
 * organization. The answer goes in as it is, `data` and `errors` with each field's reason, so a
 * gated distributor's webhook carries what its read would: the license, never a licensee's name.
 * The reads of personal data it holds are recorded in the audit record like those of a request.
 */
export async function buildEventPayload(deps: PayloadDeps, owner: { endpointId: string; organizationId: string }, event: HubEvent, now: Date): Promise<EventPayload> {
  const organization = await deps.dataSource.getRepository(Organization).findOneByOrFail({ id: owner.organizationId });
  const actor: Actor = {
    type: ActorType.USER,
    id: owner.endpointId,
    userId: null,
    apiKeyId: null,
    organizationId: organization.id,
    organizationKind: organization.kind,
    role: ADMIN_ROLE[organization.kind],
    scopes: null,
    organization,
  };
  const ctx = createRequestContext({ requestId: `webhook-${event.id}`, now, actor, config: deps.config, dataSource: deps.dataSource, secrets: deps.secrets });
  const document = DOCUMENTS.get(event.subjectType);
  const subjectId = NODE_TYPES.includes(event.subjectType as NodeType) ? toGlobalId(event.subjectType as NodeType, event.subjectId) : null;
  const result = document && subjectId ? await execute({ schema: buildHubSchema(), document, variableValues: { id: subjectId }, contextValue: ctx }) : { data: null, errors: [] };
  const personal = ctx.auditReads.size > ctx.auditReads.deniedCount;
  await ctx.auditReads.flush(ctx);
  const payload = {
    type: event.type,
    timestamp: event.occurredAt.toISOString(),
    data: { eventId: event.id, subjectType: event.subjectType, subjectId, node: result.data?.node ?? null },
    ...(result.errors?.length ? { errors: result.errors.map((e) => formatted(e)) } : {}),
  };
  return { body: JSON.stringify(payload), personal };
}
