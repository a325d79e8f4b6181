import { GraphQLError, GraphQLResolveInfo, GraphQLSchema, getNamedType, getNullableType, isCompositeType, isIntrospectionType, isListType, isObjectType } from 'graphql';
import { ErrorCode } from '../common/errors';

/**
 * The second line of defence behind the static limits, which estimate an answer before it
 * runs: while it runs, every resolved field and every item of a list of objects is counted,
 * and past MAX_RESOLVED_FIELDS the execution stops with one coded error (QUERY_TOO_COMPLEX,
 * limit maxResolvedFields) instead of the answer. An under-estimated query costs its caller an
 * error, never the process its heap.
 *
 * A refused field counts 20 (src/policy/apply-permissions.ts): its error is about 20 times the
 * size of a value. The count is one increment and one comparison per field (the dashboard of
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
 * Wraps every field resolver of the executable schema with the count (in place, once per schema:
 * the schema is built once per process). Fields of lists of objects also count their items once
 * the list is there, so that objects answered only with `__typename` count too. A request
 * without an AnswerBound in its context is not counted.
 */
export function countResolvedFields(schema: GraphQLSchema): GraphQLSchema {
  if (counted.has(schema)) return schema;
  counted.add(schema);
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || isIntrospectionType(type)) continue;
    for (const field of Object.values(type.getFields())) {
      const resolve = (field.resolve ?? defaultResolve) as Resolver;
      const listOfObjects = isListType(getNullableType(field.type)) && isCompositeType(getNamedType(field.type));
      field.resolve = (listOfObjects ? countingList(resolve) : counting(resolve)) as typeof field.resolve;
    }
  }
  return schema;
}

function counting(resolve: Resolver): Resolver {
  return (source, args, context, info) => {
    const bound = context?.answerBound;
    if (bound !== undefined && ++bound.count > bound.max) return bound.stop();
    return resolve(source, args, context, info);
  };
}

function countingList(resolve: Resolver): Resolver {
  return (source, args, context, info) => {
    const bound = context?.answerBound;
    if (bound === undefined) return resolve(source, args, context, info);
    if (++bound.count > bound.max) return bound.stop();
    const value = resolve(source, args, context, info);
    if (Array.isArray(value)) return items(bound, value);
    if (value instanceof Promise) return value.then((list: unknown) => (Array.isArray(list) ? items(bound, list) : list));
    return value;
  };
}

function items(bound: AnswerBound, list: unknown[]): unknown {
  bound.count += list.length;
  return bound.count > bound.max ? bound.stop() : list;
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
