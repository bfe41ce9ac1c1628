import type { ServerResponse } from 'node:http';
import { ChannelRequest, Refusal, requestOutcome } from '@gatehouse/core';
import { ApiError } from '@gatehouse/platform';
import { errorCodeOf } from '@gatehouse/platform/http';
import { httpAuthFailure } from './http-auth-failure';

/**
 * An admitted HTTP channel request ends when its answer is finished: its request-log row then
 * carries the final status and, for a refusal after login, the error code the answer carried.
 */
export function finishWhenAnswered(request: ChannelRequest, res: ServerResponse): void {
  res.once('finish', () => request.finish(String(res.statusCode), requestOutcome(res.statusCode, errorCodeOf(res))));
}

/** A refused login in HTTP words: 401/403/429, with Retry-After for a ban or a rate limit. */
export function refusalError(refusal: Refusal, challenge: Record<string, string> = {}): ApiError {
  const failure = httpAuthFailure(refusal.reason);
  const headers: Record<string, string> =
    refusal.reason === 'banned' || refusal.reason === 'rate_limited'
      ? { 'Retry-After': String(refusal.retryAfterSeconds ?? 60) }
      : failure.status === 401
        ? challenge
        : {};
  return new ApiError(failure.status, failure.code, failure.message, undefined, headers);
}
