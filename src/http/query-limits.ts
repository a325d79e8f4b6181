import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';
import {
  ArgumentNode,
  DocumentNode,
  FieldNode,
  FragmentDefinitionNode,
  getNamedType,
  getNullableType,
  GraphQLNamedType,
  GraphQLSchema,
  isInterfaceType,
  isListType,
  isObjectType,
  Kind,
  Lexer,
  OperationDefinitionNode,
  SelectionSetNode,
  Source,
  TokenKind,
  validate,
  ValidationRule,
  visit,
  ValueNode,
} from 'graphql';
import { Parser } from 'graphql/language/parser';

/**
 * Static limits of a GraphQL request, checked before execution (issue #6, part 1).
 * A request over any of them is answered with code QUERY_TOO_COMPLEX, the limit named.
 */
export interface QueryLimits {
  /** Field nesting of the executed operation, fragments expanded (graphql-armor's count). */
  maxDepth: number;
  /** Aliases in the executed operation, fragments expanded; `__typename` aliases count too. */
  maxAliases: number;
  /** Directives in the executed operation, fragments expanded. */
  maxDirectives: number;
  /** Lexical tokens of the whole document (comments are not tokens). */
  maxTokens: number;
  /** Characters (UTF-16 code units) of the whole document, checked before it is parsed. */
  maxDocumentChars: number;
  /** Items of any list argument named `ids` (literal or from variables). */
  maxIds: number;
  /** The static node estimate of the executed operation (see estimateNodes below). */
  maxNodes: number;
  /**
   * Fields answering under one name in one selection set (`{ sku sku sku … }`). Legal but
   * useless in numbers, and graphql-js's overlap validation is quadratic in them: 2,000
   * copies pass the token limit and block the process for a second.
   */
  maxRepeatedFields: number;
}

export const DEFAULT_QUERY_LIMITS: QueryLimits = {
  maxDepth: 12,
  maxAliases: 20,
  maxDirectives: 10,
  maxTokens: 2000,
  maxDocumentChars: 15000,
  maxIds: 100,
  maxNodes: 50000,
  maxRepeatedFields: 10,
};

/** The parameters of a GraphQL request as they arrive (JSON body or GET query string). */
export interface GraphQLParams {
  query?: unknown;
  variables?: unknown;
  operationName?: unknown;
  /** `persistedQuery.sha256Hash`: an APQ hash (resolved to its document by persisted-queries.ts). */
  extensions?: unknown;
}

export type QueryCheck =
  /** `operationName`: the measured operation's name (null: the document's one anonymous operation). */
  | { kind: 'ok'; operation: 'query' | 'mutation' | 'subscription'; operationName: string | null; nodeEstimate: number }
  | { kind: 'rejected'; limit: keyof QueryLimits; max: number; actual: number; message: string }
  /** No query string, a syntax error, no such operation: Apollo reports those itself. */
  | { kind: 'not-analyzable' };

/** `first` when a connection field does not name it (api-contract: default 20). */
const DEFAULT_PAGE_FACTOR = 20;
/** `first` beyond 100 is the resolver's BAD_USER_INPUT: the estimate never multiplies by more. */
const MAX_PAGE_FACTOR = 100;

const NOT_ANALYZABLE: QueryCheck = { kind: 'not-analyzable' };

const MESSAGES: Record<keyof QueryLimits, (actual: number, max: number) => string> = {
  maxDocumentChars: (a, m) => `query document of ${a} characters exceeds the limit of ${m}`,
  maxTokens: (a, m) => `query document of ${a} tokens exceeds the limit of ${m}`,
  maxDepth: (a, m) => `query depth ${a} exceeds the limit of ${m}`,
  maxAliases: (a, m) => `query with ${a} aliases exceeds the limit of ${m}`,
  maxDirectives: (a, m) => `query with ${a} directives exceeds the limit of ${m}`,
  maxIds: (a, m) => `ids list of ${a} items exceeds the limit of ${m}`,
  maxNodes: (a, m) => `query node estimate ${a} exceeds the limit of ${m}`,
  maxRepeatedFields: (a, m) => `${a} fields under one name in a selection set exceed the limit of ${m}`,
};

function rejected(limit: keyof QueryLimits, max: number, actual: number): QueryCheck {
  const shown = Number.isFinite(actual) ? Math.min(actual, Number.MAX_SAFE_INTEGER) : Number.MAX_SAFE_INTEGER;
  return { kind: 'rejected', limit, max, actual: shown, message: MESSAGES[limit](shown, max) };
}

/**
 * Checks a request against the static limits, in this order: document size (before parsing),
 * tokens (while parsing), then on the operation that would execute, with its fragments:
 * depth, aliases, directives, `ids` lists, node estimate. The first limit exceeded is reported.
 * Pure: no I/O, no clock; linear in the size of the document (fragments are measured once).
 *
 * Other operations of a multi-operation document are not executed, so they are not measured
 * (the document-wide size and token limits still cover them). `params.query` must be the text
 * that executes: the hub resolves an APQ hash to its registered text first
 * (persisted-queries.ts), and Apollo refuses to run any operation but the one measured here
 * (server.ts, measuredOperationOnly).
 */
export function checkQuery(schema: GraphQLSchema, params: GraphQLParams, limits: QueryLimits = DEFAULT_QUERY_LIMITS): QueryCheck {
  const query = params?.query;
  if (typeof query !== 'string') return NOT_ANALYZABLE;

  // 1. Size, before any parsing work.
  if (query.length > limits.maxDocumentChars) return rejected('maxDocumentChars', limits.maxDocumentChars, query.length);

  // 2. Tokens: graphql-js's parser stops at the first token beyond the limit.
  const parsed = parseWithTokenLimit(query, limits.maxTokens);
  if (parsed.kind === 'too-many-tokens') return rejected('maxTokens', limits.maxTokens, parsed.tokens);
  if (parsed.kind === 'syntax-error') return NOT_ANALYZABLE;
  const document = parsed.document;

  const repeated = mostRepeatedField(document);
  if (repeated > limits.maxRepeatedFields) return rejected('maxRepeatedFields', limits.maxRepeatedFields, repeated);

  const operation = selectOperation(document, params.operationName);
  if (!operation) return NOT_ANALYZABLE;
  const rootType = schema.getRootType(operation.operation);
  if (!rootType) return NOT_ANALYZABLE;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION && !fragments.has(definition.name.value)) fragments.set(definition.name.value, definition);
  }

  // 3. Depth, aliases, directives: graphql-armor's counts of the executed operation.
  const counts = armorCounts(schema, operation, [...fragments.values()]);
  if (counts.depth > limits.maxDepth) return rejected('maxDepth', limits.maxDepth, counts.depth);
  if (counts.aliases > limits.maxAliases) return rejected('maxAliases', limits.maxAliases, counts.aliases);
  if (counts.directives > limits.maxDirectives) return rejected('maxDirectives', limits.maxDirectives, counts.directives);

  // 4. `ids` lists and the node estimate, in one walk.
  const walk = new EstimateWalk(schema, fragments, operation, normalizeVariables(params.variables));
  const total = walk.selectionSet(operation.selectionSet, rootType);
  if (total.maxIds > limits.maxIds) return rejected('maxIds', limits.maxIds, total.maxIds);
  if (total.nodes > limits.maxNodes) return rejected('maxNodes', limits.maxNodes, total.nodes);

  return { kind: 'ok', operation: operation.operation as 'query' | 'mutation' | 'subscription', operationName: operation.name?.value ?? null, nodeEstimate: total.nodes };
}

// ---------------------------------------------------------------------------------------------
// Tokens

type Parsed = { kind: 'document'; document: DocumentNode } | { kind: 'too-many-tokens'; tokens: number } | { kind: 'syntax-error' };

function parseWithTokenLimit(query: string, maxTokens: number): Parsed {
  const parser = new Parser(query, { maxTokens, noLocation: true });
  try {
    return { kind: 'document', document: parser.parseDocument() };
  } catch {
    // graphql-js counts every token but EOF and throws on the first one beyond maxTokens.
    if (parser.tokenCount > maxTokens) return { kind: 'too-many-tokens', tokens: countTokens(query) };
    return { kind: 'syntax-error' };
  }
}

/** The number of tokens of the document as the parser counts them (a lexical error ends the count). */
function countTokens(query: string): number {
  const lexer = new Lexer(new Source(query));
  let count = 0;
  try {
    while (lexer.advance().kind !== TokenKind.EOF) count++;
  } catch {
    // a lexical error: the tokens before it are what was counted
  }
  return count;
}

// ---------------------------------------------------------------------------------------------
// Operation

function selectOperation(document: DocumentNode, operationName: unknown): OperationDefinitionNode | undefined {
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  if (typeof operationName === 'string') return operations.find((o) => o.name?.value === operationName);
  if (operationName !== undefined && operationName !== null) return undefined;
  return operations.length === 1 ? operations[0] : undefined;
}

function normalizeVariables(variables: unknown): Record<string, unknown> {
  let value = variables;
  if (typeof value === 'string') {
    // a GET request's variables arrive as JSON text
    try {
      value = JSON.parse(value);
    } catch {
      return {};
    }
  }
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

// ---------------------------------------------------------------------------------------------
// Depth, aliases, directives (graphql-armor)

interface ArmorCounts {
  depth: number;
  aliases: number;
  directives: number;
}

/**
 * graphql-armor's rules, run through graphql's validate() on the executed operation and all
 * fragments. Each rule is given no effective limit (n = MAX_SAFE_INTEGER), so it always accepts
 * and hands its count to onAccept: the comparison with our limit is ours, and the actual value
 * never has to be read back out of an error message. Options:
 * - depth: flattenFragments (a fragment spread or inline fragment adds no level: fragments
 *   are expanded), ignoreIntrospection kept (a `__schema` field counts 0, as in armor);
 * - aliases: allowList [] so that `__typename` aliases count too;
 * - directives: armor's count of directives on the operation, fields, fragments and spreads.
 */
function armorCounts(schema: GraphQLSchema, operation: OperationDefinitionNode, fragments: FragmentDefinitionNode[]): ArmorCounts {
  const counts: ArmorCounts = { depth: 0, aliases: 0, directives: 0 };
  const measure = (key: keyof ArmorCounts) => ({
    n: Number.MAX_SAFE_INTEGER,
    propagateOnRejection: false,
    onAccept: [(_ctx: unknown, details: { n: number }) => (counts[key] = Math.max(counts[key], details.n))],
  });
  const rules: ValidationRule[] = [
    maxDepthRule({ ...measure('depth'), flattenFragments: true, ignoreIntrospection: true }),
    maxAliasesRule({ ...measure('aliases'), allowList: [] }),
    maxDirectivesRule(measure('directives')),
  ];
  const document: DocumentNode = { kind: Kind.DOCUMENT, definitions: [operation, ...fragments] };
  validate(schema, document, rules);
  return counts;
}

// ---------------------------------------------------------------------------------------------
// `ids` lists and the node estimate

interface Estimate {
  /** Estimated nodes (see the rule below). */
  nodes: number;
  /** The longest `ids` list argument seen. */
  maxIds: number;
}

const ZERO: Estimate = { nodes: 0, maxIds: 0 };

/**
 * The static node estimate, as GitHub computes it for its GraphQL API:
 *
 * - A connection field (one whose type is an object type named `…Connection`) fetches
 *   `first` nodes each time its parent is fetched. Its factor is `first`: a literal, the
 *   variable's value (or the variable's default), else 20, the API's default; clamped to
 *   1..100 (beyond that the resolver answers BAD_USER_INPUT, so nothing larger runs).
 * - A field with a list argument `ids` (e.g. `nodes(ids: […])`) that returns a list fetches
 *   one node per id: its factor is the length of that list.
 * - A field with a factor contributes factor × (1 + the estimate of its selection): its own
 *   nodes, plus every connection below it once per node. Down a chain of nested connections
 *   the factors multiply; side by side they add.
 * - Every other field (objects, plain lists such as `products`, `contracts`, `distributors`,
 *   `edges`, `nodes`) is a factor of 1 and adds nothing itself: only what is below it counts.
 * - The estimate sums over the operation that would execute, fragments expanded (each
 *   spread counts where it occurs; a fragment's estimate is computed once). @skip/@include
 *   are ignored: the estimate is static and errs on the high side.
 *
 * Example: customers(first: 50) { nodes { users(first: 5) { … } licenses(first: 20) { nodes {
 * activations { … } } } } } = 50 × (1 + 5 + 20 × (1 + 20)) = 50 + 250 + 1,000 + 20,000 = 21,300.
 *
 * The estimate is linear in the factor of the field above, which is why a fragment's
 * estimate can be computed once and reused wherever it is spread.
 */
class EstimateWalk {
  private readonly memo = new Map<string, Estimate>();

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly fragments: Map<string, FragmentDefinitionNode>,
    private readonly operation: OperationDefinitionNode,
    private readonly variables: Record<string, unknown>,
  ) {}

  selectionSet(set: SelectionSetNode, parentType: GraphQLNamedType | undefined): Estimate {
    let nodes = 0;
    let maxIds = 0;
    for (const selection of set.selections) {
      let part: Estimate;
      switch (selection.kind) {
        case Kind.FIELD:
          part = this.field(selection, parentType);
          break;
        case Kind.INLINE_FRAGMENT:
          part = this.selectionSet(selection.selectionSet, selection.typeCondition ? (this.schema.getType(selection.typeCondition.name.value) ?? undefined) : parentType);
          break;
        case Kind.FRAGMENT_SPREAD:
          part = this.fragment(selection.name.value);
          break;
      }
      nodes += part.nodes;
      maxIds = Math.max(maxIds, part.maxIds);
    }
    return { nodes, maxIds };
  }

  private fragment(name: string): Estimate {
    const known = this.memo.get(name);
    if (known) return known;
    const fragment = this.fragments.get(name);
    if (!fragment) return ZERO; // an unknown fragment: validation reports it
    this.memo.set(name, ZERO); // a cycle (invalid anyway) adds nothing
    const estimate = this.selectionSet(fragment.selectionSet, this.schema.getType(fragment.typeCondition.name.value) ?? undefined);
    this.memo.set(name, estimate);
    return estimate;
  }

  private field(field: FieldNode, parentType: GraphQLNamedType | undefined): Estimate {
    const definition = parentType && (isObjectType(parentType) || isInterfaceType(parentType)) ? parentType.getFields()[field.name.value] : undefined;
    const type = definition ? getNamedType(definition.type) : undefined;
    const below = field.selectionSet ? this.selectionSet(field.selectionSet, type) : ZERO;

    const idsArgument = field.arguments?.find((a) => a.name.value === 'ids');
    const ids = idsArgument ? this.listLength(idsArgument.value) : undefined;
    const maxIds = Math.max(below.maxIds, ids ?? 0);

    let factor: number | undefined;
    if (type && isObjectType(type) && type.name.endsWith('Connection')) factor = this.pageFactor(field.arguments);
    else if (ids !== undefined && definition && isListType(getNullableType(definition.type))) factor = ids;

    return { nodes: factor === undefined ? below.nodes : factor * (1 + below.nodes), maxIds };
  }

  /** `first` of a connection field: literal, variable (or its default), else 20; clamped to 1..100. */
  private pageFactor(args: readonly ArgumentNode[] | undefined): number {
    const first = args?.find((a) => a.name.value === 'first');
    const value = first ? this.value(first.value) : undefined;
    if (typeof value !== 'number' || !Number.isFinite(value)) return DEFAULT_PAGE_FACTOR;
    return Math.min(MAX_PAGE_FACTOR, Math.max(1, Math.trunc(value)));
  }

  /** The number of items of an `ids` argument: a list literal or a variable's list (a single value is a list of one). */
  private listLength(node: ValueNode): number {
    if (node.kind === Kind.LIST) return node.values.length;
    if (node.kind === Kind.VARIABLE) {
      const value = this.value(node);
      if (Array.isArray(value)) return value.length;
      return value === undefined || value === null ? 0 : 1;
    }
    return node.kind === Kind.NULL ? 0 : 1;
  }

  /** A scalar or list argument's value: literals as such, variables from the request or their default. */
  private value(node: ValueNode): unknown {
    switch (node.kind) {
      case Kind.INT:
      case Kind.FLOAT:
        return Number(node.value);
      case Kind.LIST:
        return node.values.map((v) => this.value(v));
      case Kind.NULL:
        return null;
      case Kind.VARIABLE: {
        const name = node.name.value;
        if (Object.prototype.hasOwnProperty.call(this.variables, name)) return this.variables[name];
        const definition = this.operation.variableDefinitions?.find((d) => d.variable.name.value === name);
        return definition?.defaultValue ? this.value(definition.defaultValue) : undefined;
      }
      default:
        return undefined; // strings, enums, objects: neither a page size nor a list
    }
  }
}

/**
 * The largest number of fields sharing a response name within one selection set, with its
 * inline fragments and fragment spreads merged in as graphql-js's overlap validation sees
 * them. Each named fragment's fields are collected once.
 */
function mostRepeatedField(document: DocumentNode): number {
  const fragments = new Map<string, SelectionSetNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d.selectionSet);
  const collected = new Map<string, Map<string, number>>();
  const collect = (set: SelectionSetNode, into: Map<string, number>, seen: Set<string>): void => {
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        const name = selection.alias?.value ?? selection.name.value;
        into.set(name, (into.get(name) ?? 0) + 1);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        collect(selection.selectionSet, into, seen);
      } else {
        const name = selection.name.value;
        if (seen.has(name)) continue;
        seen.add(name);
        let fields = collected.get(name);
        if (!fields) {
          fields = new Map();
          collected.set(name, fields);
          const fragment = fragments.get(name);
          if (fragment) collect(fragment, fields, new Set([name]));
        }
        for (const [k, n] of fields) into.set(k, (into.get(k) ?? 0) + n);
      }
    }
  };
  let most = 0;
  visit(document, {
    SelectionSet(node: SelectionSetNode) {
      const counts = new Map<string, number>();
      collect(node, counts, new Set());
      for (const n of counts.values()) if (n > most) most = n;
    },
  });
  return most;
}
