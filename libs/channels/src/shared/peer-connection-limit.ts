import { peerBanSubject } from '@gatehouse/core';

/**
 * Open connections per peer on one socket listener (FTP, SFTP, SMTP), counted by the same subject
 * a ban uses (an IPv4 address, an IPv6 /64): one client cannot hold every socket of the process
 * and lock the other tenants' clients out. HTTP has its own keep-alive and request limits.
 */
export class PeerConnectionLimit {
  private readonly open = new Map<string, number>();

  constructor(private readonly maxPerPeer: number) {}

  /** A release function when the peer may open one more connection, else null (refuse it). */
  tryAcquire(peer: string): (() => void) | null {
    const subject = peerBanSubject(peer);
    const count = this.open.get(subject) ?? 0;
    if (count >= this.maxPerPeer) return null;
    this.open.set(subject, count + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.open.get(subject) ?? 1) - 1;
      if (left <= 0) this.open.delete(subject);
      else this.open.set(subject, left);
    };
  }

  /** Connections the peer's subject holds now (tests). */
  openFor(peer: string): number {
    return this.open.get(peerBanSubject(peer)) ?? 0;
  }
}
