import { badInput, conflict, DomainError, ErrorCode, InputProblem } from './errors';
import { CONTROL_RE } from './text';

/**
 * The rules of a person's name, e-mail and phone (rectification, invitations, management) and
 * of an organization's contact data: one definition, used by the user, organization and privacy
 * modules alike.
 */

export const PROFILE_LIMITS = { name: 200, email: 254, phone: 64 } as const;

/** The WHATWG "valid e-mail address", with at least one dot in the domain. */
const EMAIL_RE = /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;
const PHONE_RE = /^\+?[0-9 ()./-]+$/;

export type ProfileField = 'name' | 'email' | 'phone';
export const PROFILE_FIELDS: readonly ProfileField[] = ['name', 'email', 'phone'];

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

/** validateProfile, its problems collected with the caller's own (so that every problem of an input is named at once). */
export function profileProblems(input: { name?: string | null; email?: string | null; phone?: string | null }, problems: InputProblem[]): ProfileChange {
  try {
    return validateProfile(input);
  } catch (e) {
    if (!(e instanceof DomainError) || e.code !== ErrorCode.BAD_USER_INPUT) throw e;
    problems.push(...(e.extensions.problems as InputProblem[]));
    return {};
  }
}

/** Never says whose address it is; only ever about the person's own organization (unique per organization). */
export const emailTaken = () => conflict('input.email: this e-mail address is already in use in this organization', { field: 'input.email', rule: 'user.email_unique' });
