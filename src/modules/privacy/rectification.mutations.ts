import { badInput, conflict, DomainError, forbidden } from '../../common/errors';
import { idArg } from '../../common/filters';
import { auditValueDigest } from '../../common/audit-digest';
import { isDuplicateKey } from '../../common/duplicate-key';
import { emailTaken, PROFILE_FIELDS, ProfileChange, validateProfile } from '../../common/profile';
import { UserStatus } from '../../common/enums';
import { inTransaction } from '../../common/transaction';
import { RequestContext } from '../../context/request-context';
import { reachableForUpdate } from '../../policy/reachable';
import { recordWrite } from '../audit/audit.writer';
import { PortalUser } from '../user/portal-user.entity';
import { RectifyPersonalDataInput, UpdateMyProfileInput } from './privacy.inputs';

/** updateMyProfile: the person, for themself (users only; API keys never). GDPR Art. 16. */
export function updateMyProfile(ctx: RequestContext, input: UpdateMyProfileInput): Promise<PortalUser> {
  const self = ctx.actor.scopes === null ? ctx.actor.userId : null;
  if (!self) throw forbidden('Only a person updates their own profile: an API key never does');
  return applyProfileChange(ctx, self, validateProfile(input), 'profile.updated');
}

/** rectifyPersonalData: the PRIVACY_OFFICER corrects a person's data on request (Art. 16). */
export function rectifyPersonalData(ctx: RequestContext, input: RectifyPersonalDataInput): Promise<PortalUser> {
  const id = idArg('PortalUser', input.userId, 'input.userId');
  return applyProfileChange(ctx, id, validateProfile(input), 'personal_data.rectified');
}

async function applyProfileChange(ctx: RequestContext, userId: string, change: ProfileChange, action: string): Promise<PortalUser> {
  if (!PROFILE_FIELDS.some((f) => change[f] !== undefined)) throw badInput({ field: 'input', message: 'names nothing to change (name, email or phone)' });
  try {
    return await inTransaction(ctx.dataSource, async (manager) => {
      const user = await reachableForUpdate(ctx, manager, PortalUser, userId, 'PortalUser');
      if (user.status === UserStatus.ERASED) throw conflict('the person has been erased: their record holds only pseudonyms', { rule: 'user.erased_is_final' });
      const changed = PROFILE_FIELDS.filter((f) => change[f] !== undefined && change[f] !== user[f]);
      if (!changed.length) return user;
      if (changed.includes('email')) {
        // Within the person's organization only, as inviteUser checks (README, "People and e-mail addresses").
        const taken: unknown[] = await manager.query('SELECT id FROM `portal_user` WHERE organizationId = ? AND LOWER(email) = ? AND id <> ?', [user.organizationId, change.email, userId]);
        if (taken.length) throw emailTaken();
      }
      const set: Partial<PortalUser> = {};
      const changes: Record<string, { before: string | null; after: string | null }> = {};
      for (const f of changed) {
        const before = user[f];
        const after = change[f] ?? null;
        changes[`PortalUser.${f}`] = { before: auditValueDigest(ctx.secrets, userId, f, before), after: auditValueDigest(ctx.secrets, userId, f, after) };
        (set as Record<string, unknown>)[f] = after;
        (user as unknown as Record<string, unknown>)[f] = after;
      }
      await manager.update(PortalUser, { id: userId }, set);
      await recordWrite(manager, ctx, {
        action,
        subjectType: 'PortalUser',
        subjectId: userId,
        fields: changed.map((f) => `PortalUser.${f}`),
        detail: { changes, onBehalf: ctx.actor.userId !== userId },
      });
      return user;
    });
  } catch (e) {
    // Two requests racing for one address: the unique index decides, and says so the same way.
    if (!(e instanceof DomainError) && isDuplicateKey(e)) throw emailTaken();
    throw e;
  }
}
