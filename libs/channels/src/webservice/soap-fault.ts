import { Logger } from '@nestjs/common';
import { newId } from '@gatehouse/core';
import { resolveError } from '@gatehouse/platform';
import { AnyReply, ErrorDialect, requestIdOf, sendReply, setErrorCode } from '@gatehouse/platform/http';
import { MESSAGING_NS, MESSAGING_PATH } from './messaging.wsdl';

export const SOAP_ENV_NS = 'http://schemas.xmlsoap.org/soap/envelope/';

/**
 * SOAP 1.1 fault codes (§4.4.1). `Client`: the request is wrong and will fail again as sent;
 * `Server`: our side failed. VersionMismatch and MustUnderstand are what §4.1.2 and §4.2.3
 * require for a foreign envelope namespace and a header we do not process.
 */
export type SoapFaultCode = 'soap:Client' | 'soap:Server' | 'soap:VersionMismatch' | 'soap:MustUnderstand';

/**
 * SOAP 1.1 over HTTP answers every fault with 500 (§6.2, WS-I BP R1126), and clients such as
 * WCF and JAX-WS only read a fault body from a 500. That includes `banned`, which also gets
 * Retry-After. Only refusals at the HTTP layer, before any SOAP processing, use their own
 * status (413 oversize, 415 media type, 405 method).
 */
export const SOAP_FAULT_STATUS = 500;

/** What the `soap` package serialises when a service method rejects with `{ Fault }`. */
export interface SoapPackageFault {
  faultcode: string;
  faultstring: string;
  detail: Record<string, unknown>;
  statusCode: number;
}

export interface SoapFaultOptions {
  status?: number;
  headers?: Record<string, string>;
  retryAfterSeconds?: number;
}

/** Characters XML 1.0 cannot carry at all, not even escaped: a message echoing client input must not break the envelope. */
const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

const xmlText = (value: string): string => value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A failure in the protocol's words: `faultstring` is `code: message`, `detail` a tns:GatehouseFault. */
export class SoapFault extends Error {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly retryAfterSeconds?: number;

  constructor(
    readonly faultCode: SoapFaultCode,
    readonly code: string,
    message: string,
    options: SoapFaultOptions = {},
  ) {
    super(message.replace(NOT_XML_CHAR, '?'));
    this.status = options.status ?? SOAP_FAULT_STATUS;
    this.headers = options.headers ?? {};
    this.retryAfterSeconds = options.retryAfterSeconds;
  }

  static client(code: string, message: string, options?: SoapFaultOptions): SoapFault {
    return new SoapFault('soap:Client', code, message, options);
  }

  /** The stable code first, so clients that only show faultstring still show it. */
  get faultString(): string {
    return `${this.code}: ${this.message}`;
  }

  /**
   * The `soap` package recognises a rejected value by its `Fault` property and writes it as the
   * SOAP 1.1 fault (it escapes the text; the status is taken from `statusCode`).
   */
  get Fault(): SoapPackageFault {
    return {
      faultcode: this.faultCode,
      faultstring: this.faultString,
      detail: {
        'gh:GatehouseFault': {
          attributes: { 'xmlns:gh': MESSAGING_NS },
          'gh:code': this.code,
          'gh:message': this.message,
          ...(this.retryAfterSeconds === undefined ? {} : { 'gh:retryAfterSeconds': this.retryAfterSeconds }),
        },
      },
      statusCode: this.status,
    };
  }

  /** The same fault as a whole envelope, for refusals made before the `soap` package runs. */
  toEnvelope(): string {
    const retry =
      this.retryAfterSeconds === undefined
        ? ''
        : `<gh:retryAfterSeconds>${this.retryAfterSeconds}</gh:retryAfterSeconds>`;
    return (
      `<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="${SOAP_ENV_NS}"><soap:Body><soap:Fault>` +
      `<faultcode>${this.faultCode}</faultcode><faultstring>${xmlText(this.faultString)}</faultstring>` +
      `<detail><gh:GatehouseFault xmlns:gh="${MESSAGING_NS}"><gh:code>${xmlText(this.code)}</gh:code>` +
      `<gh:message>${xmlText(this.message)}</gh:message>${retry}</gh:GatehouseFault></detail>` +
      `</soap:Fault></soap:Body></soap:Envelope>`
    );
  }
}

const logger = new Logger('WebserviceChannel');

/**
 * Any thrown value → a fault. Known errors (DomainError, ApiError, body-parser errors) keep their
 * code and message as `soap:Client`; anything else is logged with an id and answered as a
 * generic `soap:Server` fault — never a stack trace. `httpStatus` keeps the status the error
 * carries (for HTTP-layer refusals); otherwise faults are 500. `reply` (the answer being made)
 * puts the request's id in that log line.
 */
export function toSoapFault(err: unknown, httpStatus = false, reply?: AnyReply): SoapFault {
  if (err instanceof SoapFault) return err;
  const errorId = newId();
  const resolved = resolveError(err, errorId);
  if (resolved.internal) {
    logger.error({ errorId, reqId: reply && requestIdOf(reply), err }, 'unhandled error');
    return new SoapFault('soap:Server', 'internal_error', `an unexpected error occurred (${errorId})`);
  }
  const { code, message } = resolved.body.error;
  return SoapFault.client(code, message, {
    headers: resolved.headers,
    ...(httpStatus ? { status: resolved.status } : {}),
  });
}

/** Writes a fault envelope; records the code for the request log like the other channels' errors. */
export function sendSoapFault(reply: AnyReply, fault: SoapFault): void {
  setErrorCode(reply, fault.code);
  sendReply(reply, fault.status, 'text/xml; charset=utf-8', fault.toEnvelope(), fault.headers);
}

/**
 * Failures under the SOAP endpoint before the `soap` package runs (oversize, bad encoding, wrong
 * method): faults with the HTTP status they carry.
 */
export const SOAP_FAULTS: ErrorDialect = {
  name: 'soap',
  matches: (path) => path === MESSAGING_PATH || path === `${MESSAGING_PATH}/`,
  send: (reply, exception) => sendSoapFault(reply, toSoapFault(exception, true, reply)),
};
