import { SecretBox } from './secret-box';

/**
 * The form an old or new value takes in the audit record: a keyed HMAC (SECRETS_KEY), bound to
 * the person and the field, so that the record shows *that* a value changed and lets whoever
 * holds the key check a claimed value, but never shows the value (docs/privacy.md).
 */
export function auditValueDigest(secrets: SecretBox, subjectId: string, field: string, value: string | null, subjectType: 'PortalUser' | 'Organization' = 'PortalUser'): string | null {
  if (value === null) return null;
  return `hmac-sha256:${secrets.digest(`audit-value:v1:${subjectType}:${subjectId}:${field}:${value}`)}`;
}
