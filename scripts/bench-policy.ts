import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execute, parse } from 'graphql';
import { DataSource } from 'typeorm';
import { orgId, userId } from '../seeds/personas';
import { seedWorld } from '../seeds/seed-world';
import { openDatabase } from '../src/bootstrap';
import { loadConfig } from '../src/config';
import { ActorType, LicenseStatus, OrganizationKind, Role, UserStatus } from '../src/common/enums';
import { newId } from '../src/common/ids';
import { SecretBox } from '../src/common/secret-box';
import { CountingLogger } from '../src/common/query-counter';
import { createRequestContext, RequestContext } from '../src/context/request-context';
import { buildBareSchema, buildHubSchema } from '../src/schema';
import { Organization } from '../src/modules/organization/organization.entity';

/**
 * The cost of the policy (docs/decisions/0001-fail-closed-permission-executor.md): the distributor dashboard query executed on the hub's
 * schema with the permission layer and without it (the bare schema: the same resolvers,
 * loaders and row scoping), on the same data, in one process. Not a test: it prints figures.
 *   npm run bench:policy [-- --customers 50 --iterations 200]
 */
const DASHBOARD = parse(`query Dashboard {
  customers(first: 50) { totalCount nodes { name email phone
    users(first: 5) { nodes { name email phone } }
    licenses(first: 20) { totalCount nodes { status seats seatsUsed validUntil product { sku }
      activations(first: 10) { nodes { activatedAt activatedBy { email } computer { os name hostId } } } } } } }
}`);

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

async function addCustomers(ds: DataSource, distributor: string, count: number, secrets: SecretBox): Promise<void> {
  const at = new Date('2026-01-01T00:00:00Z');
  const [{ id: product }] = await ds.query<{ id: string }[]>('SELECT id FROM product ORDER BY sku LIMIT 1');
  for (let c = 0; c < count; c++) {
    const id = newId(at);
    await ds.query(
      'INSERT INTO organization (id, kind, name, nameKey, country, processingCountries, street, postalCode, city, addressCountry, phone, email, createdAt) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)',
      [
        id,
        OrganizationKind.CUSTOMER,
        `Bench Customer ${String(c).padStart(3, '0')}`,
        `bench customer ${String(c).padStart(3, '0')}`,
        'BR',
        'BR',
        'Rua 1',
        '01000',
        'São Paulo',
        'BR',
        '+55 11 0000',
        `office${c}@bench.example`,
        '2026-01-01 00:00:00.000',
      ],
    );
    await ds.query('INSERT INTO customer_account (id, distributorId, customerId, createdAt) VALUES (?,?,?,?)', [newId(at), distributor, id, '2026-01-01 00:00:00.000']);
    const users: string[] = [];
    for (let u = 0; u < 3; u++) {
      const uid = newId(at);
      users.push(uid);
      await ds.query('INSERT INTO portal_user (id, organizationId, name, email, phone, role, status, consentGivenAt, consentWithdrawnAt, createdAt) VALUES (?,?,?,?,?,?,?,?,?,?)', [
        uid,
        id,
        `Person ${c}-${u}`,
        `p${c}-${u}@bench.example`,
        '+55 11 1111',
        u === 0 ? Role.CUSTOMER_ADMIN : Role.CUSTOMER_USER,
        UserStatus.ACTIVE,
        '2026-01-01 00:00:00.000',
        null,
        '2026-01-01 00:00:00.000',
      ]);
    }
    const computers: string[] = [];
    for (let k = 0; k < 2; k++) {
      const cid = newId(at);
      computers.push(cid);
      await ds.query('INSERT INTO computer (id, organizationId, name, hostId, os, createdAt) VALUES (?,?,?,?,?,?)', [
        cid,
        id,
        `PC-${c}-${k}`,
        `HOST-${c}-${k}`,
        'Windows 11',
        '2026-01-01 00:00:00.000',
      ]);
    }
    for (let l = 0; l < 4; l++) {
      const lid = newId(at);
      const key = `BENCH-${c}-${l}`;
      await ds.query(
        'INSERT INTO license (id, productId, seats, state, validFrom, validUntil, distributorId, customerId, licenseeId, activationKeyCipher, activationKeyDigest, allocatedAt, revokedAt, revokeReason, lapsedAt, createdAt) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)',
        [
          lid,
          product,
          4,
          LicenseStatus.ALLOCATED,
          '2026-01-01 00:00:00.000',
          null,
          distributor,
          id,
          null,
          secrets.seal(key),
          secrets.digest(key),
          '2026-01-01 00:00:00.000',
          null,
          null,
          null,
          '2026-01-01 00:00:00.000',
        ],
      );
      for (const comp of computers) {
        await ds.query('INSERT INTO activation (id, licenseId, computerId, activatedAt, deactivatedAt, activatedById) VALUES (?,?,?,?,?,?)', [
          newId(at),
          lid,
          comp,
          '2026-01-02 00:00:00.000',
          null,
          users[1],
        ]);
      }
    }
  }
}

/** The benchmark's own database on the server of DATABASE_URL, made afresh. */
async function recreateMysqlDatabase(databaseUrl: string): Promise<void> {
  const { createConnection } = await import('mysql2/promise');
  const url = new URL(databaseUrl);
  const name = url.pathname.replace(/^\//, '');
  if (!/^[A-Za-z0-9_]+$/.test(name) || !/bench/.test(name)) throw new Error('DATABASE_URL must name a database of its own, with "bench" in its name');
  url.pathname = '/';
  const conn = await createConnection({ uri: url.toString() });
  await conn.query(`DROP DATABASE IF EXISTS \`${name}\``);
  await conn.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  await conn.end();
}

async function main(): Promise<void> {
  const customers = arg('customers', 50);
  const iterations = arg('iterations', 200);
  if (process.env.DATABASE_URL) await recreateMysqlDatabase(process.env.DATABASE_URL);
  const env = process.env.DATABASE_URL
    ? { ...process.env, SEED_ON_FIRST_START: 'false' }
    : { ...process.env, DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'hub-bench-')), SEED_ON_FIRST_START: 'false' };
  // Throw-away databases of generated data: keys of their own unless set.
  const config = loadConfig({ SECRETS_KEY: randomBytes(32).toString('hex'), JWT_SECRET: randomBytes(32).toString('hex'), ...env });
  const { dataSource } = await openDatabase(config, env);
  const secrets = new SecretBox(config.secretsKey);
  await seedWorld(dataSource, secrets);
  const distributor = orgId('vigilancia');
  await addCustomers(dataSource, distributor, customers, secrets);

  const now = new Date('2026-11-27T12:00:00Z');
  const organization = await dataSource.getRepository(Organization).findOneByOrFail({ id: distributor });
  const ctx = (): RequestContext =>
    createRequestContext({
      requestId: 'bench',
      now,
      actor: {
        type: ActorType.USER,
        id: userId('admin@vigilancia.example'),
        userId: userId('admin@vigilancia.example'),
        apiKeyId: null,
        organizationId: distributor,
        organizationKind: OrganizationKind.DISTRIBUTOR,
        role: Role.DISTRIBUTOR_ADMIN,
        scopes: null,
        organization,
      },
      config,
      dataSource,
      secrets,
    });
  const schemas = { off: buildBareSchema(), on: buildHubSchema() };
  const run = async (which: 'on' | 'off', flush: boolean) => {
    const c = ctx();
    const result = await execute({ schema: schemas[which], document: DASHBOARD, contextValue: c });
    if (result.errors?.length) throw new Error(`${which}: ${result.errors[0].message}`);
    if (flush) await c.auditReads.flush(c);
    return result;
  };
  const sample = await run('on', false);
  const offSample = await run('off', false);
  if (JSON.stringify(sample.data) !== JSON.stringify(offSample.data)) throw new Error('policy on and off answer different data');
  // Interleaved rounds, median of the rounds: machine noise hits all three variants alike.
  const all: [string, 'on' | 'off', boolean][] = [
    ['off', 'off', false],
    ['on', 'on', false],
    ['onAudited', 'on', true],
  ];
  // --only on|off|onAudited: one variant, for a CPU profile (node --cpu-prof).
  const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : null;
  const variants = only ? all.filter(([name]) => name === only) : all;
  for (const [, which, flush] of variants) for (let i = 0; i < 20; i++) await run(which, flush);
  const rounds = 10;
  const perRound = Math.max(1, Math.round(iterations / rounds));
  const times: Record<string, number[]> = { off: [], on: [], onAudited: [] };
  const statements: Record<string, number> = {};
  for (let r = 0; r < rounds; r++) {
    for (const [name, which, flush] of variants) {
      const before = CountingLogger.statements;
      const start = process.hrtime.bigint();
      for (let i = 0; i < perRound; i++) await run(which, flush);
      times[name].push(Number(process.hrtime.bigint() - start) / 1e6 / perRound);
      statements[name] = (CountingLogger.statements - before) / perRound;
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const off = { ms: median(times.off ?? [NaN]), statements: statements.off };
  const on = { ms: median(times.on ?? [NaN]), statements: statements.on };
  const onAudited = { ms: median(times.onAudited ?? [NaN]), statements: statements.onAudited };
  const rows = (sample.data as { customers: { nodes: unknown[] } }).customers.nodes.length;
  const report = {
    database: dataSource.options.type,
    customers: rows,
    iterations,
    policyOff: `${off.ms.toFixed(2)} ms, ${off.statements} SQL`,
    policyOn: `${on.ms.toFixed(2)} ms, ${on.statements} SQL`,
    policyOnWithAuditWrite: `${onAudited.ms.toFixed(2)} ms, ${onAudited.statements} SQL`,
    overhead: `${((on.ms / off.ms - 1) * 100).toFixed(1)}% (execution); ${((onAudited.ms / off.ms - 1) * 100).toFixed(1)}% with the audit batch`,
  };
  process.stdout.write(JSON.stringify(report, null, 2) + '\n');
  await dataSource.destroy();
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).stack}\n`);
  process.exit(1);
});
