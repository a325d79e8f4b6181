import { EntityManager, In } from 'typeorm';
import { AuditOutcome } from '../../common/enums';
import { toGlobalId } from '../../common/global-id';
import { inTransaction } from '../../common/transaction';
import { RequestContext } from '../../context/request-context';
import { reachableForUpdate } from '../../policy/reachable';
import { Activation } from '../activation/activation.entity';
import { AuditEvent } from '../audit/audit-event.entity';
import { recordWrite } from '../audit/audit.writer';
import { Computer } from '../computer/computer.entity';
import { ComputerDataDenial, computerDataDenial } from '../computer/computer.service';
import { License, licenseStatus } from '../license/license.entity';
import { Organization } from '../organization/organization.entity';
import { Product } from '../product/product.entity';
import { PortalUser } from '../user/portal-user.entity';
import { ExportPersonalDataInput } from './privacy.inputs';
import { subjectOf } from './withdrawal.mutations';

/** The keys of the export document (docs/api.md, Mutations), in this order. */
export const EXPORT_KEYS = ['profile', 'organization', 'consent', 'licenses', 'activations', 'computers', 'recipients'] as const;

export type ExportDocument = Record<(typeof EXPORT_KEYS)[number], unknown>;

export interface Recipient {
  organization: { id: string; name: string | null; country: string | null };
  firstReadAt: string;
  lastReadAt: string;
  fields: string[];
}

const iso = (d: Date | null | undefined) => (d ? d.toISOString() : null);

/** Dates of raw aggregate rows: a Date from MySQL, 'YYYY-MM-DD HH:MM:SS.mmm' (UTC) from SQLite. */
export function dateOf(v: unknown): Date | null {
  if (v == null) return null;
  if (v instanceof Date) return v;
  if (typeof v !== 'string') throw new Error(`not a date of a raw row: ${typeof v}`);
  const s = v;
  return new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(s) ? s : `${s.replace(' ', 'T')}Z`);
}

/**
 * GDPR Art. 15: everything the hub holds about a person, and who received it. The person, or
 * the PRIVACY_OFFICER for anyone. Built in one transaction with its own audit event, so the
 * record says exactly what left and when.
 */
export async function exportPersonalData(ctx: RequestContext, input: ExportPersonalDataInput): Promise<{ user: PortalUser; document: ExportDocument }> {
  const subject = subjectOf(ctx, input.userId);
  return inTransaction(ctx.dataSource, async (manager) => {
    const user = await reachableForUpdate(ctx, manager, PortalUser, subject.id, 'PortalUser');
    const document = await buildExport(manager, ctx.now, user, (organizationId) => computerDataDenial(ctx, organizationId));
    const computers = document.computers as ExportedComputer[];
    const withheld = computers.filter((c) => c.withheld).length;
    await recordWrite(manager, ctx, {
      action: 'personal_data.exported',
      subjectType: 'PortalUser',
      subjectId: user.id,
      fields: ['PortalUser.name', 'PortalUser.email', 'PortalUser.phone', ...(computers.length > withheld ? ['Computer.name', 'Computer.hostId'] : [])],
      detail: {
        onBehalf: subject.onBehalf,
        licenses: (document.licenses as unknown[]).length,
        activations: (document.activations as unknown[]).length,
        computers: computers.length,
        withheldComputers: withheld,
        recipients: (document.recipients as unknown[]).length,
      },
    });
    return { user, document };
  });
}

interface ExportedComputer {
  id: string;
  name: string | null;
  hostId: string | null;
  os: string;
  organization: string;
  withheld?: { fields: string[]; code: string; reason: string };
}

/**
 * The document itself. The person's own data is read unscoped on purpose: they are entitled to
 * all of it. A computer is the personal data of the customer that owns it, not of the person
 * who activated a license on it: its name and host id follow the field rule of the asker at
 * this instant (`denial`, the decision of Computer.name/hostId), like any read. A distributor
 * whose transfer gate is closed gets its own activations without the customer's computer names.
 * Longer than most functions on purpose: it reads top to bottom as the export document, in the
 * order of docs/privacy.md, one statement per part.
 */
export async function buildExport(manager: EntityManager, now: Date, user: PortalUser, denial: (organizationId: string) => Promise<ComputerDataDenial | null>): Promise<ExportDocument> {
  const organization = await manager.findOneBy(Organization, { id: user.organizationId });
  const licenses = await manager.find(License, { where: { licenseeId: user.id }, order: { id: 'ASC' } });
  const activations = await manager.find(Activation, { where: { activatedById: user.id }, order: { id: 'ASC' } });
  const computerIds = [...new Set(activations.map((a) => a.computerId))];
  const computers = computerIds.length ? await manager.find(Computer, { where: { id: In(computerIds) }, order: { id: 'ASC' } }) : [];
  const denials = new Map<string, ComputerDataDenial | null>();
  for (const organizationId of new Set(computers.map((c) => c.organizationId))) denials.set(organizationId, await denial(organizationId));
  const productIds = [...new Set(licenses.map((l) => l.productId))];
  const products = new Map((productIds.length ? await manager.findBy(Product, { id: In(productIds) }) : []).map((p) => [p.id, p]));
  const orgIds = [...new Set(licenses.flatMap((l) => [l.distributorId, l.customerId]).filter((id): id is string => !!id))];
  const orgs = new Map((orgIds.length ? await manager.findBy(Organization, { id: In(orgIds) }) : []).map((o) => [o.id, o]));
  const orgRef = (id: string | null) => {
    if (!id) return null;
    const o = orgs.get(id);
    return { id: toGlobalId('Organization', id), name: o?.name ?? null, country: o?.country ?? null };
  };

  return {
    profile: {
      id: toGlobalId('PortalUser', user.id),
      name: user.name,
      email: user.email,
      phone: user.phone,
      role: user.role,
      status: user.status,
      createdAt: iso(user.createdAt),
    },
    organization: organization ? { id: toGlobalId('Organization', organization.id), name: organization.name, kind: organization.kind, country: organization.country } : null,
    consent: await consentOf(manager, user),
    licenses: licenses.map((l) => {
      const product = products.get(l.productId);
      return {
        id: toGlobalId('License', l.id),
        product: product ? { id: toGlobalId('Product', product.id), sku: product.sku, name: product.name } : null,
        seats: l.seats,
        status: licenseStatus(l, now),
        validFrom: iso(l.validFrom),
        validUntil: iso(l.validUntil),
        allocatedAt: iso(l.allocatedAt),
        revokedAt: iso(l.revokedAt),
        lapsedAt: iso(l.lapsedAt),
        distributor: orgRef(l.distributorId),
        customer: orgRef(l.customerId),
      };
    }),
    activations: activations.map((a) => ({
      id: toGlobalId('Activation', a.id),
      license: toGlobalId('License', a.licenseId),
      computer: toGlobalId('Computer', a.computerId),
      activatedAt: iso(a.activatedAt),
      deactivatedAt: iso(a.deactivatedAt),
    })),
    computers: computers.map((c): ExportedComputer => {
      const denied = denials.get(c.organizationId);
      const [id, organization] = [toGlobalId('Computer', c.id), toGlobalId('Organization', c.organizationId)];
      if (!denied) return { id, name: c.name, hostId: c.hostId, os: c.os, organization };
      return { id, name: null, hostId: null, os: c.os, organization, withheld: { fields: ['name', 'hostId'], code: denied.code, reason: denied.reason } };
    }),
    recipients: await recipientsOf(manager, user.id),
  };
}

/** Consent as it stands, and its history from the audit record (the seed's first consent predates it). */
async function consentOf(manager: EntityManager, user: PortalUser) {
  const events = await manager.find(AuditEvent, {
    where: { subjectType: 'PortalUser', subjectId: user.id, action: In(['consent.given', 'consent.withdrawn']) },
    order: { id: 'ASC' },
  });
  return {
    givenAt: iso(user.consentGivenAt),
    withdrawnAt: iso(user.consentWithdrawnAt),
    history: events.map((e) => {
      const detail = parseDetail(e.detail);
      return {
        event: e.action === 'consent.given' ? 'given' : 'withdrawn',
        effectiveAt: (detail.givenAt ?? detail.receivedAt ?? iso(e.at)) as string,
        recordedAt: iso(e.at),
        recordedBy: e.actorId === user.id ? 'the person' : 'the vendor, on their behalf',
      };
    }),
  };
}

function parseDetail(detail: string | null): Record<string, unknown> {
  try {
    return detail ? (JSON.parse(detail) as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/**
 * GDPR Art. 15(1)(c): the organizations that received the person's data, from the access
 * record: allowed reads with the person as subject, one entry per reading organization, with
 * the first and last read and every field read. The person's own reads are not disclosures.
 */
export async function recipientsOf(manager: EntityManager, userId: string): Promise<Recipient[]> {
  const where = `subjectType = 'PortalUser' AND subjectId = ? AND action = 'personal_data.read' AND outcome = ? AND actorOrganizationId IS NOT NULL AND (actorId IS NULL OR actorId <> ?)`;
  const params = [userId, AuditOutcome.ALLOWED, userId];
  const spans: { org: string; firstAt: unknown; lastAt: unknown }[] = await manager.query(
    `SELECT actorOrganizationId AS org, MIN(at) AS firstAt, MAX(at) AS lastAt FROM \`audit_event\` WHERE ${where} GROUP BY actorOrganizationId`,
    params,
  );
  if (!spans.length) return [];
  const fieldRows: { org: string; fields: string | null }[] = await manager.query(
    `SELECT actorOrganizationId AS org, fields FROM \`audit_event\` WHERE ${where} GROUP BY actorOrganizationId, fields`,
    params,
  );
  const fields = new Map<string, Set<string>>();
  for (const r of fieldRows) {
    const set = fields.get(String(r.org)) ?? new Set<string>();
    for (const f of String(r.fields ?? '').split(',')) if (f) set.add(f);
    fields.set(String(r.org), set);
  }
  const orgs = new Map((await manager.findBy(Organization, { id: In(spans.map((s) => String(s.org))) })).map((o) => [o.id, o]));
  return spans
    .map((s) => {
      const id = String(s.org);
      const org = orgs.get(id);
      return {
        organization: { id: toGlobalId('Organization', id), name: org?.name ?? null, country: org?.country ?? null },
        firstReadAt: dateOf(s.firstAt)!.toISOString(),
        lastReadAt: dateOf(s.lastAt)!.toISOString(),
        fields: [...(fields.get(id) ?? [])].sort(),
      };
    })
    .sort((a, b) => (a.firstReadAt < b.firstReadAt ? -1 : a.firstReadAt > b.firstReadAt ? 1 : a.organization.id < b.organization.id ? -1 : 1));
}
