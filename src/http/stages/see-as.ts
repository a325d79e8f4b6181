import { DataSource } from 'typeorm';
import { ActorType, AuditOutcome, OrganizationKind, Role, UserStatus } from '../../common/enums';
import { DomainError, ErrorCode } from '../../common/errors';
import { fromGlobalIdOf } from '../../common/global-id';
import { newId } from '../../common/ids';
import { CONTROL_RE } from '../../common/text';
import { inTransaction } from '../../common/transaction';
import { Actor } from '../../context/actor';
import { Authenticator } from '../../context/authenticate';
import { createRequestContext, SeeAs } from '../../context/request-context';
import { AuditEvent } from '../../modules/audit/audit-event.entity';
import { PURPOSE_SEE_AS } from '../../policy/audit-reads';
import { Logger } from '../../observability/logger';
import { AUTHENTICATION_TIMEOUT_MS, withTimeout } from './authenticate';
import { Exchange, Refusal, refusal } from './exchange';

export interface SeeAsDeps {
  dataSource: DataSource;
  authenticator: Pick<Authenticator, 'userActorById'>;
  logger: Logger;
}

/** The request headers of "see as" (docs/api.md, See as). */
export const SEE_AS = 'see-as';
export const SEE_AS_AT = 'see-as-at';
export const SEE_AS_PURPOSE = 'see-as-purpose';

/** An ISO 8601 instant: a date, or a date and time with seconds optional, fraction optional, and Z or an offset. */
const INSTANT_RE = /^(\d{4})-(\d{2})-(\d{2})(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2}))?$/;

const forbidden = (message: string): Refusal => refusal(403, ErrorCode.FORBIDDEN, message);
const badHeader = (header: string, message: string): Refusal => refusal(400, ErrorCode.BAD_USER_INPUT, message, { field: header, problems: [{ field: header, message }] });

/**
 * seeAs (after rate: the admin pays; before idempotency and admit): with `See-As`, a
 * VENDOR_ADMIN's query runs as the admin user of another organization at an instant. The
 * actor is made by Authenticator.userActorById, exactly as that user's own token would make
 * it (same statement, gate facts, row scopes and field rules downstream), and the request's
 * clock is the instant. The viewing is audited (`viewer.see_as`) before anything executes;
 * the reads of personal data are recorded as the admin's (AuditReads.flush, ctx.seeAs).
 * Refused: another actor (FORBIDDEN), a mutation (FORBIDDEN), a bad header
 * (BAD_USER_INPUT), an unknown organization or one without an active admin (NOT_FOUND).
 */
export function seeAs(deps: SeeAsDeps) {
  return async function seeAs(x: Exchange): Promise<Refusal | undefined> {
    const target = header(x, SEE_AS);
    if (target === undefined) {
      for (const h of [SEE_AS_AT, SEE_AS_PURPOSE]) if (header(x, h) !== undefined) return badHeader(h, `the ${h} header needs a See-As header`);
      return undefined;
    }
    const admin = x.context!.actor;
    if (admin.type !== ActorType.USER || admin.role !== Role.VENDOR_ADMIN) return forbidden('See-As is for a VENDOR_ADMIN user only (not an API key, not another role)');
    if (x.check?.kind !== 'ok' || x.check.operation !== 'query') return forbidden('See-As is read-only: only a query operation may be sent with it');
    const input = readInput(x, x.now!, target);
    if ('status' in input) return input;
    try {
      return await withTimeout(switchActor(deps, x, admin, input), AUTHENTICATION_TIMEOUT_MS);
    } catch (e) {
      // The database failed or hung: nothing was seen, as when authentication cannot reach it.
      deps.logger.error({ requestId: x.requestId, err: (e as Error).message }, 'see-as failed unexpectedly');
      return refusal(503, ErrorCode.INTERNAL_SERVER_ERROR, `Service unavailable (request ${x.requestId})`);
    }
  };
}

/** The organization's admin as the actor, the instant as `now`, the viewing audited: the request's new context. */
async function switchActor(deps: SeeAsDeps, x: Exchange, admin: Actor, input: { organizationId: string; at: Date; purpose: string }): Promise<Refusal | undefined> {
  const found = await adminOf(deps.dataSource, input.organizationId);
  if (!found) return refusal(404, ErrorCode.NOT_FOUND, 'See-As: organization not found');
  if (!found.userId) return refusal(404, ErrorCode.NOT_FOUND, 'See-As: the organization has no active admin user to see as');
  let actor;
  try {
    actor = await deps.authenticator.userActorById(found.userId);
  } catch (e) {
    if (e instanceof DomainError) return refusal(404, ErrorCode.NOT_FOUND, `See-As: the organization's admin cannot be seen as (${e.message})`);
    throw e;
  }
  const old = x.context!;
  const seen = { by: admin, organizationId: input.organizationId, userId: found.userId, at: input.at, purpose: input.purpose, realNow: old.now };
  await recordSeeAs(deps.dataSource, x, seen);
  x.context = createRequestContext({ ...old, now: input.at, actor, seeAs: seen });
  return undefined;
}

function header(x: Exchange, name: string): string | undefined {
  const v = x.headers[name];
  return Array.isArray(v) ? v.join(', ') : v;
}

/** The three headers, checked: the organization's id, the instant (default: now), the purpose. */
function readInput(x: Exchange, now: Date, target: string): { organizationId: string; at: Date; purpose: string } | Refusal {
  const organizationId = fromGlobalIdOf('Organization', target.trim());
  if (!organizationId) return refusal(404, ErrorCode.NOT_FOUND, 'See-As: organization not found');
  const rawAt = header(x, SEE_AS_AT);
  let at = now;
  if (rawAt !== undefined) {
    const parsed = parseInstant(rawAt.trim());
    if (!parsed) return badHeader(SEE_AS_AT, 'See-As-At must be an ISO 8601 instant, e.g. 2027-01-01T00:00:00Z or 2027-01-01');
    at = parsed;
  }
  const purpose = (header(x, SEE_AS_PURPOSE) ?? '').trim();
  if (purpose.length < 3 || purpose.length > 200) return badHeader(SEE_AS_PURPOSE, 'See-As-Purpose is required: why you look, 3 to 200 characters');
  if (CONTROL_RE.test(purpose)) return badHeader(SEE_AS_PURPOSE, 'See-As-Purpose must not contain control characters');
  return { organizationId, at, purpose };
}

export function parseInstant(text: string): Date | null {
  const m = INSTANT_RE.exec(text);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const day = new Date(Date.UTC(y, mo - 1, d));
  if (day.getUTCFullYear() !== y || day.getUTCMonth() !== mo - 1 || day.getUTCDate() !== d) return null;
  const at = new Date(text.length === 10 ? `${text}T00:00:00Z` : text);
  return Number.isNaN(at.getTime()) || y < 1970 || y > 9999 ? null : at;
}

/** The organization (a distributor or customer) and its first active admin by creation, in one statement. */
async function adminOf(dataSource: DataSource, organizationId: string): Promise<{ userId: string | null } | null> {
  const rows: { o: string; u: string | null }[] = await dataSource.query(
    'SELECT o.`id` AS o, u.`id` AS u FROM `organization` o ' +
      'LEFT JOIN `portal_user` u ON u.`organizationId` = o.`id` AND u.`role` IN (?, ?) AND u.`status` = ? ' +
      'WHERE o.`id` = ? AND o.`kind` IN (?, ?) ORDER BY u.`createdAt`, u.`id` LIMIT 1',
    [Role.DISTRIBUTOR_ADMIN, Role.CUSTOMER_ADMIN, UserStatus.ACTIVE, organizationId, OrganizationKind.DISTRIBUTOR, OrganizationKind.CUSTOMER],
  );
  // Exactly the id asked for (MariaDB's collation would match another case).
  if (!rows[0] || rows[0].o !== organizationId) return null;
  return { userId: rows[0].u ?? null };
}

/** One `viewer.see_as` event: the admin as actor, the organization as subject, the purpose and the instant in its detail. */
async function recordSeeAs(dataSource: DataSource, x: Exchange, seen: SeeAs): Promise<void> {
  await inTransaction(dataSource, (manager) =>
    manager.insert(AuditEvent, {
      id: newId(seen.realNow),
      at: seen.realNow,
      requestId: x.requestId,
      clientRequestId: x.clientRequestId,
      actorType: seen.by.type,
      actorId: seen.by.id,
      actorOrganizationId: seen.by.organizationId,
      action: 'viewer.see_as',
      subjectType: 'Organization',
      subjectId: seen.organizationId,
      fields: [],
      purpose: PURPOSE_SEE_AS,
      outcome: AuditOutcome.ALLOWED,
      detail: JSON.stringify({ purpose: seen.purpose, at: seen.at.toISOString(), asUserId: seen.userId }),
    }),
  );
}
