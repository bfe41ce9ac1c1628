import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import { newId } from '@gatehouse/core';
import { AnyReply, AnyRequest, pathOf, sendReply, setErrorCode } from '../http/http-reply';
import { isAdminPath } from '../http/security-headers';
import { requestIdOf } from './request-id';
import { resolveError } from '../errors/api-error';
import { ErrorDialects } from './error-dialects';

/**
 * One global filter. Known errors keep their code and message; anything else is logged once
 * with an error id and answered as a generic 500 — never a stack trace, never a secret. Paths
 * with a dialect of their own (HTTP text, SOAP) are answered in it.
 */
@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('ApiExceptionFilter');

  constructor(private readonly dialects: ErrorDialects) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const reply = http.getResponse<AnyReply>();
    const path = pathOf(http.getRequest<AnyRequest>().url);
    const dialect = this.dialects.forPath(path);
    if (dialect) return dialect.send(reply, exception);
    // An admin path no route answered (404) had no route hook to say it.
    const headers: Record<string, string> = isAdminPath(path) ? { 'Cache-Control': 'no-store' } : {};
    sendError(reply, exception, this.logger, headers);
  }
}

/** The JSON error shape: `{"error": {"code", "message", "details"}}`. */
export function sendError(
  reply: AnyReply,
  exception: unknown,
  logger: Logger,
  extraHeaders: Record<string, string> = {},
): void {
  const errorId = newId();
  const resolved = resolveError(exception, errorId);
  if (resolved.internal) logger.error({ errorId, reqId: requestIdOf(reply), err: exception }, 'unhandled error');
  // Channels log their requests when the answer is finished and want the code, not only the status.
  setErrorCode(reply, resolved.body.error.code);
  sendReply(reply, resolved.status, 'application/json; charset=utf-8', JSON.stringify(resolved.body), {
    ...extraHeaders,
    ...resolved.headers,
  });
}
