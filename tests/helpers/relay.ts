import { randomUUID } from 'node:crypto';
import { Client, GraphQLResponse } from './hub';

/**
 * Helpers for tests of the read API: walking Relay connections, building well-formed global
 * ids the way a client could (base64url of "Type:uuid"), and asserting GraphQL errors.
 */

export interface Page<N> {
  totalCount: number;
  nodes: N[];
  edges?: { cursor: string; node: N }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

/** base64url("Type:uuid"): a well-formed global id, of a random uuid unless one is given. */
export function wellFormedGlobalId(type: string, uuid: string = randomUUID()): string {
  return Buffer.from(`${type}:${uuid}`, 'utf8').toString('base64url');
}

/**
 * Follows `pageInfo.endCursor` until `hasNextPage` is false. `query` takes `$first` and `$after`;
 * `pick` returns the connection from the response data. Returns every page, in order.
 */
export async function walkPages<N>(client: Client, query: string, pick: (data: any) => Page<N>, first: number, variables: Record<string, unknown> = {}, maxPages = 200): Promise<Page<N>[]> {
  const pages: Page<N>[] = [];
  let after: string | null = null;
  for (let i = 0; i < maxPages; i++) {
    const page: Page<N> = pick(await client.data(query, { ...variables, first, after }));
    pages.push(page);
    if (!page.pageInfo.hasNextPage) return pages;
    if (!page.pageInfo.endCursor) throw new Error('hasNextPage is true but endCursor is null');
    after = page.pageInfo.endCursor;
  }
  throw new Error(`more than ${maxPages} pages: the cursor does not advance`);
}

/** The single error of a response that must have failed with `code`; returns it for further checks. */
export function onlyError(r: GraphQLResponse, code: string) {
  const errors = r.body.errors ?? [];
  if (errors.length === 0) throw new Error(`expected a ${code} error, got data ${JSON.stringify(r.body.data)}`);
  const first = errors[0];
  if (first.extensions?.code !== code) throw new Error(`expected ${code}, got ${JSON.stringify(errors)}`);
  return first;
}

/** A BAD_USER_INPUT error whose message and `extensions.field` name the offending argument. */
export function expectBadInput(r: GraphQLResponse, field: string): void {
  const error = onlyError(r, 'BAD_USER_INPUT');
  if (error.extensions?.field !== field || !error.message.includes(field)) {
    throw new Error(`expected BAD_USER_INPUT naming ${field}, got ${JSON.stringify(error)}`);
  }
}

/** The statements the process ran while `work` ran (the hub runs in the test's process). */
export async function countStatements<T>(counter: { statements: number }, work: () => Promise<T>): Promise<{ result: T; statements: number }> {
  const before = counter.statements;
  const result = await work();
  return { result, statements: counter.statements - before };
}
