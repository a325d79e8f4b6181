import DataLoader from 'dataloader';
import { OrganizationKind } from '../common/enums';
import { companionOf, ListQuery, sql, sqlIn } from '../common/sql';
import { Organization } from '../modules/organization/organization.entity';
import { RequestContext } from '../context/request-context';
import { transferDecisionFor } from './gate.service';
import { TransferDecision } from './transfer-gate';
import { Contract } from '../modules/contract/contract.entity';

/** What the field rules need to know about the viewer, computed at most once per request. */
export interface ViewerRelations {
  /** A customer viewer: the distributors that serve it (a handful). */
  servingDistributors: Set<string>;
}

/**
 * The facts the field rules need, loaded once per request (never cached across requests: a
 * contract signed or ended applies to the next request); afterwards read synchronously.
 * Whether a distributor viewer serves a customer is asked per customer: see servesCustomer().
 */
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
    const [relations, gate] = await Promise.all([viewerRelations(ctx), ctx.actor.organizationKind === OrganizationKind.DISTRIBUTOR ? viewerGate(ctx) : null]);
    const facts = { relations, gate };
    (ctx as WithFacts)[FACTS] = facts;
    return facts;
  });
}

export function viewerRelations(ctx: RequestContext): Promise<ViewerRelations> {
  return ctx.once('policy:relations', async () => {
    const { actor } = ctx;
    if (actor.organizationKind !== OrganizationKind.CUSTOMER) return { servingDistributors: new Set<string>() };
    // The policy's facts come from the primary, never from a replica (docs/deployment-replicas.md).
    const rows = await ctx.sql.raw<{ id: string }>(sql('SELECT distributorId AS id FROM `customer_account` WHERE customerId = ?', actor.organizationId), true);
    return { servingDistributors: new Set(rows.map((r) => String(r.id))) };
  });
}

/** The transfer decision of the viewer's own distributor organization (once per request). */
export function viewerGate(ctx: RequestContext): Promise<TransferDecision<Contract>> {
  return transferDecisionFor(ctx, ctx.actor.organization);
}

/**
 * Which customers the viewer's distributor serves, as far as this request has learnt: from the
 * organization rows the request read anyway (their companion, servedCompanion()), else asked in one batched
 * statement for the customers whose data the request reaches (not all of a distributor's
 * customer ids on every request: docs/decisions/0004-authentication-in-one-statement.md).
 * Dropped with the loaders after a write.
 */
class ServedCustomers {
  readonly known = new Map<string, boolean>();
  private readonly ask = new DataLoader<string, boolean>(async (ids) => {
    const where = sqlIn('customerId', ids);
    const rows = await this.ctx.sql.raw<{ id: string }>(
      {
        sql: `SELECT customerId AS id FROM \`customer_account\` WHERE distributorId = ? AND ${where.sql}`,
        params: [this.ctx.actor.organizationId, ...where.params],
      },
      true,
    );
    const served = new Set(rows.map((r) => String(r.id)));
    return ids.map((id) => {
      this.known.set(id, served.has(id));
      return served.has(id);
    });
  });

  constructor(private readonly ctx: RequestContext) {}

  serves(customerId: string): boolean | Promise<boolean> {
    return this.known.get(customerId) ?? this.ask.load(customerId);
  }
}

const servedOf = (ctx: RequestContext) => ctx.loaders.memo('policy:served', () => new ServedCustomers(ctx));

/** Does the viewer's distributor serve this customer (now, in this request)? False for other viewers. */
export function servesCustomer(ctx: RequestContext, customerId: string): boolean | Promise<boolean> {
  if (ctx.actor.organizationKind !== OrganizationKind.DISTRIBUTOR) return false;
  return servedOf(ctx).serves(customerId);
}

const SERVED_BY_VIEWER = 'servedByViewer';

/**
 * The companion of organization rows read by a distributor viewer: does the viewer serve this
 * organization, answered by the database in the same statement (an index lookup per row); the
 * answers are learnt as the rows arrive.
 */
export function servedCompanion(ctx: RequestContext): Pick<ListQuery<Organization>, 'companions' | 'onRows'> {
  // Rows read from a replica would bring the replica's answer: the primary is asked instead (ServedCustomers).
  if (ctx.sql.replica) return {};
  const distributorId = ctx.actor.organizationId;
  return {
    companions: [
      {
        key: SERVED_BY_VIEWER,
        select: (row) => sql(`SELECT COUNT(*) FROM \`customer_account\` sv WHERE sv.distributorId = ? AND sv.customerId = ${row}.id`, distributorId),
      },
    ],
    onRows: (rows) => {
      const served = servedOf(ctx);
      for (const org of rows) {
        const flag = companionOf<unknown>(org, SERVED_BY_VIEWER);
        if (flag !== undefined && flag !== null) served.known.set(org.id, Number(flag) > 0);
      }
    },
  };
}
