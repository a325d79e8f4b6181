import fs from 'node:fs';
import path from 'node:path';
import { buildSchema, getNamedType, GraphQLNamedType, GraphQLObjectType, GraphQLSchema, isInterfaceType, isLeafType, isListType, isNonNullType, isObjectType, GraphQLType } from 'graphql';

/**
 * Selections generated from the committed schema (schema/schema.graphql), so that a field added
 * tomorrow is selected by the side-channel suite without anyone editing it: every leaf field
 * of every object on every path down to a depth, connections as `totalCount edges { cursor }
 * nodes { … }` with a small `first`. A selection too large for the query limits is split into
 * several documents that together select every path.
 */

let cached: GraphQLSchema | undefined;
export function committedSchema(): GraphQLSchema {
  cached ??= buildSchema(fs.readFileSync(path.resolve(__dirname, '..', '..', '..', 'schema', 'schema.graphql'), 'utf8'));
  return cached;
}

export interface Sel {
  /** `name(args)`, or `... on Type` for a fragment; empty for the root. */
  head: string;
  leaves: string[];
  children: Sel[];
}

const FIRST = 3;

function isConnection(t: GraphQLNamedType): t is GraphQLObjectType {
  return isObjectType(t) && t.name.endsWith('Connection') && !!t.getFields().nodes;
}

function unwrap(t: GraphQLType): GraphQLNamedType {
  return getNamedType(t);
}

/**
 * Fields selected only on the first object of a path: they hold no personal data of anyone and
 * lead only to the asker's own organization (its contracts, its gate), and below the first
 * level they add thousands of FORBIDDEN errors and seconds to the suite, nothing else.
 */
const ONLY_AT_THE_TOP = new Set(['Organization.contracts', 'Organization.transferBasis', 'Organization.personalDataAccess']);

/** The selection of every leaf and, `depth` hops down, every object field of `type`. */
export function selectionOf(type: GraphQLObjectType, depth: number, top = true): Sel {
  const sel: Sel = { head: '', leaves: [], children: [] };
  for (const field of Object.values(type.getFields())) {
    if (!top && ONLY_AT_THE_TOP.has(`${type.name}.${field.name}`)) continue;
    const target = unwrap(field.type);
    const requiredArgs = field.args.filter((a) => isNonNullType(a.type) && a.defaultValue === undefined);
    if (requiredArgs.length) continue; // none on object types of this schema but the roots
    if (isLeafType(target)) {
      sel.leaves.push(field.name);
      continue;
    }
    if (isConnection(target)) {
      if (depth <= 0) continue;
      const nodeType = unwrap(target.getFields().nodes.type) as GraphQLObjectType;
      const inner = selectionOf(nodeType, depth - 1, false);
      const hasFirst = field.args.some((a) => a.name === 'first');
      sel.children.push({
        head: `${field.name}${hasFirst ? `(first: ${FIRST})` : ''}`,
        leaves: ['totalCount', 'edges { cursor }'],
        children: [{ head: 'nodes', leaves: inner.leaves, children: inner.children }],
      });
      continue;
    }
    if (isObjectType(target)) {
      // Objects without an id (PostalAddress, TransferDecision) are parts of their parent: no hop.
      const hop = target.getFields().id ? 1 : 0;
      if (depth - hop < 0) continue;
      const inner = selectionOf(target, depth - hop, top && hop === 0);
      sel.children.push({ head: field.name, leaves: inner.leaves, children: inner.children });
    }
  }
  return sel;
}

/** `... on T { … }` for every object type implementing the interface. */
export function fragmentsOf(schema: GraphQLSchema, iface: string, depth: number, only?: string[]): Sel {
  const t = schema.getType(iface);
  if (!t || !isInterfaceType(t)) throw new Error(`${iface} is not an interface`);
  const sel: Sel = { head: '', leaves: ['__typename', 'id'], children: [] };
  for (const impl of schema.getPossibleTypes(t)) {
    if (only && !only.includes(impl.name)) continue;
    const inner = selectionOf(impl, depth);
    sel.children.push({ head: `... on ${impl.name}`, leaves: inner.leaves, children: inner.children });
  }
  return sel;
}

export function render(sel: Sel): string {
  const parts = [...sel.leaves, ...sel.children.map((c) => `${c.head} ${render(c)}`)];
  return `{ ${parts.join(' ')} }`;
}

/** The number of tokens of a rendered selection, roughly as the hub's limit counts them. */
export function tokenCount(text: string): number {
  return (text.match(/[A-Za-z_][A-Za-z0-9_]*|\.\.\.|[{}():$!,[\]=@]|"[^"]*"|-?\d+/g) ?? []).length;
}

/**
 * Splits a selection into selections each of at most `budget` tokens that together select
 * every path of it (the leaves go with the first part).
 */
export function split(sel: Sel, budget: number): Sel[] {
  if (tokenCount(render(sel)) <= budget) return [sel];
  const overhead = tokenCount(render({ ...sel, leaves: [], children: [] })) + 4;
  const pieces: Sel[] = [];
  for (const child of sel.children) {
    const headTokens = tokenCount(child.head);
    for (const part of split(child, budget - overhead - headTokens)) pieces.push(part);
  }
  const groups: Sel[] = [];
  let current: Sel = { ...sel, children: [] };
  for (const piece of pieces) {
    const candidate: Sel = { ...current, children: [...current.children, piece] };
    if (current.children.length && tokenCount(render(candidate)) > budget) {
      groups.push(current);
      current = { ...sel, leaves: [], children: [piece] };
    } else current = candidate;
  }
  groups.push(current);
  return groups;
}

export interface Operation {
  /** For the report: which root field or mutation, and which part. */
  label: string;
  query: string;
  variables?: Record<string, unknown>;
}

/** Documents selecting `sel` under `prefix` (e.g. `query Q($id: ID!) { node(id: $id) … }`), split to stay under the limits. */
export function documents(label: string, open: string, sel: Sel, close: string, budget = 1700): Operation[] {
  const parts = split(sel, budget - tokenCount(open + close));
  return parts.map((part, i) => ({ label: parts.length > 1 ? `${label} [part ${i + 1}/${parts.length}]` : label, query: `${open} ${render(part)} ${close}` }));
}

/** The selection of a named object type of the schema. */
export function objectType(schema: GraphQLSchema, name: string): GraphQLObjectType {
  const t = schema.getType(name);
  if (!t || !isObjectType(t)) throw new Error(`${name} is not an object type`);
  return t;
}

export function isListOf(t: GraphQLType): boolean {
  return isListType(isNonNullType(t) ? t.ofType : t);
}

export interface AliasedField {
  /** For the report. */
  label: string;
  /** `node(id: $v3)` */
  head: string;
  sel: Sel;
  variables: Record<string, unknown>;
  varDefs: string[];
}

/** Packs aliased root fields into as few documents as the limits allow (20 aliases, the token budget). */
export function aliasedDocuments(label: string, fields: AliasedField[], budget = 1700): Operation[] {
  const ops: Operation[] = [];
  let group: AliasedField[] = [];
  const flush = () => {
    if (!group.length) return;
    const defs = group.flatMap((f) => f.varDefs);
    const body = group.map((f, i) => `a${i}: ${f.head} ${render(f.sel)}`).join(' ');
    ops.push({
      label: `${label}: ${group.map((f) => f.label).join('; ')}`,
      query: `query Q${defs.length ? `(${defs.join(', ')})` : ''} { ${body} }`,
      variables: Object.assign({}, ...group.map((f) => f.variables)),
    });
    group = [];
  };
  let tokens = 0;
  for (const f of fields) {
    const t = tokenCount(`${f.head} ${render(f.sel)} ${f.varDefs.join(' ')}`) + 2;
    if (group.length && (group.length >= 19 || tokens + t > budget)) {
      flush();
      tokens = 0;
    }
    group.push(f);
    tokens += t;
  }
  flush();
  return ops;
}
