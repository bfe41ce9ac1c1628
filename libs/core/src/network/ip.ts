import * as ipaddr from 'ipaddr.js';

export type IpAddress = ipaddr.IPv4 | ipaddr.IPv6;

const DOTTED_QUAD = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/**
 * Strict parse: dotted-quad IPv4 (no octal, hex or short forms that ipaddr.js would accept)
 * or IPv6 without a zone id. IPv4-mapped IPv6 becomes plain IPv4.
 */
export function parseIp(text: string): IpAddress | null {
  if (DOTTED_QUAD.test(text)) return ipaddr.IPv4.parse(text);
  return isStrictIpv6(text) ? unmap(ipaddr.IPv6.parse(text)) : null;
}

/**
 * IPv6 without a zone id, whose embedded IPv4 part (`::ffff:10.0.0.1`) is strict dotted-quad
 * too: ipaddr.js would take `::ffff:010.0.0.1` or `::ffff:0x0a.0.0.1`, which other stacks read
 * differently.
 */
export function isStrictIpv6(text: string): boolean {
  if (!text.includes(':') || text.includes('%') || !ipaddr.IPv6.isValid(text)) return false;
  const tail = text.slice(text.lastIndexOf(':') + 1);
  return !tail.includes('.') || DOTTED_QUAD.test(tail);
}

export function unmap(addr: IpAddress): IpAddress {
  return addr.kind() === 'ipv6' && (addr as ipaddr.IPv6).isIPv4MappedAddress()
    ? (addr as ipaddr.IPv6).toIPv4Address()
    : addr;
}

/** Canonical text of a peer address as seen on a socket (`::ffff:1.2.3.4` → `1.2.3.4`). */
export function normalizePeerAddress(raw: string | undefined | null): string {
  if (!raw) return 'unknown';
  const parsed = parseIp(raw);
  return parsed ? parsed.toString() : raw;
}

/** Public (globally routable unicast) addresses only; everything loopback, private, link-local… is not. */
export function isPublicAddress(addr: IpAddress): boolean {
  const plain = unmap(addr);
  // ::/96 (deprecated IPv4-compatible, e.g. ::127.0.0.1) is "unicast" to ipaddr.js; never a real public peer.
  if (plain.kind() === 'ipv6' && (plain as ipaddr.IPv6).parts.slice(0, 6).every((p) => p === 0)) return false;
  return plain.range() === 'unicast';
}
