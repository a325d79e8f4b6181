import { computerId, DISTRIBUTOR_SLUGS, HARBOR, PERSONAS, userId } from '../../seeds/personas';
import { ActorType } from '../../src/common/enums';
import { SecretBox } from '../../src/common/secret-box';
import { loadConfig } from '../../src/config';
import { runRetention, RetentionOptions } from '../../src/jobs/retention';
import { AuditEvent } from '../../src/modules/audit/audit-event.entity';
import { seededDatabase, TestDatabase } from '../helpers/database';
import { snapshot, tableRows } from '../helpers/table-snapshot';

/** The job itself, on a real database: batches, interruption, resumption, idempotency. */
describe('the retention job', () => {
  let db: TestDatabase;
  let options: Omit<RetentionOptions, 'dryRun'>;
  // 10 years after the subscriptions of the seed world ended (2027-12-31).
  const in2040 = new Date('2040-01-01T00:00:00.000Z');
  const due = [userId('user@harbor.example'), ...DISTRIBUTOR_SLUGS.map((s) => computerId(`${s}-c1`, 2)), computerId(HARBOR, 1), computerId(HARBOR, 2)].sort();

  beforeAll(async () => {
    db = await seededDatabase('retention_job');
    options = {
      dataSource: db.dataSource,
      secrets: new SecretBox(loadConfig(db.env).secretsKey),
      now: in2040,
      actor: { type: ActorType.SYSTEM, id: null, organizationId: null },
      requestId: 'retention-job-test',
      years: 10,
      batchSize: 3,
    };
  });
  afterAll(() => db.dataSource.destroy());

  const runEvents = () => db.dataSource.getRepository(AuditEvent).find({ where: { action: 'retention.run' }, order: { id: 'ASC' } });

  it('uses the statutory period it is given: with none, the subscriptions are due the instant they ended, not before', async () => {
    const atEnd = await runRetention({ ...options, dryRun: true, years: 0, now: new Date('2027-12-31T00:00:00.000Z') });
    expect(atEnd).toMatchObject({ retentionYears: 0 });
    expect(atEnd.items.map((i) => i.id).sort()).toEqual(due);
    const before = await runRetention({ ...options, dryRun: true, years: 0, now: new Date('2027-12-30T23:59:59.999Z') });
    expect(before).toMatchObject({ people: 0, computers: 0 });
  });

  it('changes nothing in a dry run but its one audit event, and lists what is due', async () => {
    const before = await snapshot(db.dataSource);
    const report = await runRetention({ ...options, dryRun: true });
    expect(report.items.map((i) => i.id).sort()).toEqual(due);
    const after = await snapshot(db.dataSource);
    expect({ ...after, audit_event: undefined }).toEqual({ ...before, audit_event: undefined });
    expect(after.audit_event.rows).toBe(before.audit_event.rows + 1);
  });

  it('can be interrupted between batches: what was committed is erased and recorded, and the next run finishes the work', async () => {
    const erasedBefore = (await runEvents()).length;
    let batches = 0;
    await expect(
      runRetention({
        ...options,
        dryRun: false,
        afterBatch: ({ kind }) => {
          if (kind === 'computers' && ++batches === 6) throw new Error('interrupted');
        },
      }),
    ).rejects.toThrow('interrupted');

    const events = await runEvents();
    expect(events).toHaveLength(erasedBefore + 1);
    const partial = JSON.parse(events.at(-1)!.detail!);
    expect(partial).toMatchObject({ dryRun: false, complete: false, finishedAt: null });
    const firstPart = partial.people + partial.computers;
    expect(firstPart).toBeGreaterThan(0);
    expect(firstPart).toBeLessThan(due.length);

    const rest = await runRetention({ ...options, dryRun: false, batchSize: 4 });
    expect(rest.people + rest.computers).toBe(due.length - firstPart);
    expect(JSON.parse((await runEvents()).at(-1)!.detail!)).toMatchObject({ complete: true, people: rest.people, computers: rest.computers });

    const users = await tableRows(db.dataSource, 'portal_user');
    expect(users.filter((r) => r.includes('"ERASED"'))).toHaveLength(1);
    expect(users.find((r) => r.includes(userId('user@harbor.example')))).toContain('erased-');
    expect(users.find((r) => r.includes(userId(PERSONAS.vendorAdmin)))).toContain('"ACTIVE"');
  });

  it('is idempotent: a further run, of any batch size, finds nothing and writes nothing but its event', async () => {
    const before = await snapshot(db.dataSource);
    for (const batchSize of [1, 200]) {
      const report = await runRetention({ ...options, dryRun: false, batchSize });
      expect(report).toMatchObject({ people: 0, computers: 0, items: [] });
    }
    const after = await snapshot(db.dataSource);
    expect({ ...after, audit_event: undefined }).toEqual({ ...before, audit_event: undefined });
  });
});
