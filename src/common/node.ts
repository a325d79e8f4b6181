import { Field, ID, InterfaceType } from 'type-graphql';

/**
 * Relay's Node. Every implementing type's `id` is rewritten to an opaque global id in one
 * place (see `installGlobalIds` in src/common/global-id-schema.ts), so entities keep their
 * database key in `id`.
 */
/** A Node's GraphQL type: the name of its entity class, which is its type's name. */
export const nodeTypeName = (value: object): string => value.constructor.name;

@InterfaceType({
  description: 'An object with an opaque global id, fetchable with node(id) and nodes(ids).',
  resolveType: nodeTypeName,
})
export abstract class Node {
  @Field(() => ID, { description: 'The opaque global id: stable, and the only id the API takes (never a database key).' })
  id: string;
}
