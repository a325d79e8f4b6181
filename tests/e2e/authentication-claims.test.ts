import 'reflect-metadata';
import { JWTPayload, SignJWT } from 'jose';
import { PERSONAS, userId } from '../../seeds/personas';
import { ON_MYSQL } from '../helpers/database';
import { TestHub } from '../helpers/hub';

const VIEWER = `{ viewer { role user { email } } }`;
const HOUR = 3600;
const DAY = 24 * HOUR;

/**
 * The claims of a user token (issue #11, section 5): `exp` is required and a token lives at most
 * JWT_MAX_LIFETIME_SECONDS (24 h by default); `iat` and `nbf` may be off by the allowed clock
 * skew (60 s), no more; `sub` is a string, the user's id exactly. Every refusal is 401
 * UNAUTHENTICATED saying which rule, never echoing the token.
 */
describe(`the claims of a user token (${ON_MYSQL ? 'MariaDB' : 'embedded database'})`, () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await TestHub.start('authentication_claims');
  });
  afterAll(() => hub?.close());

  const NOW = new Date('2026-11-27T12:00:00.000Z');
  const now = () => Math.floor(NOW.getTime() / 1000);
  beforeEach(() => {
    hub.now = new Date(NOW);
  });

  /** A token with exactly these claims (iss and aud as configured unless given), signed with the hub's secret. */
  function sign(claims: JWTPayload, secret = hub.config.jwt.secret!): Promise<string> {
    return new SignJWT({ iss: hub.config.jwt.issuer, aud: hub.config.jwt.audience, sub: userId(PERSONAS.vendorAdmin), ...claims })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .sign(new TextEncoder().encode(secret));
  }

  async function ask(token: string) {
    const r = await hub.withToken(token).gql(VIEWER);
    const text = JSON.stringify(r.body);
    return { ...r, text };
  }

  async function expectAccepted(token: string): Promise<void> {
    const r = await ask(token);
    expect({ status: r.status, body: r.body }).toEqual({ status: 200, body: { data: { viewer: { role: 'VENDOR_ADMIN', user: { email: PERSONAS.vendorAdmin } } } } });
  }

  async function expectRefused(token: string, message: string): Promise<void> {
    const r = await ask(token);
    expect({ status: r.status, data: r.body.data, errors: r.body.errors }).toEqual({
      status: 401,
      data: undefined,
      errors: [{ message, extensions: { code: 'UNAUTHENTICATED' } }],
    });
    expect(r.text).not.toContain(token);
    expect(r.text).not.toContain(token.split('.')[1]);
  }

  describe('exp', () => {
    it('refuses a token without exp (it would never expire): "token has no expiry"', async () => {
      await expectRefused(await sign({ iat: now() }), 'token has no expiry ("exp")');
      await expectRefused(await sign({}), 'token has no expiry ("exp")');
    });

    it('refuses exp = 10^15 (the year 31 690 000): its lifetime is over the 24 h limit', async () => {
      await expectRefused(await sign({ iat: now(), exp: 1e15 }), 'token lifetime over the limit of 86400 s ("exp" - "iat")');
    });

    it('accepts a lifetime of exactly 24 h and refuses 24 h and one second', async () => {
      await expectAccepted(await sign({ iat: now(), exp: now() + DAY }));
      await expectRefused(await sign({ iat: now(), exp: now() + DAY + 1 }), 'token lifetime over the limit of 86400 s ("exp" - "iat")');
    });

    it('measures the lifetime from iat, not from now: a token issued 30 days ago that ends in an hour is refused', async () => {
      await expectRefused(await sign({ iat: now() - 30 * DAY, exp: now() + HOUR }), 'token lifetime over the limit of 86400 s ("exp" - "iat")');
    });

    it('without iat, measures exp - now: 23 h ahead is accepted, 25 h ahead refused', async () => {
      await expectAccepted(await sign({ exp: now() + 23 * HOUR }));
      await expectRefused(await sign({ exp: now() + 25 * HOUR }), 'token lifetime over the limit of 86400 s ("exp" - now)');
    });

    it('allows no clock skew on exp: a token whose exp passed a second ago is "token expired"', async () => {
      await expectRefused(await sign({ iat: now() - HOUR, exp: now() - 1 }), 'token expired');
      await expectRefused(await sign({ iat: now() - HOUR, exp: now() }), 'token expired');
    });

    it('refuses an exp that is not a number', async () => {
      await expectRefused(await sign({ iat: now(), exp: String(now() + HOUR) as unknown as number }), 'token claim "exp" invalid');
    });
  });

  describe('iat and nbf, with 60 s of clock skew', () => {
    it('refuses iat ten years ahead of the hub clock: "token issued in the future"', async () => {
      const iat = now() + 10 * 365 * DAY;
      await expectRefused(await sign({ iat, exp: iat + HOUR }), 'token issued in the future ("iat" more than 60 s ahead of the hub\'s clock)');
    });

    it('accepts iat 60 s ahead (a clock slightly fast), refuses 61 s ahead', async () => {
      await expectAccepted(await sign({ iat: now() + 60, exp: now() + HOUR }));
      await expectRefused(await sign({ iat: now() + 61, exp: now() + HOUR }), 'token issued in the future ("iat" more than 60 s ahead of the hub\'s clock)');
    });

    it('accepts nbf 60 s ahead, refuses nbf 5 minutes ahead: "token not valid yet"', async () => {
      await expectAccepted(await sign({ iat: now(), nbf: now() + 60, exp: now() + HOUR }));
      await expectRefused(await sign({ iat: now(), nbf: now() + 300, exp: now() + HOUR }), 'token not valid yet ("nbf")');
    });
  });

  describe('sub', () => {
    it('refuses a sub given as an array holding the user id: "must be a string"', async () => {
      await expectRefused(await sign({ iat: now(), exp: now() + HOUR, sub: [userId(PERSONAS.vendorAdmin)] as unknown as string }), 'token subject ("sub") must be a string');
    });

    it('refuses a sub given as a number or an object', async () => {
      await expectRefused(await sign({ iat: now(), exp: now() + HOUR, sub: 42 as unknown as string }), 'token subject ("sub") must be a string');
      await expectRefused(await sign({ iat: now(), exp: now() + HOUR, sub: { id: userId(PERSONAS.vendorAdmin) } as unknown as string }), 'token subject ("sub") must be a string');
    });

    it("compares sub exactly: the user's id in upper case, or with a trailing space, is not a portal user", async () => {
      const id = userId(PERSONAS.vendorAdmin);
      expect(id).not.toBe(id.toUpperCase()); // the ids hold letters
      await expectAccepted(await sign({ iat: now(), exp: now() + HOUR, sub: id }));
      await expectRefused(await sign({ iat: now(), exp: now() + HOUR, sub: id.toUpperCase() }), 'token subject is not a portal user');
      await expectRefused(await sign({ iat: now(), exp: now() + HOUR, sub: `${id} ` }), 'token subject is not a portal user');
      await expectRefused(await sign({ iat: now(), exp: now() + HOUR, sub: `${id}\t` }), 'token subject is not a portal user');
    });

    it('refuses an empty sub: "token has no subject"', async () => {
      await expectRefused(await sign({ iat: now(), exp: now() + HOUR, sub: '' }), 'token has no subject');
    });
  });
});

describe('JWT_MAX_LIFETIME_SECONDS and JWT_CLOCK_SKEW_SECONDS', () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await TestHub.start('authentication_claims_cfg', { JWT_MAX_LIFETIME_SECONDS: '900', JWT_TTL_SECONDS: '600', JWT_CLOCK_SKEW_SECONDS: '5' });
  });
  afterAll(() => hub?.close());

  const sign = (claims: JWTPayload) =>
    new SignJWT({ iss: hub.config.jwt.issuer, aud: hub.config.jwt.audience, sub: userId(PERSONAS.vendorAdmin), ...claims })
      .setProtectedHeader({ alg: 'HS256' })
      .sign(new TextEncoder().encode(hub.config.jwt.secret));

  it('caps the lifetime at the configured 900 s: 900 s accepted, 901 s and one hour refused', async () => {
    const now = Math.floor(hub.now.getTime() / 1000);
    expect((await hub.withToken(await sign({ iat: now, exp: now + 900 })).gql(`{ viewer { role } }`)).status).toBe(200);
    for (const exp of [now + 901, now + 3600]) {
      const r = await hub.withToken(await sign({ iat: now, exp })).gql(`{ viewer { role } }`);
      expect({ status: r.status, errors: r.body.errors }).toEqual({
        status: 401,
        errors: [{ message: 'token lifetime over the limit of 900 s ("exp" - "iat")', extensions: { code: 'UNAUTHENTICATED' } }],
      });
    }
  });

  it('allows the configured 5 s of skew on iat, not 6', async () => {
    const now = Math.floor(hub.now.getTime() / 1000);
    expect((await hub.withToken(await sign({ iat: now + 5, exp: now + 600 })).gql(`{ viewer { role } }`)).status).toBe(200);
    const r = await hub.withToken(await sign({ iat: now + 6, exp: now + 600 })).gql(`{ viewer { role } }`);
    expect(r.body.errors?.[0].message).toBe('token issued in the future ("iat" more than 5 s ahead of the hub\'s clock)');
  });

  it('the tokens the hub issues itself (JWT_TTL_SECONDS) stay within the cap', async () => {
    expect((await (await hub.as(PERSONAS.vendorAdmin)).gql(`{ viewer { role } }`)).body.data).toEqual({ viewer: { role: 'VENDOR_ADMIN' } });
  });
});
