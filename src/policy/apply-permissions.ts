import { GraphQLResolveInfo, GraphQLSchema, isInterfaceType, isIntrospectionType, isObjectType } from 'graphql';
import { IRule } from 'graphql-shield';
import { applyMiddleware, IMiddlewareFieldMap } from 'graphql-middleware';
import { DomainError, ErrorCode } from '../common/errors';
import { PERMISSIONS } from './permission-table';
import { PUBLIC } from './rules';

/**
 * Proves the permission table total: it names every field of every object type, and only
 * those, and holds no rule that graphql-shield would silently skip or turn into an allow.
 * Run at startup (the server refuses to start otherwise) and by a test.
 */
export function checkPermissionTable(schema: GraphQLSchema, table: Record<string, Record<string, IRule>> = PERMISSIONS): string[] {
  const problems: string[] = [];
  const types = schema.getTypeMap();
  for (const type of Object.values(types)) {
    if (isIntrospectionType(type) || !isObjectType(type)) continue;
    const rules = table[type.name];
    if (!rules) {
      problems.push(`type ${type.name} has no entry in the permission table`);
      continue;
    }
    for (const field of Object.keys(type.getFields())) {
      if (!rules[field]) problems.push(`${type.name}.${field} has no rule in the permission table`);
    }
    for (const field of Object.keys(rules)) {
      if (!type.getFields()[field]) problems.push(`${type.name}.${field} is in the permission table but not in the schema`);
    }
  }
  for (const [typeName, rules] of Object.entries(table)) {
    const type = types[typeName];
    if (!type) problems.push(`type ${typeName} is in the permission table but not in the schema`);
    // graphql-shield ignores rules keyed on an interface: they would protect nothing.
    else if (isInterfaceType(type)) problems.push(`${typeName} is an interface: graphql-shield ignores rules on interfaces`);
    if ('*' in rules) problems.push(`${typeName} has a wildcard rule: name every field instead`);
    for (const [field, r] of Object.entries(rules)) {
      if (containsNot(r)) problems.push(`${typeName}.${field} uses not(), which allows when its rule throws`);
      else {
        try {
          ruleFunction(r);
        } catch (e) {
          problems.push(`${typeName}.${field}: ${(e as Error).message}`);
        }
      }
    }
  }
  return problems;
}

function containsNot(r: unknown): boolean {
  if (!r || typeof r !== 'object') return false;
  if (r.constructor?.name === 'RuleNot') return true;
  const inner = (r as { rules?: unknown[] }).rules;
  return Array.isArray(inner) && inner.some(containsNot);
}

/**
 * schema → permissions: every field whose rule is not PUBLIC gets the middleware of its
 * graphql-shield rule, through graphql-middleware; PUBLIC fields ("whoever reaches the row")
 * get none, the rows being scoped already.
 *
 * We run graphql-shield's rules with this executor instead of shield()'s generator. shield()
 * wraps each field in three nested async functions, which turned every guarded field of a
 * large list into promises: the dashboard benchmark (scripts/bench-policy.ts) measured the
 * policy at +60% over no policy with shield()'s executor and +28% with this one. The executor
 * keeps shield()'s contract and closes its fail-open paths by construction:
 * - deny by default: a field without a rule cannot exist (checkPermissionTable at startup),
 *   and anything a rule returns other than `true` or an Error is a denial;
 * - a rule that throws (or rejects) denies, it never allows (shield's not() pitfall);
 * - a rule's returned Error reaches the client with its code (allowExternalErrors), while
 *   errors of the resolvers themselves are left to the server's error masking;
 * - rules are plain graphql-shield `rule()`s with cache 'no_cache'; logic rules (and/or/not)
 *   and per-type wildcards are refused by checkPermissionTable;
 * - a decision is synchronous when the rule is, so a guarded field of a large list does not
 *   become a promise.
 */
export function applyPermissions(schema: GraphQLSchema): GraphQLSchema {
  const problems = checkPermissionTable(schema);
  if (problems.length) throw new Error(`The permission table does not match the schema:\n- ${problems.join('\n- ')}`);
  const middleware: Record<string, IMiddlewareFieldMap> = {};
  for (const [typeName, fields] of Object.entries(PERMISSIONS)) {
    for (const [field, r] of Object.entries(fields)) {
      if (r === PUBLIC) continue;
      (middleware[typeName] ??= {})[field] = guard(r) as never;
    }
  }
  return applyMiddleware(schema, middleware as never);
}

type Resolve = (parent: unknown, args: unknown, ctx: unknown, info: GraphQLResolveInfo) => unknown;
type RuleFunction = (parent: unknown, args: unknown, ctx: unknown, info: GraphQLResolveInfo, options?: unknown) => unknown;

/** The field middleware of one rule. */
export function guard(r: IRule): (resolve: Resolve, parent: unknown, args: unknown, ctx: unknown, info: GraphQLResolveInfo) => unknown {
  const decide = ruleFunction(r);
  return (resolve, parent, args, ctx, info) => {
    let decision: unknown;
    try {
      decision = decide(parent, args, ctx, info);
    } catch {
      return refused(ctx, notAllowed());
    }
    // The synchronous path allocates nothing: it runs for every guarded field of a large answer.
    if (decision === true) return resolve(parent, args, ctx, info);
    if (decision instanceof Promise) {
      return decision.then(
        (later) => (later === true ? resolve(parent, args, ctx, info) : refused(ctx, later instanceof Error ? later : notAllowed())),
        () => refused(ctx, notAllowed()),
      );
    }
    return refused(ctx, decision instanceof Error ? decision : notAllowed());
  };
}

function notAllowed(): DomainError {
  return new DomainError(ErrorCode.FORBIDDEN, 'Not allowed');
}

/**
 * A refused field's error is about 20 times the size of a value in the answer (the gated
 * dashboard of docs/benchmarks.md: 3,144 errors add 1.1 MB to 0.4 MB of data), so it counts 20
 * against the answer's bound on resolved fields (MAX_RESOLVED_FIELDS, src/http/answer-bound.ts),
 * its 1 as a field included.
 */
export const REFUSAL_WEIGHT = 20;

function refused(ctx: unknown, error: unknown): unknown {
  const bound = (ctx as { answerBound?: { count: number; max: number; stop(): Promise<never> } } | undefined)?.answerBound;
  if (bound && (bound.count += REFUSAL_WEIGHT - 1) > bound.max) return bound.stop();
  return error;
}

/** The function of a plain graphql-shield rule; anything else is refused at startup. */
export function ruleFunction(r: IRule): RuleFunction {
  const candidate = r as unknown as { func?: unknown; cache?: unknown; constructor?: { name?: string } };
  if (candidate.constructor?.name !== 'Rule' || typeof candidate.func !== 'function' || candidate.cache !== 'no_cache') {
    throw new Error(`permission rules must be plain graphql-shield rule()s with cache 'no_cache' (got ${candidate.constructor?.name})`);
  }
  return candidate.func as RuleFunction;
}
