import { fold, PersonalValue } from './personal-values';

/**
 * Scans the raw bytes of a response (body and headers) for personal values. The body is read
 * as the client receives it, then:
 * - JSON escapes (\uXXXX, \/) are undone, so an escaped value is still found;
 * - every base64url token (global ids, keyset cursors) is decoded and scanned too: a cursor or
 *   an id that carried a name would be a leak as well;
 * - decoded tokens and uuids are removed, so that short values cannot match inside them;
 * - the text is folded (case, accents): a value lower- or upper-cased or stripped of its accents
 *   by the API is found as well.
 */

export interface Hit {
  request: string;
  category: string;
  subject: string;
  value: string;
  where: 'body' | 'header';
  excerpt: string;
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;
const TOKEN = /[A-Za-z0-9_-]{16,}={0,2}/g;

function unescapeJson(text: string): string {
  return text.replace(/\\u([0-9a-fA-F]{4})/g, (_, h) => String.fromCharCode(parseInt(h, 16))).replace(/\\\//g, '/');
}

/** A base64url token's decoded text when it is printable (an id or a cursor), else nothing. */
function decodedToken(token: string): string {
  try {
    const text = Buffer.from(token, 'base64url').toString('utf8');

    return /^[\x20-\x7e\u00a0-\uffff]+$/.test(text) && !text.includes('\ufffd') ? text : '';
  } catch {
    return '';
  }
}

/** The text to search: the body unescaped, its tokens decoded, uuids and random tokens gone, folded. */
export function searchableText(raw: string): string {
  const unescaped = unescapeJson(raw);
  const decoded: string[] = [];
  // A token that decodes to text (an id, a cursor) is replaced by that text; anything else (a
  // host id, a code, a random secret) stays as it is.
  const withoutTokens = unescaped.replace(TOKEN, (token) => {
    const text = decodedToken(token);
    if (!text) return token;
    decoded.push(unescapeJson(text));
    return ' ';
  });
  return fold([withoutTokens, ...decoded].join('\n').replace(UUID, ' '));
}

export interface ScanOptions {
  /** Text the asker itself sent (this request and its earlier ones): a value it supplied is no news. */
  supplied?: string;
}

export function findValues(request: string, body: string, headers: Headers | Record<string, string>, values: PersonalValue[], options: ScanOptions = {}): Hit[] {
  const hits: Hit[] = [];
  const haystacks: { where: 'body' | 'header'; raw: string; text: string }[] = [{ where: 'body', raw: body, text: searchableText(body) }];
  const headerText = headerLines(headers);
  haystacks.push({ where: 'header', raw: headerText, text: searchableText(headerText) });
  const supplied = options.supplied ? fold(unescapeJson(options.supplied)) : '';
  for (const v of values) {
    const needle = fold(v.value);
    if (!v.word && supplied.includes(needle)) continue;
    for (const h of haystacks) {
      // A short value (a city, a postal code) is looked for as a word: inside a random run of
      // letters and digits (an API key's secret) it is a coincidence, not a leak.
      const at = v.word || needle.length < SHORT ? wordIndex(h.text, needle) : h.text.indexOf(needle);
      if (at < 0) continue;
      hits.push({ request, category: v.category, subject: v.subject, value: v.value, where: h.where, excerpt: h.text.slice(Math.max(0, at - 80), at + needle.length + 80) });
    }
  }
  return hits;
}

/** Values shorter than this are matched as whole words only. */
const SHORT = 8;

function wordIndex(text: string, word: string): number {
  const m = new RegExp(`(^|[^a-z0-9_])${word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}([^a-z0-9_]|$)`).exec(text);
  return m ? m.index + m[1].length : -1;
}

function headerLines(headers: Headers | Record<string, string>): string {
  const lines: string[] = [];
  if (headers instanceof Headers) {
    headers.forEach((value, name) => lines.push(`${name}: ${value}`));
  } else {
    for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
  }
  return lines.join('\n');
}

/** Hits for a human: which value, of which kind, leaked by which request. */
export function describeHits(hits: Hit[]): string {
  return hits.map((h) => `- [${h.category}] ${h.subject} = ${JSON.stringify(h.value)} in the ${h.where} of ${h.request}\n    …${h.excerpt.replace(/\s+/g, ' ')}…`).join('\n');
}
