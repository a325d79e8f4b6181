import { AuditOutcome, Role } from '../../common/enums';
import { badInput } from '../../common/errors';
import { idArg, updatedSince } from '../../common/filters';
import { PageArgs } from '../../common/pagination';
import { ListQuery, Sql, sql } from '../../common/sql';
import { listPage } from '../../context/loaders';
import { RequestContext } from '../../context/request-context';
import { PURPOSE_DATA_SUBJECT_REQUEST, PURPOSE_LICENSE_MANAGEMENT } from '../../policy/audit-reads';
import { reachable } from '../../policy/reachable';
import { PortalUser } from './portal-user.entity';
import { UserFilter } from './user.inputs';

export function userQuery(ctx: RequestContext): ListQuery<PortalUser> {
  return reachable(ctx, PortalUser);
}

export function userById(ctx: RequestContext) {
  return ctx.loaders.byId(PortalUser, () => userQuery(ctx));
}

export function usersOf(ctx: RequestContext, organizationId: string, page: PageArgs) {
  return ctx.loaders.pageOf('Organization.users', () => userQuery(ctx), 'e.organizationId', organizationId, page);
}

/** Addresses are stored trimmed and in lower case (validateProfile); so is the address asked for. */
function emailMatch(email: string | null | undefined): Sql | null {
  if (email == null) return null;
  const folded = email.trim().toLowerCase();
  if (!folded || folded.length > 254) throw badInput({ field: 'filter.email', message: 'must be 1 to 254 characters' });
  return sql('LOWER(e.email) = ?', folded);
}

/** A part of the name or the address, case-insensitive; % and _ match themselves. */
function personSearch(term: string | null | undefined): Sql | null {
  if (term == null) return null;
  const folded = term.trim().toLowerCase();
  if (!folded || folded.length > 200) throw badInput({ field: 'filter.search', message: 'must be 1 to 200 characters' });
  const like = `%${folded.replace(/[!%_]/g, (c) => `!${c}`)}%`;
  return sql(`(LOWER(e.name) LIKE ? ESCAPE '!' OR LOWER(e.email) LIKE ? ESCAPE '!')`, like, like);
}

/**
 * Query.users: the people the viewer reaches (only vendor roles get here: USER_LOOKUP), found by
 * e-mail address, by a part of name or address, by organization, or changed since an instant.
 * A match by address or search reads that person's address (and name) whether or not the
 * fields are selected: it is recorded for every person on the page, in the request's audit
 * events, with its purpose (the PRIVACY_OFFICER's: a data-subject request).
 */
export async function listUsers(ctx: RequestContext, filter: UserFilter | null | undefined, page: PageArgs) {
  const base = userQuery(ctx);
  const where = [
    ...base.where,
    emailMatch(filter?.email),
    personSearch(filter?.search),
    filter?.organizationId ? sql('e.organizationId = ?', idArg('Organization', filter.organizationId, 'filter.organizationId')) : null,
    updatedSince(filter?.updatedSince),
  ];
  const people = await listPage(ctx.sql, { ...base, where }, page);
  const matched = [...(filter?.email != null || filter?.search != null ? ['PortalUser.email'] : []), ...(filter?.search != null ? ['PortalUser.name'] : [])];
  const purpose = ctx.actor.role === Role.PRIVACY_OFFICER ? PURPOSE_DATA_SUBJECT_REQUEST : PURPOSE_LICENSE_MANAGEMENT;
  for (const person of people.nodes) {
    for (const field of matched) ctx.auditReads.record({ type: 'PortalUser', id: person.id }, field, AuditOutcome.ALLOWED, purpose);
  }
  return people;
}
