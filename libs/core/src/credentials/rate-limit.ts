import { DomainError } from '../common/domain-error';
import { RateLimit } from './credential.model';

export const MAX_RATE_REQUESTS = 1_000_000;
export const MAX_RATE_SECONDS = 86_400;

/** A credential's rate limit as given (validated by the admin API's DTO too): whole numbers in range, or none. */
export function checkRateLimit(limit: RateLimit | null | undefined): RateLimit | null {
  if (limit === undefined || limit === null) return null;
  const { requests, perSeconds } = limit;
  if (!Number.isInteger(requests) || requests < 1 || requests > MAX_RATE_REQUESTS) {
    throw DomainError.validation('rateLimit.requests', `must be a whole number from 1 to ${MAX_RATE_REQUESTS}`);
  }
  if (!Number.isInteger(perSeconds) || perSeconds < 1 || perSeconds > MAX_RATE_SECONDS) {
    throw DomainError.validation('rateLimit.perSeconds', `must be a whole number from 1 to ${MAX_RATE_SECONDS}`);
  }
  return { requests, perSeconds };
}
