import { ON_MYSQL } from '../helpers/database';
import { Client, TestHub } from '../helpers/hub';
import { personalValuesFor } from '../helpers/personal-values';
import { apqExtensions, Fixture, fixtureFor, getRequest, postRequest, readOperations } from '../helpers/side-channel-cases';
import { findValues } from '../helpers/side-channel-scan';
import { committedSchema } from '../helpers/side-channel-selections';
import { GateAnswer, gateOfEveryDistributor, Persona, personasOf, putPeopleInEveryState, Scanner, sharingCustomer } from '../helpers/side-channel-world';

/**
 * Issue #11, the side-channel suite (reads): for every distributor whose transfer gate is closed
 * at the test clock (asked of the gate, not taken from a list), as its admin, its user and an
 * API key with every scope, every root query of the schema with every field selected on every
 * path, node/nodes of ids of every kind and state, by POST, GET and persisted query. The raw
 * bytes of every response (body and headers) must hold none of the personal or contact values
 * of its customers' people and computers, as read from the database.
 */
/** Every key an entry of extensions.transferGates may hold (docs/api.md, "Closed transfer gates"). */
const TRANSFER_GATE_KEYS = [
  'action',
  'action.code',
  'action.message',
  'contract',
  'contract.date',
  'contract.dateKind',
  'contract.documentRef',
  'contract.id',
  'contract.type',
  'country',
  'distributorId',
  'message',
  'reason',
  'since',
];

/** Hundreds of real requests; on a machine shared with other work they take longer than jest's default. */
jest.setTimeout(240_000);

describe(`side channels of reads through a closed gate (${ON_MYSQL ? 'MariaDB' : 'embedded database'})`, () => {
  let hub: TestHub;
  let vendor: Client;
  let gated: GateAnswer[];
  const fixtures = new Map<string, Fixture>();
  const personas = new Map<string, Persona[]>();
  let full: string[] = [];

  beforeAll(async () => {
    hub = await TestHub.start('side_channel_reads', { RATE_LIMIT_POINTS: '10000000' });
    vendor = await hub.as('admin@mobotix.example');
    gated = (await gateOfEveryDistributor(vendor)).filter((d) => !d.allowed);
    // Every gated distributor asks as its admin; two of them (the one sharing a customer with an
    // open distributor, if any, and the first) also as their user and an API key with every scope.
    // The rules of the three differ by role and scope, not by distributor; all of them for all
    // six took two minutes on a loaded machine.
    const both = new Set([(await sharingCustomer(hub, gated)) ?? gated[0].raw, gated[0].raw]);
    for (const d of gated) {
      await putPeopleInEveryState(hub, d.raw);
      const all = await personasOf(hub, d.raw, d.id);
      personas.set(d.raw, both.has(d.raw) ? all : all.slice(0, 1));
    }
    for (const d of gated) fixtures.set(d.raw, await fixtureFor(hub.dataSource, d.raw));
    full = [...(await Promise.resolve(personas)).entries()].filter(([, p]) => p.length > 1).map(([raw]) => raw);
  });
  afterAll(() => hub?.close());

  it('finds closed gates in the seed world, and the values it looks for in what an ungated reader gets', async () => {
    expect(gated.length).toBeGreaterThanOrEqual(1);
    expect(full.length).toBeGreaterThanOrEqual(1);
    for (const d of gated) expect(d.basis).toBeDefined();
    // The control: the vendor admin (never gated) reading a gated distributor's customers gets
    // exactly the values the scan looks for; a scanner that finds nothing there proves nothing.
    for (const d of gated) {
      const set = await personalValuesFor(hub.dataSource, d.raw);
      const categories = new Set(set.values.map((v) => v.category));
      for (const c of ['customer contact', 'customer person', 'customer person status', 'licensee', 'customer computer']) expect([d.name, categories.has(c as never)]).toEqual([d.name, true]);
      const res = await postRequest(vendor, {
        query: `query($id: ID!) { organization(id: $id) { customers(first: 50) { nodes { email phone address { street city } users(first: 20) { nodes { name email phone status } } computers(first: 20) { nodes { name hostId } } } } } }`,
        variables: { id: d.id },
      });
      const found = new Set(findValues('control', res.text, {}, set.values).map((h) => h.category));
      for (const c of ['customer contact', 'customer person', 'customer person status', 'customer computer']) expect([d.name, c, found.has(c)]).toEqual([d.name, c, true]);
    }
  });

  it('every root query, node and nodes, every field on every path, by POST: no personal value of a customer in the bytes', async () => {
    const scanner = new Scanner(hub);
    const schema = committedSchema();
    for (const d of gated) {
      await scanner.refresh(d.raw);
      const ops = readOperations(schema, fixtures.get(d.raw)!);
      // The three personas at once (the hub runs two operations at a time anyway).
      await Promise.all(
        personas.get(d.raw)!.map(async (p) => {
          for (const op of ops) {
            const body = { query: op.query, variables: op.variables };
            const res = await scanner.send(d.raw, p.label, op.label, JSON.stringify(body), () => postRequest(p.client, body));
            expect([op.label, res.status]).toEqual([op.label, 200]);
          }
        }),
      );
    }
    expect(scanner.requests).toBeGreaterThan(100);
    scanner.expectNoHits();
    // The answers' closed-gate summaries (extensions.transferGates) were among the bytes scanned,
    // and hold only the keys docs/api.md lists: no personal value, no field of a customer.
    expect(scanner.transferGateSummaries).toBeGreaterThan(0);
    expect([...scanner.transferGateKeys].sort()).toEqual(TRANSFER_GATE_KEYS);
  });

  it('the vendor admin seeing as each gated distributor (See-As, issue #16): every root query, node and nodes, by POST: no personal value of its customers in the bytes', async () => {
    const scanner = new Scanner(hub);
    const schema = committedSchema();
    for (const d of gated) {
      await scanner.refresh(d.raw);
      const headers = { 'See-As': d.id, 'See-As-Purpose': 'side-channel scan of see-as' };
      for (const op of readOperations(schema, fixtures.get(d.raw)!)) {
        const body = { query: op.query, variables: op.variables };
        const res = await scanner.send(d.raw, 'vendor admin seeing as', op.label, JSON.stringify(body), () => postRequest(vendor, body, headers));
        expect([op.label, res.status]).toEqual([op.label, 200]);
      }
    }
    expect(scanner.requests).toBeGreaterThan(100);
    scanner.expectNoHits();
    expect(scanner.transferGateSummaries).toBeGreaterThan(0);
  });

  it('the same reads by GET and as automatic persisted queries (registered, then by hash alone, by POST and GET)', async () => {
    const scanner = new Scanner(hub);
    const schema = committedSchema();
    for (const d of gated) {
      await scanner.refresh(d.raw);
      // The dashboard roots and the lookups of its customers' rows: the transports differ, not the resolvers.
      const ops = readOperations(schema, fixtures.get(d.raw)!)
        .filter((op) => /^(viewer|customers|node:)/.test(op.label))
        .slice(0, 3);
      for (const p of personas.get(d.raw)!) {
        for (const op of ops) {
          await scanner.send(d.raw, p.label, `GET ${op.label}`, op.query + JSON.stringify(op.variables ?? {}), () => getRequest(p.client, op.query, op.variables));
          const extensions = apqExtensions(op.query);
          await scanner.send(d.raw, p.label, `APQ register ${op.label}`, op.query + JSON.stringify(op.variables ?? {}), () =>
            postRequest(p.client, { query: op.query, variables: op.variables, extensions }),
          );
          const byHash = await scanner.send(d.raw, p.label, `APQ by hash (POST) ${op.label}`, JSON.stringify(op.variables ?? {}), () => postRequest(p.client, { variables: op.variables, extensions }));
          expect([op.label, byHash.status]).toEqual([op.label, 200]);
          await scanner.send(d.raw, p.label, `APQ by hash (GET) ${op.label}`, JSON.stringify(op.variables ?? {}), async () => {
            const url = new URL(`${p.client.url}/graphql`);
            url.searchParams.set('extensions', JSON.stringify(extensions));
            if (op.variables) url.searchParams.set('variables', JSON.stringify(op.variables));
            const res = await fetch(url, { headers: { authorization: `Bearer ${p.client.token}`, 'apollo-require-preflight': 'true' } });
            return { status: res.status, headers: res.headers, text: await res.text() };
          });
        }
      }
    }
    scanner.expectNoHits();
  });
});
