import { CidrAllowlist, canonicalCidrList, normalizePeerAddress, parseIp } from '@gatehouse/core';

/**
 * The client's address, the same way for every listener: the socket's address, normalised
 * (`::ffff:a.b.c.d` → `a.b.c.d`). `X-Forwarded-For` is believed only when the direct peer is a
 * configured trusted proxy, walking the list from the right past other trusted proxies.
 */
export class PeerAddressResolver {
  private readonly trusted: CidrAllowlist | null;
  /** Socket addresses repeat (keep-alive, the same clients): parse each one once. */
  private readonly normalized = new Map<string, string>();

  constructor(trustedProxies: string[]) {
    this.trusted =
      trustedProxies.length > 0
        ? new CidrAllowlist(canonicalCidrList(trustedProxies, 'GATEHOUSE_TRUSTED_PROXIES'))
        : null;
  }

  resolve(socketAddress: string | undefined, forwardedFor?: string | string[]): string {
    const direct = this.normalizeSocketAddress(socketAddress);
    if (!this.trusted || !forwardedFor || !this.trusted.allows(direct)) return direct;
    const hops = (Array.isArray(forwardedFor) ? forwardedFor.join(',') : forwardedFor)
      .split(',')
      .map((h) => h.trim())
      .filter((h) => h.length > 0);
    for (let i = hops.length - 1; i >= 0; i--) {
      const hop = hops[i];
      if (!parseIp(hop)) return direct; // garbage in the header: trust nothing of it
      const addr = normalizePeerAddress(hop);
      if (!this.trusted.allows(addr) || i === 0) return addr;
    }
    return direct;
  }

  private normalizeSocketAddress(address: string | undefined): string {
    if (address === undefined) return normalizePeerAddress(address);
    let peer = this.normalized.get(address);
    if (peer === undefined) {
      peer = normalizePeerAddress(address);
      if (this.normalized.size >= MAX_REMEMBERED_ADDRESSES) this.normalized.clear();
      this.normalized.set(address, peer);
    }
    return peer;
  }
}

const MAX_REMEMBERED_ADDRESSES = 10_000;
