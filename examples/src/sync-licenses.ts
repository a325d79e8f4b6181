// An integrator's script against the license partner hub, as a partner would write it:
// graphql-request and types generated from the hub's published schema (codegen.ts). It
//   1. pages through all licenses with cursors,
//   2. allocates a REGISTERED license and activates it, each with an Idempotency-Key, sending
//      each write twice as a retry after a lost answer would (the hub acts once),
//   3. backs off on HTTP 429 for as long as Retry-After says,
//   4. syncs the licenses changed since a timestamp (SINCE, default a day ago; see syncFilter).
// Each step prints one line `<step> key=value …` (tests/e2e/example-client.test.ts reads them).
//
//   HUB_URL=http://127.0.0.1:4000 TOKEN=$(npm run --silent token -- admin@mobotix.example) npm run example
//
// TOKEN is a portal user's JWT or an API key (mbxk_…); allocating and activating need a role
// that may do both (VENDOR_ADMIN, or a DISTRIBUTOR_ADMIN for its own licenses and customers).
import { ClientError, GraphQLClient } from 'graphql-request';
import { graphql } from './generated/gql.js';
import type { LicenseFilter, LicensesPageQuery, TypedDocumentString } from './generated/graphql.js';

const HUB_URL = process.env.HUB_URL ?? 'http://127.0.0.1:4000';
const TOKEN = process.env.TOKEN ?? '';
const PAGE_SIZE = Number(process.env.PAGE_SIZE ?? 50);
const SINCE = process.env.SINCE ?? new Date(Date.now() - 24 * 3600 * 1000).toISOString();
/** Give up after this many 429s in a row (each waited out). */
const MAX_RATE_LIMITED_RETRIES = 20;

const client = new GraphQLClient(`${HUB_URL}/graphql`, { headers: { authorization: `Bearer ${TOKEN}` } });

let rateLimitedWaits = 0;
let rateLimitedSeconds = 0;

/**
 * One request, its data and its response headers. On 429 it waits what Retry-After says (in
 * seconds) and sends the same request again, the same Idempotency-Key included.
 */
async function call<R, V extends Record<string, unknown>>(document: TypedDocumentString<R, V>, variables: V, headers: Record<string, string> = {}): Promise<{ data: R; headers: Headers }> {
  for (let attempt = 0; ; attempt++) {
    try {
      const r = await client.rawRequest<R, V>(document.toString(), variables, headers);
      return { data: r.data, headers: r.headers };
    } catch (e) {
      if (!(e instanceof ClientError) || e.response.status !== 429 || attempt >= MAX_RATE_LIMITED_RETRIES) throw e;
      const seconds = Math.max(1, Number(e.response.headers.get('retry-after') ?? 1));
      rateLimitedWaits++;
      rateLimitedSeconds += seconds;
      await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
    }
  }
}

const LicensesPage = graphql(`
  query LicensesPage($first: Int, $after: String, $filter: LicenseFilter) {
    licenses(first: $first, after: $after, filter: $filter) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      nodes {
        id
        status
        validUntil
      }
    }
  }
`);

/** Every license of the list (with this filter), page by page, following endCursor. */
async function allLicenses(filter: LicenseFilter | null): Promise<{ ids: string[]; pages: number; totalCount: number }> {
  const ids: string[] = [];
  let after: string | null = null;
  let pages = 0;
  let totalCount: number;
  for (;;) {
    // Typed by hand: `after` comes from the previous page, which TypeScript cannot infer around.
    const { data }: { data: LicensesPageQuery } = await call(LicensesPage, { first: PAGE_SIZE, after, filter });
    pages++;
    totalCount = data.licenses.totalCount;
    ids.push(...data.licenses.nodes.map((l) => l.id));
    if (!data.licenses.pageInfo.hasNextPage) break;
    after = data.licenses.pageInfo.endCursor ?? null;
  }
  return { ids, pages, totalCount };
}

const RegisteredLicense = graphql(`
  query RegisteredLicense {
    licenses(first: 1, filter: { status: REGISTERED }) {
      nodes {
        id
        distributor {
          customers(first: 1) {
            nodes {
              id
            }
          }
        }
      }
    }
  }
`);

const Allocate = graphql(`
  mutation Allocate($input: AllocateLicenseInput!) {
    allocateLicense(input: $input) {
      licenses {
        id
        status
      }
    }
  }
`);

const Activate = graphql(`
  mutation Activate($input: ActivateLicenseInput!) {
    activateLicense(input: $input) {
      activation {
        id
        license {
          id
          seatsUsed
        }
      }
    }
  }
`);

const Seats = graphql(`
  query Seats($id: ID!) {
    license(id: $id) {
      seatsUsed
    }
  }
`);

/** Allocates a REGISTERED license to a customer of its distributor, then activates it: each write sent twice with one Idempotency-Key. */
async function allocateAndActivate(): Promise<void> {
  const { data } = await call(RegisteredLicense, {});
  const license = data.licenses.nodes[0];
  const customerId = license?.distributor?.customers.nodes[0]?.id;
  if (!license || !customerId) {
    console.log('allocate skipped=no-registered-license-with-a-customer');
    return;
  }
  const run = process.env.RUN_ID ?? String(Date.now());
  const allocation = { input: { licenseIds: [license.id], customerId } };
  const allocateKey = { 'Idempotency-Key': `example-allocate-${run}` };
  const allocated = await call(Allocate, allocation, allocateKey);
  const allocatedAgain = await call(Allocate, allocation, allocateKey);
  console.log(`allocate license=${license.id} status=${allocated.data.allocateLicense?.licenses[0]?.status} replayed=${allocatedAgain.headers.get('idempotency-replayed') ?? 'false'}`);

  const activation = { input: { licenseId: license.id, computer: { hostId: `EXAMPLE-${run}`, name: `example-pc-${run}`, os: 'Linux' } } };
  const activateKey = { 'Idempotency-Key': `example-activate-${run}` };
  const first = await call(Activate, activation, activateKey);
  const retry = await call(Activate, activation, activateKey);
  const seats = await call(Seats, { id: license.id });
  console.log(
    `activate activation=${first.data.activateLicense?.activation?.id} sameActivation=${first.data.activateLicense?.activation?.id === retry.data.activateLicense?.activation?.id} replayed=${retry.headers.get('idempotency-replayed') ?? 'false'} seatsUsed=${seats.data.license?.seatsUsed}`,
  );
}

/**
 * What "changed since" means to the list: `updatedAt` is set by the hub's database on every
 * write, and `updatedSince` is inclusive (rows of that very millisecond come again: the upsert
 * by id absorbs them). Keep the greatest updatedAt seen as the next run's SINCE.
 */
function syncFilter(since: string): LicenseFilter {
  return { updatedSince: since };
}

async function main(): Promise<void> {
  if (!TOKEN) throw new Error('set TOKEN to a portal user JWT or an API key');
  const all = await allLicenses(null);
  console.log(`pages pages=${all.pages} licenses=${all.ids.length} totalCount=${all.totalCount} distinct=${new Set(all.ids).size}`);
  await allocateAndActivate();
  const filter = syncFilter(SINCE);
  const changed = await allLicenses(filter);
  console.log(`sync since=${SINCE} mode=updatedSince licenses=${changed.ids.length} pages=${changed.pages}`);
  console.log(`ratelimit waits=${rateLimitedWaits} seconds=${rateLimitedSeconds}`);
}

main().catch((e: unknown) => {
  console.error(e instanceof ClientError ? `hub answered HTTP ${e.response.status}: ${JSON.stringify(e.response.errors ?? e.response.body)}` : e);
  process.exit(1);
});
