import { FieldNode, GraphQLError, GraphQLResolveInfo, GraphQLSchema, Kind, SelectionNode, getNamedType, isCompositeType, isIntrospectionType, isObjectType } from 'graphql';
import { ErrorCode } from '../common/errors';

/**
 * The second line of defence behind the static limits, which estimate an answer before it
 * runs: while it runs, every field to resolve and every item of a list of objects is counted
 * (the fields of an object when the object is there), and past MAX_RESOLVED_FIELDS the execution stops with one coded error (QUERY_TOO_COMPLEX,
 * limit maxResolvedFields) instead of the answer. An under-estimated query costs its caller an
 * error, never the process its heap.
 *
 * A refused field counts 20 (src/policy/apply-permissions.ts): its error is about 20 times the
 * size of a value. The count is one addition and one comparison per object (the dashboard of
 * docs/benchmarks.md resolves about 20,000 fields and 6,000 list items; gated, its 3,144
 * refused fields make it about 86,000).
 */
export class AnswerBound {
  count = 0;
  private error: GraphQLError | undefined;

  constructor(readonly max: number) {}

  get exceeded(): boolean {
    return this.error !== undefined;
  }

  /** The one error of an answer over the bound (what the client gets instead of the answer). */
  refusal(): GraphQLError | undefined {
    return this.error;
  }

  /**
   * What every field answers once the bound is passed: a promise rejected with the one error.
   * Rejected rather than thrown: a synchronous error in a non-null field makes graphql-js drop
   * the promises of the object's other fields unobserved, and their rejections would be
   * unhandled (in Node, a crash). Each field stops before its resolver runs, so the rest of the
   * answer is neither queried nor built (SQL already running finishes; its rows go nowhere).
   */
  stop(): Promise<never> {
    return Promise.reject(this.exceed());
  }

  /**
   * The error of an answer over the bound. One instance, already located (path set):
   * graphql-js keeps it as it is instead of building an error per field.
   */
  exceed(): GraphQLError {
    if (!this.error) {
      this.error = new GraphQLError(`the answer resolved more than ${this.max} fields and was stopped; ask for less (fewer or smaller pages)`, {
        path: [],
        extensions: { code: ErrorCode.QUERY_TOO_COMPLEX, limit: 'maxResolvedFields', max: this.max, actual: this.count },
      });
    }
    return this.error;
  }
}

/** What a resolver's context must hold for the count (the hub's RequestContext does). */
interface Bounded {
  answerBound?: AnswerBound;
}

type Resolver = (source: unknown, args: unknown, context: Bounded | undefined, info: GraphQLResolveInfo) => unknown;

const counted = new WeakSet<GraphQLSchema>();

/**
 * Wraps the resolvers of the executable schema with the count (in place, once per schema: the
 * schema is built once per process). The fields of an object are counted when the object is
 * there, before they resolve: a field that answers an object (or a list of objects) adds, per
 * object, the number of fields selected of it (its selection's width), and a list adds its
 * items, so that objects answered only with `__typename` count too. The root's fields count 1
 * each. So a scalar field needs no wrapper of its own: most fields of a large answer are plain
 * properties read by GraphQL's default resolver (src/common/default-resolvers.ts), and stay so.
 * A request without an AnswerBound in its context is not counted.
 */
export function countResolvedFields(schema: GraphQLSchema): GraphQLSchema {
  if (counted.has(schema)) return schema;
  counted.add(schema);
  const roots = new Set([schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()]);
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || isIntrospectionType(type)) continue;
    for (const field of Object.values(type.getFields())) {
      const composite = isCompositeType(getNamedType(field.type));
      if (!composite && !roots.has(type)) continue;
      const resolve = (field.resolve ?? defaultResolve) as Resolver;
      field.resolve = (composite ? countingObjects(resolve, roots.has(type)) : countingRoot(resolve)) as typeof field.resolve;
    }
  }
  return schema;
}

/** A root field answering a scalar: it counts itself. */
function countingRoot(resolve: Resolver): Resolver {
  return (source, args, context, info) => {
    const bound = context?.answerBound;
    if (bound !== undefined && ++bound.count > bound.max) return bound.stop();
    return resolve(source, args, context, info);
  };
}

/** A field answering an object or a list of objects: it counts their fields (and a root field itself). */
function countingObjects(resolve: Resolver, root: boolean): Resolver {
  return (source, args, context, info) => {
    const bound = context?.answerBound;
    if (bound === undefined) return resolve(source, args, context, info);
    if (root && ++bound.count > bound.max) return bound.stop();
    const value = resolve(source, args, context, info);
    if (value instanceof Promise) return value.then((later: unknown) => objects(bound, later, info));
    return objects(bound, value, info);
  };
}

function objects(bound: AnswerBound, value: unknown, info: GraphQLResolveInfo): unknown {
  if (value === null || value === undefined || value instanceof Error) return value;
  const width = selectionWidth(info);
  bound.count += Array.isArray(value) ? value.length * (width + 1) : width;
  return bound.count > bound.max ? bound.stop() : value;
}

const widths = new WeakMap<readonly FieldNode[], number>();

/**
 * How many fields are selected of the objects a field answers: the response keys of its
 * selection, through fragments, without `__typename` (graphql answers it without a resolver). An
 * upper bound for an abstract type (a fragment on each possible type counts).
 */
export function selectionWidth(info: Pick<GraphQLResolveInfo, 'fieldNodes' | 'fragments'>): number {
  let width = widths.get(info.fieldNodes);
  if (width === undefined) {
    const keys = new Set<string>();
    const visit = (selections: readonly SelectionNode[], seen: Set<string>) => {
      for (const selection of selections) {
        if (selection.kind === Kind.FIELD) {
          if (selection.name.value !== '__typename') keys.add(selection.alias?.value ?? selection.name.value);
        } else if (selection.kind === Kind.INLINE_FRAGMENT) visit(selection.selectionSet.selections, seen);
        else if (!seen.has(selection.name.value)) {
          seen.add(selection.name.value);
          const fragment = info.fragments[selection.name.value];
          if (fragment) visit(fragment.selectionSet.selections, seen);
        }
      }
    };
    for (const node of info.fieldNodes) if (node.selectionSet) visit(node.selectionSet.selections, new Set());
    width = keys.size;
    widths.set(info.fieldNodes, width);
  }
  return width;
}

/** graphql-js's default resolver (type-graphql gives every field its own, so this is a fallback). */
function defaultResolve(source: unknown, args: unknown, context: unknown, info: GraphQLResolveInfo): unknown {
  if ((typeof source === 'object' && source !== null) || typeof source === 'function') {
    const property = (source as Record<string, unknown>)[info.fieldName];
    if (typeof property === 'function') return (source as Record<string, (...a: unknown[]) => unknown>)[info.fieldName](args, context, info);
    return property;
  }
  return undefined;
}
