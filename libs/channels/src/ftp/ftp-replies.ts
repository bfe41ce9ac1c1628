import { RefusalReason, Refusal, SessionEndReason, assertUnreachable } from '@gatehouse/core';
import type { PathRefusal } from '../files/file-channel';

/** One FTP reply: a code and one line of text (no CR/LF in it). */
export interface FtpReply {
  code: number;
  text: string;
}

/** What a banned peer is told, at connect or at login; the connection is then closed. */
export function bannedReply(retryAfterSeconds: number | undefined): FtpReply {
  const wait = retryAfterSeconds && retryAfterSeconds > 0 ? `in ${retryAfterSeconds} seconds` : 'later';
  return { code: 421, text: `Too many failed logins from your address; try again ${wait}.` };
}

/**
 * A refused login in FTP words (DESIGN.md §2: FTP 530/421). An unknown user and a wrong password
 * get the same reply, so nobody learns which usernames exist; the other reasons are only ever
 * reached with the right password, and say what is wrong.
 */
export function loginRefusalReply(refusal: Refusal): FtpReply {
  switch (refusal.reason) {
    case 'unknown_credential':
    case 'bad_secret':
      return { code: 530, text: 'Login incorrect.' };
    case 'disabled':
      return { code: 530, text: 'Login refused: this credential is blocked.' };
    case 'expired':
      return { code: 530, text: 'Login refused: this credential has expired.' };
    case 'account_suspended':
      return { code: 530, text: 'Login refused: the account is suspended.' };
    case 'ip_not_allowed':
      return { code: 530, text: 'Login refused: your address is not allowed for this credential.' };
    case 'banned':
      return bannedReply(refusal.retryAfterSeconds);
    case 'rate_limited':
      return {
        code: 421,
        text: `Over this credential's rate limit; try again in ${refusal.retryAfterSeconds ?? 1} seconds.`,
      };
    default:
      return assertUnreachable(refusal.reason);
  }
}

/** The request log's status for a refused FTP login. */
export const loginRefusalStatus = (reason: RefusalReason): string => String(loginRefusalReply({ reason }).code);

/** The 421 text that ends a session (SessionRegistry: blocked, rotated, deleted, suspended, shutdown). */
export function sessionEndReply(reason: SessionEndReason): FtpReply {
  switch (reason) {
    case 'credential_blocked':
      return { code: 421, text: 'Session ended: this credential was blocked.' };
    case 'credential_rotated':
      return { code: 421, text: 'Session ended: the password of this credential was changed.' };
    case 'credential_deleted':
      return { code: 421, text: 'Session ended: this credential was deleted.' };
    case 'account_suspended':
      return { code: 421, text: 'Session ended: the account was suspended.' };
    case 'account_deleted':
      return { code: 421, text: 'Session ended: the account was deleted.' };
    case 'shutdown':
      return { code: 421, text: 'Service shutting down; closing the connection.' };
    default:
      return assertUnreachable(reason);
  }
}

/**
 * A refused path (the jail's PathRefused) in FTP words. Never names the host path, and never
 * says whether something exists beyond the jail's edge.
 */
export function pathRefusalReply(refusal: PathRefusal): FtpReply {
  switch (refusal) {
    case 'outside_tree':
    case 'not_allowed':
      return { code: 550, text: 'Permission denied.' };
    case 'invalid_name':
      return { code: 553, text: 'File name not allowed.' };
    case 'not_found':
      return { code: 550, text: 'No such file or directory.' };
    case 'exists':
      return { code: 550, text: 'File exists.' };
    default:
      return assertUnreachable(refusal);
  }
}
