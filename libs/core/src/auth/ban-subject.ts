import * as ipaddr from 'ipaddr.js';
import { parseIp } from '../network/ip';

/**
 * What a ban applies to. Listeners ban the peer's address; an IPv6 peer is banned with its
 * whole /64, since a single host usually holds a /64 and can pick any address inside it.
 * A tenant's `POST /admin/v1/verify` never names an address of its own choosing: its
 * failures count against the admin token that sent them.
 */
export function peerBanSubject(peer: string): string {
  // Peers repeat (keep-alive, the same clients): each one is parsed once.
  let subject = subjects.get(peer);
  if (subject === undefined) {
    subject = subjectOf(peer);
    if (subjects.size >= MAX_REMEMBERED) subjects.clear();
    subjects.set(peer, subject);
  }
  return subject;
}

const subjects = new Map<string, string>();
const MAX_REMEMBERED = 10_000;

function subjectOf(peer: string): string {
  const ip = parseIp(peer);
  if (!ip) return `peer:${peer}`;
  if (ip.kind() === 'ipv4') return `ip:${ip.toString()}`;
  const parts = (ip as ipaddr.IPv6).parts.slice(0, 4);
  return `ip6:${new ipaddr.IPv6([...parts, 0, 0, 0, 0]).toString()}/64`;
}

export function adminTokenBanSubject(tokenId: string): string {
  return `admin-token:${tokenId}`;
}
