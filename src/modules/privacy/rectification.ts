import { badInput, conflict, DomainError, forbidden, InputProblem } from '../../common/errors';
import { idArg } from '../../common/filters';
import { SecretBox } from '../../common/secret-box';
import { CONTROL_RE } from '../../common/text';
import { UserStatus } from '../../common/enums';
import { inTransaction } from '../../common/transaction';
import { RequestContext } from '../../context/request-context';
import { reachableForUpdate } from '../../policy/reachable';
import { recordWrite } from '../audit/audit.writer';
import { PortalUser } from '../user/portal-user.entity';
import { RectifyPersonalDataInput, UpdateMyProfileInput } from './privacy.inputs';

export { CONTROL_RE };

export const PROFILE_LIMITS = { name: 200, email: 254, phone: 64 } as const;

/** The WHATWG "valid e-mail address", with at least one dot in the domain. */
const EMAIL_RE = /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;
const PHONE_RE = /^\+?[0-9 ()./-]+$/;

type ProfileField = 'name' | 'email' | 'phone';
const FIELDS: readonly ProfileField[] = ['name', 'email', 'phone'];

export interface ProfileChange {
  name?: string;
  email?: string;
  phone?: string | null;
}

/**
 * Validates the fields given (an omitted field stays as it is) and normalizes them: names
 * trimmed, e-mails trimmed and lower-cased, an empty phone removed. Every problem is named.
 */
export function validateProfile(input: { name?: string | null; email?: string | null; phone?: string | null }): ProfileChange {
  const problems: InputProblem[] = [];
  const change: ProfileChange = {};
  if (input.name !== undefined) {
    const name = input.name?.trim() ?? '';
    if (input.name === null) problems.push({ field: 'input.name', message: 'cannot be removed' });
    else if (name.length < 1 || name.length > PROFILE_LIMITS.name) problems.push({ field: 'input.name', message: `must be 1 to ${PROFILE_LIMITS.name} characters` });
    else if (CONTROL_RE.test(name)) problems.push({ field: 'input.name', message: 'must not contain control characters' });
    else change.name = name;
  }
  if (input.email !== undefined) {
    const email = input.email?.trim().toLowerCase() ?? '';
    if (input.email === null) problems.push({ field: 'input.email', message: 'cannot be removed' });
    else if (email.length > PROFILE_LIMITS.email) problems.push({ field: 'input.email', message: `must be at most ${PROFILE_LIMITS.email} characters` });
    else if (!EMAIL_RE.test(email) || email.split('@')[0].length > 64) problems.push({ field: 'input.email', message: 'is not a valid e-mail address' });
    // RFC 2606 reserves .invalid; erasure pseudonyms live there and must stay unique.
    else if (email.endsWith('.invalid')) problems.push({ field: 'input.email', message: 'must be a deliverable address (not on .invalid)' });
    else change.email = email;
  }
  if (input.phone !== undefined) {
    const phone = input.phone?.trim() ?? '';
    if (phone === '') change.phone = null;
    else if (phone.length > PROFILE_LIMITS.phone) problems.push({ field: 'input.phone', message: `must be at most ${PROFILE_LIMITS.phone} characters` });
    else if (!PHONE_RE.test(phone) || (phone.match(/[0-9]/g) ?? []).length < 3) {
      problems.push({ field: 'input.phone', message: 'must be a phone number: digits, spaces, a leading +, and ( ) - . /' });
    } else change.phone = phone;
  }
  if (problems.length) throw badInput(problems);
  return change;
}

/**
 * The form an old or new value takes in the audit record: a keyed HMAC (SECRETS_KEY), bound to
 * the person and the field, so that the record shows *that* a value changed and lets whoever
 * holds the key check a claimed value, but never shows the value (docs/privacy.md).
 */
export function auditValueDigest(secrets: SecretBox, subjectId: string, field: string, value: string | null, subjectType: 'PortalUser' | 'Organization' = 'PortalUser'): string | null {
  if (value === null) return null;
  return `hmac-sha256:${secrets.digest(`audit-value:v1:${subjectType}:${subjectId}:${field}:${value}`)}`;
}

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
  if (!FIELDS.some((f) => change[f] !== undefined)) throw badInput({ field: 'input', message: 'names nothing to change (name, email or phone)' });
  try {
    return await inTransaction(ctx.dataSource, async (manager) => {
      const user = await reachableForUpdate(ctx, manager, PortalUser, userId, 'PortalUser');
      if (user.status === UserStatus.ERASED) throw conflict('the person has been erased: their record holds only pseudonyms', { rule: 'user.erased_is_final' });
      const changed = FIELDS.filter((f) => change[f] !== undefined && change[f] !== user[f]);
      if (!changed.length) return user;
      if (changed.includes('email')) {
        // Within the person's organization only, as inviteUser checks (README, "People and e-mail addresses").
        const taken: unknown[] = await manager.query('SELECT id FROM `portal_user` WHERE organizationId = ? AND LOWER(email) = ? AND id <> ?', [
          user.organizationId,
          change.email,
          userId,
        ]);
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

/** Never says whose address it is; only ever about the person's own organization (unique per organization). */
export const emailTaken = () => conflict('input.email: this e-mail address is already in use in this organization', { field: 'input.email', rule: 'user.email_unique' });

export function isDuplicateKey(e: unknown): boolean {
  const err = e as { code?: string; driverError?: { code?: string } };
  const code = err?.driverError?.code ?? err?.code ?? '';
  return code === 'ER_DUP_ENTRY' || code.startsWith('SQLITE_CONSTRAINT');
}
