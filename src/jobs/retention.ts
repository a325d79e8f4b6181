import { DataSource, EntityManager, In } from 'typeorm';
import { ActorType, AuditOutcome, UserStatus } from '../common/enums';
import { newId } from '../common/ids';
import { SecretBox } from '../common/secret-box';
import { forUpdate, inTransaction } from '../common/transaction';
import { Activation } from '../modules/activation/activation.entity';
import { AuditEvent } from '../modules/audit/audit-event.entity';
import { Computer } from '../modules/computer/computer.entity';
import { forgetIdempotencyAbout, purgeIdempotency } from '../modules/idempotency/idempotency.service';
import { License } from '../modules/license/license.entity';
import { PortalUser } from '../modules/user/portal-user.entity';
import { PURPOSE_LICENSE_MANAGEMENT } from '../policy/audit-reads';

/**
 * P7, GDPR Art. 5(1)(e) and 17: the retention job. Each person and each computer has a
 * deadline; past it, the job pseudonymizes them (names, e-mails, phones, host ids, computer
 * names) and keeps the license and activation records intact under the pseudonyms. The rules
 * and their reasons are in docs/privacy.md.
 *
 * It works in batches, each one transaction that reads, decides and writes, so a run can be
 * interrupted at any point and the next run finishes the work; what is already erased is
 * never counted again. Its clock is an argument (`now`): the hub passes the request's
 * instant, the command line the real clock, tests whatever they need.
 */

/** Records of sale: HGB § 257(4), AO § 147(3): ten years. RETENTION_YEARS overrides it. */
export const DEFAULT_RETENTION_YEARS = 10;
export const DEFAULT_BATCH_SIZE = 200;

export function retentionYearsFrom(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.RETENTION_YEARS;
  if (raw === undefined || raw === '') return DEFAULT_RETENTION_YEARS;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 100) throw new Error('RETENTION_YEARS must be an integer from 0 to 100');
  return n;
}

// ---------------------------------------------------------------------------------------------
// Deadlines (pure)
// ---------------------------------------------------------------------------------------------

export type LicenseFacts = Pick<License, 'id' | 'validFrom' | 'validUntil' | 'revokedAt' | 'lapsedAt' | 'allocatedAt'>;
export type ActivationFacts = Pick<Activation, 'id' | 'licenseId' | 'activatedAt' | 'deactivatedAt'>;

const latest = (dates: Date[]): Date => new Date(Math.max(...dates.map((d) => d.getTime())));
const earliest = (dates: Date[]): Date => new Date(Math.min(...dates.map((d) => d.getTime())));

/**
 * When a license stopped being valid for one tie (a person or a computer), or null while it
 * has not. Its end is the first of validUntil, revocation and lapse. A perpetual license with
 * none of these counts as not ended while an activation of it is active for that tie (on that
 * computer, by that person; for its licensee, anywhere); once none is, it ended with the last
 * deactivation, or, never activated, when it was allocated.
 */
export function licenseEnd(license: LicenseFacts, activations: readonly ActivationFacts[]): Date | null {
  const explicit = [license.validUntil, license.revokedAt, license.lapsedAt].filter((d): d is Date => !!d);
  if (explicit.length) return earliest(explicit);
  if (activations.some((a) => !a.deactivatedAt)) return null;
  return latest([license.allocatedAt ?? license.validFrom, ...activations.map((a) => a.deactivatedAt!)]);
}

/** The same calendar date `years` later (29 February becomes 1 March), in UTC. */
export function addYears(d: Date, years: number): Date {
  const out = new Date(d.getTime());
  out.setUTCFullYear(out.getUTCFullYear() + years);
  return out;
}

export interface Deadline {
  /** null: kept (no deadline yet). */
  deadline: Date | null;
  reason: string;
}

/** A license and the activations that tie it to one person or computer. */
export interface Tie {
  license: LicenseFacts;
  activations: ActivationFacts[];
}

/** Latest end of the tied licenses + the statutory period; null while any tied license is in force. */
function deadlineOfTies(ties: readonly Tie[], years: number): Deadline {
  const ends = ties.map((t) => licenseEnd(t.license, t.activations));
  if (ends.some((e) => e === null)) return { deadline: null, reason: 'a license tied to it is in force' };
  return { deadline: addYears(latest(ends as Date[]), years), reason: `the licenses tied to it ended; ${years}-year statutory period` };
}

/**
 * A person's deadline. With a license tie: the ties decide. Without one there is no statutory
 * period: a person who withdrew consent is due at the withdrawal; anyone else (ACTIVE, also the
 * vendor's own staff; DISABLED, whom their organization may enable again) is kept.
 */
export function personDeadline(person: Pick<PortalUser, 'status' | 'consentWithdrawnAt'>, ties: readonly Tie[], years: number): Deadline {
  if (ties.length) return deadlineOfTies(ties, years);
  if (person.status === UserStatus.WITHDRAWN && person.consentWithdrawnAt) {
    return { deadline: person.consentWithdrawnAt, reason: 'consent withdrawn; no license tie, so no statutory period' };
  }
  return { deadline: null, reason: 'no license tie and no withdrawal' };
}

/** A computer's deadline. One without any activation serves no purpose: due since it was created. */
export function computerDeadline(computer: Pick<Computer, 'createdAt'>, ties: readonly Tie[], years: number): Deadline {
  if (ties.length) return deadlineOfTies(ties, years);
  return { deadline: computer.createdAt, reason: 'no activation ever: no purpose, no statutory period' };
}

/** Deterministic, so a repeated or resumed run writes the same values; unique, because keyed by id. */
export function pseudonym(secrets: SecretBox, type: 'PortalUser' | 'Computer', id: string): string {
  return `erased-${secrets.digest(`retention:pseudonym:${type}:${id}`).slice(0, 16)}`;
}

export const pseudonymEmail = (secrets: SecretBox, id: string) => `${pseudonym(secrets, 'PortalUser', id)}@erased.invalid`;

// ---------------------------------------------------------------------------------------------
// The run
// ---------------------------------------------------------------------------------------------

export interface RetentionActor {
  type: ActorType;
  /** The user (runRetention) or null (the command line's SYSTEM actor). */
  id: string | null;
  organizationId: string | null;
}

export interface RetentionOptions {
  dataSource: DataSource;
  secrets: SecretBox;
  /** The job's clock: the instant every deadline is compared with (startedAt); finishedAt adds the time the run took. */
  now: Date;
  dryRun: boolean;
  actor: RetentionActor;
  requestId: string;
  /** The client's x-request-id when run through the API. */
  clientRequestId?: string | null;
  years?: number;
  batchSize?: number;
  /** After each committed batch (tests interrupt a run here). */
  afterBatch?: (batch: { kind: 'people' | 'computers'; number: number; erased: number }) => void | Promise<void>;
}

export interface RetentionItem {
  subjectType: 'PortalUser' | 'Computer';
  id: string;
  deadline: Date;
  reason: string;
}

export interface RetentionReport {
  dryRun: boolean;
  /** People past their deadline: erased by this run, or, in a dry run, that would be. */
  people: number;
  computers: number;
  startedAt: Date;
  finishedAt: Date;
  retentionYears: number;
  items: RetentionItem[];
}

/** What a batch holds about its rows: id and what the deadline needs. */
type Due<E> = { row: E; deadline: Deadline };

export async function runRetention(options: RetentionOptions): Promise<RetentionReport> {
  const years = options.years ?? retentionYearsFrom();
  const size = options.batchSize ?? DEFAULT_BATCH_SIZE;
  const startedAt = options.now;
  const asOf = startedAt.getTime();
  const wall = Date.now();
  const run = new RunRecord(options, startedAt, years);
  const items: RetentionItem[] = [];
  const isDue = (d: Deadline): d is { deadline: Date; reason: string } => d.deadline !== null && d.deadline.getTime() <= asOf;
  // Expired Idempotency-Key records are worthless and name people: a real run deletes them.
  if (!options.dryRun) await inTransaction(options.dataSource, (manager) => purgeIdempotency(manager, startedAt));

  for (const kind of ['people', 'computers'] as const) {
    let after = '';
    for (let number = 1; ; number++) {
      const batch = await inBatch(options, run, async (manager) => {
        if (kind === 'people') {
          const people = await nextPeople(manager, after, size, !options.dryRun);
          const due = (await peopleDeadlines(manager, people, years)).filter((d) => isDue(d.deadline));
          let erased: Due<PortalUser>[] = due;
          if (!options.dryRun) {
            erased = await erasePeople(manager, options.secrets, due);
            await forgetIdempotencyAbout(
              manager,
              erased.map((d) => d.row.id),
            );
          }
          await run.add(manager, erased.length, 0);
          return { last: people.at(-1)?.id, items: erased.map((d) => item('PortalUser', d.row.id, d.deadline)) };
        }
        const computers = await nextComputers(manager, after, size, !options.dryRun);
        const pending = computers.filter((c) => c.hostId !== pseudonym(options.secrets, 'Computer', c.id));
        const due = (await computerDeadlines(manager, pending, years)).filter((d) => isDue(d.deadline));
        let erased: Due<Computer>[] = due;
        if (!options.dryRun) {
          erased = await eraseComputers(manager, options.secrets, due);
          await forgetIdempotencyAbout(
            manager,
            erased.map((d) => d.row.id),
          );
        }
        await run.add(manager, 0, erased.length);
        return { last: computers.at(-1)?.id, items: erased.map((d) => item('Computer', d.row.id, d.deadline)) };
      });
      items.push(...batch.items);
      if (!batch.last) break;
      after = batch.last;
      await options.afterBatch?.({ kind, number, erased: batch.items.length });
    }
  }

  const finishedAt = new Date(asOf + (Date.now() - wall));
  await inBatch(options, run, (manager) => run.finish(manager, finishedAt), true);
  return {
    dryRun: options.dryRun,
    people: items.filter((i) => i.subjectType === 'PortalUser').length,
    computers: items.filter((i) => i.subjectType === 'Computer').length,
    startedAt,
    finishedAt,
    retentionYears: years,
    items,
  };
}

function item(subjectType: RetentionItem['subjectType'], id: string, d: Deadline): RetentionItem {
  return { subjectType, id, deadline: d.deadline!, reason: d.reason };
}

/**
 * A real run's batch is a transaction; a dry run only reads (its one audit write is its own
 * transaction). A transaction that inTransaction runs again (a deadlock) starts from the run
 * record's counts as they were before the batch, not from those of its failed attempt.
 */
function inBatch<T>(options: RetentionOptions, run: RunRecord, work: (manager: EntityManager) => Promise<T>, write = false): Promise<T> {
  if (options.dryRun && !write) return work(options.dataSource.manager);
  const before = run.mark();
  return inTransaction(options.dataSource, (manager) => {
    run.rewind(before);
    return work(manager);
  });
}

async function nextPeople(manager: EntityManager, after: string, size: number, lock: boolean): Promise<PortalUser[]> {
  const ids: { id: string }[] = await manager.query(`SELECT id FROM \`portal_user\` WHERE id > ? AND status <> ? ORDER BY id LIMIT ?${lock ? forUpdate(manager) : ''}`, [
    after,
    UserStatus.ERASED,
    size,
  ]);
  if (!ids.length) return [];
  return manager.find(PortalUser, { where: { id: In(ids.map((r) => String(r.id))) }, order: { id: 'ASC' } });
}

async function nextComputers(manager: EntityManager, after: string, size: number, lock: boolean): Promise<Computer[]> {
  const ids: { id: string }[] = await manager.query(`SELECT id FROM \`computer\` WHERE id > ? ORDER BY id LIMIT ?${lock ? forUpdate(manager) : ''}`, [after, size]);
  if (!ids.length) return [];
  return manager.find(Computer, { where: { id: In(ids.map((r) => String(r.id))) }, order: { id: 'ASC' } });
}

async function licensesById(manager: EntityManager, ids: string[]): Promise<Map<string, License>> {
  const unique = [...new Set(ids)];
  if (!unique.length) return new Map();
  return new Map((await manager.findBy(License, { id: In(unique) })).map((l) => [l.id, l]));
}

/** A person's ties: the licenses they are licensee of, and those they activated. */
async function peopleDeadlines(manager: EntityManager, people: PortalUser[], years: number): Promise<Due<PortalUser>[]> {
  if (!people.length) return [];
  const ids = people.map((p) => p.id);
  const asLicensee = await manager.findBy(License, { licenseeId: In(ids) });
  const byThem = await manager.findBy(Activation, { activatedById: In(ids) });
  // A licensee's perpetual license is in force while any activation of it is active.
  const ofTheirLicenses = asLicensee.length ? await manager.findBy(Activation, { licenseId: In(asLicensee.map((l) => l.id)) }) : [];
  const licenses = await licensesById(
    manager,
    byThem.map((a) => a.licenseId),
  );
  return people.map((person) => {
    const ties = new Map<string, Tie>();
    for (const l of asLicensee.filter((x) => x.licenseeId === person.id)) {
      ties.set(l.id, { license: l, activations: ofTheirLicenses.filter((a) => a.licenseId === l.id) });
    }
    for (const a of byThem.filter((x) => x.activatedById === person.id)) {
      const tie = ties.get(a.licenseId);
      if (tie) {
        if (!tie.activations.some((b) => b.id === a.id)) tie.activations.push(a);
      } else {
        ties.set(a.licenseId, { license: licenses.get(a.licenseId)!, activations: [a] });
      }
    }
    return { row: person, deadline: personDeadline(person, [...ties.values()], years) };
  });
}

/** A computer's ties: the licenses activated on it, each with its activations on that computer. */
async function computerDeadlines(manager: EntityManager, computers: Computer[], years: number): Promise<Due<Computer>[]> {
  if (!computers.length) return [];
  const activations = await manager.findBy(Activation, { computerId: In(computers.map((c) => c.id)) });
  const licenses = await licensesById(
    manager,
    activations.map((a) => a.licenseId),
  );
  return computers.map((computer) => {
    const ties = new Map<string, Tie>();
    for (const a of activations.filter((x) => x.computerId === computer.id)) {
      const tie = ties.get(a.licenseId) ?? { license: licenses.get(a.licenseId)!, activations: [] };
      tie.activations.push(a);
      ties.set(a.licenseId, tie);
    }
    return { row: computer, deadline: computerDeadline(computer, [...ties.values()], years) };
  });
}

/** Pseudonyms for name and e-mail, no phone, status ERASED; the row and every reference to it stay. */
async function erasePeople(manager: EntityManager, secrets: SecretBox, due: Due<PortalUser>[]): Promise<Due<PortalUser>[]> {
  const done: Due<PortalUser>[] = [];
  for (const d of due) {
    const result = await manager
      .createQueryBuilder()
      .update(PortalUser)
      .set({ name: pseudonym(secrets, 'PortalUser', d.row.id), email: pseudonymEmail(secrets, d.row.id), phone: null, status: UserStatus.ERASED })
      .where('id = :id AND status <> :erased', { id: d.row.id, erased: UserStatus.ERASED })
      .execute();
    if (result.affected) done.push(d);
  }
  return done;
}

/** Pseudonyms for name and host id; OS, owner and activations stay. */
async function eraseComputers(manager: EntityManager, secrets: SecretBox, due: Due<Computer>[]): Promise<Due<Computer>[]> {
  const done: Due<Computer>[] = [];
  for (const d of due) {
    const alias = pseudonym(secrets, 'Computer', d.row.id);
    const result = await manager.createQueryBuilder().update(Computer).set({ name: alias, hostId: alias }).where('id = :id AND hostId <> :alias', { id: d.row.id, alias }).execute();
    if (result.affected) done.push(d);
  }
  return done;
}

/**
 * The run's one audit event (action retention.run, subject type Retention). A real run writes it
 * with its first erasure, in that batch's transaction, and brings its counts up to date in every
 * later batch's, so the record matches what was erased at every commit, even when the run is
 * interrupted (then it says complete: false). A run that erases nothing writes it at the end.
 */
class RunRecord {
  private readonly id: string;
  private people = 0;
  private computers = 0;
  private written = false;

  constructor(
    private readonly options: RetentionOptions,
    private readonly startedAt: Date,
    private readonly years: number,
  ) {
    this.id = newId(startedAt);
  }

  /** The counts and whether the audit event exists, as committed so far (see inBatch). */
  mark(): { people: number; computers: number; written: boolean } {
    return { people: this.people, computers: this.computers, written: this.written };
  }

  rewind(to: { people: number; computers: number; written: boolean }): void {
    ({ people: this.people, computers: this.computers, written: this.written } = to);
  }

  async add(manager: EntityManager, people: number, computers: number): Promise<void> {
    this.people += people;
    this.computers += computers;
    if (!this.options.dryRun && people + computers > 0) await this.save(manager, null);
  }

  finish(manager: EntityManager, finishedAt: Date): Promise<void> {
    return this.save(manager, finishedAt);
  }

  private detail(finishedAt: Date | null): string {
    return JSON.stringify({
      dryRun: this.options.dryRun,
      people: this.people,
      computers: this.computers,
      retentionYears: this.years,
      startedAt: this.startedAt.toISOString(),
      finishedAt: finishedAt?.toISOString() ?? null,
      complete: finishedAt !== null,
    });
  }

  private fields(): string[] {
    if (this.options.dryRun) return [];
    return [...(this.people ? ['PortalUser.email', 'PortalUser.name', 'PortalUser.phone'] : []), ...(this.computers ? ['Computer.hostId', 'Computer.name'] : [])];
  }

  private async save(manager: EntityManager, finishedAt: Date | null): Promise<void> {
    if (this.written) {
      await manager.update(AuditEvent, { id: this.id }, { detail: this.detail(finishedAt), fields: this.fields() });
      return;
    }
    const { actor, requestId, clientRequestId } = this.options;
    await manager.insert(AuditEvent, {
      id: this.id,
      at: this.startedAt,
      requestId,
      clientRequestId: clientRequestId ?? null,
      actorType: actor.type,
      actorId: actor.id,
      actorOrganizationId: actor.organizationId,
      action: 'retention.run',
      subjectType: 'Retention',
      subjectId: this.id,
      fields: this.fields(),
      purpose: PURPOSE_LICENSE_MANAGEMENT,
      outcome: AuditOutcome.ALLOWED,
      detail: this.detail(finishedAt),
    });
    this.written = true;
  }
}
