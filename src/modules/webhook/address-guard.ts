import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

/**
 * Where a webhook may not go: loopback, "this network", private (RFC 1918, IPv6 ULA), carrier-grade
 * NAT, link-local (with the cloud metadata address 169.254.169.254), multicast, reserved and
 * documentation ranges; an IPv4 address mapped into IPv6 is judged as that IPv4 address.
 */
const FORBIDDEN = new BlockList();
for (const [net, bits] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  FORBIDDEN.addSubnet(net, bits, 'ipv4');
}
for (const [net, bits] of [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b::', 96],
  ['100::', 64],
  ['2001:db8::', 32],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  FORBIDDEN.addSubnet(net, bits, 'ipv6');
}
const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

export interface AddressRules {
  /** Only https:// URLs (production). */
  httpsOnly: boolean;
  /** Loopback addresses allowed (tests only: WEBHOOK_ALLOW_LOOPBACK=true). */
  allowLoopback: boolean;
}

/** Is this literal address one a webhook may be sent to? */
export function addressAllowed(address: string, rules: Pick<AddressRules, 'allowLoopback'>): boolean {
  // An IPv4 address mapped into IPv6 (::ffff:a.b.c.d) is judged as the IPv4 address it is.
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return addressAllowed(mapped[1], rules);
  const family = isIP(address) === 6 ? 'ipv6' : 'ipv4';
  if (rules.allowLoopback && LOOPBACK.check(address, family)) return true;
  return !FORBIDDEN.check(address, family);
}

export class WebhookUrlRefused extends Error {}

/**
 * Checks a webhook URL and resolves its host: the scheme, no credentials in it, and every address
 * the name resolves to (all of them: a name with one private address among public ones is
 * refused). The delivery connects to the first address checked here and to no other (no second
 * resolution that could answer differently).
 */
export async function resolveWebhookUrl(raw: string, rules: AddressRules): Promise<{ url: URL; address: string; family: 4 | 6 }> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new WebhookUrlRefused('is not a URL');
  }
  if (url.protocol !== 'https:' && (rules.httpsOnly || url.protocol !== 'http:')) throw new WebhookUrlRefused(rules.httpsOnly ? 'must be https://' : 'must be https:// or http://');
  if (url.username || url.password) throw new WebhookUrlRefused('must not hold credentials');
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const addresses = isIP(host) ? [{ address: host, family: isIP(host) }] : await lookup(host, { all: true, verbatim: true }).catch(() => []);
  if (!addresses.length) throw new WebhookUrlRefused('does not resolve');
  for (const a of addresses) if (!addressAllowed(a.address, rules)) throw new WebhookUrlRefused('resolves to a loopback, private, link-local or reserved address');
  return { url, address: addresses[0].address, family: addresses[0].family === 6 ? 6 : 4 };
}
