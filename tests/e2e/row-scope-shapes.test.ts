import 'reflect-metadata';
import { ClassType } from 'type-graphql';
import { ENTITIES } from '../../ormconfig';
import { CUSTOMER_SLUGS, DISTRIBUTOR_SLUGS, HARBOR, HARBOR_DISTRIBUTORS, orgId, PERSONAS } from '../../seeds/personas';
import { Actor } from '../../src/context/actor';
import { Authenticator } from '../../src/context/authenticate';
import { Activation } from '../../src/modules/activation/activation.entity';
import { Computer } from '../../src/modules/computer/computer.entity';
import { rowScope, ScopeShape } from '../../src/policy/reachable';
import { createApiKey } from '../helpers/api-keys';
import { ON_MYSQL } from '../helpers/database';
import { TestHub } from '../helpers/hub';
import { gid } from '../helpers/authz';

/**
 * Issue #15: a row scope that reads another table is written in two shapes (ScopeShape in
 * src/policy/reachable.ts): `set` for root lists and counts, `row` (a correlated EXISTS) for rows
 * already narrowed to a few (companions, the pages of given parents), because SQLite computes an
 * uncorrelated IN (SELECT …) whole. Both must say the same rows, for every actor and entity,
 * on both databases; and what a distributor sees of its activations' computers is unchanged.
 */
describe(`the two shapes of a row scope reach the same rows (${ON_MYSQL ? 'MariaDB' : 'embedded database'})`, () => {
  let hub: TestHub;
  let actors: { who: string; actor: Actor }[];

  beforeAll(async () => {
    hub = await TestHub.start('row_scope_shapes');
    const authenticator = new Authenticator(hub.config, hub.dataSource);
    const emails = [
      PERSONAS.vendorAdmin,
      PERSONAS.vendorStaff,
      ...DISTRIBUTOR_SLUGS.flatMap((d) => [PERSONAS.distributors[d].admin, PERSONAS.distributors[d].user]),
      ...CUSTOMER_SLUGS.flatMap((c) => [PERSONAS.customer(c).admin, PERSONAS.customer(c).user]),
    ];
    actors = [];
    for (const email of emails) actors.push({ who: email, actor: await authenticator.authenticate(`Bearer ${await hub.tokenFor(email)}`, hub.now) });
    // API keys: one that reads licenses (hence activations and computers), one that does not.
    for (const scopes of [['licenses:read'], ['customers:read']]) {
      const { secret } = await createApiKey(hub.dataSource, { org: 'mumbai', scopes });
      actors.push({ who: `a mumbai key with ${scopes.join(' ')}`, actor: await authenticator.authenticate(`Bearer ${secret}`, hub.now) });
    }
  });
  afterAll(() => hub?.close());

  async function idsReached(actor: Actor, entity: ClassType<object>, shape: ScopeShape): Promise<string[]> {
    const meta = hub.dataSource.getMetadata(entity);
    const key = meta.primaryColumns.map((c) => `e.\`${c.databaseName}\``).join(', ');
    const scope = rowScope(actor, entity, shape);
    const rows: object[] = await hub.dataSource.query(`SELECT ${key} FROM \`${meta.tableName}\` e WHERE ${scope?.sql ?? '1 = 1'} ORDER BY ${key}`, scope?.params ?? []);
    return rows.map((r) => Object.values(r).join('|'));
  }

  it('every actor reaches the same rows of every table whichever the shape', async () => {
    for (const { who, actor } of actors) {
      for (const entity of ENTITIES) {
        const set = await idsReached(actor, entity, 'set');
        expect({ who, entity: entity.name, ids: await idsReached(actor, entity, 'row') }).toEqual({ who, entity: entity.name, ids: set });
      }
    }
  });

  it('the comparison is not empty: each distributor reaches activations and computers, and not all of them', async () => {
    const all = { activations: await hub.dataSource.getRepository(Activation).count(), computers: await hub.dataSource.getRepository(Computer).count() };
    for (const slug of DISTRIBUTOR_SLUGS) {
      const actor = actors.find((a) => a.who === PERSONAS.distributors[slug].admin)!.actor;
      const reached = { activations: (await idsReached(actor, Activation, 'row')).length, computers: (await idsReached(actor, Computer, 'row')).length };
      expect({ slug, some: reached.activations > 0 && reached.computers > 0 }).toEqual({ slug, some: true });
      expect({ slug, fewer: reached.activations < all.activations && reached.computers < all.computers }).toEqual({ slug, fewer: true });
    }
  });

  it("a distributor sees the computer of each of its licenses' activations (the companion's row shape), as the node lookup does", async () => {
    for (const slug of HARBOR_DISTRIBUTORS) {
      const client = await hub.as(PERSONAS.distributors[slug].admin);
      const data = await client.data<{ node: { licenses: { nodes: { activations: { nodes: { computer: { id: string } | null }[] } }[] } } }>(
        `query($id: ID!) { node(id: $id) { ... on Organization { licenses(first: 50) { nodes { activations(first: 10) { nodes { computer { id } } } } } } } }`,
        { id: gid('Organization', orgId(HARBOR)) },
      );
      const computers = data.node.licenses.nodes.flatMap((l) => l.activations.nodes.map((a) => a.computer?.id ?? null));
      expect(computers.length).toBeGreaterThan(0);
      expect(computers).not.toContain(null);
      for (const id of new Set(computers)) {
        const looked = await client.data<{ node: { id: string } | null }>(`query($id: ID!) { node(id: $id) { id } }`, { id });
        expect(looked.node).toEqual({ id });
      }
    }
  });
});
