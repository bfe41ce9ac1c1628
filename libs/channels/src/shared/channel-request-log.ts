import type { ServerResponse } from 'node:http';
import { AuthenticatedCredential, RequestLogService } from '@gatehouse/core';
import { errorCodeOf } from '@gatehouse/platform';

/**
 * One request-log row per authenticated channel request, written when the answer is finished
 * so it carries the final status. Off-the-record keys write nothing; refused logins were already
 * logged by the authenticator.
 */
export function logChannelRequest(
  requestLog: RequestLogService,
  res: ServerResponse,
  key: AuthenticatedCredential,
  operation: string,
  peer: string,
): void {
  if (key.offTheRecord) return;
  const started = performance.now();
  res.once('finish', () => {
    requestLog.record({
      channel: key.channel,
      credentialId: key.credentialId,
      accountId: key.accountId,
      tenantId: key.tenantId,
      username: key.username,
      peer,
      operation,
      outcome: res.statusCode < 400 ? 'ok' : (errorCodeOf(res) ?? `http_${res.statusCode}`),
      status: String(res.statusCode),
      durationMs: Math.round(performance.now() - started),
    });
  });
}
