import { GraphQLFieldResolver, GraphQLSchema, isObjectType } from 'graphql';
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

type Params = NonNullable<ReturnType<typeof getMetadataStorage>['fieldResolvers'][number]['params']>;

/**
 * type-graphql calls a resolver class's `@FieldResolver` through a wrapper that, on every call,
 * sorts the method's parameter list, maps it to values and runs an empty middleware chain
 * (`getParams`: about 2–5% of a dashboard's CPU, once per row and field). A field resolver whose
 * parameters are only `@Root()`, `@Ctx()` and `@Info()`, without middlewares or roles, is called
 * here directly with the same values, on one instance of its class (the resolver classes are
 * stateless, as type-graphql's default container assumes). A typed `@Root()` is passed as it is
 * when it already is an instance of its class (or null), which is what type-graphql's conversion
 * does then; any other root goes through type-graphql's own resolver. Arguments keep type-graphql's
 * path: it converts them into their classes.
 */
export function callFieldResolversDirectly(schema: GraphQLSchema): GraphQLSchema {
  const storage = getMetadataStorage();
  const byField = new Map<string, (typeof storage.fieldResolvers)[number][]>();
  for (const r of storage.fieldResolvers) {
    const objectClass = r.getObjectType?.();
    if (r.kind !== 'external' || !objectClass) continue;
    const key = `${objectClass.name}.${r.schemaName}`;
    byField.set(key, [...(byField.get(key) ?? []), r]);
  }
  const instances = new Map<object, Record<string, unknown>>();
  for (const objectType of storage.objectTypes) {
    const type = schema.getType(objectType.name);
    if (!isObjectType(type)) continue;
    for (const [name, schemaField] of Object.entries(type.getFields())) {
      const candidates = byField.get(`${objectType.target.name}.${name}`);
      if (candidates?.length !== 1 || !schemaField.resolve) continue;
      const [r] = candidates;
      if (r.middlewares?.length || r.roles?.length || !r.params || !direct(r.params)) continue;
      const target = r.target as new () => Record<string, unknown>;
      if (typeof (target.prototype as Record<string, unknown>)[r.methodName] !== 'function') continue;
      if (!instances.has(target)) instances.set(target, new target());
      schemaField.resolve = directResolver(instances.get(target)!, r.methodName, r.params, schemaField.resolve);
    }
  }
  return schema;
}

/** Only root (the object itself), context and info. */
function direct(params: Params): boolean {
  return params.every((p) => (p.kind === 'root' && !p.propertyName) || p.kind === 'context' || p.kind === 'info');
}

function directResolver(instance: Record<string, unknown>, methodName: string, params: Params, wrapped: GraphQLFieldResolver<unknown, unknown>): GraphQLFieldResolver<unknown, unknown> {
  const ordered = [...params].sort((a, b) => a.index - b.index);
  const method = instance[methodName] as (...values: unknown[]) => unknown;
  const rootParam = ordered.find((p) => p.kind === 'root');
  const declared: unknown = rootParam?.kind === 'root' ? rootParam.getType?.() : undefined;
  const rootClass = typeof declared === 'function' ? (declared as abstract new (...args: never[]) => unknown) : undefined;
  return (root, args, context, info) => {
    if (rootClass && root != null && !(root instanceof rootClass)) return wrapped(root, args, context, info);
    const values = new Array<unknown>(ordered.length);
    for (let i = 0; i < ordered.length; i++) {
      const p = ordered[i];
      if (p.kind === 'root') values[i] = root;
      else if (p.kind === 'context') values[i] = p.propertyName ? (context as Record<string, unknown>)[p.propertyName] : context;
      else values[i] = info;
    }
    return method.apply(instance, values);
  };
}
