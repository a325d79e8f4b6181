import 'reflect-metadata';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { jwtVerify } from 'jose';
import { openDataSource } from '../../ormconfig';
import { licenseId, PERSONAS, userId } from '../../seeds/personas';
import { SecretBox } from '../../src/common/secret-box';
import { License } from '../../src/modules/license/license.entity';
import { freshEnv, ON_MYSQL } from '../helpers/database';

/** dist/<dir>/<file>.js, next to this file's dist/tests/e2e/. */
const script = (...parts: string[]) => path.resolve(__dirname, '..', '..', ...parts);
const SEED = script('seeds', 'run.js');
const RETENTION = script('scripts', 'retention.js');
const TOKEN = script('scripts', 'token.js');
const MAIN = script('src', 'main.js');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function run(file: string, args: string[], env: NodeJS.ProcessEnv): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [file, ...args], { env, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

/** An environment without any key, as a shell where none was exported. */
function withoutKeys(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = { ...env, NODE_ENV: 'development', LOG_LEVEL: 'silent' };
  delete out.SECRETS_KEY;
  delete out.JWT_SECRET;
  delete out.JWT_PUBLIC_KEY;
  delete out.JWT_JWKS_URL;
  return out;
}

/**
 * No command seals or signs with a published development key (issue #11, section 5). On
 * MySQL/MariaDB a command without its key refuses, before touching the database; the embedded
 * demo makes keys of its own in DATA_DIR (mode 0600), which every command on it then uses.
 */
describe('the keys of the commands on a MySQL/MariaDB database (DATABASE_URL set)', () => {
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    // On the MariaDB run a real, empty database (without the fix the seed filled it, sealed
    // with the published key); on the embedded run a URL no command may get as far as opening.
    env = withoutKeys(ON_MYSQL ? await freshEnv('secrets_keys') : { ...process.env, DATABASE_URL: 'mysql://root@127.0.0.1:9/hub_never_opened' });
  });

  const REFUSAL = /SECRETS_KEY not set: on a MySQL\/MariaDB database \(DATABASE_URL\) every command needs the keys of that database/;

  it('npm run seed refuses without SECRETS_KEY, saying so, and writes nothing', async () => {
    const r = await run(SEED, [], env);
    expect({ code: r.code, stdout: r.stdout }).toEqual({ code: 1, stdout: '' });
    expect(r.stderr).toMatch(REFUSAL);
    if (ON_MYSQL) {
      const ds = await openDataSource(env);
      try {
        const tables: unknown[] = await ds.query('SHOW TABLES');
        expect(tables).toEqual([]); // not even migrated: refused before the database was touched
      } finally {
        await ds.destroy();
      }
    }
  });

  it('npm run retention (dry run too) refuses without SECRETS_KEY, saying so', async () => {
    for (const args of [['--dry-run'], []]) {
      const r = await run(RETENTION, args, env);
      expect({ args, code: r.code, stdout: r.stdout }).toEqual({ args, code: 1, stdout: '' });
      expect(r.stderr).toMatch(REFUSAL);
    }
  });

  it('npm start refuses without SECRETS_KEY, and without JWT_SECRET (nor a public key), naming what is missing', async () => {
    const noKey = await run(MAIN, [], { ...env, JWT_SECRET: 'a-jwt-secret-of-this-test-0123456789abcdef', PORT: '0' });
    expect(noKey.code).toBe(1);
    expect(noKey.stderr).toMatch(REFUSAL);
    const noJwt = await run(MAIN, [], { ...env, SECRETS_KEY: 'a-secrets-key-of-this-test-0123456789abcdef', PORT: '0' });
    expect(noJwt.code).toBe(1);
    expect(noJwt.stderr).toMatch(/JWT_SECRET \(or JWT_PUBLIC_KEY \/ JWT_JWKS_URL\) not set: on a MySQL\/MariaDB database/);
  });

  it('npm run token refuses without JWT_SECRET, rather than signing with a published one', async () => {
    const r = await run(TOKEN, [PERSONAS.vendorAdmin], env);
    expect({ code: r.code, stdout: r.stdout }).toEqual({ code: 1, stdout: '' });
    expect(r.stderr).toMatch(/JWT_SECRET \(or JWT_PUBLIC_KEY \/ JWT_JWKS_URL\) not set/);
  });
});

(ON_MYSQL ? describe.skip : describe)('the keys of the embedded demo (DATABASE_URL unset)', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-secrets-'));
  const env = withoutKeys({ ...process.env, DATABASE_URL: '', DATA_DIR: dataDir });
  const keyOf = (name: string) => fs.readFileSync(path.join(dataDir, name), 'utf8').trim();

  it('npm run seed makes DATA_DIR/secrets.key (random, mode 0600) and seals the activation keys with it', async () => {
    const r = await run(SEED, [], env);
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    const file = path.join(dataDir, 'secrets.key');
    expect((fs.statSync(file).mode & 0o777).toString(8)).toBe('600');
    expect(keyOf('secrets.key')).toMatch(/^[0-9a-f]{64}$/);
    const ds = await openDataSource(env);
    try {
      const license = await ds.getRepository(License).findOneByOrFail({ id: licenseId('rhein', 1) });
      expect(new SecretBox(keyOf('secrets.key')).open(license.activationKeyCipher)).toMatch(/\S/);
      expect(() => new SecretBox('dev-only-secrets-key-change-me-0123456789abcdef').open(license.activationKeyCipher)).toThrow();
    } finally {
      await ds.destroy();
    }
  });

  it('npm run retention and a second seed use the same file: the key stays as it was', async () => {
    const before = keyOf('secrets.key');
    const retention = await run(RETENTION, ['--dry-run'], env);
    expect({ code: retention.code, stderr: retention.stderr }).toEqual({ code: 0, stderr: '' });
    expect((await run(SEED, [], env)).code).toBe(0);
    expect(keyOf('secrets.key')).toBe(before);
  });

  it('npm run token signs with DATA_DIR/jwt-secret.key, which it makes if the hub has not yet', async () => {
    const r = await run(TOKEN, [PERSONAS.vendorAdmin], env);
    expect({ code: r.code, stderr: r.stderr }).toEqual({ code: 0, stderr: '' });
    expect((fs.statSync(path.join(dataDir, 'jwt-secret.key')).mode & 0o777).toString(8)).toBe('600');
    const { payload } = await jwtVerify(r.stdout.trim(), new TextEncoder().encode(keyOf('jwt-secret.key')));
    expect(payload.sub).toBe(userId(PERSONAS.vendorAdmin));
  });

  it('refuses to make a new key beside an embedded database made without one (an earlier version sealed it with the published key), saying what to do', async () => {
    const old = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-secrets-old-'));
    fs.writeFileSync(path.join(old, 'hub.sqlite'), '');
    const r = await run(RETENTION, ['--dry-run'], { ...env, DATA_DIR: old });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${path.join(old, 'hub.sqlite')} exists without ${path.join(old, 'secrets.key')}: it was made by an earlier version`);
    expect(fs.existsSync(path.join(old, 'secrets.key'))).toBe(false);
  });

  it('refuses a key file others may read, and one holding no key, saying which file and what to do', async () => {
    const file = path.join(dataDir, 'secrets.key');
    fs.chmodSync(file, 0o644);
    const open = await run(RETENTION, ['--dry-run'], env);
    expect(open.code).toBe(1);
    expect(open.stderr).toContain(`${file} is readable by others: make it readable by its owner only (chmod 600 ${file})`);
    fs.chmodSync(file, 0o600);
    const kept = fs.readFileSync(file, 'utf8');
    fs.writeFileSync(file, 'short\n');
    const short = await run(RETENTION, ['--dry-run'], env);
    expect(short.code).toBe(1);
    expect(short.stderr).toContain(`${file} holds no key of at least 32 characters`);
    fs.writeFileSync(file, kept);
  });
});
