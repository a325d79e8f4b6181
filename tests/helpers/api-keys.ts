import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { API_KEY_PREFIX } from '../../src/context/authenticate';
import { newId } from '../../src/common/ids';
import { sha256Hex } from '../../src/common/secret-box';
import { ApiKey } from '../../src/modules/api-key/api-key.entity';
import { orgId } from '../../seeds/personas';

export interface StoredApiKey {
  /** The secret a client sends (`mbxk_…`); never stored. */
  secret: string;
  key: ApiKey;
}

export interface ApiKeyOptions {
  /** The organization's seed slug (`rhein`, `mobotix`, `rhein-c1`, …). */
  org: string;
  scopes?: string[];
  name?: string;
  createdAt?: Date;
  expiresAt?: Date | null;
  revokedAt?: Date | null;
}

/** A fresh secret in the product's format: the prefix and 40 random base64url characters. */
export function newApiKeySecret(): string {
  return API_KEY_PREFIX + randomBytes(30).toString('base64url');
}

/**
 * Stores an API key the way the product does (only the SHA-256 of the secret, the first
 * 12 characters as a recognizable prefix), straight in the database.
 */
export async function createApiKey(dataSource: DataSource, options: ApiKeyOptions): Promise<StoredApiKey> {
  const secret = newApiKeySecret();
  const createdAt = options.createdAt ?? new Date('2026-11-01T09:00:00.000Z');
  const key = dataSource.getRepository(ApiKey).create({
    id: newId(createdAt),
    organizationId: orgId(options.org),
    name: options.name ?? `test key for ${options.org}`,
    prefix: secret.slice(0, 12),
    secretHash: sha256Hex(secret),
    scopes: options.scopes ?? ['licenses:read'],
    expiresAt: options.expiresAt ?? null,
    revokedAt: options.revokedAt ?? null,
    lastUsedAt: null,
    createdById: null,
    createdAt,
  });
  await dataSource.getRepository(ApiKey).insert(key);
  return { secret, key };
}
