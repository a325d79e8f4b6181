import { isISO31661Alpha2 } from 'class-validator';
import { countryArg, countryCodeOf, countryInput, ISO_3166_ALPHA2 } from '../../src/common/countries';
import { InputProblem } from '../../src/common/errors';

const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ'.split('');
const ALL_PAIRS = LETTERS.flatMap((a) => LETTERS.map((b) => a + b));

describe('ISO 3166-1 alpha-2 codes (src/common/countries.ts)', () => {
  it('holds the 249 officially assigned codes', () => {
    expect(ISO_3166_ALPHA2.size).toBe(249);
  });

  it('agrees with an independent list (validator, through class-validator) on every one of the 676 two-letter pairs', () => {
    const disagree = ALL_PAIRS.filter((c) => ISO_3166_ALPHA2.has(c) !== isISO31661Alpha2(c));
    expect(disagree).toEqual([]);
  });

  it('refuses user-assigned and reserved codes (XX, QQ, AA, ZZ, EU, UK) and accepts every country of the seed world', () => {
    for (const code of ['XX', 'QQ', 'AA', 'ZZ', 'EU', 'UK', 'QM', 'XK']) expect({ code, ok: countryCodeOf(code) }).toEqual({ code, ok: null });
    for (const code of ['DE', 'CH', 'US', 'BR', 'IN', 'SG', 'AE', 'TR', 'CL', 'NL', 'GB']) expect(countryCodeOf(code)).toBe(code);
  });

  it('upper-cases and trims, and refuses what is not a string', () => {
    expect(countryCodeOf(' de ')).toBe('DE');
    expect(countryCodeOf('DEU')).toBeNull();
    expect(countryCodeOf(42)).toBeNull();
    expect(countryCodeOf(null)).toBeNull();
  });

  it('names the field of a bad code, without echoing the value', () => {
    const problems: InputProblem[] = [];
    expect(countryInput('XX', 'input.country', problems)).toBeNull();
    expect(problems).toEqual([{ field: 'input.country', message: expect.stringContaining('ISO 3166-1 alpha-2') }]);
    expect(problems[0].message).not.toContain('XX');
    expect(() => countryArg('QQ', 'filter.country')).toThrow(/^filter\.country: /);
    expect(countryArg('us', 'filter.country')).toBe('US');
  });
});
