import * as express from 'express';
import type { RequestHandler, Response } from 'express';
import { sendSoapFault, toSoapFault } from './soap-fault';

/**
 * Reads a SOAP request body for bootstrap's per-route body parsing, before the `soap` package
 * sees the request (it then uses `req.body` instead of reading the stream itself). Read as text
 * in the declared charset, so the XML guard checks exactly the characters `soap` will parse.
 * Every media type is read (within the limit) so that a wrong one is answered as a fault by the
 * guard. Over the limit, raw-body stops buffering and the rest of the upload is discarded.
 */
export function soapBodyParser(limitBytes: number): RequestHandler {
  return express.text({ limit: limitBytes, type: () => true, defaultCharset: 'utf-8' });
}

/** Parser failures (oversize, unknown charset or encoding) as a fault with the HTTP status they carry. */
export function sendSoapBodyError(res: Response, err: unknown): void {
  sendSoapFault(res, toSoapFault(err, true));
}
