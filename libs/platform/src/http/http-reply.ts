import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyReply, FastifyRequest } from 'fastify';

/** What error writers and request logs get: Fastify's reply, or Node's response under it. */
export type AnyReply = FastifyReply | ServerResponse;
/** Fastify's request or Node's: both carry the headers and the socket. */
export type AnyRequest = FastifyRequest | IncomingMessage;

export function rawResponse(reply: AnyReply): ServerResponse {
  return 'raw' in reply ? reply.raw : reply;
}

/** One answer, written the same way whichever of the two it is given; nothing if one was sent already. */
export function sendReply(
  reply: AnyReply,
  status: number,
  contentType: string,
  body: string | Buffer,
  headers: Record<string, string> = {},
): void {
  const raw = rawResponse(reply);
  if ('raw' in reply) {
    if (reply.sent || raw.headersSent) {
      if (!raw.writableEnded) raw.end();
      return;
    }
    void reply.status(status).headers(headers).type(contentType).send(body);
    return;
  }
  if (raw.headersSent) {
    if (!raw.writableEnded) raw.end();
    return;
  }
  raw.statusCode = status;
  for (const [name, value] of Object.entries(headers)) raw.setHeader(name, value);
  raw.setHeader('Content-Type', contentType);
  raw.setHeader('Content-Length', Buffer.byteLength(body));
  raw.end(body);
}

const ERROR_CODE = Symbol('gatehouse.errorCode');

/**
 * The error code an answer carried (`invalid_credentials`, `scope_violation`…), kept on Node's
 * response so whoever logs the request when it finishes can say more than its status.
 */
export function setErrorCode(reply: AnyReply, code: string): void {
  (rawResponse(reply) as ServerResponse & { [ERROR_CODE]?: string })[ERROR_CODE] = code;
}

export function errorCodeOf(res: ServerResponse): string | undefined {
  return (res as ServerResponse & { [ERROR_CODE]?: string })[ERROR_CODE];
}

/** The path of a request URL, lower-cased as the router matches it, without the query. */
export function pathOf(url: string | undefined): string {
  const path = url ?? '/';
  const q = path.indexOf('?');
  return (q === -1 ? path : path.slice(0, q)).toLowerCase();
}
