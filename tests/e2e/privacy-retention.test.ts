import { execFile } from 'node:child_process';
import path from 'node:path';
import { computerId, DISTRIBUTOR_SLUGS, HARBOR, licenseId, PERSONAS, userId } from '../../seeds/personas';
import { toGlobalId } from '../../src/common/global-id';
import { SecretBox } from '../../src/common/secret-box';
import { pseudonym, pseudonymEmail } from '../../src/jobs/retention';
import { AuditEvent } from '../../src/modules/audit/audit-event.entity';
import { Computer } from '../../src/modules/computer/computer.entity';
import { PortalUser } from '../../src/modules/user/portal-user.entity';
import { createApiKey } from '../helpers/api-keys';
import { codes, TestHub } from '../helpers/hub';
import { tableRows } from '../helpers/table-snapshot';

/** dist/scripts/retention.js, next to this file's dist/tests/e2e/. */
const RETENTION_SCRIPT = path.resolve(__dirname, '..', '..', 'scripts', 'retention.js');

const RUN = `mutation($input: RunRetentionInput!) { runRetention(input: $input) { report { dryRun people computers startedAt finishedAt retentionYears items { subjectType subjectId deadline reason } } } }`;
const WITHDRAW = `mutation($input: WithdrawConsentInput!) { withdrawConsent(input: $input) { user { status } } }`;

interface Item {
  subjectType: string;
  subjectId: string;
  deadline: string;
  reason: string;
}

function runCli(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [RETENTION_SCRIPT, ...args], { env, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

const person = (email: string) => toGlobalId('PortalUser', userId(email));
const computer = (cslug: string, n: number) => toGlobalId('Computer', computerId(cslug, n));
const sorted = (items: Item[], type: string) =>
  items
    .filter((i) => i.subjectType === type)
    .map((i) => i.subjectId)
    .sort();

/**
 * Who is due when, counted from the seed world (seeds/personas.ts, LICENSE_CASES) with the
 * default statutory period of 10 years:
 * - user@<c1>: licensee of perpetual license 5, active on c1's computer 1: in force, kept.
 * - user@<c2>: activated perpetual license 9, still active on both of c2's computers: kept.
 * - user@harbor: activated only license 10 of rhein and of mumbai (subscriptions to 2027-12-31): due 2037-12-31.
 * - computer 2 of every <c1>: only license 6 (subscription to 2027-12-31): due 2037-12-31 (11 computers).
 * - harbor's computers 1 and 2: license 10 of rhein / mumbai: due 2037-12-31.
 * - computer 1 of <c1> (license 5, perpetual, active) and both of <c2> (license 9 active): kept.
 * - everyone else (admins, distributor and vendor users) has no license tie and consent: kept.
 */
const SEED_DUE_2038 = {
  people: [person('user@harbor.example')],
  computers: [...DISTRIBUTOR_SLUGS.map((d) => computer(`${d}-c1`, 2)), computer(HARBOR, 1), computer(HARBOR, 2)],
};

describe('retention (P7): runRetention and npm run retention', () => {
  let hub: TestHub;
  let secrets: SecretBox;

  beforeAll(async () => {
    hub = await TestHub.start('privacy_retention');
    secrets = new SecretBox(hub.config.secretsKey);
  });
  afterAll(() => hub?.close());

  const at = (iso: string | Date) => {
    hub.now = new Date(iso);
  };
  const dpo = () => hub.as(PERSONAS.privacyOfficer);
  const run = async (dryRun: boolean) => (await (await dpo()).data(RUN, { input: { dryRun } })).runRetention.report;
  const kept = async () => ({
    license: await tableRows(hub.dataSource, 'license'),
    activation: await tableRows(hub.dataSource, 'activation'),
    api_key: await tableRows(hub.dataSource, 'api_key'),
  });
  const people = () => tableRows(hub.dataSource, 'portal_user');
  const computers = () => tableRows(hub.dataSource, 'computer');
  const runEvents = () => hub.dataSource.getRepository(AuditEvent).find({ where: { action: 'retention.run' }, order: { id: 'ASC' } });

  it('finds nothing past its deadline in the seed world today, and records the dry run', async () => {
    const report = await run(true);
    expect(report).toMatchObject({ dryRun: true, people: 0, computers: 0, retentionYears: 10, items: [], startedAt: hub.now.toISOString() });
    const [event] = await runEvents();
    expect(event).toMatchObject({ actorId: userId(PERSONAS.privacyOfficer), subjectType: 'Retention', fields: [] });
    expect(JSON.parse(event.detail!)).toMatchObject({ dryRun: true, people: 0, computers: 0, complete: true });
  });

  it('refuses runRetention to everyone but the PRIVACY_OFFICER, and to API keys: FORBIDDEN, nothing written', async () => {
    const before = await runEvents();
    for (const email of [PERSONAS.vendorAdmin, PERSONAS.vendorStaff, PERSONAS.distributors.rhein.admin, 'admin@rhein-c1.example', 'user@rhein-c1.example']) {
      const r = await (await hub.as(email)).gql(RUN, { input: { dryRun: true } });
      expect(`${email}: ${codes(r)}`).toBe(`${email}: FORBIDDEN`);
      expect(r.body.data).toEqual({ runRetention: null });
    }
    const { secret } = await createApiKey(hub.dataSource, { org: 'mobotix', scopes: ['customers:read', 'licenses:read', 'licenses:write', 'personal_data:read'] });
    expect(codes(await hub.withToken(secret).gql(RUN, { input: { dryRun: false } }))).toEqual(['FORBIDDEN']);
    expect(await runEvents()).toEqual(before);
  });

  it('npm run retention -- --dry-run prints what would be erased and changes nothing; without it, erases; then nothing is left', async () => {
    // The command line runs on the real clock: bring the hub's to it.
    at(new Date());
    const withdrawn = userId('admin@alpen-c2.example');
    const r = await (await dpo()).data(WITHDRAW, { input: { userId: person('admin@alpen-c2.example'), receivedAt: new Date(hub.now.getTime() - 3600_000).toISOString() } });
    expect(r.withdrawConsent.user.status).toBe('WITHDRAWN');

    const before = { people: await people(), computers: await computers(), ...(await kept()) };
    const dry = await runCli(['--dry-run'], hub.env);
    expect(dry.stderr).toBe('');
    expect(dry.code).toBe(0);
    const lines = dry.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^retention dry run at \S+ \(statutory period 10 years\): would erase 1 person and 0 computers$/);
    expect(lines.slice(1)).toEqual([expect.stringMatching(new RegExp(`^PortalUser\\t${withdrawn}\\tdeadline \\S+\\tconsent withdrawn`))]);
    expect(dry.stdout).not.toContain('alpen-c2.example'); // ids, not personal values, on the terminal
    expect({ people: await people(), computers: await computers(), ...(await kept()) }).toEqual(before);

    const real = await runCli(['--batch-size', '7'], hub.env);
    expect(real.code).toBe(0);
    expect(real.stdout.split('\n')[0]).toMatch(/: erased 1 person and 0 computers$/);
    const erased = await hub.dataSource.getRepository(PortalUser).findOneByOrFail({ id: withdrawn });
    expect(erased).toMatchObject({ status: 'ERASED', name: pseudonym(secrets, 'PortalUser', withdrawn), email: pseudonymEmail(secrets, withdrawn), phone: null });
    expect(erased.email).toMatch(/^erased-[0-9a-f]{16}@erased\.invalid$/);
    const [event] = (await runEvents()).filter((e) => e.actorType === 'SYSTEM' && JSON.parse(e.detail!).dryRun === false);
    expect(event).toMatchObject({ actorType: 'SYSTEM', actorId: null, fields: ['PortalUser.email', 'PortalUser.name', 'PortalUser.phone'] });
    expect(JSON.parse(event.detail!)).toMatchObject({ dryRun: false, people: 1, computers: 0, complete: true });
    expect(await kept()).toEqual({ license: before.license, activation: before.activation, api_key: before.api_key });

    const again = await runCli(['--dry-run'], hub.env);
    expect(again.stdout).toMatch(/would erase 0 people and 0 computers\n$/);
  });

  it('erases exactly the records past their deadline and not one more, keeping licenses and activations under the pseudonyms', async () => {
    // A licensee withdraws: license 5 of rhein lapses now, which starts its clock.
    at('2026-11-28T12:00:00.000Z');
    expect((await (await hub.as('user@rhein-c1.example')).data(WITHDRAW, { input: {} })).withdrawConsent.user.status).toBe('WITHDRAWN');
    const due = {
      people: [...SEED_DUE_2038.people, person('user@rhein-c1.example')].sort(),
      // rhein-c1's computer 1 now holds only the lapsed license 5 and license 6 (to 2027-12-31).
      computers: [...SEED_DUE_2038.computers, computer('rhein-c1', 1)].sort(),
    };

    at('2037-12-30T23:59:59.000Z');
    expect(await run(true)).toMatchObject({ people: 0, computers: 0, items: [] });

    at('2040-01-01T00:00:00.000Z');
    const before = { people: await people(), computers: await computers(), ...(await kept()) };
    const dry = await run(true);
    expect({ people: dry.people, computers: dry.computers }).toEqual({ people: 2, computers: 14 });
    expect(sorted(dry.items, 'PortalUser')).toEqual(due.people);
    expect(sorted(dry.items, 'Computer')).toEqual(due.computers);
    expect(new Set(dry.items.map((i: Item) => i.deadline))).toEqual(new Set(['2037-12-31T00:00:00.000Z']));
    expect({ people: await people(), computers: await computers(), ...(await kept()) }).toEqual(before);

    const real = await run(false);
    expect(real).toMatchObject({ dryRun: false, people: 2, computers: 14, startedAt: hub.now.toISOString() });
    expect(sorted(real.items, 'PortalUser')).toEqual(due.people);
    expect(sorted(real.items, 'Computer')).toEqual(due.computers);

    // Exactly those rows changed, to pseudonyms; licenses, activations and keys not at all.
    const users = await hub.dataSource.getRepository(PortalUser).find();
    const erasedUsers = users
      .filter((u) => u.status === 'ERASED')
      .map((u) => toGlobalId('PortalUser', u.id))
      .sort();
    expect(erasedUsers).toEqual([...due.people, person('admin@alpen-c2.example')].sort());
    for (const u of users.filter((x) => due.people.includes(toGlobalId('PortalUser', x.id)))) {
      expect(u).toMatchObject({ name: pseudonym(secrets, 'PortalUser', u.id), email: pseudonymEmail(secrets, u.id), phone: null });
    }
    const machines = await hub.dataSource.getRepository(Computer).find();
    const changed = machines
      .filter((c) => c.hostId.startsWith('erased-'))
      .map((c) => toGlobalId('Computer', c.id))
      .sort();
    expect(changed).toEqual(due.computers);
    for (const c of machines.filter((x) => due.computers.includes(toGlobalId('Computer', x.id)))) {
      expect(c).toMatchObject({ name: pseudonym(secrets, 'Computer', c.id), hostId: pseudonym(secrets, 'Computer', c.id) });
      expect(c.os).toBeTruthy();
    }
    const others = (rows: string[]) => rows.filter((r) => !r.includes(userId('user@harbor.example')) && !r.includes(userId('user@rhein-c1.example')));
    expect(others(await people())).toEqual(others(before.people));
    expect(await kept()).toEqual({ license: before.license, activation: before.activation, api_key: before.api_key });

    // The distributor still sees its license and where it ran, under the pseudonym.
    const rhein = await hub.as(PERSONAS.distributors.rhein.admin);
    const seen = await rhein.data(`query($id: ID!) { license(id: $id) { status seats activations { nodes { computer { name hostId os } activatedBy { name email status } } } } }`, {
      id: toGlobalId('License', licenseId('rhein', 10)),
    });
    expect(seen.license.activations.nodes[0]).toEqual({
      computer: { name: pseudonym(secrets, 'Computer', computerId(HARBOR, 1)), hostId: pseudonym(secrets, 'Computer', computerId(HARBOR, 1)), os: 'Windows Server 2022' },
      activatedBy: { name: pseudonym(secrets, 'PortalUser', userId('user@harbor.example')), email: pseudonymEmail(secrets, userId('user@harbor.example')), status: 'ERASED' },
    });
    // The vendor's own people have no license tie and are kept.
    expect((await (await hub.as(PERSONAS.vendorAdmin)).gql(`{ viewer { role } }`)).status).toBe(200);

    const event = (await runEvents()).at(-1)!;
    expect(event).toMatchObject({ actorId: userId(PERSONAS.privacyOfficer), subjectType: 'Retention', at: hub.now });
    expect(JSON.parse(event.detail!)).toMatchObject({ dryRun: false, people: 2, computers: 14, retentionYears: 10, complete: true });

    // Idempotent: a second run finds nothing.
    expect(await run(false)).toMatchObject({ people: 0, computers: 0, items: [] });
    expect(await run(true)).toMatchObject({ people: 0, computers: 0 });
  });

  it('starts the clock of a perpetual license when it stops being in use: due ten years after the lapse, not a day before', async () => {
    at('2040-06-01T00:00:00.000Z');
    // On behalf of the licensee of vigilancia's perpetual license 5, active on vigilancia-c1's computer 1.
    await (await dpo()).data(WITHDRAW, { input: { userId: person('user@vigilancia-c1.example'), receivedAt: hub.now.toISOString() } });

    at('2050-05-31T23:59:59.000Z');
    expect(await run(true)).toMatchObject({ people: 0, computers: 0 });
    at('2050-06-02T00:00:00.000Z');
    const report = await run(false);
    expect(report).toMatchObject({ people: 1, computers: 1 });
    expect(report.items.map((i: Item) => [i.subjectType, i.subjectId, i.deadline])).toEqual([
      ['PortalUser', person('user@vigilancia-c1.example'), '2050-06-01T00:00:00.000Z'],
      ['Computer', computer('vigilancia-c1', 1), '2050-06-01T00:00:00.000Z'],
    ]);
    expect(await run(false)).toMatchObject({ people: 0, computers: 0 });
  });
});
