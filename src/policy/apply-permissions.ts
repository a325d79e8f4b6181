import { GraphQLSchema, isInterfaceType, isIntrospectionType, isObjectType } from 'graphql';
import { deny, shield } from 'graphql-shield';
import { IRule, IRules } from 'graphql-shield';
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
 * schema → permissions. graphql-shield fails open unless told otherwise, so: the fallback
 * rule is deny; rules return their errors (allowExternalErrors lets the codes through);
 * anything thrown inside a rule is an error, never an allow. PUBLIC fields ("whoever reaches
 * the row") get no middleware at all: the rows are already scoped, and a per-field async
 * wrapper on every field is what makes graphql-shield slow on large lists.
 */
export function applyPermissions(schema: GraphQLSchema): GraphQLSchema {
  const problems = checkPermissionTable(schema);
  if (problems.length) throw new Error(`The permission table does not match the schema:\n- ${problems.join('\n- ')}`);

  const generator = shield(PERMISSIONS as IRules, {
    fallbackRule: deny,
    allowExternalErrors: true,
    debug: false,
    fallbackError: () => new DomainError(ErrorCode.FORBIDDEN, 'Not allowed'),
  });
  const all = generator.generate(schema) as Record<string, IMiddlewareFieldMap>;
  const restricted: Record<string, IMiddlewareFieldMap> = {};
  for (const [typeName, fields] of Object.entries(all)) {
    for (const [field, middleware] of Object.entries(fields)) {
      if (PERMISSIONS[typeName]?.[field] === PUBLIC) continue;
      (restricted[typeName] ??= {})[field] = middleware;
    }
  }
  return applyMiddleware(schema, restricted as never);
}
