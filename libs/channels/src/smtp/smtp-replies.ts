import { DomainError, Refusal, RefusalReason, SessionEndReason, assertUnreachable } from '@gatehouse/core';

/** One SMTP reply: a code, its RFC 3463 enhanced status, and one line of text (no CR/LF). */
export interface SmtpReply {
  code: number;
  enhanced: string;
  text: string;
}

/** What a banned peer is told, at connect or at AUTH; the connection is then closed (421). */
export function bannedReply(retryAfterSeconds: number | undefined): SmtpReply {
  const wait = retryAfterSeconds && retryAfterSeconds > 0 ? `in ${retryAfterSeconds} seconds` : 'later';
  return { code: 421, enhanced: '4.7.0', text: `Too many failed logins from your address; try again ${wait}.` };
}

/** Over the credential's rate limit: a temporary failure, so a mail system queues and retries. */
export function rateLimitedReply(retryAfterSeconds: number | undefined): SmtpReply {
  return {
    code: 451,
    enhanced: '4.7.0',
    text: `Over this credential's rate limit; try again in ${retryAfterSeconds ?? 1} seconds.`,
  };
}

/**
 * A refused AUTH in SMTP words (DESIGN.md §2: SMTP 535/421). An unknown user and a wrong password
 * get the same reply, so nobody learns which usernames exist; the other reasons are only ever
 * reached with the right password, and say what is wrong.
 */
export function authRefusalReply(refusal: Refusal): SmtpReply {
  switch (refusal.reason) {
    case 'unknown_credential':
    case 'bad_secret':
      return { code: 535, enhanced: '5.7.8', text: 'Authentication credentials invalid.' };
    case 'disabled':
      return { code: 535, enhanced: '5.7.8', text: 'Authentication refused: this credential is blocked.' };
    case 'expired':
      return { code: 535, enhanced: '5.7.8', text: 'Authentication refused: this credential has expired.' };
    case 'account_suspended':
      return { code: 535, enhanced: '5.7.8', text: 'Authentication refused: the account is suspended.' };
    case 'ip_not_allowed':
      return {
        code: 535,
        enhanced: '5.7.8',
        text: 'Authentication refused: your address is not allowed for this credential.',
      };
    case 'banned':
      return bannedReply(refusal.retryAfterSeconds);
    case 'rate_limited':
      return rateLimitedReply(refusal.retryAfterSeconds);
    default:
      return assertUnreachable(refusal.reason);
  }
}

/** The request log's status for a refused AUTH. */
export const authRefusalStatus = (reason: RefusalReason): string => String(authRefusalReply({ reason }).code);

/** The 421 that ends a session (SessionRegistry: blocked, rotated, deleted, suspended, shutdown). */
export function sessionEndReply(reason: SessionEndReason): SmtpReply {
  const ended = (why: string): SmtpReply => ({ code: 421, enhanced: '4.7.0', text: `Session ended: ${why}` });
  switch (reason) {
    case 'credential_blocked':
      return ended('this credential was blocked.');
    case 'credential_rotated':
      return ended('the password of this credential was changed.');
    case 'credential_deleted':
      return ended('this credential was deleted.');
    case 'account_suspended':
      return ended('the account was suspended.');
    case 'account_deleted':
      return ended('the account was deleted.');
    case 'shutdown':
      return { code: 421, enhanced: '4.3.2', text: 'Service shutting down; closing the connection.' };
    default:
      return assertUnreachable(reason);
  }
}

/**
 * A message the core refused (its scope, its groups, its text), in SMTP words: permanent (5xx),
 * since sending the same message again would meet the same rule. The error code leads the text,
 * as the HTTP channel's `ERR <code>` does, so scripts can tell the refusals apart.
 */
export function submissionRefusalReply(error: DomainError): SmtpReply {
  switch (error.code) {
    case 'scope_violation':
      return { code: 550, enhanced: '5.7.1', text: `${error.code}: ${error.message}` };
    case 'unknown_group':
      return { code: 550, enhanced: '5.1.1', text: `${error.code}: ${error.message}` };
    default:
      return { code: 554, enhanced: '5.6.0', text: `${error.code}: ${error.message}` };
  }
}
