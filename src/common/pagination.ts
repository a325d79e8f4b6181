import { ClassType, Field, Int, ObjectType } from 'type-graphql';
import { badInput } from './errors';
import { UUID_RE } from './ids';

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

/** Validated page arguments: `first` 1..100 (default 20), `after` a decoded cursor. */
export interface PageArgs {
  first: number;
  after: CursorValues | null;
}

/** The sort-key values of the last row of a page, in the order of the list's sort keys. */
export type CursorValues = (string | number | null)[];

/** `first` beyond the bounds is an error, never silently cut (docs/api.md). */
export function pageArgs(first: number | null | undefined, after: string | null | undefined, arity: number): PageArgs {
  if (first !== undefined && first !== null && (!Number.isInteger(first) || first < 1 || first > MAX_PAGE_SIZE)) {
    throw badInput({ field: 'first', message: `must be between 1 and ${MAX_PAGE_SIZE} (got ${first})` });
  }
  return { first: first ?? DEFAULT_PAGE_SIZE, after: after == null ? null : decodeCursor(after, arity) };
}

/** Cursors are opaque to clients: base64url of the sort-key values, versioned. */
export function encodeCursor(values: CursorValues): string {
  return Buffer.from(JSON.stringify(['c1', ...values]), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string, arity: number): CursorValues {
  const invalid = () => badInput({ field: 'after', message: 'is not a cursor of this list' });
  if (typeof cursor !== 'string' || cursor.length > 512 || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw invalid();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (!Array.isArray(parsed) || parsed[0] !== 'c1' || parsed.length !== arity + 1) throw invalid();
  const values: unknown[] = parsed.slice(1);
  // Every list sorts on strings and ends with the id: anything else was not made by us.
  if (!values.every((v): v is string => typeof v === 'string' && v.length <= 300) || !UUID_RE.test(values[values.length - 1])) throw invalid();
  return values;
}

@ObjectType({ description: 'Relay page information.' })
export class PageInfo {
  @Field(() => Boolean, { description: 'Whether more rows follow this page: ask again with after: endCursor.' }) hasNextPage: boolean;
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
    @Field(() => String, { description: 'An opaque cursor: pass it as after to continue after this row.' }) cursor: string;
    @Field(() => nodeType, { description: `The ${name}.` }) node: T;
  }

  @ObjectType(`${name}Connection`, { description: `A page of ${name} rows the viewer can reach (Relay connection, keyset cursors).` })
  class ConnectionType {
    @Field(() => [EdgeType], { description: 'The rows of this page with their cursors.' }) edges: EdgeType[];
    @Field(() => [nodeType], { description: 'The rows of this page (the same as edges.node, without cursors).' }) nodes: T[];
    @Field(() => PageInfo, { description: 'Whether more rows follow, and the cursor to ask for them.' }) pageInfo: PageInfo;
    @Field(() => Int, { description: 'All rows of this list that the viewer can reach, not only this page.' })
    totalCount: number;
  }
  connectionTypes.set(name, ConnectionType);
  return ConnectionType as unknown as ClassType<Connection<T>>;
}

/**
 * Builds a connection from a page fetched with first+1 rows. Edges and cursors are made only
 * when the query reads them: a dashboard asking for `nodes` of nested lists would otherwise
 * encode a cursor for every row of every page.
 */
export function toConnection<T>(rows: T[], first: number, cursorOf: (row: T) => CursorValues, totalCount: () => Promise<number>): Connection<T> {
  const page = rows.length > first ? rows.slice(0, first) : rows;
  return new PageConnection(page, rows.length > first, cursorOf, lazy(totalCount));
}

class PageConnection<T> implements Connection<T> {
  private edgeList: Edge<T>[] | undefined;

  constructor(
    readonly nodes: T[],
    private readonly hasNextPage: boolean,
    private readonly cursorOf: (row: T) => CursorValues,
    readonly totalCount: PromiseLike<number>,
  ) {}

  get edges(): Edge<T>[] {
    return (this.edgeList ??= this.nodes.map((node) => ({ cursor: encodeCursor(this.cursorOf(node)), node })));
  }

  get pageInfo(): PageInfo {
    const last = this.nodes.length ? this.nodes[this.nodes.length - 1] : undefined;
    return { hasNextPage: this.hasNextPage, endCursor: last === undefined ? null : encodeCursor(this.cursorOf(last)) };
  }
}
