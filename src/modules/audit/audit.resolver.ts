import { Arg, Args, Ctx, FieldResolver, ID, Query, Resolver, Root } from 'type-graphql';
import { ActorType } from '../../common/enums';
import { NODE_TYPES, NodeType, toGlobalId } from '../../common/global-id';
import { PageArgsInput } from '../../common/page-args';
import { ConnectionOf, pageArgs } from '../../common/pagination';
import { RequestContext } from '../../context/request-context';
import { BY_ID } from '../../policy/reachable';
import { Organization } from '../organization/organization.entity';
import { organizationById } from '../organization/organization.service';
import { AuditEvent } from './audit-event.entity';
import { AUDIT_EVENT_ORDERS, AuditEventFilter } from './audit.inputs';
import { OrderInput } from '../../common/ordering';
import { listAuditEvents } from './audit.service';

/** Made when the module loads: type-graphql must see the connection type before the schema is built. */
const AuditEventConnection = ConnectionOf(AuditEvent);

@Resolver(() => AuditEvent)
export class AuditEventResolver {
  @Query(() => AuditEventConnection, { description: 'The audit record, newest first (AUDIT: VENDOR_ADMIN and PRIVACY_OFFICER; FORBIDDEN for others).' })
  auditEvents(
    @Ctx() ctx: RequestContext,
    @Arg('filter', () => AuditEventFilter, { nullable: true, description: 'Narrows the events; absent: all.' }) filter: AuditEventFilter | null,
    @Args(() => PageArgsInput) page: PageArgsInput,
    @Arg('orderBy', () => AUDIT_EVENT_ORDERS.input, { nullable: true, description: 'The order of the events (ties broken by id); absent: newest first (by id, which follows time).' })
    orderBy: OrderInput<keyof typeof AUDIT_EVENT_ORDERS.field> | null,
  ) {
    return listAuditEvents(ctx, filter, pageArgs(page, BY_ID, AUDIT_EVENT_ORDERS.ordering('auditEvents', orderBy, ctx.now)));
  }

  @FieldResolver(() => ID, { nullable: true, description: 'The PortalUser or ApiKey id of the actor.' })
  actorId(@Root() event: AuditEvent): string | null {
    if (!event.actorId) return null;
    if (event.actorType === ActorType.API_KEY) return toGlobalId('ApiKey', event.actorId);
    if (event.actorType === ActorType.USER) return toGlobalId('PortalUser', event.actorId);
    return null;
  }

  @FieldResolver(() => Organization, { nullable: true, description: "The actor's organization (null for the hub itself)." })
  actorOrganization(@Ctx() ctx: RequestContext, @Root() event: AuditEvent) {
    return event.actorOrganizationId ? organizationById(ctx).load(event.actorOrganizationId) : null;
  }

  @FieldResolver(() => ID, { nullable: true, description: 'The global id of the subject.' })
  subjectId(@Root() event: AuditEvent): string | null {
    if (!event.subjectId || !NODE_TYPES.includes(event.subjectType as NodeType)) return null;
    return toGlobalId(event.subjectType as NodeType, event.subjectId);
  }
}
