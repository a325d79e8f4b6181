import { GraphQLResolveInfo } from 'graphql';
import { rule } from 'graphql-shield';
import { AuditOutcome, OrganizationKind, Role } from '../common/enums';
import { DomainError, ErrorCode, refusal } from '../common/errors';
import { fromGlobalIdOf } from '../common/global-id';
import { Actor } from '../context/actor';
import { RequestContext } from '../context/request-context';
import { Activation } from '../modules/activation/activation.entity';
import { ApiKey } from '../modules/api-key/api-key.entity';
import { Computer } from '../modules/computer/computer.entity';
import { Contract } from '../modules/contract/contract.entity';
import { License } from '../modules/license/license.entity';
import { Organization } from '../modules/organization/organization.entity';
import { PortalUser } from '../modules/user/portal-user.entity';
import { Subject } from './audit-reads';
import { contractsOfOrganizationReadable, DataOwner, isVendor, PersonalDataDenial, personalDataVerdict } from './personal-data';
import { userById } from '../modules/user/user.service';
import { hasScope } from './reachable';
import { TransferDecision } from './transfer-gate';

type Decision = true | DomainError;
type Check<P> = (ctx: RequestContext, parent: P, info: GraphQLResolveInfo) => Decision | Promise<Decision>;

const fieldNames = new WeakMap<object, Map<string, string>>();
/** "Type.field", built once per field of the schema, not once per value. */
function fieldName(info: GraphQLResolveInfo): string {
  let names = fieldNames.get(info.parentType);
  if (!names) fieldNames.set(info.parentType, (names = new Map<string, string>()));
  let name = names.get(info.fieldName);
  if (!name) names.set(info.fieldName, (name = `${info.parentType.name}.${info.fieldName}`));
  return name;
}

function forbidden(info: GraphQLResolveInfo, needs: string): DomainError {
  return refusal(ErrorCode.FORBIDDEN, `Not allowed to read ${fieldName(info)}: ${needs}`, {}, info);
}

/** A named graphql-shield rule that returns (never throws) its denial, so the code reaches the client as is. */
function decide<P>(name: string, check: Check<P>) {
  return rule(name, { cache: 'no_cache' })((parent: P, _args: unknown, ctx: RequestContext, info: GraphQLResolveInfo) => check(ctx, parent, info));
}

/** Whose personal or contact data a field holds: the subject the read is recorded about (one object per field read). */
interface Owner extends Subject, DataOwner {}

/**
 * PERSONAL and CONTACT data: the decision of personalDataVerdict() (personal-data.ts), made into
 * the field's answer. Every allowed read and every gate denial is recorded for the audit.
 */
function personalData(ctx: RequestContext, owner: Owner | null, info: GraphQLResolveInfo, contact: boolean): Decision | Promise<Decision> {
  if (!owner) return true; // nothing to read (e.g. no licensee)
  const verdict = personalDataVerdict(ctx, owner, contact);
  return verdict instanceof Promise ? verdict.then((v) => fieldDecision(ctx, v, owner, info)) : fieldDecision(ctx, verdict, owner, info);
}

function fieldDecision(ctx: RequestContext, verdict: true | PersonalDataDenial, owner: Owner, info: GraphQLResolveInfo): Decision {
  if (verdict === true) {
    ctx.auditReads.record(owner, fieldName(info), AuditOutcome.ALLOWED);
    return true;
  }
  if (!verdict.gate) return forbidden(info, verdict.reason);
  ctx.auditReads.record(owner, fieldName(info), AuditOutcome.DENIED);
  return refusal(ErrorCode.TRANSFER_BASIS_REQUIRED, gateClosedMessage(verdict.gate), verdict.extra, info);
}

/** The same text for every field the closed gate withholds in a request: made once per decision. */
const gateMessages = new WeakMap<TransferDecision<Contract>, string>();
function gateClosedMessage(gate: TransferDecision<Contract>): string {
  let message = gateMessages.get(gate);
  if (message === undefined) {
    message = `Personal data of customers is not available to your organization without a data-transfer basis in force (${gate.reason})`;
    gateMessages.set(gate, message);
  }
  return message;
}

export const PUBLIC = rule('PUBLIC', { cache: 'no_cache' })(() => true);

export const CONTACT = decide<Organization>('CONTACT', (ctx, org, info) => personalData(ctx, { type: 'Organization', id: org.id, organizationId: org.id, organizationKind: org.kind }, info, true));

export const PERSONAL_USER = decide<PortalUser>('PERSONAL_USER', (ctx, user, info) => personalData(ctx, { type: 'PortalUser', id: user.id, organizationId: user.organizationId }, info, false));

export const PERSONAL_LICENSEE = decide<License>('PERSONAL_LICENSEE', async (ctx, license, info) => {
  if (!license.licenseeId) return true;
  // Like activatedBy: an unreachable person is an absent row (null), decided by the same loader as the field.
  const person = await userById(ctx).load(license.licenseeId);
  if (!person) return true;
  return personalData(ctx, { type: 'PortalUser', id: person.id, organizationId: person.organizationId }, info, false);
});

export const PERSONAL_ACTIVATED_BY = decide<Activation>('PERSONAL_ACTIVATED_BY', async (ctx, activation, info) => {
  if (!activation.activatedById) return true;
  // The same scoped loader as the field's resolver: one query for both, and an unreachable person resolves to null anyway.
  const person = await userById(ctx).load(activation.activatedById);
  if (!person) return true;
  return personalData(ctx, { type: 'PortalUser', id: person.id, organizationId: person.organizationId }, info, false);
});

export const PERSONAL_COMPUTER = decide<Computer>('PERSONAL_COMPUTER', (ctx, computer, info) =>
  personalData(ctx, { type: 'Computer', id: computer.id, organizationId: computer.organizationId }, info, false),
);

/** SECRET: VENDOR_ADMIN, VENDOR_STAFF; the holding distributor's users; the allocated customer's CUSTOMER_ADMIN. */
export const SECRET = decide<License>('SECRET', (ctx, license, info) => {
  const { actor } = ctx;
  if (!hasScope(actor, 'activation_keys:read')) return forbidden(info, 'the API key lacks the scope activation_keys:read');
  if (actor.role === Role.VENDOR_ADMIN || actor.role === Role.VENDOR_STAFF) return true;
  if ((actor.role === Role.DISTRIBUTOR_ADMIN || actor.role === Role.DISTRIBUTOR_USER) && license.distributorId === actor.organizationId) return true;
  if (actor.role === Role.CUSTOMER_ADMIN && license.customerId === actor.organizationId) return true;
  return forbidden(info, 'activation keys are for vendor admins and staff, the holding distributor and the customer admin');
});

/** CONTRACT on an organization (its contracts, its transfer decision): contractsOfOrganizationReadable() (personal-data.ts). */
export const CONTRACT_OF_ORGANIZATION = decide<Organization>('CONTRACT_OF_ORGANIZATION', (ctx, org, info) => {
  const readable = contractsOfOrganizationReadable(ctx, org.id);
  return readable === true ? true : forbidden(info, readable);
});

/** CONTRACT fields of a contract row (rows are already scoped the same way; this holds if they were not). */
export const CONTRACT = decide<Contract>('CONTRACT', (ctx, contract, info) => {
  if (!hasScope(ctx.actor, 'contracts:read')) return forbidden(info, 'the API key lacks the scope contracts:read');
  if (isVendor(ctx) || contract.distributorId === ctx.actor.organizationId) return true;
  return forbidden(info, "contracts are for vendor roles and the distributor's own organization");
});

/** AUDIT: VENDOR_ADMIN and PRIVACY_OFFICER, as users (an API key acts as VENDOR_STAFF at most). */
export const AUDIT = decide<unknown>('AUDIT', (ctx, _p, info) =>
  ctx.actor.scopes === null && (ctx.actor.role === Role.VENDOR_ADMIN || ctx.actor.role === Role.PRIVACY_OFFICER) ? true : forbidden(info, 'the audit record is for VENDOR_ADMIN and PRIVACY_OFFICER'),
);

/** CREDENTIAL: an organization's admin for its own keys; VENDOR_ADMIN. An API key only its own key (viewer.apiKey), never another. */
export const CREDENTIAL = decide<ApiKey>('CREDENTIAL', (ctx, key, info) => {
  const { actor } = ctx;
  if (actor.scopes !== null) return actor.apiKeyId !== null && key.id === actor.apiKeyId ? true : forbidden(info, 'an API key reads no credential but its own');
  if (actor.role === Role.VENDOR_ADMIN) return true;
  if ((actor.role === Role.DISTRIBUTOR_ADMIN || actor.role === Role.CUSTOMER_ADMIN) && key.organizationId === actor.organizationId) return true;
  return forbidden(info, "API keys are for the organization's admin");
});

/** Organization.apiKeys: the organization's admin for its own; VENDOR_ADMIN. Never an API key (it reads itself through viewer.apiKey). */
export const CREDENTIAL_OF_ORGANIZATION = decide<Organization>('CREDENTIAL_OF_ORGANIZATION', (ctx, org, info) => {
  const { actor } = ctx;
  if (actor.scopes !== null) return forbidden(info, 'API keys never list keys');
  if (actor.role === Role.VENDOR_ADMIN) return true;
  if ((actor.role === Role.DISTRIBUTOR_ADMIN || actor.role === Role.CUSTOMER_ADMIN) && org.id === actor.organizationId) return true;
  return forbidden(info, "API keys are for the organization's admin");
});

/** Query.customers: vendor roles and distributors (a customer has no customers); keys need customers:read. */
export const CUSTOMER_LIST = decide<unknown>('CUSTOMER_LIST', (ctx, _p, info) => {
  if (!hasScope(ctx.actor, 'customers:read')) return forbidden(info, 'the API key lacks the scope customers:read');
  return ctx.actor.organizationKind === OrganizationKind.CUSTOMER ? forbidden(info, 'customers are listed for vendor roles and distributors') : true;
});

/** Query.licenses: every role reaches its own licenses; keys need licenses:read. */
export const LICENSE_LIST = decide<unknown>('LICENSE_LIST', (ctx, _p, info) => (hasScope(ctx.actor, 'licenses:read') ? true : forbidden(info, 'the API key lacks the scope licenses:read')));

/**
 * Query.users, the lookup of people across organizations (a data-subject request starts from an
 * e-mail address): vendor roles only; API keys of the vendor need personal_data:read. The rows
 * are still scoped and every field still ruled; the lookup itself is audited (user.service.ts).
 */
export const USER_LOOKUP = decide<unknown>('USER_LOOKUP', (ctx, _p, info) => {
  if (!isVendor(ctx)) return forbidden(info, 'people are looked up by vendor roles (data-subject requests)');
  return hasScope(ctx.actor, 'personal_data:read') ? true : forbidden(info, 'the API key lacks the scope personal_data:read');
});

/** Query.contracts: vendor roles and distributors; a customer can never read contracts. */
export const CONTRACT_LIST = decide<unknown>('CONTRACT_LIST', (ctx, _p, info) => {
  if (!hasScope(ctx.actor, 'contracts:read')) return forbidden(info, 'the API key lacks the scope contracts:read');
  return ctx.actor.organizationKind === OrganizationKind.CUSTOMER ? forbidden(info, 'contracts are for vendor roles and distributors') : true;
});

/** allocateLicense: VENDOR_ADMIN; a distributor's admins and users (their own licenses, to their own customers: rows). Keys need licenses:write. */
export const ALLOCATE = decide<unknown>('ALLOCATE', (ctx, _p, info) => {
  if (!hasScope(ctx.actor, 'licenses:write')) return forbidden(info, 'the API key lacks the scope licenses:write');
  const ok = [Role.VENDOR_ADMIN, Role.DISTRIBUTOR_ADMIN, Role.DISTRIBUTOR_USER].includes(ctx.actor.role);
  return ok ? true : forbidden(info, 'licenses are allocated by VENDOR_ADMIN and the holding distributor');
});

/** activateLicense / deactivateActivation: the customer's users; its distributor's admin on its behalf; VENDOR_ADMIN. Keys need licenses:write. */
export const ACTIVATE = decide<unknown>('ACTIVATE', (ctx, _p, info) => {
  if (!hasScope(ctx.actor, 'licenses:write')) return forbidden(info, 'the API key lacks the scope licenses:write');
  const ok = [Role.VENDOR_ADMIN, Role.DISTRIBUTOR_ADMIN, Role.CUSTOMER_ADMIN, Role.CUSTOMER_USER].includes(ctx.actor.role);
  return ok ? true : forbidden(info, "activations are made by the customer's users, its distributor's admin or VENDOR_ADMIN");
});

/** Mutations for VENDOR_ADMIN only (contracts, organizations, license registration): users, never API keys. */
export const VENDOR_ADMIN_ONLY = decide<unknown>('VENDOR_ADMIN_ONLY', (ctx, _p, info) =>
  ctx.actor.scopes === null && ctx.actor.role === Role.VENDOR_ADMIN ? true : forbidden(info, 'only VENDOR_ADMIN may do this'),
);

// ---------------------------------------------------------------------------------------------
// The privacy lifecycle (issue #5): who may call its mutations (docs/access-policy.md, Mutations).
// ---------------------------------------------------------------------------------------------
function refuse(info: GraphQLResolveInfo, needs: string): DomainError {
  return new DomainError(ErrorCode.FORBIDDEN, `Not allowed to call ${fieldName(info)}: ${needs}`);
}

const isUser = (ctx: RequestContext) => ctx.actor.scopes === null && !!ctx.actor.userId;

/**
 * withdrawConsent, exportPersonalData: the person for themself (input.userId omitted or their
 * own), or the PRIVACY_OFFICER for anyone. Users only: an API key never acts for a person.
 */
export const SELF_OR_PRIVACY_OFFICER = rule('SELF_OR_PRIVACY_OFFICER', { cache: 'no_cache' })((
  _p: unknown,
  args: { input?: { userId?: string | null } },
  ctx: RequestContext,
  info: GraphQLResolveInfo,
) => {
  if (!isUser(ctx)) return refuse(info, 'API keys never act for a person');
  if (ctx.actor.role === Role.PRIVACY_OFFICER) return true;
  const target = args.input?.userId;
  if (target == null || fromGlobalIdOf('PortalUser', target) === ctx.actor.userId) return true;
  return refuse(info, 'only for yourself, or by the PRIVACY_OFFICER');
});

/** rectifyPersonalData, runRetention: the data protection officer, as a user. */
export const PRIVACY_OFFICER_ONLY = decide<unknown>('PRIVACY_OFFICER_ONLY', (ctx, _p, info) =>
  isUser(ctx) && ctx.actor.role === Role.PRIVACY_OFFICER ? true : refuse(info, 'only the PRIVACY_OFFICER may do this'),
);

/** recordConsent: new consent of a withdrawn person is recorded by the vendor (PRIVACY_OFFICER or VENDOR_ADMIN). */
export const PRIVACY_OFFICER_OR_VENDOR_ADMIN = decide<unknown>('PRIVACY_OFFICER_OR_VENDOR_ADMIN', (ctx, _p, info) =>
  isUser(ctx) && (ctx.actor.role === Role.PRIVACY_OFFICER || ctx.actor.role === Role.VENDOR_ADMIN) ? true : refuse(info, 'only the PRIVACY_OFFICER or VENDOR_ADMIN may do this'),
);

/** updateMyProfile: any user, for themself; never an API key. */
export const ANY_USER_SELF = decide<unknown>('ANY_USER_SELF', (ctx, _p, info) => (isUser(ctx) ? true : refuse(info, 'only a person, for themself (not an API key)')));

// ---------------------------------------------------------------------------------------------
// Management of organizations, users and API keys (docs/access-policy.md, Mutations; CREDENTIAL).
// The rules decide what the actor and the arguments alone can decide; what needs the row (the
// organization of a user or key named by id) is decided by the service with the same
// managesOrganization(), on the row it locked. API keys never manage anything.
// ---------------------------------------------------------------------------------------------
const ORGANIZATION_ADMINS = new Set([Role.DISTRIBUTOR_ADMIN, Role.CUSTOMER_ADMIN]);

/** VENDOR_ADMIN manages every organization; DISTRIBUTOR_ADMIN and CUSTOMER_ADMIN their own. Users only. */
export function managesOrganization(actor: Actor, organizationId: string): boolean {
  if (actor.scopes !== null || !actor.userId) return false;
  if (actor.role === Role.VENDOR_ADMIN) return true;
  return ORGANIZATION_ADMINS.has(actor.role) && actor.organizationId === organizationId;
}

type ManagementArgs = { input?: { organizationId?: unknown; kind?: unknown; processingCountries?: unknown } };

/**
 * The organization named by input.organizationId is the caller's to manage. An id that is not an
 * Organization id passes: the service refuses it as BAD_USER_INPUT naming the field, before any read.
 */
function ownOrganizationArg(ctx: RequestContext, args: ManagementArgs): boolean {
  const raw = args.input?.organizationId;
  const id = typeof raw === 'string' ? fromGlobalIdOf('Organization', raw) : null;
  return id === null || managesOrganization(ctx.actor, id);
}

/** createOrganization: VENDOR_ADMIN; DISTRIBUTOR_ADMIN only a CUSTOMER (which becomes its customer). */
export const CREATE_ORGANIZATION = rule('CREATE_ORGANIZATION', { cache: 'no_cache' })((_p: unknown, args: ManagementArgs, ctx: RequestContext, info: GraphQLResolveInfo) => {
  if (!isUser(ctx)) return refuse(info, 'API keys never manage organizations');
  if (ctx.actor.role === Role.VENDOR_ADMIN) return true;
  if (ctx.actor.role === Role.DISTRIBUTOR_ADMIN) {
    return args.input?.kind === OrganizationKind.CUSTOMER ? true : refuse(info, 'a distributor admin creates customers only (input.kind CUSTOMER)');
  }
  return refuse(info, 'organizations are created by VENDOR_ADMIN, and customers by their distributor admin');
});

/**
 * updateOrganization: VENDOR_ADMIN; the organization's own admin (never a distributor for its
 * customers). processingCountries only VENDOR_ADMIN: the transfer gate reads them, and a
 * distributor must not be able to change what decides its own access to personal data.
 */
export const UPDATE_ORGANIZATION = rule('UPDATE_ORGANIZATION', { cache: 'no_cache' })((_p: unknown, args: ManagementArgs, ctx: RequestContext, info: GraphQLResolveInfo) => {
  if (!isUser(ctx)) return refuse(info, 'API keys never manage organizations');
  if (ctx.actor.role === Role.VENDOR_ADMIN) return true;
  if (!ORGANIZATION_ADMINS.has(ctx.actor.role) || !ownOrganizationArg(ctx, args)) return refuse(info, "only VENDOR_ADMIN or the organization's own admin");
  if (args.input?.processingCountries !== undefined) {
    return new DomainError(ErrorCode.FORBIDDEN, `Not allowed to call ${fieldName(info)}: input.processingCountries is changed by VENDOR_ADMIN only (the transfer gate reads it)`, {
      field: 'input.processingCountries',
    });
  }
  return true;
});

/** inviteUser, createApiKey: for input.organizationId, its own admin or VENDOR_ADMIN. */
export const ORGANIZATION_ADMIN_FOR_OWN = rule('ORGANIZATION_ADMIN_FOR_OWN', { cache: 'no_cache' })((_p: unknown, args: ManagementArgs, ctx: RequestContext, info: GraphQLResolveInfo) => {
  if (!isUser(ctx)) return refuse(info, 'API keys never manage users or keys');
  if (ctx.actor.role === Role.VENDOR_ADMIN) return true;
  return ORGANIZATION_ADMINS.has(ctx.actor.role) && ownOrganizationArg(ctx, args) ? true : refuse(info, "only VENDOR_ADMIN or the organization's own admin");
});

/**
 * updateUser, disableUser, revokeApiKey: VENDOR_ADMIN or an organization's admin. The target is
 * named by its own id; the service checks, on the locked row, that it belongs to the admin's
 * organization (managesOrganization).
 */
export const ORGANIZATION_ADMIN = decide<unknown>('ORGANIZATION_ADMIN', (ctx, _p, info) =>
  isUser(ctx) && (ctx.actor.role === Role.VENDOR_ADMIN || ORGANIZATION_ADMINS.has(ctx.actor.role))
    ? true
    : refuse(info, "only VENDOR_ADMIN or an organization's admin, for its own organization (never an API key)"),
);
