import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import type { Response } from 'express';
import { newId } from '@gatehouse/core';
import { resolveError } from './api-error';

/**
 * One global filter. Known errors keep their code and message; anything else is logged once
 * with an error id and answered as a generic 500 — never a stack trace, never a secret.
 * Channels with their own dialect (HTTP text, SOAP) catch their errors before they get here.
 */
@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('ApiExceptionFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    sendError(res, exception, this.logger);
  }
}

export function sendError(res: Response, exception: unknown, logger: Logger): void {
  const errorId = newId();
  const resolved = resolveError(exception, errorId);
  if (resolved.internal) {
    logger.error({ errorId, err: exception }, 'unhandled error');
  }
  if (res.headersSent) {
    res.end();
    return;
  }
  // Channels log their requests on 'finish' and want the outcome code, not only the status.
  res.locals.errorCode = resolved.body.error.code;
  for (const [name, value] of Object.entries(resolved.headers)) res.setHeader(name, value);
  res.status(resolved.status).json(resolved.body);
}
