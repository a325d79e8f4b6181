import { Arg, Ctx, ID, Query, Resolver } from 'type-graphql';
import { badInput } from '../../common/errors';
import { Node } from '../../common/node';
import { RequestContext } from '../../context/request-context';
import { loadNode } from './node.service';

export const MAX_NODE_IDS = 100;

@Resolver()
export class NodeResolver {
  @Query(() => Node, { nullable: true, description: 'Any object by its global id; null with NOT_FOUND if it is unknown or the viewer cannot reach it.' })
  node(@Ctx() ctx: RequestContext, @Arg('id', () => ID, { description: 'A global id.' }) id: string) {
    return loadNode(ctx, id);
  }

  @Query(() => [Node], { nullable: 'items', description: `Objects by global id (at most ${MAX_NODE_IDS}); a missing one is null with NOT_FOUND at its index.` })
  nodes(@Ctx() ctx: RequestContext, @Arg('ids', () => [ID], { description: `At most ${MAX_NODE_IDS} global ids.` }) ids: string[]) {
    if (ids.length > MAX_NODE_IDS) throw badInput({ field: 'ids', message: `at most ${MAX_NODE_IDS} ids (got ${ids.length})` });
    // An Error in a list becomes null plus an error at that index; the other items still answer.
    return Promise.all(ids.map((id) => loadNode(ctx, id).catch((e: Error) => e)));
  }
}
