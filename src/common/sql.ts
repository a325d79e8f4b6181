import { DataSource, EntityMetadata, ObjectLiteral } from 'typeorm';
import { ClassType } from 'type-graphql';
import { CursorValues, PageArgs } from './pagination';

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
  column: string;
  property: string;
  /** Compare bytes, not the server's collation: the same order on MySQL and SQLite (and in cursors). */
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
  private readonly mysql: boolean;
  /** A request's signal: once aborted (the time limit), no further statement is sent. */
  signal: AbortSignal | undefined;

  constructor(readonly dataSource: DataSource) {
    this.mysql = dataSource.options.type === 'mysql' || dataSource.options.type === 'mariadb';
  }

  async rows<E extends ObjectLiteral>(entity: ClassType<E>, query: Sql): Promise<E[]> {
    const raw: Record<string, unknown>[] = await this.raw(query);
    const meta = this.dataSource.getMetadata(entity);
    return raw.map((r) => this.hydrate(meta, r) as E);
  }

  async raw<R = Record<string, unknown>>(query: Sql): Promise<R[]> {
    if (this.signal?.aborted) throw new Error('the request was stopped (time limit)');
    return this.dataSource.query(query.sql, query.params.map(bindable));
  }

  /** One page (first + 1 rows, so the caller knows whether there is a next page). */
  async page<E extends ObjectLiteral>(list: ListQuery<E>, page: PageArgs): Promise<E[]> {
    const where = sqlAnd([...list.where, keyset(list, page.after, this.mysql)]);
    return this.rows(list.entity, {
      sql: `SELECT e.* FROM ${this.table(list.entity)} e ${list.joins ?? ''} WHERE ${where.sql} ORDER BY ${orderBy(list, this.mysql)} LIMIT ?`,
      params: [...where.params, page.first + 1],
    });
  }

  /** The same page for many parents in one statement; `parent` is the SQL expression of the parent id. */
  async pages<E extends ObjectLiteral>(
    list: ListQuery<E>,
    parent: string,
    parentIds: readonly string[],
    page: PageArgs,
  ): Promise<Map<string, E[]>> {
    const out = new Map<string, E[]>(parentIds.map((id) => [id, []]));
    if (parentIds.length === 0) return out;
    const where = sqlAnd([sqlIn(parent, parentIds), ...list.where, keyset(list, page.after, this.mysql)]);
    const raw = await this.raw<Record<string, unknown>>({
      sql:
        `SELECT * FROM (SELECT e.*, ${parent} AS __parent, ROW_NUMBER() OVER (PARTITION BY ${parent} ORDER BY ${orderBy(list, this.mysql)}) AS __rn ` +
        `FROM ${this.table(list.entity)} e ${list.joins ?? ''} WHERE ${where.sql}) x WHERE x.__rn <= ? ORDER BY x.__parent, x.__rn`,
      params: [...where.params, page.first + 1],
    });
    const meta = this.dataSource.getMetadata(list.entity);
    for (const r of raw) out.get(String(r.__parent))?.push(this.hydrate(meta, r) as E);
    return out;
  }

  async count<E extends ObjectLiteral>(list: ListQuery<E>): Promise<number> {
    const where = sqlAnd(list.where);
    const [row] = await this.raw<{ n: unknown }>({
      sql: `SELECT COUNT(*) AS n FROM ${this.table(list.entity)} e ${list.joins ?? ''} WHERE ${where.sql}`,
      params: where.params,
    });
    return Number(row.n);
  }

  async counts<E extends ObjectLiteral>(list: ListQuery<E>, parent: string, parentIds: readonly string[]): Promise<Map<string, number>> {
    const out = new Map<string, number>(parentIds.map((id) => [id, 0]));
    if (parentIds.length === 0) return out;
    const where = sqlAnd([sqlIn(parent, parentIds), ...list.where]);
    const raw = await this.raw<{ p: unknown; n: unknown }>({
      sql: `SELECT ${parent} AS p, COUNT(*) AS n FROM ${this.table(list.entity)} e ${list.joins ?? ''} WHERE ${where.sql} GROUP BY ${parent}`,
      params: where.params,
    });
    for (const r of raw) out.set(String(r.p), Number(r.n));
    return out;
  }

  /** Rows by id under the list's conditions; ids the conditions exclude are simply absent. */
  async byIds<E extends ObjectLiteral>(list: Omit<ListQuery<E>, 'sort'>, ids: readonly string[]): Promise<Map<string, E>> {
    const where = sqlAnd([sqlIn('e.id', ids), ...list.where]);
    const rows = await this.rows(list.entity, {
      sql: `SELECT e.* FROM ${this.table(list.entity)} e ${list.joins ?? ''} WHERE ${where.sql}`,
      params: where.params,
    });
    return new Map(rows.map((r) => [(r as unknown as { id: string }).id, r]));
  }

  table(entity: ClassType<object>): string {
    return `\`${this.dataSource.getMetadata(entity).tableName}\``;
  }

  private hydrate(meta: EntityMetadata, raw: Record<string, unknown>): unknown {
    const entity = meta.create() as Record<string, unknown>;
    for (const column of meta.columns) {
      entity[column.propertyName] = this.dataSource.driver.prepareHydratedValue(raw[column.databaseName], column);
    }
    return entity;
  }
}

function orderBy(list: ListQuery, mysql: boolean): string {
  const dir = list.descending ? 'DESC' : 'ASC';
  return list.sort.map((k) => `${sortExpr(k, mysql)} ${dir}`).join(', ');
}

/** SQLite compares bytes already; MySQL needs the binary collation said. */
function sortExpr(key: SortKey, mysql: boolean): string {
  return key.binary && mysql ? `${key.column} COLLATE utf8mb4_bin` : key.column;
}

/** Row-value comparison spelled out: (a > ?) OR (a = ? AND b > ?) … */
function keyset(list: ListQuery, after: CursorValues | null, mysql: boolean): Sql | null {
  if (!after) return null;
  const op = list.descending ? '<' : '>';
  const ors: Sql[] = list.sort.map((key, i) => {
    const eqs = list.sort.slice(0, i).map((k, j) => sql(`${sortExpr(k, mysql)} = ?`, after[j]));
    return sqlAnd([...eqs, sql(`${sortExpr(key, mysql)} ${op} ?`, after[i])]);
  });
  return sqlOr(ors);
}

/** The cursor values of a row for the list's sort keys. */
export function cursorOf<E extends object>(list: ListQuery<E>, row: E): CursorValues {
  return list.sort.map((k) => {
    const v = (row as Record<string, unknown>)[k.property];
    return v instanceof Date ? sqlDate(v) : (v as string | number | null);
  });
}
