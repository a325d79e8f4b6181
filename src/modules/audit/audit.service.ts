import { badInput } from '../../common/errors';
import { fromGlobalId } from '../../common/global-id';
import { PageArgs } from '../../common/pagination';
import { ListQuery, sql } from '../../common/sql';
import { listPage } from '../../context/loaders';
import { RequestContext } from '../../context/request-context';
import { reachable } from '../../policy/reachable';
import { AuditEvent } from './audit-event.entity';
import { AuditEventFilter } from './audit.inputs';

export function auditQuery(ctx: RequestContext): ListQuery<AuditEvent> {
  // Newest first: ids are time-ordered.
  return { ...reachable(ctx, AuditEvent), descending: true };
}

export function auditEventById(ctx: RequestContext) {
  return ctx.loaders.byId(AuditEvent, () => auditQuery(ctx));
}

export function listAuditEvents(ctx: RequestContext, filter: AuditEventFilter | null | undefined, page: PageArgs) {
  const base = auditQuery(ctx);
  const actor = filter?.actorId ? fromGlobalId(filter.actorId) : null;
  if (filter?.actorId && (!actor || (actor.type !== 'PortalUser' && actor.type !== 'ApiKey'))) {
    throw badInput({ field: 'filter.actorId', message: 'is not a PortalUser or ApiKey id' });
  }
  const subject = filter?.subjectId ? fromGlobalId(filter.subjectId) : null;
  if (filter?.subjectId && !subject) throw badInput({ field: 'filter.subjectId', message: 'is not an id' });
  if (filter?.since && filter?.until && filter.until < filter.since) {
    throw badInput({ field: 'filter.until', message: 'must not be before filter.since' });
  }
  return listPage(
    ctx.sql,
    {
      ...base,
      where: [
        ...base.where,
        actor ? sql('e.actorId = ?', actor.id) : null,
        subject ? sql('e.subjectType = ? AND e.subjectId = ?', subject.type, subject.id) : null,
        filter?.action ? sql('e.action = ?', filter.action) : null,
        filter?.outcome ? sql('e.outcome = ?', filter.outcome) : null,
        filter?.since ? sql('e.at >= ?', filter.since) : null,
        filter?.until ? sql('e.at < ?', filter.until) : null,
      ],
    },
    page,
  );
}
