import { PERSONAS, userId } from '../../seeds/personas';
import { DEV_PERSONA_EMAILS } from '../../src/http/dev-sign-in';
import { ON_MYSQL } from '../helpers/database';
import { TestHub } from '../helpers/hub';

/**
 * The console's development sign-in (issue #16): GET /dev/personas lists the seed world's
 * personas, POST /dev/token mints a token for one of them that the API accepts as that person.
 * With NODE_ENV=production neither path exists: 404, as for any unknown path.
 */
describe('the development sign-in of the console', () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await TestHub.start('console_dev');
  });
  afterAll(() => hub?.close());

  const token = (body: unknown) => fetch(`${hub.url}/dev/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  it('lists the personas of the seed world with their organization and role', async () => {
    const res = await fetch(`${hub.url}/dev/personas`);
    expect(res.status).toBe(200);
    const { personas } = (await res.json()) as { personas: { userId: string; email: string; role: string; organization: string }[] };
    expect(personas.map((p) => p.email)).toEqual([...DEV_PERSONA_EMAILS]);
    expect(personas.find((p) => p.email === PERSONAS.distributors.mumbai.admin)).toMatchObject({
      userId: userId(PERSONAS.distributors.mumbai.admin),
      role: 'DISTRIBUTOR_ADMIN',
      organization: 'Mumbai CCTV Pvt Ltd',
    });
  });

  it('mints a token the API takes as that persona, valid for JWT_TTL_SECONDS', async () => {
    const res = await token({ userId: userId(PERSONAS.distributors.rhein.admin) });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { token: string; expiresAt: string };
    expect(body.expiresAt).toBe(new Date(hub.now.getTime() + 3600 * 1000).toISOString());
    const viewer = await hub.withToken(body.token).data<{ viewer: { role: string; user: { email: string } } }>('{ viewer { role user { email } } }');
    expect(viewer.viewer).toEqual({ role: 'DISTRIBUTOR_ADMIN', user: { email: 'admin@rhein.example' } });
  });

  it('refuses anyone but a listed persona (a customer user of the seed, an unknown id, no body) with BAD_USER_INPUT naming userId', async () => {
    for (const body of [{ userId: userId(PERSONAS.customer('rhein-c1').user) }, { userId: 'nobody' }, {}]) {
      const res = await token(body);
      expect(res.status).toBe(400);
      expect(await res.json()).toEqual({ errors: [{ message: 'userId must name one of GET /dev/personas', extensions: { code: 'BAD_USER_INPUT', field: 'userId' } }] });
    }
    const res = await fetch(`${hub.url}/dev/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: 'not json' });
    expect(res.status).toBe(400);
  });
});

describe('the development sign-in in production', () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await TestHub.start('console_dev_prod', {
      NODE_ENV: 'production',
      TRUST_PROXY: 'true',
      LOG_LEVEL: 'silent',
      // Production requires a MySQL/MariaDB URL; on the embedded run the hub keeps the test's SQLite data source.
      ...(ON_MYSQL ? {} : { DATABASE_URL: 'mysql://placeholder@127.0.0.1:1/unused' }),
    });
  });
  afterAll(() => hub?.close());

  it('does not exist: GET /dev/personas and POST /dev/token are 404, and the API still answers', async () => {
    const headers = { 'x-forwarded-proto': 'https', 'content-type': 'application/json' };
    const personas = await fetch(`${hub.url}/dev/personas`, { headers });
    expect(personas.status).toBe(404);
    expect(await personas.json()).toEqual({ error: 'not found' });
    const minted = await fetch(`${hub.url}/dev/token`, { method: 'POST', headers, body: JSON.stringify({ userId: userId(PERSONAS.vendorAdmin) }) });
    expect(minted.status).toBe(404);
    expect(await minted.text()).not.toMatch(/eyJ/);
    const viewer = await (await hub.as(PERSONAS.vendorAdmin)).data<{ viewer: { role: string } }>('{ viewer { role } }');
    expect(viewer.viewer.role).toBe('VENDOR_ADMIN');
  });
});
