import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { HubConfig } from './config';

/** The files in DATA_DIR holding the embedded demo's own keys (made on first use, mode 0600). */
export const LOCAL_SECRET_FILES = { secretsKey: 'secrets.key', jwtSecret: 'jwt-secret.key' } as const;

export interface SecretNeeds {
  /** SECRETS_KEY: sealing and opening activation keys and stored responses, the audit digests. */
  secretsKey?: boolean;
  /** JWT_SECRET: verifying (unless a public key or JWKS is set) or issuing HS256 tokens. */
  jwtSecret?: boolean;
}

/**
 * The keys a command needs, never a published one. Set in the environment, they are used as
 * they are. On MySQL/MariaDB (DATABASE_URL) a missing one is refused: a database sealed with a
 * key everyone can read is not sealed. The embedded demo makes keys of its own on first use and
 * keeps them in DATA_DIR, so that `npm start`, `npm run token` and `npm run seed` agree.
 */
export function withLocalSecrets(config: HubConfig, needs: SecretNeeds): HubConfig {
  const verifiesWithKey = !!config.jwt.publicKey || !!config.jwt.jwksUrl;
  const missingKey = !!needs.secretsKey && !config.secretsKey;
  const missingJwt = !!needs.jwtSecret && !config.jwt.secret && !verifiesWithKey;
  if (!missingKey && !missingJwt) return config;
  if (config.databaseUrl) {
    const missing = [missingKey ? 'SECRETS_KEY' : null, missingJwt ? 'JWT_SECRET (or JWT_PUBLIC_KEY / JWT_JWKS_URL)' : null].filter(Boolean);
    throw new Error(
      `${missing.join(' and ')} not set: on a MySQL/MariaDB database (DATABASE_URL) every command needs the keys of that ` +
        `database, at least 32 characters each (e.g. \`openssl rand -hex 32\`); there is no default key. ` +
        `Only the embedded database (DATABASE_URL unset) makes keys of its own, in DATA_DIR.`,
    );
  }
  return {
    ...config,
    secretsKey: missingKey ? localKey(config.dataDir, LOCAL_SECRET_FILES.secretsKey, EMBEDDED_DATABASE_FILE) : config.secretsKey,
    jwt: missingJwt ? { ...config.jwt, secret: localKey(config.dataDir, LOCAL_SECRET_FILES.jwtSecret) } : config.jwt,
  };
}

/** The embedded database's file in DATA_DIR (ormconfig.ts). */
const EMBEDDED_DATABASE_FILE = 'hub.sqlite';

/**
 * The key in DATA_DIR/<name>, made (32 random bytes, hex, mode 0600) if there is none. A key
 * made anew beside data sealed without it (`guards`, a database made by a version that sealed
 * with the published development key) would open none of that data: refused, saying what to do.
 */
function localKey(dataDir: string, name: string, guards?: string): string {
  const file = path.join(dataDir, name);
  if (!fs.existsSync(file) && guards && fs.existsSync(path.join(dataDir, guards))) {
    throw new Error(
      `${path.join(dataDir, guards)} exists without ${file}: it was made by an earlier version, which sealed its data with the ` +
        `published development key. Delete ${dataDir} to start afresh with keys of its own (the demo world is seeded again), ` +
        `or set SECRETS_KEY to the key that sealed it.`,
    );
  }
  if (!fs.existsSync(file)) {
    fs.mkdirSync(dataDir, { recursive: true });
    // Written whole under another name, then linked: a process starting at the same time
    // reads either no file or a complete one, and the first link wins.
    const draft = `${file}.${process.pid}.${randomBytes(6).toString('hex')}`;
    fs.writeFileSync(draft, `${randomBytes(32).toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
    try {
      fs.linkSync(draft, file);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    } finally {
      fs.rmSync(draft, { force: true });
    }
  }
  if (process.platform !== 'win32' && (fs.statSync(file).mode & 0o077) !== 0) {
    throw new Error(`${file} is readable by others: make it readable by its owner only (chmod 600 ${file})`);
  }
  const key = fs.readFileSync(file, 'utf8').trim();
  if (key.length < 32) throw new Error(`${file} holds no key of at least 32 characters: delete it to have a new one made (data sealed with the old key is then lost)`);
  return key;
}
