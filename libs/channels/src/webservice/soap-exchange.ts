import type { ServerResponse } from 'node:http';

/**
 * One SOAP request as the service operations see it. The `soap` package hands each operation
 * the request it was given; this rides along as that request's `connection`, so an operation
 * knows the client's address (already resolved, trusted proxies included) and the response its
 * request-log row waits for.
 */
export class SoapExchange {
  constructor(
    /** Read by `soap` as the client address too. */
    readonly remoteAddress: string,
    readonly response: ServerResponse,
  ) {}

  /** The exchange of the request `soap` passed to an operation. */
  static of(req: unknown): SoapExchange {
    const connection = (req as { connection?: unknown } | undefined)?.connection;
    if (!(connection instanceof SoapExchange)) throw new Error('SOAP operation called outside the SOAP endpoint');
    return connection;
  }
}
