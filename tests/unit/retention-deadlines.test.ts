import { UserStatus } from '../../src/common/enums';
import { SecretBox } from '../../src/common/secret-box';
import { ActivationFacts, addYears, computerDeadline, LicenseFacts, licenseEnd, personDeadline, pseudonym, pseudonymEmail, retentionYearsFrom, Tie } from '../../src/jobs/retention';

const d = (iso: string) => new Date(iso);

function license(fields: Partial<LicenseFacts> = {}): LicenseFacts {
  return { id: 'l1', validFrom: d('2025-03-01T00:00:00Z'), validUntil: null, revokedAt: null, lapsedAt: null, allocatedAt: d('2025-03-01T10:00:00Z'), ...fields };
}

let n = 0;
function activation(deactivatedAt: string | null, licenseId = 'l1'): ActivationFacts {
  return { id: `a${++n}`, licenseId, activatedAt: d('2025-03-10T10:00:00Z'), deactivatedAt: deactivatedAt ? d(deactivatedAt) : null };
}

describe('the end of a license for one tie', () => {
  it('is validUntil for a subscription, whatever its activations', () => {
    expect(licenseEnd(license({ validUntil: d('2027-12-31T00:00:00Z') }), [activation(null)])).toEqual(d('2027-12-31T00:00:00Z'));
  });

  it('is the revocation or the lapse when that came first', () => {
    expect(licenseEnd(license({ validUntil: d('2027-12-31T00:00:00Z'), revokedAt: d('2026-01-05T00:00:00Z') }), [])).toEqual(d('2026-01-05T00:00:00Z'));
    expect(licenseEnd(license({ lapsedAt: d('2026-11-27T12:00:00Z') }), [activation(null)])).toEqual(d('2026-11-27T12:00:00Z'));
  });

  it('is never, for a perpetual license, while an activation of it is active', () => {
    expect(licenseEnd(license(), [activation('2025-06-01T00:00:00Z'), activation(null)])).toBeNull();
  });

  it('is the last deactivation of a perpetual license no longer active, or its allocation if it never was', () => {
    expect(licenseEnd(license(), [activation('2025-06-01T00:00:00Z'), activation('2029-02-01T00:00:00Z')])).toEqual(d('2029-02-01T00:00:00Z'));
    expect(licenseEnd(license(), [])).toEqual(d('2025-03-01T10:00:00Z'));
  });
});

describe('deadlines', () => {
  const tie = (l: Partial<LicenseFacts>, ...acts: ActivationFacts[]): Tie => ({ license: license(l), activations: acts });
  const active = { status: UserStatus.ACTIVE, consentWithdrawnAt: null };

  it('is the latest end of the tied licenses plus the statutory period', () => {
    const ties = [tie({ validUntil: d('2026-06-30T00:00:00Z') }), tie({ id: 'l2', validUntil: d('2027-12-31T00:00:00Z') })];
    expect(personDeadline(active, ties, 10).deadline).toEqual(d('2037-12-31T00:00:00Z'));
    expect(computerDeadline({ createdAt: d('2025-01-01T00:00:00Z') }, ties, 6).deadline).toEqual(d('2033-12-31T00:00:00Z'));
  });

  it('is none while any tied license is in force', () => {
    const ties = [tie({ validUntil: d('2026-06-30T00:00:00Z') }), tie({ id: 'l2' }, activation(null, 'l2'))];
    expect(personDeadline(active, ties, 10)).toMatchObject({ deadline: null });
    expect(computerDeadline({ createdAt: d('2025-01-01T00:00:00Z') }, ties, 10)).toMatchObject({ deadline: null });
  });

  it('keeps a person without a license tie while they have consent (the vendor staff too), and a DISABLED one', () => {
    expect(personDeadline(active, [], 10).deadline).toBeNull();
    expect(personDeadline({ status: UserStatus.DISABLED, consentWithdrawnAt: null }, [], 10).deadline).toBeNull();
  });

  it('gives a person without a tie who withdrew consent no statutory period: due at the withdrawal', () => {
    const withdrawn = { status: UserStatus.WITHDRAWN, consentWithdrawnAt: d('2026-11-27T12:00:00Z') };
    expect(personDeadline(withdrawn, [], 10).deadline).toEqual(d('2026-11-27T12:00:00Z'));
    // With a tie, the records of sale decide, withdrawn or not.
    expect(personDeadline(withdrawn, [tie({ lapsedAt: d('2026-11-27T12:00:00Z') })], 10).deadline).toEqual(d('2036-11-27T12:00:00Z'));
  });

  it('makes a computer that was never activated due from its creation: it serves no purpose', () => {
    expect(computerDeadline({ createdAt: d('2026-01-01T00:00:00Z') }, [], 10).deadline).toEqual(d('2026-01-01T00:00:00Z'));
  });

  it('adds years on the calendar, in UTC', () => {
    expect(addYears(d('2027-12-31T00:00:00Z'), 10)).toEqual(d('2037-12-31T00:00:00Z'));
    expect(addYears(d('2028-02-29T08:00:00Z'), 10)).toEqual(d('2038-03-01T08:00:00Z'));
    expect(addYears(d('2028-02-29T08:00:00Z'), 0)).toEqual(d('2028-02-29T08:00:00Z'));
  });
});

describe('configuration and pseudonyms', () => {
  it('reads RETENTION_YEARS (default 10) and refuses nonsense', () => {
    expect(retentionYearsFrom({})).toBe(10);
    expect(retentionYearsFrom({ RETENTION_YEARS: '6' })).toBe(6);
    expect(retentionYearsFrom({ RETENTION_YEARS: '0' })).toBe(0);
    for (const bad of ['-1', 'ten', '2.5', '101']) expect(() => retentionYearsFrom({ RETENTION_YEARS: bad })).toThrow(/RETENTION_YEARS/);
  });

  it('derives the same pseudonym for the same row every time, a different one for every row, and no trace of the value', () => {
    const box = new SecretBox('a-test-only-secrets-key-0123456789abcdef');
    const id = '019b76da-a800-7000-8000-000000000001';
    expect(pseudonym(box, 'PortalUser', id)).toBe(pseudonym(box, 'PortalUser', id));
    expect(pseudonym(box, 'PortalUser', id)).toMatch(/^erased-[0-9a-f]{16}$/);
    expect(pseudonym(box, 'Computer', id)).not.toBe(pseudonym(box, 'PortalUser', id));
    expect(pseudonymEmail(box, id)).toBe(`${pseudonym(box, 'PortalUser', id)}@erased.invalid`);
    const many = new Set(Array.from({ length: 5000 }, (_, i) => pseudonym(box, 'PortalUser', `019b76da-a800-7000-8000-${String(i).padStart(12, '0')}`)));
    expect(many.size).toBe(5000);
  });
});
