import { Arg, Args, Ctx, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import { PageArgsInput } from '../../common/page-args';
import { ConnectionOf, pageArgs } from '../../common/pagination';
import { RequestContext } from '../../context/request-context';
import { BY_ID } from '../../policy/reachable';
import { ContractStatus } from '../../common/enums';
import { jurisdictionData } from '../../policy/gate.service';
import { contractInForce, contractStatusAt } from '../../policy/transfer-gate';
import { Organization } from '../organization/organization.entity';
import { organizationById } from '../organization/organization.service';
import { Contract } from './contract.entity';
import { CONTRACT_ORDERS, ContractFilter } from './contract.inputs';
import { OrderInput } from '../../common/ordering';
import { listContracts } from './contract.service';

const ContractConnection = ConnectionOf(Contract);

@Resolver(() => Contract)
export class ContractResolver {
  @Query(() => ContractConnection, {
    description: "Data-transfer contracts: every distributor's for vendor roles, its own for a distributor; FORBIDDEN for customers (CONTRACT_LIST; API keys need contracts:read).",
  })
  contracts(
    @Ctx() ctx: RequestContext,
    @Arg('filter', () => ContractFilter, { nullable: true, description: 'Narrows the list; absent: all the viewer reaches.' }) filter: ContractFilter | null,
    @Args(() => PageArgsInput) page: PageArgsInput,
    @Arg('orderBy', () => CONTRACT_ORDERS.input, { nullable: true, description: 'The order of the rows (ties broken by id); absent: by id.' })
    orderBy: OrderInput<keyof typeof CONTRACT_ORDERS.field> | null,
  ) {
    return listContracts(ctx, filter, pageArgs(page, BY_ID, CONTRACT_ORDERS.ordering('contracts', orderBy, ctx.now)));
  }

  @FieldResolver(() => Organization, { nullable: true, description: 'The distributor the contract is with.' })
  distributor(@Ctx() ctx: RequestContext, @Root() contract: Contract) {
    return organizationById(ctx).load(contract.distributorId);
  }

  @FieldResolver(() => ContractStatus, {
    description: 'At the instant of the request: TERMINATED from terminatedAt on (a termination may be scheduled ahead), SIGNED from signedAt until then, else DRAFT.',
  })
  status(@Ctx() ctx: RequestContext, @Root() contract: Contract): ContractStatus {
    return contractStatusAt(contract, ctx.now);
  }

  @FieldResolver(() => Boolean, {
    description: "In force at the instant of the request (derived, never stored): the transfer gate's own test, including the type's legal window.",
  })
  async inForce(@Ctx() ctx: RequestContext, @Root() contract: Contract): Promise<boolean> {
    return contractInForce(contract, (await jurisdictionData(ctx)).mechanisms, ctx.now);
  }
}
