import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { RequestContext } from '../context/request-context';
import { Contract } from '../modules/contract/contract.entity';
import { contractById } from '../modules/contract/contract.service';
import { TransferDecision } from './transfer-gate';
import { TransferDecisionType } from './transfer-decision.type';

@Resolver(() => TransferDecisionType)
export class TransferDecisionResolver {
  /** The gate sees every contract; the viewer gets the contract only if it may reach that row. */
  @FieldResolver(() => Contract, { nullable: true, description: 'The contract the decision rests on, if any (and if the viewer may see it).' })
  contract(@Ctx() ctx: RequestContext, @Root() decision: TransferDecision<Contract>) {
    return decision.contract ? contractById(ctx).load(decision.contract.id) : null;
  }
}
