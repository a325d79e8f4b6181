import 'reflect-metadata';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { decodeProtectedHeader, jwtVerify } from 'jose';
import { loadConfig } from '../../src/config';
import { orgId, PERSONAS, userId } from '../../seeds/personas';
import { Role, UserStatus } from '../../src/common/enums';
import { PortalUser } from '../../src/modules/user/portal-user.entity';
import { seededDatabase, TestDatabase } from '../helpers/database';
import { TestHub } from '../helpers/hub';

/** dist/scripts/token.js, next to this file's dist/tests/e2e/. */
const TOKEN_SCRIPT = path.resolve(__dirname, '..', '..', 'scripts', 'token.js');

interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

function runTokenCli(args: string[], env: NodeJS.ProcessEnv): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(process.execPath, [TOKEN_SCRIPT, ...args], { env, timeout: 30_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

const JWT_LINE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\n$/;

describe('npm run token -- <email>', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await seededDatabase('token_cli');
  });
  afterAll(() => db.dataSource.destroy());

  it('prints exactly one line on stdout, a JWT, and nothing else', async () => {
    const run = await runTokenCli([PERSONAS.vendorAdmin], db.env);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(JWT_LINE);
    expect(run.stdout.split('\n')).toEqual([run.stdout.trimEnd(), '']);
  });

  it("prints a JWT signed with the configured secret, for the user's id, with the configured issuer, audience and lifetime", async () => {
    const config = loadConfig(db.env);
    const before = Math.floor(Date.now() / 1000);
    const run = await runTokenCli([PERSONAS.vendorAdmin], db.env);
    expect(run.code).toBe(0);
    const token = run.stdout.trim();
    expect(decodeProtectedHeader(token).alg).toBe('HS256');
    const { payload } = await jwtVerify(token, new TextEncoder().encode(config.jwt.secret), {
      issuer: config.jwt.issuer,
      audience: config.jwt.audience,
      algorithms: ['HS256'],
    });
    expect(payload.sub).toBe(userId(PERSONAS.vendorAdmin));
    expect(payload.iss).toBe('license-portal');
    expect(payload.aud).toBe('partner-hub');
    expect(payload.iat).toBeGreaterThanOrEqual(before);
    expect(payload.exp! - payload.iat!).toBe(config.jwt.ttlSeconds);
  });

  it('follows the configured issuer, audience, secret and lifetime of the environment it runs in', async () => {
    const env = { ...db.env, JWT_ISSUER: 'iss-from-env', JWT_AUDIENCE: 'aud-from-env', JWT_SECRET: 'a-secret-only-for-this-test-0123456789abcdef', JWT_TTL_SECONDS: '120' };
    const run = await runTokenCli([PERSONAS.distributors.rhein.admin], env);
    expect(run.code).toBe(0);
    const { payload } = await jwtVerify(run.stdout.trim(), new TextEncoder().encode(env.JWT_SECRET), {
      issuer: 'iss-from-env',
      audience: 'aud-from-env',
      algorithms: ['HS256'],
    });
    expect(payload.sub).toBe(userId(PERSONAS.distributors.rhein.admin));
    expect(payload.exp! - payload.iat!).toBe(120);
  });

  it('finds the user whatever the letter case of the e-mail given', async () => {
    const run = await runTokenCli(['Admin@MOBOTIX.example'], db.env);
    expect(run.code).toBe(0);
    const { payload } = await jwtVerify(run.stdout.trim(), new TextEncoder().encode(loadConfig(db.env).jwt.secret));
    expect(payload.sub).toBe(userId(PERSONAS.vendorAdmin));
  });

  it('asks which organization when two organizations hold the address (unique per organization only), and takes its name or id', async () => {
    const shared = 'user@alpen-c2.example';
    const twin = { id: '019b76da-a800-7000-8000-00000000c11d', organizationId: orgId('bosphorus-c1') };
    await db.dataSource.getRepository(PortalUser).insert({
      ...twin,
      name: 'Twin Person',
      email: shared,
      phone: null,
      role: Role.CUSTOMER_USER,
      status: UserStatus.ACTIVE,
      consentGivenAt: null,
      consentWithdrawnAt: null,
      createdAt: new Date('2026-11-01T00:00:00.000Z'),
    });
    const ambiguous = await runTokenCli([shared], db.env);
    expect(ambiguous.code).not.toBe(0);
    expect(ambiguous.stdout).toBe('');
    expect(ambiguous.stderr).toMatch(/2 organizations/);
    expect(ambiguous.stderr).toContain(orgId('alpen-c2'));
    expect(ambiguous.stderr).toContain(twin.organizationId);

    const secret = new TextEncoder().encode(loadConfig(db.env).jwt.secret);
    const subOf = async (args: string[]) => {
      const run = await runTokenCli(args, db.env);
      expect(run.stderr).toBe('');
      expect(run.stdout).toMatch(JWT_LINE);
      return (await jwtVerify(run.stdout.trim(), secret)).payload.sub;
    };
    const bosphorusC1 = await db.dataSource.query('SELECT name FROM organization WHERE id = ?', [twin.organizationId]);
    expect(await subOf([shared, bosphorusC1[0].name])).toBe(twin.id);
    expect(await subOf([shared, orgId('alpen-c2')])).toBe(userId(shared));
    const elsewhere = await runTokenCli([shared, orgId('rhein')], db.env);
    expect({ code: elsewhere.code === 0, stdout: elsewhere.stdout }).toEqual({ code: false, stdout: '' });
    expect(elsewhere.stderr).toMatch(/no portal user/i);
  });

  it('fails for an unknown e-mail: non-zero exit, the reason on stderr, nothing on stdout', async () => {
    const run = await runTokenCli(['nobody@nowhere.example'], db.env);
    expect(run.code).not.toBe(0);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/no portal user/i);
    expect(run.stderr).toContain('nobody@nowhere.example');
  });

  it('fails without an e-mail: non-zero exit, usage on stderr, nothing on stdout', async () => {
    const run = await runTokenCli([], db.env);
    expect(run.code).not.toBe(0);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/usage/i);
  });

  it('refuses to run with NODE_ENV=production, even with every production setting given: non-zero exit, stderr says production, stdout empty', async () => {
    const env = {
      ...db.env,
      NODE_ENV: 'production',
      JWT_SECRET: 'a-production-like-secret-0123456789abcdef',
      SECRETS_KEY: 'a-production-like-secrets-key-0123456789abcdef',
      DATABASE_URL: db.env.DATABASE_URL || 'mysql://root@127.0.0.1:3306/hub_token_cli_unused',
    };
    const run = await runTokenCli([PERSONAS.vendorAdmin], env);
    expect(run.code).not.toBe(0);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/production/i);
  });
});

describe('a token printed by npm run token, on a running hub', () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await TestHub.start('token_cli_hub');
  });
  afterAll(() => hub.close());

  it('is accepted by a hub on the same database and configuration: 200, the viewer is that user', async () => {
    const run = await runTokenCli([PERSONAS.distributors.rhein.admin], hub.env);
    expect(run.code).toBe(0);
    // The CLI signs with the wall clock (as a real hub verifies); set the hub's clock to it too.
    hub.now = new Date();
    const r = await hub.withToken(run.stdout.trim()).gql(`{ viewer { actorType role organization { name } user { email } } }`);
    expect(r.status).toBe(200);
    expect(r.body.errors).toBeUndefined();
    expect(r.body.data.viewer).toEqual({
      actorType: 'USER',
      role: 'DISTRIBUTOR_ADMIN',
      organization: { name: 'Rhein Security GmbH' },
      user: { email: 'admin@rhein.example' },
    });
  });

  it('expires on the hub after the configured lifetime: 401 UNAUTHENTICATED "token expired"', async () => {
    const run = await runTokenCli([PERSONAS.distributors.rhein.admin], hub.env);
    expect(run.code).toBe(0);
    hub.now = new Date(Date.now() + (hub.config.jwt.ttlSeconds + 60) * 1000);
    const r = await hub.withToken(run.stdout.trim()).gql(`{ viewer { role } }`);
    expect(r.status).toBe(401);
    expect(r.body.data).toBeUndefined();
    expect(r.body.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    expect(r.body.errors?.[0].message).toMatch(/token expired/i);
  });
});
