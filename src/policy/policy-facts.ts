import { OrganizationKind } from '../common/enums';
import { sql } from '../common/sql';
import { RequestContext } from '../context/request-context';
import { Organization } from '../modules/organization/organization.entity';
import { transferDecisionFor } from './gate.service';
import { TransferDecision } from './transfer-gate';
import { Contract } from '../modules/contract/contract.entity';

/**
 * What the field rules need to know about the viewer, computed at most once per request
 * (never cached across requests: a contract signed or ended applies to the next request).
 */
export interface ViewerRelations {
  /** A distributor viewer: the customers it serves. */
  servedCustomers: Set<string>;
  /** A customer viewer: the distributors that serve it. */
  servingDistributors: Set<string>;
}

/** The facts the field rules need, loaded once per request; afterwards read synchronously. */
export interface PolicyFacts {
  relations: ViewerRelations;
  /** Only for a distributor viewer: its own transfer decision at the request's instant. */
  gate: TransferDecision<Contract> | null;
}

const FACTS = Symbol('policy facts');
type WithFacts = RequestContext & { [FACTS]?: PolicyFacts };

/** Synchronous once loaded: the rules of a large list must not pay a promise per field. */
export function policyFacts(ctx: RequestContext): PolicyFacts | Promise<PolicyFacts> {
  const cached = (ctx as WithFacts)[FACTS];
  if (cached) return cached;
  return ctx.once('policy:facts', async () => {
    const [relations, gate] = await Promise.all([
      viewerRelations(ctx),
      ctx.actor.organizationKind === OrganizationKind.DISTRIBUTOR ? viewerGate(ctx) : null,
    ]);
    const facts = { relations, gate };
    (ctx as WithFacts)[FACTS] = facts;
    return facts;
  });
}

export function viewerRelations(ctx: RequestContext): Promise<ViewerRelations> {
  return ctx.once('policy:relations', async () => {
    const { actor } = ctx;
    const empty: ViewerRelations = { servedCustomers: new Set(), servingDistributors: new Set() };
    if (actor.organizationKind === OrganizationKind.DISTRIBUTOR) {
      const rows = await ctx.sql.raw<{ id: string }>(sql('SELECT customerId AS id FROM `customer_account` WHERE distributorId = ?', actor.organizationId));
      return { ...empty, servedCustomers: new Set(rows.map((r) => String(r.id))) };
    }
    if (actor.organizationKind === OrganizationKind.CUSTOMER) {
      const rows = await ctx.sql.raw<{ id: string }>(sql('SELECT distributorId AS id FROM `customer_account` WHERE customerId = ?', actor.organizationId));
      return { ...empty, servingDistributors: new Set(rows.map((r) => String(r.id))) };
    }
    return empty;
  });
}

/** The transfer decision of the viewer's own distributor organization (once per request). */
export function viewerGate(ctx: RequestContext): Promise<TransferDecision<Contract>> {
  return transferDecisionFor(ctx, ctx.actor.organization);
}
