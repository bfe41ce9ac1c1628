import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { AnyReply } from './http-reply';

const REQUEST_ID = Symbol('gatehouse.requestId');

/**
 * Fastify's `genReqId`: `<process>-<n>`, a random prefix per process and a counter in base 36
 * (`1f6c0a-2s`), so ids from several nodes never collide in one log store. Kept on Node's request
 * too, so an error writer holding only Node's response (SOAP) finds it (see requestIdOf).
 */
export function requestIdGenerator(): (raw: IncomingMessage) => string {
  const prefix = randomBytes(3).toString('hex');
  let count = 0;
  return (raw) => {
    const id = `${prefix}-${(++count).toString(36)}`;
    (raw as IncomingMessage & { [REQUEST_ID]?: string })[REQUEST_ID] = id;
    return id;
  };
}

/** The correlation id of the request an answer belongs to: `reqId` in its access-log line and error logs. */
export function requestIdOf(reply: AnyReply): string | undefined {
  if ('raw' in reply) return reply.request.id;
  return (reply.req as (IncomingMessage & { [REQUEST_ID]?: string }) | undefined)?.[REQUEST_ID];
}
