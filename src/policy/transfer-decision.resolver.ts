import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { RequestContext } from '../context/request-context';
import { Contract } from '../modules/contract/contract.entity';
import { contractById } from '../modules/contract/contract.service';
import { TransferDecision, TransferDenialReason } from './transfer-gate';
import { TransferDecisionType } from './transfer-decision.type';

@Resolver(() => TransferDecisionType)
export class TransferDecisionResolver {
  /** The gate sees every contract; the viewer gets the contract only if it may reach that row. */
  @FieldResolver(() => Contract, { nullable: true, description: 'The contract the decision rests on, if any (and if the viewer may see it).' })
  contract(@Ctx() ctx: RequestContext, @Root() decision: TransferDecision<Contract>) {
    return decision.contract ? contractById(ctx).load(decision.contract.id) : null;
  }

  /** Decided by the gate with the decision (transfer-gate.ts), read here as it is. */
  @FieldResolver(() => TransferDenialReason, {
    nullable: true,
    description:
      "Why the transfer gate is closed, as a machine reads it; null when allowed, and when the denial is not the gate's (personalDataAccess without a relation to the organization, or an API key without personal_data:read).",
  })
  denialReason(@Root() decision: TransferDecision<Contract>): TransferDenialReason | null {
    return decision.allowed ? null : (decision.denial?.reason ?? null);
  }
}
