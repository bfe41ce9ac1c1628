import type { RateLimit } from '../credentials/credential.model';

export interface RateDecision {
  allowed: boolean;
  /** When refused: seconds until a request would be let through. */
  retryAfterSeconds?: number;
}

/**
 * Counts a credential's requests against its rate limit (DESIGN.md §1, issue 12): a sliding
 * window — this window's count plus the previous window's, weighted by how much of it still
 * overlaps. Shared by every node over Redis when configured; implemented in libs/coordination.
 */
export interface RateLimiter {
  /** Counts one request, or refuses it (a refused request is not counted). */
  take(credentialId: string, limit: RateLimit): Promise<RateDecision>;
}
export const RATE_LIMITER = Symbol('RateLimiter');

/**
 * The sliding-window estimate, shared by the implementations: `previous` weighted by the part of
 * the previous window still inside the sliding one, plus `current`.
 */
export function slidingWindowDecision(
  limit: RateLimit,
  previous: number,
  current: number,
  elapsedInWindowMs: number,
): RateDecision {
  const windowMs = limit.perSeconds * 1000;
  const weight = Math.max(0, (windowMs - elapsedInWindowMs) / windowMs);
  if (previous * weight + current + 1 <= limit.requests) return { allowed: true };
  // Over: when will the estimate have room? The previous window's share decays linearly to 0 at
  // the window's end; past that only `current` (carried over as next window's previous) counts.
  let waitMs = windowMs - elapsedInWindowMs;
  if (current + 1 <= limit.requests && previous > 0) {
    const needed = (limit.requests - current - 1) / previous; // the weight that leaves room
    waitMs = Math.max(0, windowMs * (1 - needed) - elapsedInWindowMs);
  }
  return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) };
}
