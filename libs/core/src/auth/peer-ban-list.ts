export type BanState = { banned: false } | { banned: true; retryAfterSeconds: number };

/**
 * Brute-force defence shared by every listener: failed logins score per subject (a peer's
 * address or IPv6 /64, or an admin token: see ban-subject.ts); a subject whose score within
 * the window reaches the threshold is banned for the ban time.
 */
export interface PeerBanList {
  check(subject: string): Promise<BanState>;
  recordFailure(subject: string, score: number): Promise<BanState>;
}
export const PEER_BAN_LIST = Symbol('PeerBanList');

/**
 * Counts the bans this node sets (not those it learns of from other nodes); the platform's
 * metrics implement it, and the ban lists call it when a failure crosses the threshold.
 */
export interface BanMetrics {
  banned(subject: string): void;
}
export const BAN_METRICS = Symbol('BanMetrics');

export interface BanPolicy {
  threshold: number;
  seconds: number;
  windowSeconds: number;
}
