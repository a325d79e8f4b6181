import { randomInt } from 'node:crypto';

/**
 * Activation keys: 20 symbols of Crockford's base32 (no I, L, O, U) in groups of five,
 * the last symbol a mod-37 check character (ISO 7064 style), e.g. "K7Q2M-9XH4T-ZP3WB-6NR8V".
 * 19 random symbols give 95 bits. A mistyped key fails the check and is reported as mistyped.
 */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const CHECK_ALPHABET = ALPHABET + '*~$=U';

export function generateActivationKey(random: (max: number) => number = randomInt): string {
  let body = '';
  for (let i = 0; i < 19; i++) body += ALPHABET[random(ALPHABET.length)];
  return group(body + checkChar(body));
}

/** Upper-cases, drops separators and maps the look-alikes (O→0, I/L→1). */
export function normalizeActivationKey(input: string): string {
  return input.toUpperCase().replace(/[\s-]/g, '').replace(/O/g, '0').replace(/[IL]/g, '1');
}

export function isWellFormedActivationKey(input: string): boolean {
  const k = normalizeActivationKey(input);
  if (k.length !== 20) return false;
  const body = k.slice(0, 19);
  if (![...body].every((c) => ALPHABET.includes(c))) return false;
  return checkChar(body) === k[19];
}

function checkChar(body: string): string {
  let sum = 0;
  for (const c of body) sum = (sum * 32 + ALPHABET.indexOf(c)) % 37;
  return CHECK_ALPHABET[sum];
}

function group(k: string): string {
  return k.match(/.{1,5}/g)!.join('-');
}
