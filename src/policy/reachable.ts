import { ClassType } from 'type-graphql';
import { ListQuery, SortKey } from '../common/sql';
import { RequestContext } from '../context/request-context';

export const BY_ID: SortKey[] = [{ column: 'e.id', property: 'id' }];
export const BY_NAME: SortKey[] = [
  { column: 'e.name', property: 'name' },
  { column: 'e.id', property: 'id' },
];

/**
 * The base of every list, lookup and loader of an entity: the one place where the rows an
 * actor may reach are decided, so that lists, node, nodes, nested fields, payloads and
 * totalCount all see the same rows. (Row scoping by role is issue #3; until then every
 * authenticated actor reaches every row.)
 */
export function reachable<E extends object>(_ctx: RequestContext, entity: ClassType<E>, sort: SortKey[] = BY_ID): ListQuery<E> {
  return { entity, where: [], sort };
}
