import { defaultFieldResolver, GraphQLError, GraphQLFieldResolver, GraphQLSchema } from 'graphql';
import { DomainError, ErrorCode } from '../../common/errors';
import { fromGlobalId, NODE_TYPES, NodeType } from '../../common/global-id';
import { RequestContext } from '../../context/request-context';
import { nodeLoader } from '../node/node.service';

/**
 * What a keyed mutation did, kept for its retries instead of the rendered answer: per root
 * field (by response key, i.e. alias), the error it ended with, or its payload with every
 * object of the hub stored as a reference (type and id). A replay rebuilds the payload from
 * the references through the row scope of the asker, now, and the normal execution renders
 * the selection under today's policy: a value the asker may no longer read is not returned,
 * and every personal value returned is audited like any read.
 */
export type Encoded = null | boolean | number | string | ['ref', NodeType, string] | ['date', string] | ['list', Encoded[]] | ['obj', Record<string, Encoded>];

export type FieldOutcome = { data: Encoded } | { error: { message: string; extensions: Record<string, unknown> } } | { internal: true };

export interface StoredOutcome {
  fields: Record<string, FieldOutcome>;
}

/** Types whose rows are about a person: a record naming one is deleted with the person's erasure or withdrawal. */
const PERSONAL_TYPES = new Set<string>(['PortalUser', 'Computer']);
const NODE_TYPE_NAMES = new Set<string>(NODE_TYPES);
const isNodeTypeName = (name: string): name is NodeType => NODE_TYPE_NAMES.has(name);
const CLIENT_CODES = new Set<string>(Object.values(ErrorCode).filter((c) => c !== ErrorCode.INTERNAL_SERVER_ERROR));

/** The idempotency state of one request, shared by the resolvers through the context. */
export class IdempotentRun {
  /** First run: the outcome of each root field, as it ended. */
  readonly recorded: StoredOutcome = { fields: {} };
  /** Ids of the people and computers the outcome names. */
  readonly subjects = new Set<string>();

  /** @param replay the stored outcome: the resolvers are not called, their outcome is rebuilt. */
  constructor(readonly replay: StoredOutcome | null = null) {}

  record(key: string, outcome: FieldOutcome): void {
    this.recorded.fields[key] = outcome;
  }
}

/**
 * Inside the permission layer: on a replay, each Mutation root field answers with its stored
 * outcome instead of running. The field's own rule has run before, under today's policy: an
 * asker who may no longer call the mutation gets its refusal, not the stored payload.
 */
export function replayMutationOutcomes(schema: GraphQLSchema): GraphQLSchema {
  for (const field of Object.values(schema.getMutationType()?.getFields() ?? {})) {
    const resolve: GraphQLFieldResolver<unknown, RequestContext> = field.resolve ?? defaultFieldResolver;
    field.resolve = (parent, args, ctx: RequestContext, info) => {
      const replay = ctx.idempotency?.replay;
      return replay ? replayField(ctx, replay.fields[String(info.path.key)]) : resolve(parent, args, ctx, info);
    };
  }
  return schema;
}

/**
 * Outside the permission layer: on the first run of a keyed mutation, the outcome of each root
 * field by response key (alias), a refusal by the mutation's rule included. Without an
 * Idempotency-Key the field runs as it is.
 */
export function recordMutationOutcomes(schema: GraphQLSchema): GraphQLSchema {
  for (const field of Object.values(schema.getMutationType()?.getFields() ?? {})) {
    const resolve: GraphQLFieldResolver<unknown, RequestContext> = field.resolve ?? defaultFieldResolver;
    field.resolve = (parent, args, ctx: RequestContext, info) => {
      const run = ctx.idempotency;
      if (!run || run.replay) return resolve(parent, args, ctx, info);
      const key = String(info.path.key);
      let result: unknown;
      try {
        result = resolve(parent, args, ctx, info);
      } catch (e) {
        run.record(key, errorOutcome(e));
        throw e;
      }
      return Promise.resolve(result).then(
        (value) => {
          run.record(key, value instanceof Error ? errorOutcome(value) : { data: encode(value, run.subjects) });
          return value;
        },
        (e) => {
          run.record(key, errorOutcome(e));
          throw e;
        },
      );
    };
  }
  return schema;
}

function errorOutcome(e: unknown): FieldOutcome {
  const code = e instanceof GraphQLError ? e.extensions?.code : undefined;
  if (!(e instanceof GraphQLError) || typeof code !== 'string' || !CLIENT_CODES.has(code)) return { internal: true };
  const { stacktrace: _stack, ...extensions } = e.extensions;
  return { error: { message: e.message, extensions } };
}

/** A payload as references: entities become their type and id; lists, dates and plain values are kept. */
export function encode(value: unknown, subjects: Set<string>): Encoded {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') {
    // A global id in a plain value (a retention report's items) names its subject too.
    const parsed = value.length <= 128 ? fromGlobalId(value) : null;
    if (parsed && PERSONAL_TYPES.has(parsed.type)) subjects.add(parsed.id);
    return value;
  }
  if (typeof value === 'number' || typeof value === 'boolean') return value;
  if (value instanceof Date) return ['date', value.toISOString()];
  if (Array.isArray(value)) return ['list', value.map((v) => encode(v, subjects))];
  if (typeof value === 'object') {
    const type = value.constructor?.name;
    if (type && isNodeTypeName(type)) {
      const id = String((value as { id: unknown }).id);
      if (PERSONAL_TYPES.has(type)) subjects.add(id);
      return ['ref', type, id];
    }
    const out: Record<string, Encoded> = {};
    for (const [k, v] of Object.entries(value)) out[k] = encode(v, subjects);
    return ['obj', out];
  }
  return null;
}

/** The payload again, each referenced row loaded through the asker's row scope now (unreachable: null). */
export async function decode(ctx: RequestContext, value: Encoded): Promise<unknown> {
  if (!Array.isArray(value)) return value;
  switch (value[0]) {
    case 'ref':
      return (await nodeLoader(ctx, value[1]).load(value[2])) ?? null;
    case 'date':
      return new Date(value[1]);
    case 'list': {
      // As the payloads are built: a row the asker cannot reach is left out of a list.
      const items = await Promise.all(value[1].map((v) => decode(ctx, v)));
      return items.filter((item, i) => item !== null || !isRef(value[1][i]));
    }
    case 'obj': {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value[1])) out[k] = await decode(ctx, v);
      return out;
    }
  }
}

const isRef = (v: Encoded) => Array.isArray(v) && v[0] === 'ref';

async function replayField(ctx: RequestContext, outcome: FieldOutcome | undefined): Promise<unknown> {
  if (!outcome) {
    // The first request ended before this field ran (or it was not kept): it is never run now.
    throw new DomainError(ErrorCode.CONFLICT, 'Idempotency-Key: this request was already carried out; the answer of this field was not kept', { field: 'Idempotency-Key' });
  }
  if ('internal' in outcome) throw new Error('the first request with this Idempotency-Key failed unexpectedly');
  if ('error' in outcome) throw new GraphQLError(outcome.error.message, { extensions: outcome.error.extensions });
  return decode(ctx, outcome.data);
}
