import { orgId, userId } from '../../seeds/personas';
import { fromGlobalId, toGlobalId } from '../../src/common/global-id';
import { AuditEvent } from '../../src/modules/audit/audit-event.entity';
import { createApiKey } from './api-keys';
import { Client, GraphQLResponse, TestHub } from './hub';
import { snapshot } from './table-snapshot';

/** What the tests of the management mutations (organizations, users, API keys) share. */

/** Every scope an API key can hold. */
export const ALL_SCOPES = ['customers:read', 'licenses:read', 'licenses:write', 'personal_data:read', 'activation_keys:read', 'contracts:read'];

/** The global id of a seed organization, by its slug. */
export const org = (slug: string): string => toGlobalId('Organization', orgId(slug));
/** The global id of a seed person, by e-mail. */
export const uid = (email: string): string => toGlobalId('PortalUser', userId(email));
/** The row id inside a global id. */
export const uuidOf = (globalId: string): string => fromGlobalId(globalId)!.id;

/** The first error of a response, asserted to be the only one. */
export function soleError(r: GraphQLResponse) {
  expect(r.body.errors).toHaveLength(1);
  return r.body.errors![0];
}

/** The audit events of a subject, oldest first. */
export function auditEventsOf(hub: TestHub, subjectId: string): Promise<AuditEvent[]> {
  return hub.dataSource.getRepository(AuditEvent).find({ where: { subjectId }, order: { id: 'ASC' } });
}

/** The write events of a subject (reads of its data are recorded too, as personal_data.read). */
export async function writeEventsOf(hub: TestHub, subjectId: string): Promise<AuditEvent[]> {
  return (await auditEventsOf(hub, subjectId)).filter((e) => e.action !== 'personal_data.read');
}

/** Every table but the record of reads (a payload read back records what it read), and the write events: what a refused write must leave as it was. */
export async function writtenState(hub: TestHub) {
  const tables = await snapshot(hub.dataSource);
  delete tables.audit_event;
  const events: { id: string }[] = await hub.dataSource.query("SELECT id FROM `audit_event` WHERE action <> 'personal_data.read' ORDER BY id");
  return { tables, events: events.map((e) => e.id) };
}

/** Clients of these people and of keys of these organizations (all scopes), made before a snapshot is taken. */
export async function clientsOf(hub: TestHub, emails: string[], keyOrgs: string[]): Promise<[string, Client][]> {
  const out: [string, Client][] = [];
  for (const email of emails) out.push([email, await hub.as(email)]);
  for (const slug of keyOrgs) out.push([`API key of ${slug}`, hub.withToken((await createApiKey(hub.dataSource, { org: slug, scopes: ALL_SCOPES })).secret)]);
  return out;
}
