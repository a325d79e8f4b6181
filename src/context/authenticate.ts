import { createPublicKey, KeyObject } from 'node:crypto';
import { createRemoteJWKSet, errors, JWTPayload, jwtVerify, JWTVerifyGetKey, SignJWT } from 'jose';
import { DataSource } from 'typeorm';
import { HubConfig } from '../config';
import { ActorType, UserStatus } from '../common/enums';
import { unauthenticated } from '../common/errors';
import { sha256Hex } from '../common/secret-box';
import { Actor, API_KEY_ROLE } from './actor';
import { ActorStatements } from './actor-statement';
import type { KeyUses } from '../modules/api-key/api-key-uses';

/** API key secrets start with this, so that a leaked key is recognizable (secret scanners). */
export const API_KEY_PREFIX = 'mbxk_';

const USER_STATUS_REFUSED: Partial<Record<UserStatus, string>> = {
  [UserStatus.DISABLED]: 'user disabled',
  [UserStatus.WITHDRAWN]: 'consent withdrawn',
  [UserStatus.ERASED]: 'user erased',
};

/**
 * Turns an Authorization header into an Actor, or throws UNAUTHENTICATED saying which check
 * failed, never echoing the credential.
 */
export class Authenticator {
  private readonly verifyKey: Uint8Array | KeyObject | JWTVerifyGetKey;
  private readonly statements: ActorStatements;

  constructor(
    private readonly config: HubConfig,
    dataSource: DataSource,
    /** Records ApiKey.lastUsedAt off the request's path (absent: uses are not recorded). */
    private readonly keyUses?: Pick<KeyUses, 'record'>,
  ) {
    this.statements = new ActorStatements(dataSource);
    const jwt = config.jwt;
    if (jwt.jwksUrl) this.verifyKey = createRemoteJWKSet(new URL(jwt.jwksUrl));
    else if (jwt.publicKey) this.verifyKey = createPublicKey(jwt.publicKey.replace(/\\n/g, '\n'));
    else if (jwt.secret) this.verifyKey = new TextEncoder().encode(jwt.secret);
    else throw new Error('No JWT verification key configured');
  }

  async authenticate(header: string | undefined, now: Date): Promise<Actor> {
    if (!header) throw unauthenticated('missing bearer token (Authorization: Bearer <token>)');
    const match = /^Bearer ([^\s]+)$/i.exec(header.trim());
    if (!match) throw unauthenticated('malformed Authorization header: expected "Bearer <token>"');
    const token = match[1];
    return token.startsWith(API_KEY_PREFIX) ? this.apiKeyActor(token, now) : this.userActor(token, now);
  }

  private async userActor(token: string, now: Date): Promise<Actor> {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.verifyKey as Uint8Array, {
        issuer: this.config.jwt.issuer,
        audience: this.config.jwt.audience,
        algorithms: this.config.jwt.algorithms,
        currentDate: now,
        requiredClaims: ['exp'],
        // For nbf (and iat below); exp gets none: tokenTimeRefusal judges it by the hub's clock.
        clockTolerance: this.config.jwt.clockSkewSeconds,
      }));
    } catch (e) {
      throw unauthenticated(jwtFailure(e));
    }
    const refused = tokenTimeRefusal(payload, now, this.config.jwt);
    if (refused) throw unauthenticated(refused);
    const sub: unknown = payload.sub;
    if (sub === undefined || sub === '') throw unauthenticated('token has no subject');
    if (typeof sub !== 'string') throw unauthenticated('token subject ("sub") must be a string');
    return this.userActorById(sub);
  }

  /**
   * The actor of a portal user, as a verified token whose subject is that user makes it: the one
   * authenticating statement, the user's status, its organization and, for a distributor, the
   * gate facts. Also "see as" (src/http/stages/see-as.ts) makes its actor here, so that it is
   * exactly the actor that user's own token would give.
   */
  async userActorById(sub: string): Promise<Actor> {
    const found = await this.statements.userById(sub);
    if (!found) throw unauthenticated('token subject is not a portal user');
    const user = found.subject;
    const status = USER_STATUS_REFUSED[user.status];
    if (status) throw unauthenticated(status);
    const org = found.organization ?? ActorStatements.organizationMissing(user.organizationId);
    return {
      type: ActorType.USER,
      id: user.id,
      userId: user.id,
      apiKeyId: null,
      organizationId: org.id,
      organizationKind: org.kind,
      role: user.role,
      scopes: null,
      organization: org,
      ...(found.gateFacts ? { gateFacts: found.gateFacts } : {}),
    };
  }

  private async apiKeyActor(token: string, now: Date): Promise<Actor> {
    const found = await this.statements.apiKeyBySecretHash(sha256Hex(token));
    if (!found) throw unauthenticated('unknown API key');
    const key = found.subject;
    if (key.revokedAt && key.revokedAt.getTime() <= now.getTime()) throw unauthenticated('API key revoked');
    if (key.expiresAt && key.expiresAt.getTime() <= now.getTime()) throw unauthenticated('API key expired');
    const org = found.organization ?? ActorStatements.organizationMissing(key.organizationId);
    // Started, not awaited: the answer never waits for (or fails on) this write.
    this.keyUses?.record(key.id, key.lastUsedAt, now);
    return {
      type: ActorType.API_KEY,
      id: key.id,
      userId: null,
      apiKeyId: key.id,
      organizationId: org.id,
      organizationKind: org.kind,
      role: API_KEY_ROLE[org.kind],
      scopes: key.scopes,
      organization: org,
      ...(found.gateFacts ? { gateFacts: found.gateFacts } : {}),
    };
  }
}

/**
 * The time rules jose leaves open: exp is required and judged without skew; iat may lie at most
 * the allowed skew ahead; a token lives at most maxLifetimeSeconds (exp - iat, or exp - now
 * without iat), so that a stolen token, or one minted with exp 10^15, does not work for ever.
 */
export function tokenTimeRefusal(payload: JWTPayload, now: Date, jwt: Pick<HubConfig['jwt'], 'maxLifetimeSeconds' | 'clockSkewSeconds'>): string | null {
  const nowSeconds = now.getTime() / 1000;
  // jose has checked both are numbers (exp required) before.
  const exp = payload.exp as number;
  if (exp <= nowSeconds) return 'token expired';
  const iat = payload.iat;
  if (iat !== undefined && iat > nowSeconds + jwt.clockSkewSeconds) return `token issued in the future ("iat" more than ${jwt.clockSkewSeconds} s ahead of the hub's clock)`;
  if (exp - (iat ?? nowSeconds) > jwt.maxLifetimeSeconds) {
    return `token lifetime over the limit of ${jwt.maxLifetimeSeconds} s (${iat === undefined ? '"exp" - now' : '"exp" - "iat"'})`;
  }
  return null;
}

function jwtFailure(e: unknown): string {
  if (e instanceof errors.JWTClaimValidationFailed && e.reason === 'missing' && e.claim === 'exp') return 'token has no expiry ("exp")';
  if (e instanceof errors.JWTClaimValidationFailed && e.claim === 'nbf' && e.reason === 'check_failed') return 'token not valid yet ("nbf")';
  if (e instanceof errors.JWTExpired) return 'token expired';
  if (e instanceof errors.JWSSignatureVerificationFailed) return 'token signature invalid';
  if (e instanceof errors.JWTClaimValidationFailed) return `token claim "${e.claim}" invalid`;
  if (e instanceof errors.JOSEAlgNotAllowed) return 'token algorithm not allowed';
  if (e instanceof errors.JWKSNoMatchingKey) return 'token signed with an unknown key';
  return 'malformed token';
}

/** Signs a user token with the configured HS256 secret (the `npm run token` command and tests). */
export async function issueUserToken(config: HubConfig, userId: string, now: Date = new Date()): Promise<string> {
  if (!config.jwt.secret) throw new Error('issuing tokens needs JWT_SECRET (HS256)');
  const iat = Math.floor(now.getTime() / 1000);
  return new SignJWT({})
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(userId)
    .setIssuer(config.jwt.issuer)
    .setAudience(config.jwt.audience)
    .setIssuedAt(iat)
    .setExpirationTime(iat + config.jwt.ttlSeconds)
    .sign(new TextEncoder().encode(config.jwt.secret));
}
