import { GraphQLObjectType, GraphQLSchema, isInterfaceType, isObjectType } from 'graphql';
import { nodeTypeName } from './node';
import { NODE_TYPES, NodeType, toGlobalId } from './global-id';

/**
 * Rewrites `id` of every Node type to its opaque global id; checks NODE_TYPES is complete. Node's
 * type is resolved synchronously: type-graphql wraps resolveType in an async function, which
 * costs a promise per node in graphql-js and which graphql-jit does not take (src/executor.ts).
 */
export function installGlobalIds(schema: GraphQLSchema): GraphQLSchema {
  const node = schema.getType('Node');
  if (!isInterfaceType(node)) throw new Error('the schema has no Node interface');
  node.resolveType = nodeTypeName;
  const implementers = Object.values(schema.getTypeMap()).filter((t): t is GraphQLObjectType => isObjectType(t) && t.getInterfaces().some((i) => i === node));
  const names = implementers.map((t) => t.name).sort();
  const expected = [...NODE_TYPES].sort();
  if (names.join() !== expected.join()) {
    throw new Error(`Node implementers ${names.join()} differ from NODE_TYPES ${expected.join()}`);
  }
  for (const type of implementers) {
    const typeName = type.name as NodeType;
    const field = type.getFields().id;
    field.resolve = (source: { id: string }) => toGlobalId(typeName, source.id);
  }
  return schema;
}
