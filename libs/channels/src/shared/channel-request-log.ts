import type { Response } from 'express';
import { AuthenticatedCredential, RequestLogService } from '@gatehouse/core';

/**
 * One request-log row per authenticated channel request, written when the response is sent so
 * it carries the final status. Off-the-record keys write nothing; refused logins were already
 * logged by the authenticator.
 */
export function logChannelRequest(
  requestLog: RequestLogService,
  res: Response,
  key: AuthenticatedCredential,
  operation: string,
  peer: string,
): void {
  if (key.offTheRecord) return;
  const started = performance.now();
  res.once('finish', () => {
    const errorCode = (res.locals as { errorCode?: string }).errorCode;
    requestLog.record({
      channel: key.channel,
      credentialId: key.credentialId,
      accountId: key.accountId,
      tenantId: key.tenantId,
      username: key.username,
      peer,
      operation,
      outcome: res.statusCode < 400 ? 'ok' : (errorCode ?? `http_${res.statusCode}`),
      status: String(res.statusCode),
      durationMs: Math.round(performance.now() - started),
    });
  });
}
