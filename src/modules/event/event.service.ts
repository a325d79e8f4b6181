import { badInput } from '../../common/errors';
import { PageArgs } from '../../common/pagination';
import { ListQuery, sql } from '../../common/sql';
import { listPage } from '../../context/loaders';
import { RequestContext } from '../../context/request-context';
import { reachable } from '../../policy/reachable';
import { HubEvent } from './event.entity';
import { EventFilter } from './event.inputs';

/** The feed, oldest first: ids are time-ordered, so a cursor is "everything after this event". */
export function eventQuery(ctx: RequestContext): ListQuery<HubEvent> {
  return reachable(ctx, HubEvent);
}

export function listEvents(ctx: RequestContext, filter: EventFilter | null | undefined, page: PageArgs) {
  const base = eventQuery(ctx);
  if (filter?.types && filter.types.length === 0) throw badInput({ field: 'filter.types', message: 'must name at least one type (or be absent)' });
  const types = filter?.types ?? null;
  return listPage(
    ctx.sql,
    {
      ...base,
      where: [...base.where, types ? sql(`e.type IN (${types.map(() => '?').join(', ')})`, ...types) : null, filter?.since ? sql('e.occurredAt >= ?', filter.since) : null],
    },
    page,
  );
}
