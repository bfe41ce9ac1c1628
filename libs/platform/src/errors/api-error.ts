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
  const bodyParserError = fromBodyParser(err);
  if (bodyParserError) return bodyParserError;
  if (err instanceof HttpException && err.getStatus() < 500) {
    const status = err.getStatus();
    const response = err.getResponse();
    const raw =
      typeof response === 'object' && response !== null && 'message' in response
        ? String(response.message)
        : err.message;
    // Express's "Cannot GET /path?query" would echo query strings, which may hold a password.
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

/** Errors of body-parser / raw-body, recognised by their documented `type`. */
function fromBodyParser(err: unknown): ResolvedError | null {
  if (typeof err !== 'object' || err === null || !('type' in err)) return null;
  const e = err as { type: string; limit?: number; status?: number };
  const make = (status: number, code: string, message: string, details?: Record<string, unknown>): ResolvedError => ({
    status,
    body: { error: { code, message, ...(details ? { details } : {}) } },
    headers: {},
    internal: false,
  });
  switch (e.type) {
    case 'entity.parse.failed':
      return make(400, 'invalid_json', 'request body is not valid JSON (an object or array is expected)', {
        field: 'body',
      });
    case 'entity.too.large':
      return make(413, 'payload_too_large', `request body exceeds ${e.limit ?? 'the'} bytes`, {
        field: 'body',
        limit: e.limit,
      });
    case 'parameters.too.many':
      return make(413, 'payload_too_large', 'too many form fields', { field: 'body' });
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return make(415, 'unsupported_media_type', 'unsupported content encoding or charset');
    case 'request.aborted':
    case 'request.size.invalid':
      return make(400, 'bad_request', 'request body was incomplete');
    default:
      return null;
  }
}
