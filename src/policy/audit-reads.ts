import { ActorType, AuditOutcome } from '../common/enums';
import { newId } from '../common/ids';
import { RequestContext } from '../context/request-context';
import { AuditEvent } from '../modules/audit/audit-event.entity';

/** GDPR Art. 5(1)(b): the only purpose the hub reads personal data for (P3). */
export const PURPOSE_LICENSE_MANAGEMENT = 'LICENSE_MANAGEMENT';

export interface Subject {
  type: string;
  id: string;
}

interface PendingRead {
  subject: Subject;
  fields: Set<string>;
  outcome: AuditOutcome;
}

/**
 * Collects the reads of personal data of one request: one event per subject and outcome,
 * listing the fields. Written in one statement at the end of the request, never per field.
 */
export class AuditReads {
  private readonly pending = new Map<string, PendingRead>();

  record(subject: Subject, field: string, outcome: AuditOutcome): void {
    const key = `${outcome}:${subject.type}:${subject.id}`;
    let entry = this.pending.get(key);
    if (!entry) {
      entry = { subject, fields: new Set(), outcome };
      this.pending.set(key, entry);
    }
    entry.fields.add(field);
  }

  get size(): number {
    return this.pending.size;
  }

  async flush(ctx: RequestContext): Promise<void> {
    if (this.pending.size === 0) return;
    const rows: Partial<AuditEvent>[] = [...this.pending.values()].map((p) => ({
      id: newId(ctx.now),
      at: ctx.now,
      requestId: ctx.requestId,
      actorType: ctx.actor.type,
      actorId: ctx.actor.id,
      actorOrganizationId: ctx.actor.organizationId,
      action: p.outcome === AuditOutcome.ALLOWED ? 'personal_data.read' : 'personal_data.denied',
      subjectType: p.subject.type,
      subjectId: p.subject.id,
      fields: [...p.fields].sort(),
      purpose: PURPOSE_LICENSE_MANAGEMENT,
      outcome: p.outcome,
      detail: null,
    }));
    this.pending.clear();
    for (let i = 0; i < rows.length; i += 500) {
      await ctx.dataSource.createQueryBuilder().insert().into(AuditEvent).values(rows.slice(i, i + 500)).execute();
    }
  }
}

export const SYSTEM_ACTOR = ActorType.SYSTEM;
