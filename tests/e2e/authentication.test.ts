import 'reflect-metadata';
import { SignJWT, UnsecuredJWT } from 'jose';
import { UserStatus } from '../../src/common/enums';
import { sha256Hex } from '../../src/common/secret-box';
import { ApiKey } from '../../src/modules/api-key/api-key.entity';
import { PortalUser } from '../../src/modules/user/portal-user.entity';
import { PERSONAS, userId } from '../../seeds/personas';
import { createApiKey } from '../helpers/api-keys';
import { TestHub } from '../helpers/hub';

const VIEWER = `{ viewer { actorType role scopes organization { name } user { email } } }`;

interface RawResponse {
  status: number;
  headers: Headers;
  text: string;
  body: { data?: any; errors?: { message: string; extensions?: Record<string, any> }[] };
}

describe('authentication over POST /graphql', () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await TestHub.start('authentication');
  });
  afterAll(() => hub.close());

  const HUB_NOW = new Date('2026-11-27T12:00:00.000Z');
  beforeEach(() => {
    hub.now = new Date(HUB_NOW);
  });

  /** POSTs the viewer query with exactly these headers (no Authorization unless given). */
  async function post(headers: Record<string, string> = {}): Promise<RawResponse> {
    const res = await fetch(`${hub.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ query: VIEWER }),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, text, body: JSON.parse(text) };
  }

  const bearer = (token: string) => post({ authorization: `Bearer ${token}` });

  /** A 401 UNAUTHENTICATED with no data, a message saying why, never echoing what was sent. */
  function expectRefused(r: RawResponse, message: RegExp, sent: string[]): void {
    expect(r.status).toBe(401);
    expect(r.body.data).toBeUndefined();
    expect(r.body.errors).toHaveLength(1);
    expect(r.body.errors![0].extensions?.code).toBe('UNAUTHENTICATED');
    expect(r.body.errors![0].message).toMatch(message);
    expect(r.headers.get('x-request-id')).toBeTruthy();
    for (const credential of sent) expect(r.text).not.toContain(credential);
  }

  const secret = () => new TextEncoder().encode(hub.config.jwt.secret);
  const seconds = (d: Date) => Math.floor(d.getTime() / 1000);

  /** A user token as the product issues it, with parts overridable to break one check at a time. */
  function signUserToken(opts: { sub?: string | null; iss?: string; aud?: string; exp?: Date; iat?: Date; alg?: string; key?: Uint8Array } = {}): Promise<string> {
    const iat = opts.iat ?? hub.now;
    let jwt = new SignJWT({})
      .setProtectedHeader({ alg: opts.alg ?? 'HS256', typ: 'JWT' })
      .setIssuer(opts.iss ?? hub.config.jwt.issuer)
      .setAudience(opts.aud ?? hub.config.jwt.audience)
      .setIssuedAt(seconds(iat))
      .setExpirationTime(seconds(opts.exp ?? new Date(iat.getTime() + 3600_000)));
    if (opts.sub !== null) jwt = jwt.setSubject(opts.sub ?? userId(PERSONAS.vendorAdmin));
    return jwt.sign(opts.key ?? secret());
  }

  describe('portal users with a valid JWT', () => {
    it('accepts the vendor admin: 200, a USER acting as VENDOR_ADMIN of MOBOTIX AG, without scopes', async () => {
      const token = await hub.tokenFor(PERSONAS.vendorAdmin);
      const r = await bearer(token);
      expect(r.status).toBe(200);
      expect(r.body.errors).toBeUndefined();
      expect(r.body.data.viewer).toEqual({
        actorType: 'USER',
        role: 'VENDOR_ADMIN',
        scopes: [],
        organization: { name: 'MOBOTIX AG' },
        user: { email: 'admin@mobotix.example' },
      });
    });

    it("accepts a distributor's user as DISTRIBUTOR_USER of their distributor", async () => {
      const r = await bearer(await hub.tokenFor(PERSONAS.distributors.rhein.user));
      expect(r.status).toBe(200);
      expect(r.body.errors).toBeUndefined();
      expect(r.body.data.viewer).toEqual({
        actorType: 'USER',
        role: 'DISTRIBUTOR_USER',
        scopes: [],
        organization: { name: 'Rhein Security GmbH' },
        user: { email: 'user@rhein.example' },
      });
    });

    it("accepts a customer's admin as CUSTOMER_ADMIN of their customer", async () => {
      const r = await bearer(await hub.tokenFor(PERSONAS.customer('rhein-c1').admin));
      expect(r.status).toBe(200);
      expect(r.body.errors).toBeUndefined();
      expect(r.body.data.viewer).toEqual({
        actorType: 'USER',
        role: 'CUSTOMER_ADMIN',
        scopes: [],
        organization: { name: 'Rhein Kunde Eins GmbH' },
        user: { email: 'admin@rhein-c1.example' },
      });
    });

    it('accepts the Bearer scheme in any letter case (RFC 7235)', async () => {
      const token = await hub.tokenFor(PERSONAS.vendorAdmin);
      const r = await post({ authorization: `bearer ${token}` });
      expect(r.status).toBe(200);
      expect(r.body.data.viewer.role).toBe('VENDOR_ADMIN');
    });
  });

  describe('refused Authorization headers', () => {
    it('refuses a request without Authorization header with 401 UNAUTHENTICATED, saying the bearer token is missing', async () => {
      const r = await post();
      expectRefused(r, /missing bearer token/i, []);
    });

    it('refuses a Basic Authorization header with 401 UNAUTHENTICATED, saying the header is malformed, without echoing it', async () => {
      const r = await post({ authorization: 'Basic xyzSecretBasicCredential' });
      expectRefused(r, /malformed Authorization header/i, ['xyzSecretBasicCredential']);
    });

    it('refuses "Bearer" without a token with 401 UNAUTHENTICATED, saying the header is malformed', async () => {
      expectRefused(await post({ authorization: 'Bearer' }), /malformed Authorization header/i, []);
      expectRefused(await post({ authorization: 'Bearer   ' }), /malformed Authorization header/i, []);
    });

    it('refuses two tokens in one header with 401 UNAUTHENTICATED, saying the header is malformed, echoing neither', async () => {
      const a = await hub.tokenFor(PERSONAS.vendorAdmin);
      const b = await hub.tokenFor(PERSONAS.vendorStaff);
      expectRefused(await post({ authorization: `Bearer ${a} ${b}` }), /malformed Authorization header/i, [a, b]);
      expectRefused(await post({ authorization: `Bearer ${a}, Bearer ${b}` }), /malformed Authorization header/i, [a, b]);
    });

    it("carries the hub's own x-request-id on a 401, whatever id the client sent", async () => {
      const generated = await post();
      expect(generated.status).toBe(401);
      expect(generated.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
      const sent = await post({ 'x-request-id': 'auth-trace-401' });
      expect(sent.status).toBe(401);
      expect(sent.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
      expect(sent.headers.get('x-request-id')).not.toBe(generated.headers.get('x-request-id'));
    });
  });

  describe('refused JWTs', () => {
    it('refuses a garbage token "abc.def.ghi" with 401 UNAUTHENTICATED, saying the token is malformed', async () => {
      expectRefused(await bearer('abc.def.ghi'), /malformed token/i, ['abc.def.ghi']);
    });

    it('refuses an expired token with 401 UNAUTHENTICATED, saying it expired', async () => {
      const token = await signUserToken({ iat: new Date(hub.now.getTime() - 2 * 3600_000), exp: new Date(hub.now.getTime() - 60_000) });
      expectRefused(await bearer(token), /token expired/i, [token]);
    });

    it('judges expiry by the hub clock: a token valid at hub.now is "token expired" once the clock is 2 hours later', async () => {
      const token = await hub.tokenFor(PERSONAS.vendorAdmin); // valid for 1 hour from hub.now
      const before = await bearer(token);
      expect(before.status).toBe(200);
      expect(before.body.data.viewer.role).toBe('VENDOR_ADMIN');
      hub.now = new Date(hub.now.getTime() + 2 * 3600_000);
      expectRefused(await bearer(token), /token expired/i, [token]);
    });

    it('refuses a token signed with another secret with 401 UNAUTHENTICATED, saying the signature is invalid', async () => {
      const token = await signUserToken({ key: new TextEncoder().encode('another-secret-that-is-not-the-hubs-0123456789') });
      expectRefused(await bearer(token), /signature invalid/i, [token]);
    });

    it('refuses a token of another issuer with 401 UNAUTHENTICATED, naming the "iss" claim', async () => {
      const token = await signUserToken({ iss: 'some-other-portal' });
      expectRefused(await bearer(token), /claim "iss" invalid/i, [token, 'some-other-portal']);
    });

    it('refuses a token for another audience with 401 UNAUTHENTICATED, naming the "aud" claim', async () => {
      const token = await signUserToken({ aud: 'some-other-api' });
      expectRefused(await bearer(token), /claim "aud" invalid/i, [token, 'some-other-api']);
    });

    it('refuses an unsigned token (alg "none") with 401 UNAUTHENTICATED, saying the algorithm is not allowed', async () => {
      const token = new UnsecuredJWT({})
        .setSubject(userId(PERSONAS.vendorAdmin))
        .setIssuer(hub.config.jwt.issuer)
        .setAudience(hub.config.jwt.audience)
        .setIssuedAt(seconds(hub.now))
        .setExpirationTime(seconds(hub.now) + 3600)
        .encode();
      expect(token.endsWith('.')).toBe(true); // header.payload. with an empty signature
      expectRefused(await bearer(token), /algorithm not allowed/i, [token]);
    });

    it('refuses an HS512 token, even signed with the right secret, with 401 UNAUTHENTICATED, saying the algorithm is not allowed', async () => {
      const token = await signUserToken({ alg: 'HS512' });
      expectRefused(await bearer(token), /algorithm not allowed/i, [token]);
    });

    it('refuses a well-signed token whose subject is not a portal user with 401 UNAUTHENTICATED, saying so', async () => {
      const token = await signUserToken({ sub: userId('nobody@nowhere.example') });
      expectRefused(await bearer(token), /subject is not a portal user/i, [token, userId('nobody@nowhere.example')]);
    });

    it('refuses a well-signed token without a subject with 401 UNAUTHENTICATED, saying it has none', async () => {
      const token = await signUserToken({ sub: null });
      expectRefused(await bearer(token), /no subject/i, [token]);
    });
  });

  describe('users who may no longer sign in', () => {
    async function setStatus(email: string, status: UserStatus): Promise<void> {
      await hub.dataSource.getRepository(PortalUser).update({ id: userId(email) }, { status });
      const stored = await hub.dataSource.getRepository(PortalUser).findOneByOrFail({ id: userId(email) });
      expect(stored.status).toBe(status);
    }

    it.each([
      [UserStatus.DISABLED, PERSONAS.distributors.alpen.user, /user disabled/i],
      [UserStatus.WITHDRAWN, PERSONAS.distributors.liberty.user, /consent withdrawn/i],
      [UserStatus.ERASED, PERSONAS.distributors.vigilancia.user, /user erased/i],
    ])('refuses a %s user’s still-valid token with 401 UNAUTHENTICATED, saying why', async (status, email, message) => {
      const token = await hub.tokenFor(email);
      const before = await bearer(token);
      expect(before.status).toBe(200);
      expect(before.body.data.viewer.role).toBe('DISTRIBUTOR_USER');
      await setStatus(email, status);
      expectRefused(await bearer(token), message, [token, email]);
    });
  });

  describe('API keys', () => {
    it('accepts a distributor’s key as API_KEY acting as DISTRIBUTOR_USER of that distributor, with the stored scopes and no user', async () => {
      const { secret: key } = await createApiKey(hub.dataSource, { org: 'rhein', scopes: ['licenses:read', 'customers:read'] });
      const r = await bearer(key);
      expect(r.status).toBe(200);
      expect(r.body.errors).toBeUndefined();
      expect(r.body.data.viewer).toEqual({
        actorType: 'API_KEY',
        role: 'DISTRIBUTOR_USER',
        scopes: ['licenses:read', 'customers:read'],
        organization: { name: 'Rhein Security GmbH' },
        user: null,
      });
      expect(r.text).not.toContain(key);
    });

    it('accepts a vendor key as VENDOR_STAFF of MOBOTIX AG (never an admin)', async () => {
      const { secret: key } = await createApiKey(hub.dataSource, { org: 'mobotix', scopes: ['licenses:read'] });
      const r = await bearer(key);
      expect(r.status).toBe(200);
      expect(r.body.errors).toBeUndefined();
      expect(r.body.data.viewer).toEqual({
        actorType: 'API_KEY',
        role: 'VENDOR_STAFF',
        scopes: ['licenses:read'],
        organization: { name: 'MOBOTIX AG' },
        user: null,
      });
    });

    it('accepts a customer key as CUSTOMER_USER of that customer (never an admin)', async () => {
      const { secret: key } = await createApiKey(hub.dataSource, { org: 'rhein-c1', scopes: ['licenses:read'] });
      const r = await bearer(key);
      expect(r.status).toBe(200);
      expect(r.body.errors).toBeUndefined();
      expect(r.body.data.viewer).toEqual({
        actorType: 'API_KEY',
        role: 'CUSTOMER_USER',
        scopes: ['licenses:read'],
        organization: { name: 'Rhein Kunde Eins GmbH' },
        user: null,
      });
    });

    it('refuses an unknown key with 401 UNAUTHENTICATED, saying "unknown API key", without echoing it', async () => {
      expectRefused(await bearer('mbxk_doesnotexist'), /unknown API key/i, ['mbxk_doesnotexist', 'doesnotexist']);
    });

    it('refuses a revoked key with 401 UNAUTHENTICATED, saying "API key revoked"', async () => {
      const { secret: key } = await createApiKey(hub.dataSource, { org: 'rhein', revokedAt: new Date(hub.now.getTime() - 3600_000) });
      expectRefused(await bearer(key), /API key revoked/i, [key, key.slice(5)]);
    });

    it('refuses a key whose expiry has been reached (expiresAt = hub.now) or passed with 401 UNAUTHENTICATED, saying "API key expired"', async () => {
      const atNow = await createApiKey(hub.dataSource, { org: 'rhein', expiresAt: new Date(hub.now) });
      expectRefused(await bearer(atNow.secret), /API key expired/i, [atNow.secret]);
      const past = await createApiKey(hub.dataSource, { org: 'rhein', expiresAt: new Date(hub.now.getTime() - 86_400_000) });
      expectRefused(await bearer(past.secret), /API key expired/i, [past.secret]);
    });

    it('judges key expiry by the hub clock: a key valid until a minute from hub.now is expired once the clock passes it', async () => {
      const { secret: key } = await createApiKey(hub.dataSource, { org: 'rhein', expiresAt: new Date(hub.now.getTime() + 60_000) });
      const before = await bearer(key);
      expect(before.status).toBe(200);
      expect(before.body.data.viewer.actorType).toBe('API_KEY');
      hub.now = new Date(hub.now.getTime() + 2 * 60_000);
      expectRefused(await bearer(key), /API key expired/i, [key]);
    });

    it('stores only the SHA-256 of a key: no column of its row holds the secret, even after it was used', async () => {
      const { secret: key, key: stored } = await createApiKey(hub.dataSource, { org: 'rhein', scopes: ['licenses:read'] });
      expect((await bearer(key)).status).toBe(200);
      const rows: Record<string, unknown>[] = await hub.dataSource.query('SELECT * FROM api_key WHERE id = ?', [stored.id]);
      expect(rows).toHaveLength(1);
      const row = rows[0];
      expect(row.secretHash).toBe(sha256Hex(key));
      expect(row.prefix).toBe(key.slice(0, 12));
      for (const [column, value] of Object.entries(row)) {
        const text = value instanceof Date ? value.toISOString() : Buffer.isBuffer(value) ? value.toString('utf8') : String(value);
        expect({ column, holdsSecret: text.includes(key) || text.includes(key.slice(5)) }).toEqual({ column, holdsSecret: false });
      }
      // and the entity, as the product reads it, has no field with the secret either
      const entity = await hub.dataSource.getRepository(ApiKey).findOneByOrFail({ id: stored.id });
      expect(JSON.stringify(entity)).not.toContain(key.slice(5));
    });
  });
});
