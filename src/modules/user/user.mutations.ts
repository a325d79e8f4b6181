import { EntityManager } from 'typeorm';
import { OrganizationKind, Role, ROLE_KIND, UserStatus } from '../../common/enums';
import { badInput, conflict, DomainError, forbidden, InputProblem, notFound } from '../../common/errors';
import { idArg } from '../../common/filters';
import { newId } from '../../common/ids';
import { sqlAnd, sql } from '../../common/sql';
import { claimRow, inTransaction } from '../../common/transaction';
import { auditValueDigest } from '../../common/audit-digest';
import { isDuplicateKey } from '../../common/duplicate-key';
import { emailTaken, profileProblems, validateProfile } from '../../common/profile';
import { RequestContext } from '../../context/request-context';
import { reachable, reachableForUpdate } from '../../policy/reachable';
import { managesOrganization } from '../../policy/rules';
import { revokeApiKeysCreatedBy } from '../api-key/api-key.mutations';
import { recordWrite, recordWrites } from '../audit/audit.writer';
import { Organization } from '../organization/organization.entity';
import { PortalUser } from './portal-user.entity';
import { DisableUserInput, InviteUserInput, UpdateUserInput } from './user.inputs';

/** The admin role of each kind of organization: the one that manages its users and keys. */
export const ADMIN_ROLE: Record<OrganizationKind, Role> = {
  [OrganizationKind.VENDOR]: Role.VENDOR_ADMIN,
  [OrganizationKind.DISTRIBUTOR]: Role.DISTRIBUTOR_ADMIN,
  [OrganizationKind.CUSTOMER]: Role.CUSTOMER_ADMIN,
};

const rolesOf = (kind: OrganizationKind) => (Object.keys(ROLE_KIND) as Role[]).filter((r) => ROLE_KIND[r] === kind);

/** A role must belong to the organization's kind (ROLE_KIND): no VENDOR_ADMIN in a customer. */
function checkRole(role: Role, org: Organization): void {
  if (ROLE_KIND[role] !== org.kind) throw badInput({ field: 'input.role', message: `must be a role of a ${org.kind} organization (${rolesOf(org.kind).join(', ')})` });
}

const notYours = () => forbidden("Not allowed: a person is managed by VENDOR_ADMIN or their own organization's admin");

/**
 * The organization of a user the actor reaches (NOT_FOUND otherwise), read without a lock, so
 * that the organization can be locked before the person: the order allocateLicense takes
 * (organization, then person), so that the two never wait on each other.
 */
async function organizationOfUser(ctx: RequestContext, manager: EntityManager, userId: string): Promise<string> {
  const where = sqlAnd([sql('e.id = ?', userId), ...reachable(ctx, PortalUser).where]);
  const rows: { organizationId: string }[] = await manager.query(`SELECT e.organizationId FROM \`portal_user\` e WHERE ${where.sql}`, where.params);
  if (!rows.length) throw notFound('PortalUser');
  return String(rows[0].organizationId);
}

/**
 * inviteUser: a new person in an organization (its admin, or VENDOR_ADMIN), status ACTIVE.
 *
 * Consent: consentGivenAt stays null. The invitation is the organization's act, not the
 * person's consent (GDPR Art. 7(1): the controller must be able to show that *the person*
 * consented); writing the invitation's instant there would record a consent nobody gave. The
 * invited person's business contact data is held for the organization's license management
 * (P1) until they accept and their consent is recorded; status ACTIVE lets them sign in to do so.
 */
export async function inviteUser(ctx: RequestContext, input: InviteUserInput): Promise<PortalUser> {
  const organizationId = idArg('Organization', input.organizationId, 'input.organizationId');
  if (!managesOrganization(ctx.actor, organizationId)) throw forbidden("Not allowed: people are invited by VENDOR_ADMIN or their organization's admin");
  const profile = validateProfile({ name: input.name, email: input.email, phone: input.phone ?? undefined });
  try {
    return await inTransaction(ctx.dataSource, async (manager) => {
      const org = await reachableForUpdate(ctx, manager, Organization, organizationId, 'Organization');
      checkRole(input.role, org);
      // Within the organization only: its admin may read its people's addresses; another
      // organization's are none of its business, and a refusal would tell them (README).
      const taken: unknown[] = await manager.query('SELECT id FROM `portal_user` WHERE organizationId = ? AND LOWER(email) = ?', [organizationId, profile.email]);
      if (taken.length) throw emailTaken();
      const user = manager.create(PortalUser, {
        id: newId(ctx.now),
        organizationId,
        name: profile.name!,
        email: profile.email!,
        phone: profile.phone ?? null,
        role: input.role,
        status: UserStatus.ACTIVE,
        consentGivenAt: null,
        consentWithdrawnAt: null,
        createdAt: ctx.now,
      });
      await manager.insert(PortalUser, user);
      await recordWrite(manager, ctx, {
        action: 'user.invited',
        subjectType: 'PortalUser',
        subjectId: user.id,
        fields: ['PortalUser.name', 'PortalUser.email', ...(user.phone ? ['PortalUser.phone'] : [])],
        detail: { organizationId, role: user.role },
      });
      return user;
    });
  } catch (e) {
    // Two invitations racing for one address: the unique index decides, and says so the same way.
    if (!(e instanceof DomainError) && isDuplicateKey(e)) throw emailTaken();
    throw e;
  }
}

/**
 * updateUser: name, phone, role of a person (their organization's admin, or VENDOR_ADMIN).
 * Roles stay within the organization's kind. An organization keeps at least one ACTIVE admin:
 * the last one cannot be demoted (by themself or anyone), so that it never loses the ability
 * to manage its people and keys. Old and new name and phone are recorded as keyed digests, as
 * rectification does; the role (an authorization, not contact data) in clear.
 */
export async function updateUser(ctx: RequestContext, input: UpdateUserInput): Promise<PortalUser> {
  const id = idArg('PortalUser', input.userId, 'input.userId');
  const problems: InputProblem[] = [];
  const change = profileProblems({ name: input.name, phone: input.phone }, problems);
  if (input.role === null) problems.push({ field: 'input.role', message: 'cannot be removed' });
  if (!problems.length && change.name === undefined && change.phone === undefined && input.role == null) {
    problems.push({ field: 'input', message: 'names nothing to change (name, phone or role)' });
  }
  if (problems.length) throw badInput(problems);

  return inTransaction(ctx.dataSource, async (manager) => {
    const organizationId = await organizationOfUser(ctx, manager, id);
    if (!managesOrganization(ctx.actor, organizationId)) throw notYours();
    const org = await reachableForUpdate(ctx, manager, Organization, organizationId, 'Organization');
    const user = await reachableForUpdate(ctx, manager, PortalUser, id, 'PortalUser');
    if (user.status === UserStatus.ERASED) throw conflict('the person has been erased: their record holds only pseudonyms', { rule: 'user.erased_is_final' });
    if (input.role != null) checkRole(input.role, org);

    const set: Partial<PortalUser> = {};
    const changes: Record<string, { before: string | null; after: string | null }> = {};
    for (const f of ['name', 'phone'] as const) {
      const after = change[f];
      if (after === undefined || after === user[f]) continue;
      changes[`PortalUser.${f}`] = { before: auditValueDigest(ctx.secrets, id, f, user[f]), after: auditValueDigest(ctx.secrets, id, f, after) };
      (set as Record<string, unknown>)[f] = after;
    }
    let role: { before: Role; after: Role } | undefined;
    if (input.role != null && input.role !== user.role) {
      const admin = ADMIN_ROLE[org.kind];
      if (user.role === admin && user.status === UserStatus.ACTIVE) {
        const others: { n: unknown }[] = await manager.query('SELECT COUNT(*) AS n FROM `portal_user` WHERE organizationId = ? AND role = ? AND status = ? AND id <> ?', [
          organizationId,
          admin,
          UserStatus.ACTIVE,
          id,
        ]);
        if (Number(others[0].n) === 0) {
          throw conflict('input.role: the organization would have no active admin left; make another person admin first', { field: 'input.role', rule: 'organization.keeps_an_admin' });
        }
        // Two admins stepping down at once on two nodes of a Galera cluster must not both pass the count above (claimRow).
        await claimRow(manager, 'organization', organizationId);
      }
      role = { before: user.role, after: input.role };
      set.role = input.role;
    }
    const fields = [...Object.keys(changes), ...(role ? ['PortalUser.role'] : [])];
    if (!fields.length) return user; // nothing changes, nothing is written
    await manager.update(PortalUser, { id }, set);
    await recordWrite(manager, ctx, {
      action: 'user.updated',
      subjectType: 'PortalUser',
      subjectId: id,
      fields,
      detail: { changes, ...(role ? { role } : {}), onBehalf: ctx.actor.userId !== id },
    });
    return Object.assign(user, set);
  });
}

/**
 * disableUser: the person can no longer sign in (authentication refuses "user disabled") and
 * the API keys they created are revoked now, in the same transaction. Only an ACTIVE person is
 * disabled: a withdrawn or erased one keeps that status, which has legal meaning. Nobody
 * disables themself (an organization would lose the admin doing it without meaning to).
 */
export async function disableUser(ctx: RequestContext, input: DisableUserInput): Promise<PortalUser> {
  const id = idArg('PortalUser', input.userId, 'input.userId');
  if (id === ctx.actor.userId) throw conflict('you cannot disable yourself', { rule: 'user.disable_not_self' });
  return inTransaction(ctx.dataSource, async (manager) => {
    const organizationId = await organizationOfUser(ctx, manager, id);
    if (!managesOrganization(ctx.actor, organizationId)) throw notYours();
    await reachableForUpdate(ctx, manager, Organization, organizationId, 'Organization');
    const user = await reachableForUpdate(ctx, manager, PortalUser, id, 'PortalUser');
    if (user.status === UserStatus.DISABLED) throw conflict('the person is already disabled', { rule: 'user.disable_once' });
    if (user.status !== UserStatus.ACTIVE) throw conflict(`only an ACTIVE person can be disabled (this one is ${user.status})`, { rule: 'user.disable_active_only' });
    // An allocation naming this person as licensee on another node of a Galera cluster must not pass its check meanwhile (claimRow).
    await claimRow(manager, 'organization', organizationId);
    await manager.update(PortalUser, { id }, { status: UserStatus.DISABLED });
    user.status = UserStatus.DISABLED;
    const revoked = await revokeApiKeysCreatedBy(manager, ctx, id);
    await recordWrite(manager, ctx, {
      action: 'user.disabled',
      subjectType: 'PortalUser',
      subjectId: id,
      fields: ['PortalUser.status'],
      detail: { revokedApiKeys: revoked.length },
    });
    await recordWrites(
      manager,
      ctx,
      revoked.map((keyId) => ({ action: 'api_key.revoked', subjectType: 'ApiKey', subjectId: keyId, detail: { reason: 'its creator was disabled' } })),
    );
    return user;
  });
}
