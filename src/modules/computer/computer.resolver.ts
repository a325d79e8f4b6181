import { Arg, Args, Ctx, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import { PageArgsInput } from '../../common/page-args';
import { ConnectionOf, pageArgs } from '../../common/pagination';
import { RequestContext } from '../../context/request-context';
import { BY_ID } from '../../policy/reachable';
import { Activation } from '../activation/activation.entity';
import { activationsOfComputer } from '../activation/activation.service';
import { Organization } from '../organization/organization.entity';
import { organizationById } from '../organization/organization.service';
import { Computer } from './computer.entity';
import { COMPUTER_ORDERS, ComputerFilter } from './computer.inputs';
import { OrderInput } from '../../common/ordering';
import { listComputers } from './computer.service';

const ActivationConnection = ConnectionOf(Activation);
const ComputerConnection = ConnectionOf(Computer);

@Resolver(() => Computer)
export class ComputerResolver {
  @Query(() => ComputerConnection, {
    description:
      "The computers the viewer reaches, across customers (LICENSE_LIST: API keys need licenses:read). Name and hostId follow Computer's rules: a distributor whose transfer gate is closed gets null with TRANSFER_BASIS_REQUIRED.",
  })
  computers(
    @Ctx() ctx: RequestContext,
    @Arg('filter', () => ComputerFilter, { nullable: true, description: 'Narrows the list; absent: all the viewer reaches.' }) filter: ComputerFilter | null,
    @Args(() => PageArgsInput) page: PageArgsInput,
    @Arg('orderBy', () => COMPUTER_ORDERS.input, { nullable: true, description: 'The order of the rows (ties broken by id); absent: by id.' })
    orderBy: OrderInput<keyof typeof COMPUTER_ORDERS.field> | null,
  ) {
    return listComputers(ctx, filter, pageArgs(page, BY_ID, COMPUTER_ORDERS.ordering('computers', orderBy, ctx.now)));
  }

  @FieldResolver(() => Organization, { nullable: true, description: 'The customer that owns the computer.' })
  organization(@Ctx() ctx: RequestContext, @Root() computer: Computer) {
    return organizationById(ctx).load(computer.organizationId);
  }

  @FieldResolver(() => ActivationConnection, { description: 'Activations on this computer, active and ended, that the viewer reaches.' })
  activations(@Ctx() ctx: RequestContext, @Root() computer: Computer, @Args(() => PageArgsInput) page: PageArgsInput) {
    return activationsOfComputer(ctx, computer.id, pageArgs(page, BY_ID));
  }
}
