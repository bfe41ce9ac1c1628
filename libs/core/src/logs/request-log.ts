import { AccessScope } from '../access/actor';
import { AUTH_FAILURE_REASONS, AuthFailureReason } from '../auth/auth-failure';
import { Channel } from '../channels/channel';
import { Page, PageRequest } from '../common/page';

/** What a request-log row says was done: one name per channel operation, written by one place each. */
export const REQUEST_OPERATIONS = [
  'admin.verify',
  'rest.POST /rest/v1/messages',
  'rest.GET /rest/v1/messages/:id',
  'http.send',
  'soap.SendMessage',
  'soap.GetMessageStatus',
  'ftp.login',
  'ftp.STOR',
  'sftp.login',
  'sftp.WRITE',
  /** A batch file's rows, once processed (FTP or SFTP upload). */
  'file.batch',
  'smtp.AUTH',
  /** One mail: its recipients' submissions. */
  'smtp.DATA',
] as const;
export type RequestOperation = (typeof REQUEST_OPERATIONS)[number];

/** Error codes an admitted channel request can end with, kept as they are in the log. */
export const REQUEST_ERROR_OUTCOMES = [
  'validation_failed',
  'invalid_json',
  'payload_too_large',
  'unsupported_media_type',
  'scope_violation',
  'unknown_group',
  'not_found',
  'method_not_allowed',
  'internal_error',
] as const;

/**
 * How a request ended: `ok`, a login failure (the authenticator's reason), an error code of the
 * request itself, or `rejected` for any other refusal after login.
 */
export const REQUEST_OUTCOMES = [
  'ok',
  ...AUTH_FAILURE_REASONS,
  'rate_limited',
  ...REQUEST_ERROR_OUTCOMES,
  'rejected',
] as const;
export type RequestOutcome = (typeof REQUEST_OUTCOMES)[number];

/** The outcome of an answered request from its status and the error code it carried. */
export function requestOutcome(status: number, errorCode: string | undefined): RequestOutcome {
  if (status < 400) return 'ok';
  if (errorCode && (REQUEST_OUTCOMES as readonly string[]).includes(errorCode)) return errorCode as RequestOutcome;
  return status >= 500 ? 'internal_error' : 'rejected';
}

export function isAuthFailureOutcome(outcome: RequestOutcome): outcome is AuthFailureReason {
  return (AUTH_FAILURE_REASONS as readonly string[]).includes(outcome);
}

export interface RequestLogEntry {
  id: string;
  at: Date;
  channel: Channel;
  credentialId: string | null;
  accountId: string | null;
  tenantId: string | null;
  /** Public login id as submitted (truncated); never a secret. */
  username: string | null;
  peer: string;
  operation: RequestOperation;
  outcome: RequestOutcome;
  /** The protocol's own status: `202`, `530`, `535`… */
  status: string;
  durationMs: number;
  /** Refusals this row stands for: 1, or more when a banned subject's refusals were folded into it. */
  count: number;
}

export interface RequestLogFilter {
  accountId?: string;
  credentialId?: string;
  channel?: Channel;
  outcome?: RequestOutcome;
  from?: Date;
  to?: Date;
}

export interface RequestLogRepository {
  insertMany(entries: RequestLogEntry[]): Promise<void>;
  /** Sets the count of rows already written (folded refusals that kept coming). */
  updateCounts(counts: Map<string, number>): Promise<void>;
  /**
   * Deletes up to `limit` of the oldest rows whose id sorts below `beforeId` (rows made before
   * the moment of `firstIdAt`); returns how many it deleted.
   */
  deleteOlderThan(beforeId: string, limit: number): Promise<number>;
  list(scope: AccessScope, filter: RequestLogFilter, page: PageRequest): Promise<Page<RequestLogEntry>>;
}
export const REQUEST_LOG_REPOSITORY = Symbol('RequestLogRepository');
