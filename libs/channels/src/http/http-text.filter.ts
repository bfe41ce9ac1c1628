import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import type { Response } from 'express';
import { newId } from '@gatehouse/core';
import { resolveError } from '@gatehouse/platform';

/**
 * The HTTP channel's dialect for every failure: `ERR <code> <message>` as text/plain with the
 * fitting status. Messages never echo the request (its query string may hold the password).
 */
@Catch()
export class HttpTextExceptionFilter implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): void {
    sendHttpTextError(host.switchToHttp().getResponse<Response>(), exception);
  }
}

const logger = new Logger('HttpChannel');

export function sendHttpTextError(res: Response, exception: unknown): void {
  const errorId = newId();
  const resolved = resolveError(exception, errorId);
  if (resolved.internal) logger.error({ errorId, err: exception }, 'unhandled error');
  res.locals.errorCode = resolved.body.error.code;
  if (res.headersSent) {
    res.end();
    return;
  }
  for (const [name, value] of Object.entries(resolved.headers)) res.setHeader(name, value);
  const message = resolved.body.error.message.replace(/[\r\n]+/g, ' ');
  res
    .status(resolved.status)
    .type('text/plain')
    .send(`ERR ${resolved.body.error.code} ${message}${resolved.internal ? ` (${errorId})` : ''}\n`);
}
