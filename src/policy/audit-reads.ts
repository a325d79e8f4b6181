import { ActorType, AuditOutcome } from '../common/enums';
import { newId } from '../common/ids';
import { RequestContext } from '../context/request-context';
import { sqlDate } from '../common/sql';
import { inTransaction } from '../common/transaction';

/** GDPR Art. 5(1)(b): the only purpose the hub reads personal data for (P3). */
export const PURPOSE_LICENSE_MANAGEMENT = 'LICENSE_MANAGEMENT';
/** GDPR Art. 12-22: the PRIVACY_OFFICER finding a data subject to answer their request (Query.users). */
export const PURPOSE_DATA_SUBJECT_REQUEST = 'DATA_SUBJECT_REQUEST';

/** A VENDOR_ADMIN seeing as another organization (See-As): the viewing and the reads it made. */
export const PURPOSE_SEE_AS = 'SEE_AS';

export interface Subject {
  type: string;
  id: string;
}

interface PendingRead {
  subject: Subject;
  fields: Set<string>;
  outcome: AuditOutcome;
  purpose: string;
}

/**
 * Collects the reads of personal data of one request: one event per subject and outcome,
 * listing the fields. Written in one statement at the end of the request, never per field.
 */
export class AuditReads {
  private readonly pending = new Map<string, PendingRead>();

  record(subject: Subject, field: string, outcome: AuditOutcome, purpose: string = PURPOSE_LICENSE_MANAGEMENT): void {
    // Ids are UUIDs, unique across types; a read for another purpose is an event of its own.
    const key = `${outcome === AuditOutcome.ALLOWED ? '' : 'denied:'}${purpose === PURPOSE_LICENSE_MANAGEMENT ? '' : `${purpose}:`}${subject.id}`;
    let entry = this.pending.get(key);
    if (!entry) {
      entry = { subject: { type: subject.type, id: subject.id }, fields: new Set(), outcome, purpose };
      this.pending.set(key, entry);
    }
    entry.fields.add(field);
  }

  /** Subjects whose data the transfer gate denied in this request. */
  get deniedCount(): number {
    let n = 0;
    for (const p of this.pending.values()) if (p.outcome === AuditOutcome.DENIED) n++;
    return n;
  }

  get size(): number {
    return this.pending.size;
  }

  async flush(ctx: RequestContext): Promise<void> {
    if (this.pending.size === 0) return;
    // Under See-As the reads are the admin's who looks, at the real instant, on behalf of the
    // organization's admin whose actor the request ran with (docs/api.md, See as).
    const seeAs = ctx.seeAs;
    const actor = seeAs?.by ?? ctx.actor;
    const now = seeAs?.realNow ?? ctx.now;
    const at = sqlDate(now);
    const detail = seeAs ? JSON.stringify({ seeAs: { organizationId: seeAs.organizationId, asUserId: seeAs.userId, at: seeAs.at.toISOString() } }) : null;
    const rows = [...this.pending.values()].map((p) => [
      newId(now),
      at,
      ctx.requestId,
      ctx.clientRequestId ?? null,
      actor.type,
      actor.id,
      actor.organizationId,
      p.outcome === AuditOutcome.ALLOWED ? 'personal_data.read' : 'personal_data.denied',
      p.subject.type,
      p.subject.id,
      [...p.fields].sort().join(','),
      seeAs ? PURPOSE_SEE_AS : p.purpose,
      p.outcome,
      detail,
    ]);
    this.pending.clear();
    // One multi-row INSERT per chunk of subjects, so that the statements of a read do not grow
    // with its page size; a chunk stays under each database's limit of bound parameters (14 per
    // row: MySQL 65,535, SQLite 32,766). A single statement needs no transaction of its own on
    // MySQL (SQLite's writes go through the queue).
    const insert = (run: (q: string, p: unknown[]) => Promise<unknown>, chunk: unknown[][]) =>
      run(
        `INSERT INTO \`audit_event\` (id, at, requestId, clientRequestId, actorType, actorId, actorOrganizationId, action, subjectType, subjectId, fields, purpose, outcome, detail) VALUES ${chunk.map(() => '(?,?,?,?,?,?,?,?,?,?,?,?,?,?)').join(', ')}`,
        chunk.flat(),
      );
    const mysql = ctx.dataSource.options.type === 'mysql' || ctx.dataSource.options.type === 'mariadb';
    const chunk = mysql ? 4000 : 2000;
    if (mysql && rows.length <= chunk) {
      await insert((q, p) => ctx.dataSource.query(q, p), rows);
      return;
    }
    await inTransaction(ctx.dataSource, async (manager) => {
      for (let i = 0; i < rows.length; i += chunk) await insert((q, p) => manager.query(q, p), rows.slice(i, i + chunk));
    });
  }
}

export const SYSTEM_ACTOR = ActorType.SYSTEM;
