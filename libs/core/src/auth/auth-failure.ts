/** Why an authentication failed. Each listener maps these to its protocol's own words. */
export const AUTH_FAILURE_REASONS = [
  'unknown_credential',
  'bad_secret',
  'disabled',
  'expired',
  'account_suspended',
  'ip_not_allowed',
  'banned',
] as const;
export type AuthFailureReason = (typeof AUTH_FAILURE_REASONS)[number];

/** Brute-force score of a failure: guessing usernames costs more than guessing a password. */
export function failureScore(reason: AuthFailureReason): number {
  switch (reason) {
    case 'unknown_credential':
      return 2;
    case 'bad_secret':
      return 1;
    case 'disabled':
    case 'expired':
    case 'account_suspended':
    case 'ip_not_allowed':
    case 'banned':
      return 0;
  }
}

/**
 * Why a channel refused a request: a failed authentication, or a good one over its credential's
 * rate limit (not a security event: it scores nothing towards a ban).
 */
export type RefusalReason = AuthFailureReason | 'rate_limited';
