import { OrganizationKind, TransferBasis } from '../common/enums';
import { RequestContext } from '../context/request-context';
import { Contract } from '../modules/contract/contract.entity';
import { loadJurisdictionData } from '../modules/jurisdiction/jurisdiction.service';
import { Organization } from '../modules/organization/organization.entity';
import { BY_ID, hasScope } from './reachable';
import { decideTransfer, JurisdictionData, TransferDecision } from './transfer-gate';

/**
 * The jurisdiction facts, read once per request (an operator's change applies to the next
 * request): those read while authenticating a distributor, else from the tables. The gate,
 * `Contract.inForce` and the contracts filter all read them here: one set of facts per request.
 */
export function jurisdictionData(ctx: RequestContext): Promise<JurisdictionData> {
  return ctx.once('gate:jurisdictions', async () => ctx.actor.gateFacts?.jurisdictions ?? loadJurisdictionData(ctx.dataSource));
}

/**
 * The transfer gate for a distributor at the request's instant, decided once per request and
 * distributor. The gate sees all of the distributor's contracts, whoever asks. The viewer's own
 * distributor is decided from the facts read while authenticating (the same request, no further
 * statement); any other distributor reads them here.
 */
export function transferDecisionFor(ctx: RequestContext, distributor: Organization): Promise<TransferDecision<Contract>> {
  return ctx.once(`gate:${distributor.id}`, async () => {
    const own = distributor.id === ctx.actor.organizationId ? ctx.actor.gateFacts : undefined;
    if (own) return decideTransfer(distributor, own.contracts, await jurisdictionData(ctx), ctx.now);
    const [data, contracts] = await Promise.all([
      jurisdictionData(ctx),
      // From the primary, whatever replica the request reads from: the gate never reads stale facts.
      ctx.loaders.group('gate.contracts', () => ({ entity: Contract, where: [], sort: BY_ID, primary: true }), 'e.distributorId').load(distributor.id),
    ]);
    return decideTransfer(distributor, contracts, data, ctx.now);
  });
}

export const NOT_REQUIRED = (reason: string): TransferDecision<Contract> => ({
  allowed: true,
  basis: TransferBasis.NOT_REQUIRED,
  reason,
  contract: null,
  validUntil: null,
});

/**
 * May the viewer read this organization's personal data now, and why? The vendor (the EU
 * controller) and the organization itself are never gated; a distributor reading its
 * customer's data is gated by its own transfer decision.
 */
export async function personalDataAccessFor(ctx: RequestContext, org: Organization): Promise<TransferDecision<Contract>> {
  const { actor } = ctx;
  if (!hasScope(actor, 'personal_data:read')) return denied('the API key lacks the scope personal_data:read');
  if (actor.organizationKind === OrganizationKind.VENDOR) return NOT_REQUIRED('the vendor is the EU controller');
  if (actor.organizationId === org.id) return NOT_REQUIRED('own organization');
  if (actor.organizationKind === OrganizationKind.DISTRIBUTOR && org.kind === OrganizationKind.CUSTOMER) {
    return transferDecisionFor(ctx, actor.organization);
  }
  return denied("no relation that allows reading this organization's personal data");
}

const denied = (reason: string): TransferDecision<Contract> => ({ allowed: false, basis: TransferBasis.NONE, reason, contract: null, validUntil: null });
