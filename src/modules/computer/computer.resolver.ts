import { Args, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { PageArgsInput } from '../../common/page-args';
import { ConnectionOf, pageArgs } from '../../common/pagination';
import { RequestContext } from '../../context/request-context';
import { BY_ID } from '../../policy/reachable';
import { Activation } from '../activation/activation.entity';
import { activationsOfComputer } from '../activation/activation.service';
import { Organization } from '../organization/organization.entity';
import { organizationById } from '../organization/organization.service';
import { Computer } from './computer.entity';

const ActivationConnection = ConnectionOf(Activation);

@Resolver(() => Computer)
export class ComputerResolver {
  @FieldResolver(() => Organization, { nullable: true, description: 'The customer that owns the computer.' })
  organization(@Ctx() ctx: RequestContext, @Root() computer: Computer) {
    return organizationById(ctx).load(computer.organizationId);
  }

  @FieldResolver(() => ActivationConnection, { description: 'Activations on this computer, active and ended, that the viewer reaches.' })
  activations(@Ctx() ctx: RequestContext, @Root() computer: Computer, @Args(() => PageArgsInput) page: PageArgsInput) {
    return activationsOfComputer(ctx, computer.id, pageArgs(page, BY_ID));
  }
}
