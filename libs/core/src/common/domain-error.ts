/**
 * What went wrong, independent of any protocol. Each transport maps the kind to its own
 * words (HTTP status, FTP reply, SOAP fault); the code is the stable snake_case identifier.
 */
export type DomainErrorKind =
  | 'validation'
  | 'unauthenticated'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'unprocessable'
  | 'payload_too_large'
  | 'rate_limited';

export class DomainError extends Error {
  constructor(
    readonly kind: DomainErrorKind,
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'DomainError';
  }

  static validation(field: string, message: string, details: Record<string, unknown> = {}): DomainError {
    return new DomainError('validation', 'validation_failed', `${field}: ${message}`, { field, ...details });
  }

  static notFound(resource: string): DomainError {
    return new DomainError('not_found', 'not_found', `${resource} not found`);
  }

  static conflict(code: string, message: string, details?: Record<string, unknown>): DomainError {
    return new DomainError('conflict', code, message, details);
  }

  static forbidden(message: string, code = 'forbidden', details?: Record<string, unknown>): DomainError {
    return new DomainError('forbidden', code, message, details);
  }

  /** 429; transports send `retryAfterSeconds` as their own Retry-After. */
  static rateLimited(code: string, message: string, retryAfterSeconds: number): DomainError {
    return new DomainError('rate_limited', code, message, { retryAfterSeconds });
  }
}

/** Compile-time exhaustiveness for switches over unions. */
export function assertUnreachable(value: never): never {
  throw new Error(`Unhandled case: ${String(value)}`);
}
