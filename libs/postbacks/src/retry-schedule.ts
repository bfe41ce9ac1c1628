export interface RetryPolicy {
  baseDelayMs: number;
  maxDelayMs: number;
  maxAgeSeconds: number;
}

/** ±20%: receivers that came back up are not hit by every queued delivery in the same instant. */
export const JITTER = 0.2;

/**
 * Delay before the next attempt after `attempts` failed ones (1 = the first attempt failed):
 * min(base · 2^(attempts-1), max), then ±20% jitter. `random` is injectable for tests.
 */
export function retryDelayMs(
  attempts: number,
  policy: Pick<RetryPolicy, 'baseDelayMs' | 'maxDelayMs'>,
  random: () => number = Math.random,
): number {
  const exponent = Math.max(0, attempts - 1);
  // 2^1024 is Infinity, which min() turns into maxDelayMs: no overflow for long outages.
  const delay = Math.min(policy.baseDelayMs * 2 ** exponent, policy.maxDelayMs);
  return Math.round(delay * (1 - JITTER + 2 * JITTER * random()));
}

export type RetryDecision = { type: 'retry'; at: Date } | { type: 'give_up' };

/**
 * After a failed attempt: retry later, or give up once the delivery is `maxAgeSeconds` old.
 * The last retry is pulled in to the deadline, so a receiver is always tried at the 24 h mark
 * instead of the final backoff step overshooting it.
 */
export function afterFailure(
  delivery: { createdAt: Date },
  attempts: number,
  now: Date,
  policy: RetryPolicy,
  random: () => number = Math.random,
): RetryDecision {
  const deadline = delivery.createdAt.getTime() + policy.maxAgeSeconds * 1000;
  if (now.getTime() >= deadline) return { type: 'give_up' };
  const at = Math.min(now.getTime() + retryDelayMs(attempts, policy, random), deadline);
  return { type: 'retry', at: new Date(at) };
}
