import { DataSource, EntityMetadata, ObjectLiteral } from 'typeorm';
import { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata';
import { ClassType } from 'type-graphql';
import { CursorValues, PageArgs } from './pagination';
import type { Ordering } from './ordering';
import type { ReadRoute } from './replicas';

/** A piece of SQL with its positional (`?`) parameters; the same syntax on MySQL and SQLite. */
export interface Sql {
  sql: string;
  params: unknown[];
}

export const sql = (text: string, ...params: unknown[]): Sql => ({ sql: text, params });

/** `col IN (?, ?, …)`; an empty list matches nothing. */
export function sqlIn(column: string, values: readonly unknown[]): Sql {
  if (values.length === 0) return sql('1 = 0');
  return { sql: `${column} IN (${values.map(() => '?').join(', ')})`, params: [...values] };
}

export function sqlAnd(parts: (Sql | null | undefined)[]): Sql {
  const present = parts.filter((p): p is Sql => !!p);
  if (present.length === 0) return sql('1 = 1');
  return { sql: present.map((p) => `(${p.sql})`).join(' AND '), params: present.flatMap((p) => p.params) };
}

export function sqlOr(parts: Sql[]): Sql {
  if (parts.length === 0) return sql('1 = 0');
  return { sql: parts.map((p) => `(${p.sql})`).join(' OR '), params: parts.flatMap((p) => p.params) };
}

/** A sort key of a list: the SQL expression and the entity property it reads. */
export interface SortKey {
  /** A column of `e`, or an expression on `e` whose `?` placeholders take {@link params}. */
  column: string;
  property: string;
  /** The parameters of a computed expression, bound wherever it is written (ORDER BY, keyset). */
  params?: unknown[];
  /** A computed key's value for a row, the same as the SQL expression says (e.g. a license's status at ctx.now). */
  value?: (row: never) => string | null;
  /** The column may be NULL: NULLs sort first ascending and last descending, on MySQL and SQLite alike. */
  nullable?: boolean;
  /** A datetime(3) column: in cursors as sqlDate text. */
  time?: boolean;
  /**
   * Compares bytes, not a language's collation: the same order on MySQL and SQLite (and in
   * cursors). The column must be declared with a binary collation on MySQL (see sortExpr).
   */
  binary?: boolean;
}

/**
 * A list of one entity as SQL: the table (aliased `e`), optional joins, the conditions (filters
 * and, from the policy, row scope), and the sort keys, whose last one must be unique (the id).
 */
export interface ListQuery<E extends object = object> {
  entity: ClassType<E>;
  joins?: string;
  where: (Sql | null | undefined)[];
  sort: SortKey[];
  descending?: boolean;
  /** What each row brings along in the same statement (see {@link Companion}). */
  companions?: Companion[];
  /** Told of every page and lookup of this list once hydrated (e.g. the policy learning from companions). */
  onRows?: (rows: E[]) => void;
  /**
   * Read from the primary even when the request's reads go to a replica: an input of the
   * policy, which never reads stale facts (docs/deployment-replicas.md).
   */
  primary?: boolean;
}

/**
 * Something a row brings along in its own statement, so that a nested field needs no statement
 * and no promise of its own: a value computed per row (`select`, e.g. a license's seatsUsed) or
 * the one row of another entity it points to (`entity` + `on`, e.g. an activation's computer),
 * already scoped for the actor. Companions are computed for the rows of the page only (in an
 * outer query around the page), never for the rows a window function drops. Resolvers read
 * them with {@link companionOf}; a row without them (e.g. loaded by another path) falls back
 * to its loader.
 */
export type Companion = { key: string; select: (row: string) => Sql } | { key: string; entity: ClassType<object>; on: (row: string, alias: string) => Sql };

/** Companions live on the row under a symbol: invisible to GraphQL, JSON and TypeORM. */
const COMPANIONS = Symbol('companions');
const companionPlans = new WeakMap<Companion[], { key: string; rawKey: string; meta?: EntityMetadata; columns?: (HydrationStep & { rawKey: string })[] }[]>();

/** The companion `key` of a row: undefined if the row was loaded without it. */
export function companionOf<T>(row: object, key: string): T | null | undefined {
  const found = (row as Record<symbol, Record<string, unknown> | undefined>)[COMPANIONS];
  return found && key in found ? (found[key] as T | null) : undefined;
}

/** UTC 'YYYY-MM-DD HH:MM:SS.mmm': how both drivers store datetime(3) columns. */
export function sqlDate(d: Date): string {
  return d.toISOString().replace('T', ' ').replace('Z', '');
}

function bindable(v: unknown): unknown {
  return v instanceof Date ? sqlDate(v) : v;
}

/**
 * Runs list queries as one statement each: keyset pages (never OFFSET), pages of many parents
 * at once (ROW_NUMBER() per parent, for loaders), counts, and rows by id. Rows are hydrated
 * through TypeORM's column metadata, so dates and lists come back typed on both databases.
 */
export class SqlRunner {
  /** A request's signal: once aborted (the time limit), no further statement is sent. */
  signal: AbortSignal | undefined;
  /**
   * Where a query operation's reads go: a replica (src/common/replicas.ts), set by the route
   * stage. Unset (mutations, background jobs, no replicas): the primary, `dataSource`.
   */
  replica: ReadRoute | undefined;

  constructor(readonly dataSource: DataSource) {}

  async rows<E extends ObjectLiteral>(entity: ClassType<E>, query: Sql, companions?: Companion[], primary?: boolean): Promise<E[]> {
    const raw: Record<string, unknown>[] = await this.raw(query, primary);
    const meta = this.dataSource.getMetadata(entity);
    return raw.map((r) => this.hydrateWith(meta, r, companions) as E);
  }

  /** One statement; on the request's replica if it has one, unless `primary` (an input of the policy). */
  async raw<R = Record<string, unknown>>(query: Sql, primary = false): Promise<R[]> {
    if (this.signal?.aborted) throw new Error('the request was stopped (time limit)');
    const params = query.params.map(bindable);
    if (this.replica && !primary) return (await this.replica.query(query.sql, params)) as R[];
    return this.dataSource.query(query.sql, params);
  }

  /**
   * One page (first + 1 rows, so the caller knows whether there is a next page). A backward
   * page (`last`/`before`) is read in the reverse order, nearest to the cursor first; the
   * connection puts it back in the list's order.
   */
  async page<E extends ObjectLiteral>(query: ListQuery<E>, page: PageArgs): Promise<E[]> {
    const list = directed(query, page);
    const where = sqlAnd([...list.where, keyset(list, page.after)]);
    const order = orderBy(list);
    const inner: Sql = {
      sql: `SELECT e.* FROM ${this.table(list.entity)} e ${list.joins ?? ''} WHERE ${where.sql} ORDER BY ${order.sql} LIMIT ?`,
      params: [...where.params, ...order.params, page.first + 1],
    };
    if (!list.companions?.length) return this.observed(list, await this.rows(list.entity, inner, undefined, list.primary));
    const outer = this.companionSql(list.companions, 'x');
    const outerOrder = orderBy(list, 'x');
    const rows = await this.rows(
      list.entity,
      {
        sql: `SELECT x.*${outer.select} FROM (${inner.sql}) x ${outer.joins} ORDER BY ${outerOrder.sql}`,
        params: [...outer.selectParams, ...inner.params, ...outer.joinParams, ...outerOrder.params],
      },
      list.companions,
      list.primary,
    );
    return this.observed(list, rows);
  }

  private observed<E extends object>(list: ListQuery<E>, rows: E[]): E[] {
    list.onRows?.(rows);
    return rows;
  }

  /** The same page for many parents in one statement; `parent` is the SQL expression of the parent id. */
  async pages<E extends ObjectLiteral>(query: ListQuery<E>, parent: string, parentIds: readonly string[], page: PageArgs): Promise<Map<string, E[]>> {
    const out = new Map<string, E[]>(parentIds.map((id) => [id, []]));
    if (parentIds.length === 0) return out;
    const list = directed(query, page);
    const where = sqlAnd([sqlIn(parent, parentIds), ...list.where, keyset(list, page.after)]);
    const order = orderBy(list);
    const outer = this.companionSql(list.companions ?? [], 'x');
    const raw = await this.raw<Record<string, unknown>>(
      {
        sql:
          `SELECT x.*${outer.select} FROM (SELECT e.*, ${parent} AS __parent, ROW_NUMBER() OVER (PARTITION BY ${parent} ORDER BY ${order.sql}) AS __rn ` +
          `FROM ${this.table(list.entity)} e ${list.joins ?? ''} WHERE ${where.sql}) x ${outer.joins} WHERE x.__rn <= ? ORDER BY x.__parent, x.__rn`,
        params: [...outer.selectParams, ...order.params, ...where.params, ...outer.joinParams, page.first + 1],
      },
      list.primary,
    );
    const meta = this.dataSource.getMetadata(list.entity);
    const all: E[] = [];
    for (const r of raw) {
      const row = this.hydrateWith(meta, r, list.companions) as E;
      all.push(row);
      out.get(String(r.__parent))?.push(row);
    }
    this.observed(list, all);
    return out;
  }

  async count<E extends ObjectLiteral>(list: ListQuery<E>): Promise<number> {
    const where = sqlAnd(list.where);
    const [row] = await this.raw<{ n: unknown }>(
      {
        sql: `SELECT COUNT(*) AS n FROM ${this.table(list.entity)} e ${list.joins ?? ''} WHERE ${where.sql}`,
        params: where.params,
      },
      list.primary,
    );
    return Number(row.n);
  }

  async counts<E extends ObjectLiteral>(list: ListQuery<E>, parent: string, parentIds: readonly string[]): Promise<Map<string, number>> {
    const out = new Map<string, number>(parentIds.map((id) => [id, 0]));
    if (parentIds.length === 0) return out;
    const where = sqlAnd([sqlIn(parent, parentIds), ...list.where]);
    const raw = await this.raw<{ p: unknown; n: unknown }>(
      {
        sql: `SELECT ${parent} AS p, COUNT(*) AS n FROM ${this.table(list.entity)} e ${list.joins ?? ''} WHERE ${where.sql} GROUP BY ${parent}`,
        params: where.params,
      },
      list.primary,
    );
    for (const r of raw) out.set(String(r.p), Number(r.n));
    return out;
  }

  /** Rows by id under the list's conditions; ids the conditions exclude are simply absent. */
  async byIds<E extends ObjectLiteral>(list: Omit<ListQuery<E>, 'sort'>, ids: readonly string[]): Promise<Map<string, E>> {
    const where = sqlAnd([sqlIn('e.id', ids), ...list.where]);
    const outer = this.companionSql(list.companions ?? [], 'e');
    const rows = await this.rows(
      list.entity,
      {
        sql: `SELECT e.*${outer.select} FROM ${this.table(list.entity)} e ${list.joins ?? ''} ${outer.joins} WHERE ${where.sql}`,
        params: [...outer.selectParams, ...outer.joinParams, ...where.params],
      },
      list.companions,
      list.primary,
    );
    this.observed(list as ListQuery<E>, rows);
    return new Map(rows.map((r) => [(r as unknown as { id: string }).id, r]));
  }

  table(entity: ClassType<object>): string {
    return `\`${this.dataSource.getMetadata(entity).tableName}\``;
  }

  /** The select list and joins of companions, on the row alias `row`; joined columns are named `__c<i>_<column>`. */
  private companionSql(companions: Companion[], row: string): { select: string; selectParams: unknown[]; joins: string; joinParams: unknown[] } {
    const out = { select: '', selectParams: [] as unknown[], joins: '', joinParams: [] as unknown[] };
    companions.forEach((c, i) => {
      if ('select' in c) {
        const value = c.select(row);
        out.select += `, (${value.sql}) AS \`__c${i}\``;
        out.selectParams.push(...value.params.map(bindable));
        return;
      }
      const alias = `__c${i}`;
      const meta = this.dataSource.getMetadata(c.entity);
      for (const column of meta.columns) out.select += `, ${alias}.\`${column.databaseName}\` AS \`${alias}_${column.databaseName}\``;
      const on = c.on(row, alias);
      out.joins += ` LEFT JOIN ${this.table(c.entity)} ${alias} ON ${on.sql}`;
      out.joinParams.push(...on.params.map(bindable));
    });
    return out;
  }

  private hydrateWith(meta: EntityMetadata, raw: Record<string, unknown>, companions: Companion[] | undefined): unknown {
    const entity = this.hydrate(meta, raw) as Record<symbol, unknown>;
    if (!companions?.length) return entity;
    const values: Record<string, unknown> = {};
    for (const c of this.companionPlan(companions)) {
      if (!c.columns) {
        values[c.key] = raw[c.rawKey];
      } else if (raw[c.rawKey] === null || raw[c.rawKey] === undefined) {
        values[c.key] = null; // no such row, or not one the actor reaches
      } else {
        const row = c.meta!.create() as Record<string, unknown>;
        for (const p of c.columns) {
          const value = raw[p.rawKey];
          row[p.propertyName] = p.asIs ? value : this.dataSource.driver.prepareHydratedValue(value, p.column);
        }
        values[c.key] = row;
      }
    }
    entity[COMPANIONS] = values;
    return entity;
  }

  /** Where each companion's values are in a raw row (made once per list of companions, not per row). */
  private companionPlan(companions: Companion[]) {
    let plan = companionPlans.get(companions);
    if (!plan) {
      plan = companions.map((c, i) => {
        if ('select' in c) return { key: c.key, rawKey: `__c${i}` };
        const meta = this.dataSource.getMetadata(c.entity);
        return {
          key: c.key,
          rawKey: `__c${i}_${meta.primaryColumns[0].databaseName}`,
          meta,
          columns: hydrationPlan(meta).map((p) => ({ ...p, rawKey: `__c${i}_${p.databaseName}` })),
        };
      });
      companionPlans.set(companions, plan);
    }
    return plan;
  }

  private hydrate(meta: EntityMetadata, raw: Record<string, unknown>): unknown {
    const entity = meta.create() as Record<string, unknown>;
    for (const c of hydrationPlan(meta)) {
      const value = raw[c.databaseName];
      entity[c.propertyName] = c.asIs ? value : this.dataSource.driver.prepareHydratedValue(value, c.column);
    }
    return entity;
  }
}

/** Text columns without a transformer come back from both drivers as they are stored: no driver call per value. */
const AS_IS_TYPES = new Set<unknown>(['varchar', 'char', 'text', String]);
interface HydrationStep {
  propertyName: string;
  databaseName: string;
  asIs: boolean;
  column: ColumnMetadata;
}
const plans = new WeakMap<EntityMetadata, HydrationStep[]>();
function hydrationPlan(meta: EntityMetadata): HydrationStep[] {
  let plan = plans.get(meta);
  if (!plan) {
    plan = meta.columns.map((column) => ({
      propertyName: column.propertyName,
      databaseName: column.databaseName,
      asIs: !column.transformer && AS_IS_TYPES.has(column.type),
      column,
    }));
    plans.set(meta, plan);
  }
  return plan;
}

type Sorted = Pick<ListQuery, 'sort' | 'descending'>;

/**
 * The list as a page reads it: in the order the page asks for (`orderBy`, else the list's own),
 * reversed for a backward page (`last`/`before`), so that the rows nearest the cursor come first.
 */
function directed<L extends Sorted>(list: L, page: PageArgs): L {
  const ordered = inOrder(list, page.ordering);
  return page.backward ? { ...ordered, descending: !ordered.descending } : ordered;
}

/** The list in the order an Ordering (orderBy) names; the list's own order without one. */
export function inOrder<L extends Sorted>(list: L, ordering: Ordering | null | undefined): L {
  return ordering ? { ...list, sort: ordering.sort, descending: ordering.descending } : list;
}

/** ORDER BY of the list's sort keys; `row` names the alias of an outer query around the page (sort keys are expressions on `e`). */
function orderBy(list: Sorted, row?: string): Sql {
  const dir = list.descending ? 'DESC' : 'ASC';
  const keys = list.sort.map((k) => sortExpr(k, row));
  return { sql: keys.map((k) => `${k.sql} ${dir}`).join(', '), params: keys.flatMap((k) => k.params) };
}

/** `e.col` → `<alias>.col`: the same condition or expression on another alias of the same table. */
export function onAlias(expression: string, alias: string): string {
  return expression.replace(/(?<![\w`.])e\./g, `${alias}.`);
}

/**
 * A sort key as SQL, with the parameters of a computed one. SQLite compares bytes already; on
 * MySQL a `binary` key's column is declared utf8mb4_bin by the migration
 * (scripts/collate-binary.cjs), so it compares bytes too. Saying COLLATE here again would stop
 * MySQL from reading the order off the index (docs/decisions/0007-no-collate-in-order-by.md).
 */
function sortExpr(key: SortKey, row?: string): Sql {
  return { sql: row ? onAlias(key.column, row) : key.column, params: key.params ?? [] };
}

/**
 * The rows strictly after the cursor in the list's order, as a row-value comparison spelled
 * out: (a > ?) OR (a = ? AND b > ?) … A NULL is a value like the others here: it sorts first
 * ascending and last descending (MySQL and SQLite alike), is equal to NULL and beyond nothing
 * in the direction it ends, so a row with a NULL key is neither skipped nor repeated.
 */
function keyset(list: Sorted, after: CursorValues | null): Sql | null {
  if (!after) return null;
  const ors: Sql[] = list.sort.map((key, i) => sqlAnd([...list.sort.slice(0, i).map((k, j) => equalTo(k, after[j])), beyond(key, after[i], !!list.descending)]));
  return sqlOr(ors);
}

function equalTo(key: SortKey, value: string | number | null): Sql {
  const e = sortExpr(key);
  return value === null ? { sql: `${e.sql} IS NULL`, params: e.params } : { sql: `${e.sql} = ?`, params: [...e.params, value] };
}

/** The key's values strictly after `value` in the direction (NULLs first ascending, last descending). */
function beyond(key: SortKey, value: string | number | null, descending: boolean): Sql {
  const e = sortExpr(key);
  if (!descending) return value === null ? { sql: `${e.sql} IS NOT NULL`, params: e.params } : { sql: `${e.sql} > ?`, params: [...e.params, value] };
  if (value === null) return sql('1 = 0');
  if (!key.nullable) return { sql: `${e.sql} < ?`, params: [...e.params, value] };
  return { sql: `(${e.sql} < ? OR ${e.sql} IS NULL)`, params: [...e.params, value, ...e.params] };
}

/** The cursor values of a row for the list's sort keys. */
export function cursorOf<E extends object>(list: Pick<ListQuery<E>, 'sort'>, row: E): CursorValues {
  return list.sort.map((k) => {
    const v = k.value ? (k.value as (r: E) => string | null)(row) : (row as Record<string, unknown>)[k.property];
    return v instanceof Date ? sqlDate(v) : (v as string | number | null);
  });
}
