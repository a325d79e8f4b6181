import { ON_MYSQL } from '../helpers/database';
import { Client, TestHub } from '../helpers/hub';
import { personalValuesFor } from '../helpers/personal-values';
import { fixtureFor, mutationCases, mutationDocument, postRequest } from '../helpers/side-channel-cases';
import { findValues } from '../helpers/side-channel-scan';
import { committedSchema } from '../helpers/side-channel-selections';
import { allocateFreshLicense, GateAnswer, gateOfEveryDistributor, personasOf, putPeopleInEveryState, RawResponse, registerLicensesFor, Scanner } from '../helpers/side-channel-world';

jest.setTimeout(240_000);

/**
 * Issue #11, the side-channel suite ("was open, now closed"): a distributor whose gate is open
 * sends every mutation of the schema (base inputs, payloads selecting every field) with an
 * Idempotency-Key, as its admin, its user and an API key with every scope. Then its gate
 * closes — its contract terminated by the vendor admin, or the clock past its contract's
 * expiry — and every one of those requests is retried with the same key, and its own data
 * exported anew. What comes back must hold no personal value of its customers: a stored first
 * answer is an answer given now, through a closed gate.
 */
describe(`side channels after a gate closes (${ON_MYSQL ? 'MariaDB' : 'embedded database'})`, () => {
  let hub: TestHub;
  let vendor: Client;
  const defaultNow = () => new Date('2026-11-27T12:00:00.000Z');

  beforeAll(async () => {
    hub = await TestHub.start('side_channel_replay', { RATE_LIMIT_POINTS: '10000000' });
    vendor = await hub.as('admin@mobotix.example');
  });
  afterAll(() => hub?.close());
  afterEach(() => {
    hub.now = defaultNow();
  });

  const gateOf = async (raw: string): Promise<GateAnswer> => (await gateOfEveryDistributor(await hub.as('admin@mobotix.example'))).find((g) => g.raw === raw)!;

  /** Every mutation with a key while the gate is open; then `close`; then every retry and a fresh export, scanned. */
  async function openThenClosed(d: GateAnswer, close: () => Promise<void>): Promise<Scanner> {
    const schema = committedSchema();
    await putPeopleInEveryState(hub, d.raw);
    await registerLicensesFor(hub, d.id, 12);
    await allocateFreshLicense(hub, d.id, d.raw);
    const personas = await personasOf(hub, d.raw, d.id);
    const f = await fixtureFor(hub.dataSource, d.raw);
    const scanner = new Scanner(hub);
    const sent: { actor: string; label: string; client: Client; body: unknown; key: string; first: RawResponse; self: string | null }[] = [];
    await Promise.all(
      personas.map(async (p, n) => {
        const cases = mutationCases(schema, f, `replay-${d.raw.slice(-6)}-${n}`, p.self, false);
        for (const [i, c] of cases.entries()) {
          const body = { query: mutationDocument(schema, c.mutation), variables: { input: c.input } };
          const key = `side-channel-${n}-${i}`;
          scanner.remember(p.label, JSON.stringify(body));
          const first = await postRequest(p.client, body, { 'Idempotency-Key': key });
          sent.push({ actor: p.label, label: `${c.mutation} (${c.label})`, client: p.client, body, key, first, self: p.self });
        }
      }),
    );
    // The control: while the gate was open, the first answers did carry its customers' personal data.
    const openValues = (await personalValuesFor(hub.dataSource, d.raw)).values;
    const carried = sent.filter((s) => findValues('open', s.first.text, {}, openValues).length > 0);
    expect(carried.length).toBeGreaterThan(0);

    await close();
    expect((await gateOf(d.raw)).allowed).toBe(false);

    await scanner.refresh(d.raw);
    for (const s of sent) {
      const requestText = JSON.stringify(s.body);
      await scanner.send(d.raw, s.actor, `retry with Idempotency-Key of ${s.label}`, requestText, () => postRequest(s.client, s.body, { 'Idempotency-Key': s.key }));
    }
    for (const p of personas.filter((x) => x.self)) {
      const body = { query: mutationDocument(schema, 'exportPersonalData'), variables: { input: { userId: p.self } } };
      await scanner.send(d.raw, p.label, 'exportPersonalData (itself, after the gate closed)', JSON.stringify(body), () => postRequest(p.client, body));
    }
    return scanner;
  }

  it('a contract terminated by the vendor admin: no retry and no export gives its customers personal values', async () => {
    const gates = await gateOfEveryDistributor(vendor);
    // An open gate resting on a signed contract without an end: terminating it closes the gate.
    const d = gates.find((g) => g.allowed && g.contract?.status === 'SIGNED' && !g.validUntil && !g.contract.expiresAt);
    expect(d).toBeDefined();
    const scanner = await openThenClosed(d!, async () => {
      const r = await vendor.gql(`mutation T($input: TerminateContractInput!) { terminateContract(input: $input) { contract { status } } }`, {
        input: { contractId: d!.contract!.id, terminatedAt: new Date(hub.now.getTime() - 60_000).toISOString() },
      });
      expect(r.body.data?.terminateContract?.contract?.status).toBe('TERMINATED');
    });
    scanner.expectNoHits();
  });

  it('the clock past the expiry of a contract: no retry and no export gives its customers personal values', async () => {
    const contracts = (await vendor.data(`{ contracts(first: 100) { nodes { id status expiresAt distributor { id } } } }`)).contracts.nodes as {
      id: string;
      status: string;
      expiresAt: string | null;
      distributor: { id: string };
    }[];
    // A signed contract that expired before the test clock: just before its expiry the gate was open.
    const gates = await gateOfEveryDistributor(vendor);
    const expired = contracts.find((c) => c.status === 'SIGNED' && c.expiresAt && new Date(c.expiresAt) < hub.now && gates.some((g) => g.id === c.distributor.id && !g.allowed));
    expect(expired).toBeDefined();
    const expiry = new Date(expired!.expiresAt!);
    hub.now = new Date(expiry.getTime() - 10 * 60_000);
    const d = await gateOf(gates.find((g) => g.id === expired!.distributor.id)!.raw);
    expect(d.allowed).toBe(true);
    const scanner = await openThenClosed(d, async () => {
      hub.now = new Date(expiry.getTime() + 10 * 60_000);
    });
    scanner.expectNoHits();
  });
});
