import { GraphQLSchema, isObjectType } from 'graphql';
import { getMetadataStorage } from 'type-graphql';

/**
 * type-graphql gives every field of an object type a resolver of its own, also a plain property
 * (`@Field() seats`): a closure that allocates its arguments object and runs an empty middleware
 * chain, only to return `root.seats`, which is what GraphQL's default resolver does. On a large
 * answer that is most of the fields (the dashboard: about 20,000 per request). This leaves such
 * fields without a resolver, so that graphql-js (or graphql-jit) reads the property directly.
 *
 * A field keeps its resolver unless it is exactly such a property: declared on the type's own
 * class (not inherited), read under its own name (the GraphQL name is the property's), without
 * middlewares or roles, and without a field resolver (a resolver class's @FieldResolver of that
 * name), and not marked `simple: false`. Getters still work: the default resolver reads the
 * property, as type-graphql's did. A property that holds a promise must keep its resolver
 * (`simple: false`): graphql-jit reads a resolver-less field as a plain value.
 */
export function useDefaultResolvers(schema: GraphQLSchema): GraphQLSchema {
  const storage = getMetadataStorage();
  const resolved = new Set(storage.fieldResolvers.map((r) => `${r.getObjectType?.()?.name ?? '?'}.${r.methodName}`));
  for (const objectType of storage.objectTypes) {
    const type = schema.getType(objectType.name);
    if (!isObjectType(type)) continue;
    const fields = type.getFields();
    for (const field of objectType.fields ?? []) {
      const schemaField = fields[field.schemaName];
      if (!schemaField || field.target !== objectType.target) continue;
      if (field.name !== field.schemaName || field.simple === false || field.middlewares?.length || field.roles?.length) continue;
      if (resolved.has(`${objectType.target.name}.${field.name}`) || field.params?.length) continue;
      schemaField.resolve = undefined;
    }
  }
  return schema;
}
