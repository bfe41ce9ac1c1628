import * as ipaddr from 'ipaddr.js';

/**
 * The server's rules for an allowed-CIDR entry (libs/core/src/network/cidr-allowlist.ts and
 * ip.ts), so the console names a bad chip before a round trip; the server still decides, and
 * test/e2e/console-cidr.e2e-spec.ts checks both agree. Returns the canonical form the server
 * stores (`10.1.2.3` → `10.1.2.3/32`, `10.1.2.3/8` → `10.0.0.0/8`), or null when invalid.
 */
const DOTTED_QUAD = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

type Address = ipaddr.IPv4 | ipaddr.IPv6;

function isStrictIpv6(text: string): boolean {
  if (!text.includes(':') || text.includes('%') || !ipaddr.IPv6.isValid(text)) return false;
  const tail = text.slice(text.lastIndexOf(':') + 1);
  return !tail.includes('.') || DOTTED_QUAD.test(tail);
}

function unmap(addr: Address): Address {
  return addr.kind() === 'ipv6' && (addr as ipaddr.IPv6).isIPv4MappedAddress()
    ? (addr as ipaddr.IPv6).toIPv4Address()
    : addr;
}

function parseIp(text: string): Address | null {
  if (DOTTED_QUAD.test(text)) return ipaddr.IPv4.parse(text);
  return isStrictIpv6(text) ? unmap(ipaddr.IPv6.parse(text)) : null;
}

export function canonicalCidr(entry: string): string | null {
  const trimmed = entry.trim();
  const slash = trimmed.indexOf('/');
  const addrText = slash === -1 ? trimmed : trimmed.slice(0, slash);
  const prefixText = slash === -1 ? null : trimmed.slice(slash + 1);
  if (prefixText !== null && !/^(0|[1-9]\d{0,2})$/.test(prefixText)) return null;

  let addr: Address | null = null;
  if (/^[0-9.]+$/.test(addrText)) addr = parseIp(addrText);
  else if (isStrictIpv6(addrText)) addr = ipaddr.IPv6.parse(addrText);
  if (!addr) return null;

  const max = addr.kind() === 'ipv4' ? 32 : 128;
  let prefix = prefixText === null ? max : Number(prefixText);
  if (prefix > max) return null;
  if (addr.kind() === 'ipv6' && (addr as ipaddr.IPv6).isIPv4MappedAddress() && prefix >= 96) {
    addr = unmap(addr);
    prefix -= 96;
  }
  const bytes = addr.toByteArray();
  for (let bit = prefix; bit < bytes.length * 8; bit++) {
    bytes[bit >> 3]! &= ~(0x80 >> (bit & 7));
  }
  return `${ipaddr.fromByteArray(bytes).toString()}/${prefix}`;
}

/** The server's limit on entries of one list. */
export const MAX_ALLOWED_CIDRS = 100;
