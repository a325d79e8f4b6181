import { OrganizationKind, Role } from '../common/enums';
import { ErrorCode } from '../common/errors';
import { RequestContext } from '../context/request-context';
import { Contract } from '../modules/contract/contract.entity';
import { PolicyFacts, policyFacts, servesCustomer } from './policy-facts';
import { hasScope } from './reachable';
import { TransferDecision } from './transfer-gate';

const VENDOR_ROLES = new Set([Role.VENDOR_ADMIN, Role.VENDOR_STAFF, Role.PRIVACY_OFFICER]);

/** A vendor role of the vendor organization (the EU controller: never gated). */
export const isVendor = (ctx: RequestContext) => ctx.actor.organizationKind === OrganizationKind.VENDOR && VENDOR_ROLES.has(ctx.actor.role);

/**
 * CONTRACT data of an organization (its contracts, its transfer decision): vendor roles; the
 * distributor itself; API keys need contracts:read. True, or what is missing. The rule
 * CONTRACT_OF_ORGANIZATION and the answer's gate summary (gate-summary.ts) decide with it.
 */
export function contractsOfOrganizationReadable(ctx: RequestContext, organizationId: string): true | string {
  if (!hasScope(ctx.actor, 'contracts:read')) return 'the API key lacks the scope contracts:read';
  if (isVendor(ctx) || (ctx.actor.organizationKind === OrganizationKind.DISTRIBUTOR && organizationId === ctx.actor.organizationId)) return true;
  return "contracts are for vendor roles and the distributor's own organization";
}

/** Whose personal or contact data is read: its organization (and that organization's kind). */
export interface DataOwner {
  organizationId: string;
  organizationKind?: OrganizationKind;
}

/** Why the personal data may not be read. One object per cause (per gate decision for the gate): no allocation per field. */
export interface PersonalDataDenial {
  code: ErrorCode.FORBIDDEN | ErrorCode.TRANSFER_BASIS_REQUIRED;
  /** What is missing, e.g. "personal data of another organization". */
  reason: string;
  /** The closed gate, for TRANSFER_BASIS_REQUIRED. */
  gate?: TransferDecision<Contract>;
  /** The error's extensions beside its code: `basis` and `reason` (TransferDenialReason) for the gate. */
  extra: Record<string, unknown>;
}

const SCOPE_MISSING: PersonalDataDenial = { code: ErrorCode.FORBIDDEN, reason: 'the API key lacks the scope personal_data:read', extra: {} };
const ANOTHER_ORGANIZATION: PersonalDataDenial = { code: ErrorCode.FORBIDDEN, reason: 'personal data of another organization', extra: {} };

/**
 * PERSONAL and CONTACT data (P1, P3, P4): may the viewer read this owner's data at the
 * request's instant? Vendor roles; the organization itself; a distributor for the customers it
 * serves, only while its transfer gate is open; for CONTACT also a customer for the
 * distributors that serve it, and anyone for the vendor. API keys need `personal_data:read`.
 *
 * The one decision of the PERSONAL/CONTACT field rules (rules.ts, which add the audit record
 * and the field's error) and of the paths that are not a field read (computerDataDenial()).
 * Synchronous once the request's policy facts are loaded: a large list pays no promise per field.
 */
export function personalDataVerdict(ctx: RequestContext, owner: DataOwner, contact: boolean): true | PersonalDataDenial | Promise<true | PersonalDataDenial> {
  const { actor } = ctx;
  if (!hasScope(actor, 'personal_data:read')) return SCOPE_MISSING;
  if (isVendor(ctx) || owner.organizationId === actor.organizationId || (contact && owner.organizationKind === OrganizationKind.VENDOR)) return true;
  const facts = policyFacts(ctx);
  return facts instanceof Promise ? facts.then((f) => relationVerdict(ctx, f, owner, contact)) : relationVerdict(ctx, facts, owner, contact);
}

function relationVerdict(ctx: RequestContext, facts: PolicyFacts, owner: DataOwner, contact: boolean): true | PersonalDataDenial | Promise<true | PersonalDataDenial> {
  if (contact && facts.relations.servingDistributors.has(owner.organizationId)) return true;
  const gate = facts.gate;
  if (!gate) return ANOTHER_ORGANIZATION;
  const served = servesCustomer(ctx, owner.organizationId);
  return served instanceof Promise ? served.then((s) => gateVerdict(ctx, gate, s)) : gateVerdict(ctx, gate, served);
}

/** A distributor viewer: its customers' data, only while its own transfer gate is open. */
function gateVerdict(ctx: RequestContext, gate: TransferDecision<Contract>, served: boolean): true | PersonalDataDenial {
  if (!served) return ANOTHER_ORGANIZATION;
  return gate.allowed ? true : gateDenial(ctx, gate);
}

const gateDenials = new WeakMap<TransferDecision<Contract>, PersonalDataDenial>();

/**
 * The denial of a closed gate, made once per decision (a decision lives for one request), and
 * the gate noted for the answer's summary (extensions.transferGates) at that first denial.
 */
function gateDenial(ctx: RequestContext, gate: TransferDecision<Contract>): PersonalDataDenial {
  let denial = gateDenials.get(gate);
  if (denial === undefined) {
    const extra: Record<string, unknown> = { basis: gate.basis };
    if (gate.denial) extra.reason = gate.denial.reason;
    denial = { code: ErrorCode.TRANSFER_BASIS_REQUIRED, reason: `no data-transfer basis in force (${gate.reason})`, gate, extra };
    gateDenials.set(gate, denial);
    // The gate of a distributor viewer is its own (policyFacts().gate).
    noteGateDenial(ctx, ctx.actor.organizationId, gate);
  }
  return denial;
}

/**
 * The gates that denied something in a request, by distributor id. Kept by the request's
 * `answer` object: Apollo runs the operation on a shallow copy of the context, and `answer` is
 * the one object the copy, the plugins and the HTTP stages share.
 */
const deniedGates = new WeakMap<object, Map<string, TransferDecision<Contract>>>();

function noteGateDenial(ctx: RequestContext, distributorId: string, gate: TransferDecision<Contract>): void {
  let gates = deniedGates.get(ctx.answer);
  if (!gates) deniedGates.set(ctx.answer, (gates = new Map<string, TransferDecision<Contract>>()));
  if (!gates.has(distributorId)) gates.set(distributorId, gate);
}

/** The gates that denied something in this request (none: undefined). */
export function gatesDeniedIn(ctx: Pick<RequestContext, 'answer'>): ReadonlyMap<string, TransferDecision<Contract>> | undefined {
  return deniedGates.get(ctx.answer);
}
