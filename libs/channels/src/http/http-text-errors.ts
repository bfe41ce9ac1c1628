import { Logger } from '@nestjs/common';
import { newId } from '@gatehouse/core';
import { resolveError } from '@gatehouse/platform';
import { AnyReply, ErrorDialect, requestIdOf, sendReply, setErrorCode } from '@gatehouse/platform/http';

const logger = new Logger('HttpChannel');

/**
 * The HTTP channel's dialect for every failure under `/http/`: `ERR <code> <message>` as
 * text/plain with the fitting status. Messages never echo the request (its query string may
 * hold the password).
 */
export const HTTP_TEXT_ERRORS: ErrorDialect = {
  name: 'http-text',
  matches: (path) => path.startsWith('/http/'),
  send: sendHttpTextError,
};

export function sendHttpTextError(reply: AnyReply, exception: unknown): void {
  const errorId = newId();
  const resolved = resolveError(exception, errorId);
  if (resolved.internal) logger.error({ errorId, reqId: requestIdOf(reply), err: exception }, 'unhandled error');
  setErrorCode(reply, resolved.body.error.code);
  const message = resolved.body.error.message.replace(/[\r\n]+/g, ' ');
  const text = `ERR ${resolved.body.error.code} ${message}${resolved.internal ? ` (${errorId})` : ''}\n`;
  sendReply(reply, resolved.status, 'text/plain; charset=utf-8', text, resolved.headers);
}
