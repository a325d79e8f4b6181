import { PERSONAS, userId } from '../../seeds/personas';
import { createHub, Hub } from '../../src/http/hub-server';
import { loadConfig } from '../../src/config';
import { issueUserToken } from '../../src/context/authenticate';
import { PortalUser } from '../../src/modules/user/portal-user.entity';
import { ON_MYSQL, seededDatabase } from '../helpers/database';
import { Client, GraphQLResponse, TestHub } from '../helpers/hub';
import { ids, rowCount } from '../helpers/licenses';

/**
 * Issue #11, 2: stored Idempotency-Key records name people, so they do not outlive their use.
 * Expired ones are deleted by the hub's timer and by the retention job; a person's withdrawal
 * of consent or erasure deletes every record of their requests and every record naming them.
 */
const UPDATE_USER = `mutation($input: UpdateUserInput!) { updateUser(input: $input) { user { id name } } }`;
const UPDATE_MY_PROFILE = `mutation($input: UpdateMyProfileInput!) { updateMyProfile(input: $input) { user { id phone } } }`;
const WITHDRAW = `mutation($input: WithdrawConsentInput!) { withdrawConsent(input: $input) { user { id status } } }`;
const EXPORT = `mutation($input: ExportPersonalDataInput!) { exportPersonalData(input: $input) { subject { id } document } }`;
const RETENTION = `mutation($input: RunRetentionInput!) { runRetention(input: $input) { report { dryRun people items { subjectId } } } }`;

const withKey = (key: string) => ({ 'Idempotency-Key': key });
const replayed = (r: GraphQLResponse) => r.headers.get('idempotency-replayed');

describe(`Idempotency-Key records are purged (${ON_MYSQL ? 'MariaDB' : 'embedded database'})`, () => {
  let hub: TestHub;
  let admin: Client;
  let dpo: Client;
  /** Records of requests by the person, or whose outcome names them. */
  const recordsAbout = (email: string) => rowCount(hub.dataSource, 'idempotency_record', 'actorKey = ? OR subjects LIKE ?', [`USER:${userId(email)}`, `%,${userId(email)},%`]);
  const recordsWithKey = (key: string) => rowCount(hub.dataSource, 'idempotency_record', 'idempotencyKey = ?', [key]);

  beforeAll(async () => {
    hub = await TestHub.start('idempotency_purge');
    admin = await hub.as(PERSONAS.vendorAdmin);
    dpo = await hub.as(PERSONAS.privacyOfficer);
  });
  afterAll(() => hub?.close());

  it("a withdrawal of consent deletes the records of the person's requests and those naming them, and no other", async () => {
    const person = PERSONAS.customer('gulf-c1').admin;
    const other = PERSONAS.customer('gulf-c2').user;
    const own = await (await hub.as(person)).gql(UPDATE_MY_PROFILE, { input: { phone: '+971 4 555 0101' } }, withKey('own-profile'));
    expect(own.body.errors).toBeUndefined();
    const byAdmin = await admin.gql(UPDATE_USER, { input: { userId: ids.user(person), name: 'Layla Haddad' } }, withKey('rename-person'));
    expect(byAdmin.body.errors).toBeUndefined();
    const unrelated = await admin.gql(UPDATE_USER, { input: { userId: ids.user(other), name: 'Omar Farouk' } }, withKey('rename-other'));
    expect(unrelated.body.errors).toBeUndefined();
    expect(await recordsAbout(person)).toBe(2);
    // Until then the admin's retry is a replay.
    expect(replayed(await admin.gql(UPDATE_USER, { input: { userId: ids.user(person), name: 'Layla Haddad' } }, withKey('rename-person')))).toBe('true');

    const withdrawn = await dpo.gql(WITHDRAW, { input: { userId: ids.user(person) } });
    expect(withdrawn.body.errors).toBeUndefined();
    expect(withdrawn.body.data.withdrawConsent.user.status).toBe('WITHDRAWN');

    expect(await recordsAbout(person)).toBe(0);
    expect(await recordsWithKey('rename-other')).toBe(1);
    expect(await recordsAbout(other)).toBe(1);
  });

  it('an erasure by the retention job deletes the records naming the person (here a once-only export kept as "carried out")', async () => {
    const person = PERSONAS.customer('gulf-c2').admin;
    expect((await dpo.gql(WITHDRAW, { input: { userId: ids.user(person) } })).body.errors).toBeUndefined();
    const exported = await dpo.gql(EXPORT, { input: { userId: ids.user(person) } }, withKey('export-then-erase'));
    expect(exported.body.errors).toBeUndefined();
    expect(await recordsAbout(person)).toBe(1);
    const retry = await dpo.gql(EXPORT, { input: { userId: ids.user(person) } }, withKey('export-then-erase'));
    expect({ replayed: replayed(retry), code: retry.body.errors?.[0].extensions?.code, data: retry.body.data }).toEqual({ replayed: 'true', code: 'CONFLICT', data: undefined });

    // A dry run erases nothing and deletes nothing.
    const dry = await dpo.gql(RETENTION, { input: { dryRun: true } });
    expect(dry.body.data.runRetention.report.items.map((i: { subjectId: string }) => i.subjectId)).toContain(ids.user(person));
    expect(await recordsAbout(person)).toBe(1);

    const run = await dpo.gql(RETENTION, { input: { dryRun: false } });
    expect(run.body.errors).toBeUndefined();
    expect(run.body.data.runRetention.report.items.map((i: { subjectId: string }) => i.subjectId)).toContain(ids.user(person));
    const erased = await hub.dataSource.getRepository(PortalUser).findOneByOrFail({ id: userId(person) });
    expect(erased.status).toBe('ERASED');
    expect(await recordsAbout(person)).toBe(0);
  });

  it('a real retention run deletes the records older than the 24-hour window; a dry run keeps them', async () => {
    const rhein = await hub.as(PERSONAS.distributors.rhein.admin);
    const first = await rhein.gql(UPDATE_MY_PROFILE, { input: { phone: '+49 30 555 0199' } }, withKey('expires-by-retention'));
    expect(first.body.errors).toBeUndefined();
    const today = hub.now;
    try {
      hub.now = new Date(today.getTime() + 25 * 3600 * 1000);
      const officer = await hub.as(PERSONAS.privacyOfficer);
      const fresh = await (await hub.as(PERSONAS.distributors.rhein.admin)).gql(UPDATE_MY_PROFILE, { input: { phone: '+49 30 555 0198' } }, withKey('fresh-at-retention'));
      expect(fresh.body.errors).toBeUndefined();
      expect((await officer.gql(RETENTION, { input: { dryRun: true } })).body.errors).toBeUndefined();
      expect(await recordsWithKey('expires-by-retention')).toBe(1);
      expect((await officer.gql(RETENTION, { input: { dryRun: false } })).body.errors).toBeUndefined();
      expect(await recordsWithKey('expires-by-retention')).toBe(0);
      expect(await recordsWithKey('fresh-at-retention')).toBe(1);
    } finally {
      hub.now = today;
    }
  });
});

describe(`the hub's purge timer (${ON_MYSQL ? 'MariaDB' : 'embedded database'})`, () => {
  it('deletes expired Idempotency-Key records on its own, keeps the others, and stops with the hub', async () => {
    const db = await seededDatabase('idempotency_timer');
    const config = loadConfig(db.env);
    let now = new Date('2026-11-27T12:00:00.000Z');
    const hub: Hub = await createHub({ config, dataSource: db.dataSource, clock: () => now, idempotencyPurgeMs: 20 });
    const port = await hub.listen(0);
    const url = `http://127.0.0.1:${port}`;
    const count = async (key: string) => Number((await db.dataSource.query('SELECT COUNT(*) AS n FROM `idempotency_record` WHERE idempotencyKey = ?', [key]))[0].n);
    const asAdmin = async () => {
      const user = await db.dataSource.getRepository(PortalUser).findOneByOrFail({ email: PERSONAS.distributors.alpen.admin });
      return new Client(url, await issueUserToken(config, user.id, now));
    };
    try {
      const first = await (await asAdmin()).gql(UPDATE_MY_PROFILE, { input: { phone: '+41 44 555 0101' } }, withKey('expires-by-timer'));
      expect(first.body.errors).toBeUndefined();
      await new Promise((r) => setTimeout(r, 100));
      expect(await count('expires-by-timer')).toBe(1);

      now = new Date(now.getTime() + 25 * 3600 * 1000);
      const fresh = await (await asAdmin()).gql(UPDATE_MY_PROFILE, { input: { phone: '+41 44 555 0102' } }, withKey('fresh-at-timer'));
      expect(fresh.body.errors).toBeUndefined();
      for (let i = 0; i < 100 && (await count('expires-by-timer')) > 0; i++) await new Promise((r) => setTimeout(r, 20));
      expect(await count('expires-by-timer')).toBe(0);
      expect(await count('fresh-at-timer')).toBe(1);
    } finally {
      // close() stops the timer before the pool closes: no purge runs on a closed database.
      await hub.close();
    }
    expect(db.dataSource.isInitialized).toBe(false);
  });
});
