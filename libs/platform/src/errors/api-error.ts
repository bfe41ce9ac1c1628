import { HttpException, HttpStatus } from '@nestjs/common';
import { DomainError, DomainErrorKind, assertUnreachable } from '@gatehouse/core';

/** The one error body of every JSON API. */
export interface ApiErrorBody {
  error: { code: string; message: string; details?: Record<string, unknown> };
}

/** An error raised in the HTTP layer itself (bad JSON, unknown field…), already in API words. */
export class ApiError extends HttpException {
  constructor(
    status: number,
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
    readonly headers: Record<string, string> = {},
  ) {
    super(message, status);
  }
}

export function statusOfKind(kind: DomainErrorKind): number {
  switch (kind) {
    case 'validation':
      return HttpStatus.BAD_REQUEST;
    case 'unauthenticated':
      return HttpStatus.UNAUTHORIZED;
    case 'forbidden':
      return HttpStatus.FORBIDDEN;
    case 'not_found':
      return HttpStatus.NOT_FOUND;
    case 'conflict':
      return HttpStatus.CONFLICT;
    case 'unprocessable':
      return HttpStatus.UNPROCESSABLE_ENTITY;
    case 'payload_too_large':
      return HttpStatus.PAYLOAD_TOO_LARGE;
    case 'rate_limited':
      return HttpStatus.TOO_MANY_REQUESTS;
    default:
      return assertUnreachable(kind);
  }
}

const GENERIC_CODES: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  406: 'not_acceptable',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  422: 'unprocessable',
  429: 'too_many_requests',
};

export interface ResolvedError {
  status: number;
  body: ApiErrorBody;
  headers: Record<string, string>;
  /** Unexpected: log it with a correlation id, tell the client nothing more. */
  internal: boolean;
}

/** Any thrown value → status + error body. Nothing from an unknown error reaches the client. */
export function resolveError(err: unknown, errorId: string): ResolvedError {
  if (err instanceof DomainError) {
    const retryAfter = err.kind === 'rate_limited' ? err.details?.retryAfterSeconds : undefined;
    return {
      status: statusOfKind(err.kind),
      body: { error: { code: err.code, message: err.message, ...(err.details ? { details: err.details } : {}) } },
      headers: typeof retryAfter === 'number' ? { 'Retry-After': String(retryAfter) } : {},
      internal: false,
    };
  }
  if (err instanceof ApiError) {
    return {
      status: err.getStatus(),
      body: { error: { code: err.code, message: err.message, ...(err.details ? { details: err.details } : {}) } },
      headers: err.headers,
      internal: false,
    };
  }
  const frameworkError = fromFramework(err);
  if (frameworkError) return frameworkError;
  if (err instanceof HttpException && err.getStatus() < 500) {
    const status = err.getStatus();
    const response = err.getResponse();
    const raw =
      typeof response === 'object' && response !== null && 'message' in response
        ? String(response.message)
        : err.message;
    // "Cannot GET /path?query" would echo query strings, which may hold a password.
    const message = raw.replace(/^(Cannot \w+ [^?\s]*)\?\S*/, '$1');
    return {
      status,
      body: { error: { code: GENERIC_CODES[status] ?? 'bad_request', message } },
      headers: {},
      internal: false,
    };
  }
  return {
    status: 500,
    body: { error: { code: 'internal_error', message: 'An unexpected error occurred', details: { errorId } } },
    headers: {},
    internal: true,
  };
}

/**
 * Errors Fastify and its plugins raise before a route runs (body limit, content type, bad
 * encoding), recognised by their documented codes. Their own messages are not passed on: some
 * echo request headers.
 */
function fromFramework(err: unknown): ResolvedError | null {
  if (typeof err !== 'object' || err === null || !('code' in err)) return null;
  const e = err as { code: unknown; statusCode?: unknown };
  if (typeof e.code !== 'string') return null;
  const make = (status: number, code: string, message: string, details?: Record<string, unknown>): ResolvedError => ({
    status,
    body: { error: { code, message, ...(details ? { details } : {}) } },
    headers: {},
    internal: false,
  });
  switch (e.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return make(413, 'payload_too_large', 'request body is too large', { field: 'body' });
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_CONTENT_TYPE':
      return make(415, 'unsupported_media_type', 'unsupported Content-Type');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
    case 'FST_ERR_CTP_INSTANCE_ALREADY_STARTED':
      return make(400, 'bad_request', 'request body was incomplete');
    case 'FST_CP_ERR_INVALID_CONTENT_ENCODING':
      return make(415, 'unsupported_media_type', 'unsupported Content-Encoding');
    case 'FST_CP_ERR_INVALID_CONTENT':
    case 'Z_DATA_ERROR':
    case 'Z_BUF_ERROR':
    case 'ERR__ERROR_FORMAT_PADDING_1':
      return make(400, 'bad_request', 'request body is not validly compressed');
    case 'FST_ERR_BAD_URL':
    case 'FST_ERR_ASYNC_CONSTRAINT':
      return make(400, 'bad_request', 'malformed request');
    default:
      break;
  }
  // Any other framework error that says it is the client's: its status, a generic message.
  const status = typeof e.statusCode === 'number' ? e.statusCode : 0;
  if (e.code.startsWith('FST_') && status >= 400 && status < 500) {
    return make(status, GENERIC_CODES[status] ?? 'bad_request', 'the request was refused');
  }
  return null;
}
