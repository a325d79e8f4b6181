import { Arg, Args, Ctx, FieldResolver, ID, Query, Resolver, Root } from 'type-graphql';
import { NODE_TYPES, NodeType, toGlobalId } from '../../common/global-id';
import { Node } from '../../common/node';
import { PageArgsInput } from '../../common/page-args';
import { ConnectionOf, pageArgs } from '../../common/pagination';
import { RequestContext } from '../../context/request-context';
import { BY_ID } from '../../policy/reachable';
import { nodeLoader } from '../node/node.service';
import { HubEvent } from './event.entity';
import { EventFilter } from './event.inputs';
import { listEvents } from './event.service';

/** Made when the module loads: type-graphql must see the connection type before the schema is built. */
const EventConnection = ConnectionOf(HubEvent, 'Event');

const globalIdOf = (type: NodeType, id: string | null) => (id ? toGlobalId(type, id) : null);

@Resolver(() => HubEvent)
export class EventResolver {
  @Query(() => EventConnection, {
    description:
      'The event feed, oldest first, in scope for the viewer (the vendor: all; a distributor or customer: the events about its licenses, contracts, customer links and people; API keys: the categories their scopes name). A script that was down catches up from its last cursor (docs/events.md).',
  })
  events(
    @Ctx() ctx: RequestContext,
    @Arg('filter', () => EventFilter, { nullable: true, description: 'Narrows the events; absent: all the viewer reaches.' }) filter: EventFilter | null,
    @Args(() => PageArgsInput) page: PageArgsInput,
  ) {
    return listEvents(ctx, filter, pageArgs(page, BY_ID));
  }

  @FieldResolver(() => ID, { description: 'The global id of the subject (the License, Activation, Contract, Organization or PortalUser).' })
  subjectId(@Root() event: HubEvent): string | null {
    return NODE_TYPES.includes(event.subjectType as NodeType) ? toGlobalId(event.subjectType as NodeType, event.subjectId) : null;
  }

  @FieldResolver(() => Node, { nullable: true, description: 'The subject as the viewer may read it now (null once it is out of reach, e.g. after an unlink).' })
  subject(@Ctx() ctx: RequestContext, @Root() event: HubEvent) {
    return NODE_TYPES.includes(event.subjectType as NodeType) ? nodeLoader(ctx, event.subjectType as NodeType).load(event.subjectId) : null;
  }

  @FieldResolver(() => ID, { nullable: true, description: 'The global id of the license a license event is about (for an activation, its license).' })
  licenseId(@Root() event: HubEvent): string | null {
    return globalIdOf('License', event.licenseId);
  }

  @FieldResolver(() => ID, { nullable: true, description: 'The global id of the distributor the event concerns, if any.' })
  distributorId(@Root() event: HubEvent): string | null {
    return globalIdOf('Organization', event.distributorId);
  }

  @FieldResolver(() => ID, { nullable: true, description: 'The global id of the customer the event concerns, if any.' })
  customerId(@Root() event: HubEvent): string | null {
    return globalIdOf('Organization', event.customerId);
  }
}
