import * as ipaddr from 'ipaddr.js';
import { DomainError } from '../common/domain-error';
import { IpAddress, isStrictIpv6, parseIp, unmap } from './ip';

export const MAX_ALLOWED_CIDRS = 100;

type ParsedCidr = [IpAddress, number];

/**
 * Canonical form of one allowlist entry, or null when it is not one.
 * `10.1.2.3` → `10.1.2.3/32`, `10.1.2.3/8` → `10.0.0.0/8`, `2001:DB8::1/32` → `2001:db8::/32`,
 * `::ffff:10.0.0.0/104` → `10.0.0.0/8` (mapped ranges match IPv4 peers).
 */
export function canonicalCidr(entry: string): string | null {
  const trimmed = entry.trim();
  const slash = trimmed.indexOf('/');
  const addrText = slash === -1 ? trimmed : trimmed.slice(0, slash);
  const prefixText = slash === -1 ? null : trimmed.slice(slash + 1);
  if (prefixText !== null && !/^(0|[1-9]\d{0,2})$/.test(prefixText)) return null;

  let addr: IpAddress | null = null;
  if (/^[0-9.]+$/.test(addrText)) addr = parseIp(addrText);
  else if (isStrictIpv6(addrText)) {
    addr = ipaddr.IPv6.parse(addrText); // keep mapped form here; prefix is adjusted below
  }
  if (!addr) return null;

  const max = addr.kind() === 'ipv4' ? 32 : 128;
  let prefix = prefixText === null ? max : Number(prefixText);
  if (prefix > max) return null;

  if (addr.kind() === 'ipv6' && (addr as ipaddr.IPv6).isIPv4MappedAddress() && prefix >= 96) {
    addr = unmap(addr);
    prefix -= 96;
  }
  const network = networkAddress(addr, prefix);
  return `${network.toString()}/${prefix}`;
}

function networkAddress(addr: IpAddress, prefix: number): IpAddress {
  const bytes = addr.toByteArray();
  for (let bit = prefix; bit < bytes.length * 8; bit++) {
    bytes[bit >> 3] &= ~(0x80 >> (bit & 7));
  }
  return ipaddr.fromByteArray(bytes);
}

/** Validates and canonicalises a whole list; the error names every bad entry. */
export function canonicalCidrList(entries: readonly string[], field = 'allowedCidrs'): string[] {
  if (entries.length > MAX_ALLOWED_CIDRS) {
    throw DomainError.validation(field, `at most ${MAX_ALLOWED_CIDRS} entries`);
  }
  const invalid: string[] = [];
  const out = new Set<string>();
  for (const entry of entries) {
    const canonical = typeof entry === 'string' ? canonicalCidr(entry) : null;
    if (canonical === null) invalid.push(String(entry));
    else out.add(canonical);
  }
  if (invalid.length > 0) {
    throw DomainError.validation(field, `not an IPv4/IPv6 address or CIDR: ${invalid.join(', ')}`, { invalid });
  }
  return [...out];
}

/** A parsed, ready-to-match allowlist. Empty allows every address. */
export class CidrAllowlist {
  private readonly ranges: ParsedCidr[];

  constructor(canonical: readonly string[]) {
    this.ranges = canonical.map((c) => ipaddr.parseCIDR(c) as ParsedCidr);
  }

  get isOpen(): boolean {
    return this.ranges.length === 0;
  }

  allows(peer: string): boolean {
    if (this.ranges.length === 0) return true;
    const addr = parseIp(peer);
    if (!addr) return false;
    return this.ranges.some(([range, bits]) => range.kind() === addr.kind() && addr.match(range, bits));
  }
}
