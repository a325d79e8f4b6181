import { writesLicenseId } from '../bench-data';
import { isSweep, Options, QueryName, sweepFirst, VariantName } from './options';
import type { CountedQuery } from './report';
import type { Server } from './server';
import { activateBody, WriteQuery, WriteWorkload } from './writes';

// ---------------------------------------------------------------------------------------------
// The queries
// ---------------------------------------------------------------------------------------------

export const CUSTOMER_FIELDS = `id name
      users(first: 5) { nodes { name email } }
      licenses(first: 20) { nodes { status seats seatsUsed product { sku } activations(first: 4) { nodes { activatedAt computer { os name } } } } }`;

export const DASHBOARD = `query Dashboard($first: Int, $after: String) {
  customers(first: $first, after: $after) {
    nodes {
      ${CUSTOMER_FIELDS}
    }
  }
}`;

export const CUSTOMER = `query Customer($id: ID!) {
  node(id: $id) {
    ... on Organization {
      ${CUSTOMER_FIELDS}
    }
  }
}`;

export const CURSOR = `query Cursor($first: Int, $after: String) {
  customers(first: $first, after: $after) { nodes { id } pageInfo { hasNextPage endCursor } }
}`;

export const SUMMARY = `query Summary {
  licenseSummary(expiringWithinDays: 30) {
    total expiringSoon expiringWithinDays seats { total used } byStatus { status count } byProduct { product { sku } licenses seats seatsUsed }
  }
}`;

export interface Request {
  token: string;
  /** The body of every request (a write query: of the statement count's first request only). */
  body: string;
  /** A write query (W1, W1c, W1r): each connection's bodies follow the answers (scripts/bench/writes.ts). */
  workload?: WriteWorkload;
}

// ---------------------------------------------------------------------------------------------
// HTTP, comparison
// ---------------------------------------------------------------------------------------------

export interface GqlResponse {
  status: number;
  bytes: number;
  json: { data?: unknown; errors?: { message: string; path?: (string | number)[]; extensions?: { code?: string } }[] };
}

export async function post(server: Server, request: Request): Promise<GqlResponse> {
  const res = await fetch(server.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${request.token}`, 'x-forwarded-proto': 'https' },
    body: request.body,
  });
  const text = await res.text();
  return { status: res.status, bytes: Buffer.byteLength(text), json: JSON.parse(text) as GqlResponse['json'] };
}

/** JSON with sorted keys: the same data prints the same. */
export function canonical(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  );
}

export function firstDifference(a: string, b: string): string {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return `at character ${i}:\n  ${a.slice(Math.max(0, i - 120), i + 80)}\n  ${b.slice(Math.max(0, i - 120), i + 80)}`;
}

/** The personal fields of the dashboard (users' name and email, computers' name) set to null. */
export function withoutPersonalData(data: unknown): unknown {
  return JSON.parse(JSON.stringify(data), function (this: Record<string, unknown>, key: string, value: unknown): unknown {
    if ((key === 'name' || key === 'email') && this && 'email' in this && 'name' in this && Object.keys(this).length === 2) return null;
    if (key === 'computer' && value && typeof value === 'object') return { ...value, name: null };
    return value;
  });
}

export function countPersonal(data: unknown): { present: number; nulls: number } {
  const out = { present: 0, nulls: 0 };
  JSON.parse(JSON.stringify(data), function (this: Record<string, unknown>, key: string, value: unknown): unknown {
    const personal = ((key === 'name' || key === 'email') && this && 'email' in this && Object.keys(this).length === 2) || (key === 'name' && this && 'os' in this);
    if (personal && value === null) out.nulls++;
    else if (personal) out.present++;
    return value;
  });
  return out;
}

export const errorKeys = (r: GqlResponse) => (r.json.errors ?? []).map((e) => `${JSON.stringify(e.path ?? [])} ${e.extensions?.code ?? ''} ${e.message}`).sort();

export interface Agreement {
  query: QueryName;
  variants: Partial<Record<VariantName, { bytes: number; errors: number; personal: { present: number; nulls: number } }>>;
  notes: string[];
}

export async function checkAgreement(servers: Map<VariantName, Server>, requests: Partial<Record<QueryName, Request>>, queries: QueryName[]): Promise<Agreement[]> {
  const out: Agreement[] = [];
  for (const q of queries) {
    const request = requests[q]!;
    if (request.workload) {
      out.push(await checkWriteAgreement(servers, request.workload));
      continue;
    }
    const answers = new Map<VariantName, GqlResponse>();
    for (const [v, s] of servers) {
      const r = await post(s, request);
      if (r.status !== 200 || r.json.data == null) throw new Error(`${q} on ${v}: HTTP ${r.status} ${JSON.stringify(r.json).slice(0, 500)}`);
      answers.set(v, r);
    }
    const hub = answers.get('hub')!;
    const agreement: Agreement = { query: q, variants: {}, notes: [] };
    for (const [v, r] of answers) agreement.variants[v] = { bytes: r.bytes, errors: r.json.errors?.length ?? 0, personal: countPersonal(r.json.data) };
    const hubData = canonical(hub.json.data);
    for (const [v, r] of answers) {
      if (v === 'hub') continue;
      let data = canonical(r.json.data);
      if (q === 'Q4' && v === 'bare') {
        // No permission layer, no transfer gate: the gated distributor reads what the gate hides.
        const personal = countPersonal(r.json.data);
        if (personal.nulls > 0 || personal.present === 0 || (r.json.errors?.length ?? 0) > 0) {
          throw new Error(`Q4 on bare: expected the personal data the gate withholds (the permission layer is off), got ${JSON.stringify(personal)}`);
        }
        data = canonical(withoutPersonalData(r.json.data));
        agreement.notes.push(`bare answers the ${personal.present} personal values the gate withholds and no errors (it has no permission layer); with those set to null its data equals the hub's`);
      }
      if (data !== hubData) throw new Error(`${q}: ${v} answers other data than the hub ${firstDifference(hubData, data)}`);
      if (v === 'floor') {
        const [a, b] = [errorKeys(hub), errorKeys(r)];
        if (a.join('\n') !== b.join('\n')) throw new Error(`${q}: the floor's errors differ from the hub's (${a.length} vs ${b.length}) ${firstDifference(a.join('\n'), b.join('\n'))}`);
        if (a.length) agreement.notes.push(`hub and floor: the same ${a.length} errors (path, code, message), personal fields null`);
      }
    }
    if (q !== 'Q4' && (hub.json.errors?.length ?? 0) > 0) throw new Error(`${q}: the hub answered errors: ${JSON.stringify(hub.json.errors!.slice(0, 3))}`);
    out.push(agreement);
  }
  return out;
}

/**
 * A write query's agreement: one logical request (W1, W1c: an activation and its deactivation;
 * W1r: a refused activation) on each server from the same start state; the answers compared
 * with ids and instants replaced by their shape, errors by code and path.
 */
async function checkWriteAgreement(servers: Map<VariantName, Server>, workload: WriteWorkload): Promise<Agreement> {
  const q = workload.query;
  const agreement: Agreement = { query: q, variants: {}, notes: [] };
  const data = new Map<VariantName, string>();
  for (const [v, s] of servers) {
    const a = await workload.answers(s);
    agreement.variants[v] = { bytes: a.bytes, errors: a.errors, personal: { present: 0, nulls: 0 } };
    data.set(v, a.data);
  }
  const hubData = data.get('hub')!;
  for (const [v, d] of data) if (d !== hubData) throw new Error(`${q}: ${v} answers other data than the hub ${firstDifference(hubData, d)}`);
  agreement.notes.push(
    q === 'W1r'
      ? 'the same refusal (CONFLICT at activateLicense, data null) from the same full license'
      : 'the same answers to the activation and its deactivation (seats, seatsUsed 1 then 0, the computer), ids and instants compared by shape',
  );
  return agreement;
}

/** Every request of the run: the queries asked for, and Q1 with first: 5 for the statement count. */
export function buildRequests(
  o: Options,
  tokens: { measured: string; gated: string; writer: string },
  found: { after: string | null; customer: string },
  databaseUrl: string,
): Partial<Record<CountedQuery, Request>> {
  const dashboard = (first: number, cursor: string | null) => JSON.stringify({ query: DASHBOARD, operationName: 'Dashboard', variables: cursor ? { first, after: cursor } : { first } });
  const requests: Partial<Record<CountedQuery, Request>> = {
    Q1: { token: tokens.measured, body: dashboard(o.first, null) },
    Q2: { token: tokens.measured, body: dashboard(o.first, found.after) },
    Q3: { token: tokens.measured, body: JSON.stringify({ query: CUSTOMER, operationName: 'Customer', variables: { id: found.customer } }) },
    Q4: { token: tokens.gated, body: dashboard(o.first, null) },
    A1: { token: tokens.measured, body: JSON.stringify({ query: SUMMARY, operationName: 'Summary' }) },
    Q1first5: { token: tokens.measured, body: dashboard(5, null) },
  };
  for (const q of ['W1', 'W1c', 'W1r'] as WriteQuery[]) {
    if (!o.queries.includes(q)) continue;
    const workload = new WriteWorkload(q, tokens.writer, databaseUrl);
    requests[q] = { token: tokens.writer, body: activateBody(writesLicenseId(0), 0), workload };
  }
  for (const q of o.queries.filter(isSweep)) requests[q] = { token: tokens.measured, body: dashboard(sweepFirst(q), null) };
  return requests;
}
