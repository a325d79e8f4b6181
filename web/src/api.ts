// The console's GraphQL client: plain fetch to the hub's own /graphql (same origin), the
// signed-in credential from sessionStorage (this tab only), and helpers to read the parts of an
// answer a page shows: partial data, withheld fields, closed transfer gates, input errors.

import type { TypedDocumentString } from './generated/graphql';

const TOKEN_KEY = 'hub-console.credential';

/** The event the console's shell listens to: the hub refused the credential (HTTP 401). */
export const SIGNED_OUT = 'hub-console-signed-out';

export function credential(): string | null {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function signIn(token: string): void {
  sessionStorage.setItem(TOKEN_KEY, token.trim());
}

export function signOut(): void {
  sessionStorage.removeItem(TOKEN_KEY);
}

export interface GraphQLError {
  message: string;
  path?: (string | number)[];
  extensions?: {
    code?: string;
    field?: string;
    reason?: string;
    rule?: string;
    problems?: { field: string; message: string }[];
  };
}

/** One closed transfer gate as the answer summarizes it (docs/api.md, "Closed transfer gates"). */
export interface TransferGate {
  distributorId: string;
  reason: string;
  country: string;
  message: string | null;
  since: string | null;
  contract: { id: string; type: string; documentRef: string | null; date: string | null; dateKind: string | null } | null;
  action: { code: string; message: string };
}

export interface Answer<T> {
  status: number;
  data: T | null;
  errors: GraphQLError[];
  transferGates: TransferGate[];
}

/** A request the hub refused as a whole (HTTP error, no data): the page shows its message. */
export class RequestFailed extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
    readonly status: number,
  ) {
    super(message);
  }
}

/**
 * Posts one operation: a document of `graphql()` (web/src/generated, from the committed schema),
 * which carries the types of its answer and its variables. Partial answers (data with errors)
 * resolve; an answer without data throws RequestFailed.
 */
export async function gql<T, V>(document: TypedDocumentString<T, V>, variables?: V, token: string | null = credential(), headers: Record<string, string> = {}): Promise<Answer<T>> {
  const res = await fetch('/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
    body: JSON.stringify({ query: document.toString(), variables }),
  });
  let body: { data?: T | null; errors?: GraphQLError[]; extensions?: { transferGates?: TransferGate[] } };
  try {
    body = (await res.json()) as typeof body;
  } catch {
    throw new RequestFailed(`The hub answered HTTP ${res.status} without a readable body.`, undefined, res.status);
  }
  const errors = body.errors ?? [];
  if (res.status === 401 && token) {
    // The credential expired or was revoked: forget it; the console returns to the sign-in page with the reason.
    signOut();
    window.dispatchEvent(new CustomEvent(SIGNED_OUT, { detail: errors[0]?.message ?? 'the credential was refused' }));
  }
  if (body.data === undefined || body.data === null) {
    const first = errors[0];
    throw new RequestFailed(first?.message ?? `HTTP ${res.status}`, first?.extensions?.code, res.status);
  }
  return { status: res.status, data: body.data, errors, transferGates: body.extensions?.transferGates ?? [] };
}

/** The codes of fields withheld by policy: shown as "withheld", never as an error. */
const WITHHELD = new Set(['TRANSFER_BASIS_REQUIRED', 'FORBIDDEN']);

/** The paths ("customers.nodes.0.email") of the fields the answer withheld. */
export function withheldPaths(errors: GraphQLError[]): Set<string> {
  return new Set(errors.filter((e) => e.path && WITHHELD.has(e.extensions?.code ?? '')).map((e) => e.path!.join('.')));
}

/** Errors that are not withheld fields: a page shows them as errors. */
export function realErrors(errors: GraphQLError[]): GraphQLError[] {
  return errors.filter((e) => !WITHHELD.has(e.extensions?.code ?? ''));
}

/** Input problems of a refused mutation by field ("input.country" → message), from extensions.problems or extensions.field. */
export function fieldProblems(errors: GraphQLError[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of errors) {
    if (e.extensions?.code !== 'BAD_USER_INPUT' && e.extensions?.code !== 'CONFLICT') continue;
    const problems = e.extensions.problems?.length ? e.extensions.problems : e.extensions.field ? [{ field: e.extensions.field, message: e.message }] : [];
    for (const p of problems) out[p.field] ??= p.message;
  }
  return out;
}

/** Mutations answer with data and errors; the first error that is not a field problem. */
export function generalError(errors: GraphQLError[]): string | null {
  const e = errors.find((x) => !((x.extensions?.code === 'BAD_USER_INPUT' || x.extensions?.code === 'CONFLICT') && (x.extensions.field || x.extensions.problems?.length)));
  return e ? `${e.message}${e.extensions?.code ? ` (${e.extensions.code})` : ''}` : null;
}

export function day(iso: string | null | undefined): string {
  return iso ? iso.slice(0, 10) : '—';
}

/** "See as" (docs/api.md, See as): the organization, the instant (null: now) and the purpose a VENDOR_ADMIN gave. */
export interface SeeAsTarget {
  organizationId: string;
  name: string;
  /** An ISO date or instant; null for the hub's now. */
  at: string | null;
  purpose: string;
}

/** The request headers of a see-as query. */
export function seeAsHeaders(target: SeeAsTarget | null): Record<string, string> {
  if (!target) return {};
  return { 'See-As': target.organizationId, 'See-As-Purpose': target.purpose, ...(target.at ? { 'See-As-At': target.at } : {}) };
}
