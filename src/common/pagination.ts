import { ClassType, Field, Int, ObjectType } from 'type-graphql';
import { badInput } from './errors';
import { UUID_RE } from './ids';
import type { Ordering } from './ordering';
import type { SortKey } from './sql';

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

/**
 * Validated page arguments. Forwards (`first`/`after`): `first` rows after the cursor `after`.
 * Backwards (`last`/`before`, `backward` true): `first` holds `last` and `after` holds the
 * decoded `before` cursor, and the rows are read nearest to the cursor first.
 */
export interface PageArgs {
  first: number;
  after: CursorValues | null;
  backward?: boolean;
  /** The `orderBy` asked for; absent: the list's own order. */
  ordering?: Ordering;
}

/** The sort-key values of a row (the cursor of an edge), in the order of the list's sort keys. */
export type CursorValues = (string | number | null)[];

/** The four Relay arguments as the schema takes them. */
export interface RelayArgs {
  first?: number | null;
  last?: number | null;
  after?: string | null;
  before?: string | null;
}

/**
 * `first`/`last` beyond the bounds is an error, never silently cut (docs/api.md). A page goes
 * one way: `first` (with `after`) forwards or `last` (with `before`) backwards. The cursor must
 * have been made by the same list under the same order: `sort` is the list's own order, used
 * when `ordering` (an orderBy) is absent.
 */
export function pageArgs(args: RelayArgs, sort: SortKey[], ordering?: Ordering | null): PageArgs {
  const { first, last, after, before } = args;
  if (first != null && last != null) throw badInput({ field: 'last', message: 'cannot be given with first: ask for first (with after) to page forwards or last (with before) to page backwards' });
  if (last != null && after != null) throw badInput({ field: 'after', message: 'cannot be given with last: page backwards with last and before' });
  if (after != null && before != null) throw badInput({ field: 'before', message: 'cannot be given with after: a page goes one way' });
  if (first != null && before != null) throw badInput({ field: 'before', message: 'cannot be given with first: page backwards with last and before' });
  inBounds(first, 'first');
  inBounds(last, 'last');
  const backward = last != null || before != null;
  const cursor = backward ? before : after;
  const keys = ordering?.sort ?? sort;
  return {
    first: (backward ? last : first) ?? DEFAULT_PAGE_SIZE,
    after: cursor == null ? null : decodeCursor(cursor, keys, ordering?.tag ?? null, backward ? 'before' : 'after'),
    backward,
    ...(ordering ? { ordering } : {}),
  };
}

function inBounds(n: number | null | undefined, field: string): void {
  if (n !== undefined && n !== null && (!Number.isInteger(n) || n < 1 || n > MAX_PAGE_SIZE)) {
    throw badInput({ field, message: `must be between 1 and ${MAX_PAGE_SIZE} (got ${n})` });
  }
}

/**
 * Cursors are opaque to clients: base64url of the sort-key values, versioned. A list's own
 * order makes `c1` cursors (as before orderBy existed: they stay valid); an orderBy makes `c2`
 * cursors that name the list, the field and the direction.
 */
export function encodeCursor(values: CursorValues, tag: string | null = null): string {
  const head = tag === null ? ['c1'] : ['c2', tag];
  return Buffer.from(JSON.stringify([...head, ...values]), 'utf8').toString('base64url');
}

const SQL_DATE_RE = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}$/;

/** The cursor's values, if it was made by this list under this order (`tag`, null for the list's own); else BAD_USER_INPUT naming `field`. */
export function decodeCursor(cursor: string, keys: SortKey[], tag: string | null, field: 'after' | 'before' = 'after'): CursorValues {
  const invalid = () => badInput({ field, message: tag === null ? 'is not a cursor of this list' : 'is not a cursor of this list in this order (orderBy)' });
  if (typeof cursor !== 'string' || cursor.length > 512 || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw invalid();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  const head = tag === null ? ['c1'] : ['c2', tag];
  if (!Array.isArray(parsed) || parsed.length !== head.length + keys.length || head.some((h, i) => parsed[i] !== h)) throw invalid();
  const values: unknown[] = parsed.slice(head.length);
  // Each value must be one its key could have made: anything else was not made by us.
  if (!values.every((v, i) => validValue(keys[i], v))) throw invalid();
  return values as CursorValues;
}

function validValue(key: SortKey, v: unknown): boolean {
  if (v === null) return !!key.nullable;
  if (typeof v !== 'string') return false;
  if (key.property === 'id') return UUID_RE.test(v);
  if (key.time) return SQL_DATE_RE.test(v);
  return v.length <= 300;
}

@ObjectType({ description: 'Relay page information.' })
export class PageInfo {
  @Field(() => Boolean, { description: 'Whether more rows follow this page: ask again with after: endCursor. Paging backwards (last/before): true when a before cursor was given.' })
  hasNextPage: boolean;
  @Field(() => Boolean, { description: 'Whether rows precede this page: ask again with last and before: startCursor. Paging forwards (first/after): true when an after cursor was given.' })
  hasPreviousPage: boolean;
  @Field(() => String, { nullable: true, description: 'The cursor of the first row of this page (null for an empty page): pass it as before for the previous page.' })
  startCursor: string | null;
  @Field(() => String, { nullable: true, description: 'The cursor of the last row of this page (null for an empty page): pass it as after for the next page.' })
  endCursor: string | null;
}

export interface Edge<T> {
  cursor: string;
  node: T;
}

/** A connection as resolvers return it; totalCount runs its query only when it is asked for. */
export interface Connection<T> {
  edges: Edge<T>[];
  nodes: T[];
  pageInfo: PageInfo;
  totalCount: PromiseLike<number>;
}

/** A thenable that starts its work on the first `then`: GraphQL awaits it only if the field is selected. */
export function lazy<T>(compute: () => Promise<T>): PromiseLike<T> {
  let started: Promise<T> | undefined;
  return {
    then(onFulfilled, onRejected) {
      started ??= compute();
      return started.then(onFulfilled, onRejected);
    },
  };
}

const connectionTypes = new Map<string, ClassType>();

/** Builds (once per node type) the Relay connection and edge object types. */
export function ConnectionOf<T extends object>(nodeType: ClassType<T>, name: string = nodeType.name): ClassType<Connection<T>> {
  const existing = connectionTypes.get(name);
  if (existing) return existing as ClassType<Connection<T>>;

  @ObjectType(`${name}Edge`, { description: `One ${name} of a page, with its cursor.` })
  class EdgeType {
    @Field(() => String, { description: 'An opaque cursor: pass it as after to continue after this row (or as before to page back from it).' }) cursor: string;
    @Field(() => nodeType, { description: `The ${name}.` }) node: T;
  }

  @ObjectType(`${name}Connection`, { description: `A page of ${name} rows the viewer can reach (Relay connection, keyset cursors).` })
  class ConnectionType {
    @Field(() => [EdgeType], { description: 'The rows of this page with their cursors.' }) edges: EdgeType[];
    @Field(() => [nodeType], { description: 'The rows of this page (the same as edges.node, without cursors).' }) nodes: T[];
    @Field(() => PageInfo, { description: 'Whether more rows follow, and the cursor to ask for them.' }) pageInfo: PageInfo;
    // simple: false keeps a resolver: the value is a lazy thenable, which GraphQL awaits only
    // from a resolver (src/common/default-resolvers.ts).
    @Field(() => Int, { description: 'All rows of this list that the viewer can reach, not only this page.', simple: false })
    totalCount: number;
  }
  connectionTypes.set(name, ConnectionType);
  return ConnectionType as unknown as ClassType<Connection<T>>;
}

/**
 * Builds a connection from a page fetched with first+1 rows (in the reverse order for a
 * backward page). Edges and cursors are made only when the query reads them: a dashboard asking
 * for `nodes` of nested lists would otherwise encode a cursor for every row of every page.
 */
export function toConnection<T>(rows: T[], page: PageArgs, cursorOf: (row: T) => CursorValues, totalCount: () => Promise<number>): Connection<T> {
  const more = rows.length > page.first;
  const kept = more ? rows.slice(0, page.first) : rows;
  // The rows may be a loader's cached array: reversed as a copy, never in place.
  const nodes = page.backward ? [...kept].reverse() : kept;
  const beyondCursor = page.after !== null;
  const pageInfo = { hasNextPage: page.backward ? beyondCursor : more, hasPreviousPage: page.backward ? more : beyondCursor };
  return new PageConnection(nodes, pageInfo, (row) => encodeCursor(cursorOf(row), page.ordering?.tag ?? null), lazy(totalCount));
}

class PageConnection<T> implements Connection<T> {
  private edgeList: Edge<T>[] | undefined;

  constructor(
    readonly nodes: T[],
    private readonly more: { hasNextPage: boolean; hasPreviousPage: boolean },
    private readonly cursor: (row: T) => string,
    readonly totalCount: PromiseLike<number>,
  ) {}

  get edges(): Edge<T>[] {
    return (this.edgeList ??= this.nodes.map((node) => ({ cursor: this.cursor(node), node })));
  }

  get pageInfo(): PageInfo {
    const n = this.nodes.length;
    return { ...this.more, startCursor: n ? this.cursor(this.nodes[0]) : null, endCursor: n ? this.cursor(this.nodes[n - 1]) : null };
  }
}
