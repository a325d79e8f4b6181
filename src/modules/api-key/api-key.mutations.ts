import { randomBytes } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { API_KEY_SCOPES, apiKeyScopeOf } from '../../common/enums';
import { badInput, conflict, forbidden, InputProblem } from '../../common/errors';
import { idArg } from '../../common/filters';
import { newId } from '../../common/ids';
import { sha256Hex } from '../../common/secret-box';
import { sqlDate, sqlIn } from '../../common/sql';
import { forUpdate, inTransaction } from '../../common/transaction';
import { API_KEY_PREFIX } from '../../context/authenticate';
import { RequestContext } from '../../context/request-context';
import { reachableForUpdate } from '../../policy/reachable';
import { managesOrganization } from '../../policy/rules';
import { recordWrite } from '../audit/audit.writer';
import { Organization } from '../organization/organization.entity';
import { CONTROL_RE } from '../../common/text';
import { ApiKey } from './api-key.entity';
import { CreateApiKeyInput, RevokeApiKeyInput } from './api-key.inputs';

export const API_KEY_LIMITS = { name: 120, prefix: 12 } as const;

/** A key and its secret, which exists only in this value: it is never stored, logged or audited. */
export interface CreatedApiKey {
  apiKey: ApiKey;
  secret: string;
}

/** The secret: the recognizable prefix and 32 random bytes (256 bits), base64url. */
function newSecret(): string {
  return API_KEY_PREFIX + randomBytes(32).toString('base64url');
}

/**
 * createApiKey: an organization's admin for its own organization, VENDOR_ADMIN for any. Only the
 * SHA-256 of the secret is stored (authentication looks keys up by it) and its first 12
 * characters as a prefix to recognize the key; the secret goes back to the caller once.
 */
export async function createApiKey(ctx: RequestContext, input: CreateApiKeyInput): Promise<CreatedApiKey> {
  const organizationId = idArg('Organization', input.organizationId, 'input.organizationId');
  if (!managesOrganization(ctx.actor, organizationId)) throw forbidden("Not allowed: API keys are created by VENDOR_ADMIN or the organization's admin");
  const problems: InputProblem[] = [];
  const name = input.name.trim();
  if (name.length < 1 || name.length > API_KEY_LIMITS.name) problems.push({ field: 'input.name', message: `must be 1 to ${API_KEY_LIMITS.name} characters` });
  else if (CONTROL_RE.test(name)) problems.push({ field: 'input.name', message: 'must not contain control characters' });
  const named = (input.scopes ?? []).map(apiKeyScopeOf);
  const asked = new Set([...named, ...(input.grantedScopes ?? [])]);
  if (named.includes(null)) problems.push({ field: 'input.scopes', message: `must be some of ${API_KEY_SCOPES.join(', ')}` });
  else if (asked.size === 0) problems.push({ field: input.scopes ? 'input.scopes' : 'input.grantedScopes', message: `must name at least one scope (${API_KEY_SCOPES.join(', ')})` });
  if (input.expiresAt != null && input.expiresAt.getTime() <= ctx.now.getTime()) problems.push({ field: 'input.expiresAt', message: 'must be in the future' });
  if (problems.length) throw badInput(problems);
  const scopes = API_KEY_SCOPES.filter((s) => asked.has(s));

  return inTransaction(ctx.dataSource, async (manager) => {
    await reachableForUpdate(ctx, manager, Organization, organizationId, 'Organization');
    const secret = newSecret();
    const apiKey = manager.create(ApiKey, {
      id: newId(ctx.now),
      organizationId,
      name,
      prefix: secret.slice(0, API_KEY_LIMITS.prefix),
      secretHash: sha256Hex(secret),
      scopes,
      expiresAt: input.expiresAt ?? null,
      revokedAt: null,
      lastUsedAt: null,
      createdById: ctx.actor.userId,
      createdAt: ctx.now,
    });
    await manager.insert(ApiKey, apiKey);
    await recordWrite(manager, ctx, {
      action: 'api_key.created',
      subjectType: 'ApiKey',
      subjectId: apiKey.id,
      detail: { organizationId, scopes, expiresAt: apiKey.expiresAt?.toISOString() ?? null },
    });
    return { apiKey, secret };
  });
}

/** revokeApiKey: the same people as createApiKey; the key stops working from the next request. Final. */
export async function revokeApiKey(ctx: RequestContext, input: RevokeApiKeyInput): Promise<ApiKey> {
  const id = idArg('ApiKey', input.apiKeyId, 'input.apiKeyId');
  return inTransaction(ctx.dataSource, async (manager) => {
    const key = await reachableForUpdate(ctx, manager, ApiKey, id, 'ApiKey');
    if (!managesOrganization(ctx.actor, key.organizationId)) throw forbidden("Not allowed: API keys are revoked by VENDOR_ADMIN or the organization's admin");
    if (key.revokedAt && key.revokedAt.getTime() <= ctx.now.getTime()) throw conflict('the API key is already revoked', { rule: 'api_key.revoke_once' });
    key.revokedAt = ctx.now;
    await manager.update(ApiKey, { id }, { revokedAt: ctx.now });
    await recordWrite(manager, ctx, { action: 'api_key.revoked', subjectType: 'ApiKey', subjectId: id, detail: { reason: 'revoked by an admin' } });
    return key;
  });
}

/** The keys a person created, revoked now (disableUser); their ids, for the caller's audit events. */
export async function revokeApiKeysCreatedBy(manager: EntityManager, ctx: RequestContext, userId: string): Promise<string[]> {
  const now = sqlDate(ctx.now);
  const rows: { id: string }[] = await manager.query(`SELECT id FROM \`api_key\` WHERE createdById = ? AND (revokedAt IS NULL OR revokedAt > ?) ORDER BY id${forUpdate(manager)}`, [userId, now]);
  const ids = rows.map((r) => String(r.id));
  if (ids.length) {
    const where = sqlIn('id', ids);
    await manager.query(`UPDATE \`api_key\` SET revokedAt = ? WHERE ${where.sql}`, [now, ...where.params]);
  }
  return ids;
}
