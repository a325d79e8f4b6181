import DataLoader from 'dataloader';
import { ClassType } from 'type-graphql';
import { Connection, PageArgs, toConnection, encodeCursor } from '../common/pagination';
import { CursorValues } from '../common/pagination';
import { cursorOf, inOrder, ListQuery, SqlRunner } from '../common/sql';

/**
 * Per-request DataLoaders, created lazily by name so that every parent object of one request
 * shares one loader per relation: N parents cost one statement, never N.
 */
export class Loaders {
  private readonly loaders = new Map<string, DataLoader<unknown, unknown>>();
  private readonly memos = new Map<string, unknown>();

  constructor(private readonly sql: SqlRunner) {}

  /** After a write: later reads of the same request must see it. */
  clearAll(): void {
    for (const loader of this.loaders.values()) loader.clearAll();
    this.loaders.clear();
    this.memos.clear();
  }

  /** A per-request object that, like the loaders' caches, is dropped after a write. */
  memo<T>(name: string, make: () => T): T {
    let value = this.memos.get(name) as T | undefined;
    if (value === undefined) {
      value = make();
      this.memos.set(name, value);
    }
    return value;
  }

  private get<K, V>(name: string, make: () => DataLoader<K, V>): DataLoader<K, V> {
    let loader = this.loaders.get(name);
    if (!loader) {
      loader = make();
      this.loaders.set(name, loader);
    }
    return loader as DataLoader<K, V>;
  }

  /** Rows by id under the list's conditions; an id the conditions exclude loads as null. */
  byId<E extends object>(entity: ClassType<E>, list: () => Omit<ListQuery<E>, 'sort'>, name = entity.name): DataLoader<string, E | null> {
    return this.get(
      `byId:${name}`,
      () =>
        new DataLoader<string, E | null>(async (ids) => {
          const found = await this.sql.byIds(list(), ids);
          return ids.map((id) => found.get(id) ?? null);
        }),
    );
  }

  /** Rows grouped by a parent id (unpaginated short lists such as contracts or distributors). */
  group<E extends object>(name: string, list: () => ListQuery<E>, parent: string): DataLoader<string, E[]> {
    return this.get(
      `group:${name}`,
      () =>
        new DataLoader<string, E[]>(async (parentIds) => {
          const pages = await this.sql.pages(list(), parent, parentIds, { first: 10_000, after: null });
          return parentIds.map((id) => pages.get(id) ?? []);
        }),
    );
  }

  /** A value per parent id computed by one grouped query (seatsUsed, for instance). */
  valueOf<V>(name: string, batch: (ids: readonly string[]) => Promise<Map<string, V>>, fallback: V): DataLoader<string, V> {
    return this.get(
      `value:${name}`,
      () =>
        new DataLoader<string, V>(async (ids) => {
          const values = await batch(ids);
          return ids.map((id) => values.get(id) ?? fallback);
        }),
    );
  }

  /**
   * A page of a nested connection for a parent: all parents asking for the same page arguments
   * are answered by one ROW_NUMBER() statement; totalCount by one grouped COUNT, only if asked.
   */
  pageOf<E extends object>(name: string, list: () => ListQuery<E>, parent: string, parentId: string, page: PageArgs): Promise<Connection<E>> {
    // Called once per parent row (a thousand licenses ask for their activations): the list, its
    // loader and the cursor function are made once per request and page arguments, not per call.
    const argsKey = page.after === null && !page.backward && !page.ordering ? String(page.first) : JSON.stringify([page.first, page.after, !!page.backward, page.ordering?.tag ?? null]);
    const pages = this.get(`page:${name}:${argsKey}`, () => {
      const query = list();
      const loader = new DataLoader<string, E[]>(async (parentIds) => {
        const found = await this.sql.pages(query, parent, parentIds, page);
        return parentIds.map((id) => found.get(id) ?? []);
      });
      const ordered = inOrder(query, page.ordering);
      return Object.assign(loader, { cursorOf: (r: E) => cursorOf(ordered, r), query });
    }) as DataLoader<string, E[]> & { cursorOf: (r: E) => CursorValues; query: ListQuery<E> };
    const count = () =>
      this.get(
        `count:${name}`,
        () =>
          new DataLoader<string, number>(async (parentIds) => {
            const found = await this.sql.counts(pages.query, parent, parentIds);
            return parentIds.map((id) => found.get(id) ?? 0);
          }),
      ).load(parentId);
    return pages.load(parentId).then((rows) => toConnection(rows, page, pages.cursorOf, count));
  }
}

/** A top-level list: one statement for the page, one for totalCount when asked. */
export async function listPage<E extends object>(sql: SqlRunner, list: ListQuery<E>, page: PageArgs): Promise<Connection<E>> {
  const rows = await sql.page(list, page);
  const ordered = inOrder(list, page.ordering);
  return toConnection(
    rows,
    page,
    (r) => cursorOf(ordered, r),
    () => sql.count(list),
  );
}

export { encodeCursor };
