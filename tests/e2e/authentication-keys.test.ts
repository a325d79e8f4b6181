import { generateKeyPairSync, KeyObject } from 'node:crypto';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import { exportJWK, SignJWT } from 'jose';
import { PERSONAS, userId } from '../../seeds/personas';
import { TestHub } from '../helpers/hub';

/** Tokens signed with a key pair: a public key (RS256, ES256) or a JWKS endpoint, as configured. */
describe('JWT verification with public keys', () => {
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const pem = (k: KeyObject) => k.export({ type: 'spki', format: 'pem' }).toString();
  const viewer = `{ viewer { role user { email } } }`;

  async function token(hub: TestHub, key: KeyObject, alg: string, kid?: string): Promise<string> {
    const now = Math.floor(hub.now.getTime() / 1000);
    return new SignJWT({})
      .setProtectedHeader({ alg, ...(kid ? { kid } : {}) })
      .setSubject(userId(PERSONAS.vendorAdmin))
      .setIssuer(hub.config.jwt.issuer)
      .setAudience(hub.config.jwt.audience)
      .setIssuedAt(now)
      .setExpirationTime(now + 600)
      .sign(key);
  }

  /** A token with exactly these time claims (no exp unless given), for the claim rules on every verification path. */
  async function timed(hub: TestHub, key: KeyObject, alg: string, claims: { iat?: number; exp?: number }, kid?: string): Promise<string> {
    return new SignJWT({ sub: userId(PERSONAS.vendorAdmin), iss: hub.config.jwt.issuer, aud: hub.config.jwt.audience, ...claims }).setProtectedHeader({ alg, ...(kid ? { kid } : {}) }).sign(key);
  }

  /** Without exp, with exp 10^15, issued ten years ahead: 401 UNAUTHENTICATED naming the rule. */
  async function expectClaimRulesHold(hub: TestHub, key: KeyObject, alg: string, kid?: string): Promise<void> {
    const now = Math.floor(hub.now.getTime() / 1000);
    const future = now + 10 * 365 * 86400;
    const cases: [{ iat?: number; exp?: number }, string][] = [
      [{ iat: now }, 'token has no expiry ("exp")'],
      [{ iat: now, exp: 1e15 }, 'token lifetime over the limit of 86400 s ("exp" - "iat")'],
      [{ iat: future, exp: future + 600 }, 'token issued in the future ("iat" more than 60 s ahead of the hub\'s clock)'],
    ];
    for (const [claims, message] of cases) {
      const r = await hub.withToken(await timed(hub, key, alg, claims, kid)).gql(viewer);
      expect({ claims, status: r.status, errors: r.body.errors }).toEqual({ claims, status: 401, errors: [{ message, extensions: { code: 'UNAUTHENTICATED' } }] });
    }
  }

  describe('JWT_PUBLIC_KEY (RS256)', () => {
    let hub: TestHub;
    beforeAll(async () => {
      hub = await TestHub.start('auth_rs256', { JWT_PUBLIC_KEY: pem(rsa.publicKey), JWT_SECRET: '' });
    });
    afterAll(() => hub?.close());

    it('accepts a token signed with the matching private key', async () => {
      const r = await hub.withToken(await token(hub, rsa.privateKey, 'RS256')).gql(viewer);
      expect(r.status).toBe(200);
      expect(r.body.data).toEqual({ viewer: { role: 'VENDOR_ADMIN', user: { email: PERSONAS.vendorAdmin } } });
    });

    it('refuses a token signed with another key, and an HS256 token made with the development secret', async () => {
      const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
      const forged = await hub.withToken(await token(hub, other.privateKey, 'RS256')).gql(viewer);
      expect(forged.status).toBe(401);
      expect(forged.body.errors![0]).toMatchObject({ message: 'token signature invalid', extensions: { code: 'UNAUTHENTICATED' } });
      const hs = await hub.withToken(await hub.tokenFor(PERSONAS.vendorAdmin).catch(() => 'x.y.z')).gql(viewer);
      expect(hs.status).toBe(401);
    });

    it('refuses a well-signed RS256 token without exp, with exp 10^15, or issued ten years ahead', async () => {
      await expectClaimRulesHold(hub, rsa.privateKey, 'RS256');
    });
  });

  describe('JWT_PUBLIC_KEY (ES256)', () => {
    let hub: TestHub;
    beforeAll(async () => {
      hub = await TestHub.start('auth_es256', { JWT_PUBLIC_KEY: pem(ec.publicKey), JWT_SECRET: '' });
    });
    afterAll(() => hub?.close());

    it('accepts an ES256 token and refuses an RS256 one for the same configuration', async () => {
      expect((await hub.withToken(await token(hub, ec.privateKey, 'ES256')).gql(viewer)).status).toBe(200);
      const wrong = await hub.withToken(await token(hub, rsa.privateKey, 'RS256')).gql(viewer);
      expect(wrong.status).toBe(401);
      expect(wrong.body.errors![0].extensions!.code).toBe('UNAUTHENTICATED');
    });

    it('refuses a well-signed ES256 token without exp, with exp 10^15, or issued ten years ahead', async () => {
      await expectClaimRulesHold(hub, ec.privateKey, 'ES256');
    });
  });

  describe('JWT_JWKS_URL', () => {
    let hub: TestHub;
    let jwks: http.Server;
    beforeAll(async () => {
      const jwk = { ...(await exportJWK(rsa.publicKey)), kid: 'key-1', alg: 'RS256', use: 'sig' };
      jwks = http.createServer((_req, res) => {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ keys: [jwk] }));
      });
      await new Promise<void>((r) => jwks.listen(0, '127.0.0.1', () => r()));
      const url = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/.well-known/jwks.json`;
      hub = await TestHub.start('auth_jwks', { JWT_JWKS_URL: url, JWT_SECRET: '' });
    });
    afterAll(async () => {
      await hub?.close();
      jwks?.close();
    });

    it('verifies a token against the key set, and refuses a token whose key is not in it', async () => {
      expect((await hub.withToken(await token(hub, rsa.privateKey, 'RS256', 'key-1')).gql(viewer)).status).toBe(200);
      const unknown = generateKeyPairSync('rsa', { modulusLength: 2048 });
      const r = await hub.withToken(await token(hub, unknown.privateKey, 'RS256', 'key-2')).gql(viewer);
      expect(r.status).toBe(401);
      expect(r.body.errors![0]).toMatchObject({ message: 'token signed with an unknown key', extensions: { code: 'UNAUTHENTICATED' } });
    });

    it('refuses a token of the key set without exp, with exp 10^15, or issued ten years ahead', async () => {
      await expectClaimRulesHold(hub, rsa.privateKey, 'RS256', 'key-1');
    });
  });
});
