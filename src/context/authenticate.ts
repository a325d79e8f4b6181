import { createPublicKey, KeyObject } from 'node:crypto';
import { createRemoteJWKSet, errors, jwtVerify, JWTVerifyGetKey, SignJWT } from 'jose';
import { DataSource } from 'typeorm';
import { HubConfig } from '../config';
import { ActorType, UserStatus } from '../common/enums';
import { unauthenticated } from '../common/errors';
import { sha256Hex } from '../common/secret-box';
import { Actor, API_KEY_ROLE } from './actor';
import { ActorStatements } from './actor-statement';

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
    let sub: string | undefined;
    try {
      const { payload } = await jwtVerify(token, this.verifyKey as Uint8Array, {
        issuer: this.config.jwt.issuer,
        audience: this.config.jwt.audience,
        algorithms: this.config.jwt.algorithms,
        currentDate: now,
      });
      sub = payload.sub;
    } catch (e) {
      throw unauthenticated(jwtFailure(e));
    }
    if (!sub) throw unauthenticated('token has no subject');
    const found = await this.statements.userById(sub);
    if (!found) throw unauthenticated('token subject is not a portal user');
    const user = found.subject;
    const refused = USER_STATUS_REFUSED[user.status];
    if (refused) throw unauthenticated(refused);
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

function jwtFailure(e: unknown): string {
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
