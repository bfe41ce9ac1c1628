import { utils as sshUtils } from 'ssh2';
import type { RefusalReason, SessionEndReason } from '@gatehouse/core';
import { PathRefusal } from '../files/file-channel';
import { DISCONNECT } from './ssh2-internals';

export const STATUS = sshUtils.sftp.STATUS_CODE;
export const OPEN_MODE = sshUtils.sftp.OPEN_MODE;

/**
 * Request-log statuses of the SFTP listener: SSH's own numbers, as FTP logs 530 and SMTP 535.
 * A login answers SSH_MSG_USERAUTH_SUCCESS (52) or SSH_MSG_USERAUTH_FAILURE (51); an upload the
 * SFTP status its last request got (0 OK, 4 FAILURE…), or `aborted` when the client went away
 * before finishing it and got no answer at all.
 */
export const LOG_STATUS = {
  loginOk: '52',
  loginRefused: '51',
  uploadOk: String(STATUS.OK),
  uploadAborted: 'aborted',
} as const;

export interface SshRefusal {
  /** The request-log status. */
  status: string;
  /** Set when the connection ends with this refusal instead of letting the client try again. */
  disconnect?: { reason: number; text: string };
}

/**
 * How SSH says no to a login: always an authentication failure, whatever the reason, so a
 * guesser learns nothing (DESIGN.md §2). A banned peer is also disconnected: it may not keep
 * trying on this connection.
 */
export function sshRefusal(reason: RefusalReason): SshRefusal {
  switch (reason) {
    case 'banned':
      return {
        status: LOG_STATUS.loginRefused,
        disconnect: {
          reason: DISCONNECT.HOST_NOT_ALLOWED_TO_CONNECT,
          text: 'too many failed logins from your address; try again later',
        },
      };
    case 'unknown_credential':
    case 'bad_secret':
    case 'disabled':
    case 'expired':
    case 'account_suspended':
    case 'ip_not_allowed':
    case 'rate_limited':
      return { status: LOG_STATUS.loginRefused };
  }
}

/** What an SSH client is told when the server ends its session (SSH_MSG_DISCONNECT's text). */
export function sessionEndText(reason: SessionEndReason): string {
  switch (reason) {
    case 'credential_blocked':
      return 'session ended: the credential was blocked';
    case 'credential_rotated':
      return 'session ended: the credential was rotated; log in with the new secret';
    case 'credential_deleted':
      return 'session ended: the credential was deleted';
    case 'account_suspended':
      return 'session ended: the account was suspended';
    case 'account_deleted':
      return 'session ended: the account was deleted';
    case 'shutdown':
      return 'server shutting down';
  }
}

export interface SftpStatus {
  code: number;
  message: string;
}

/** An SFTP status for a refused path. Messages name the client's view of things, never a host path. */
export function refusalStatus(refusal: PathRefusal): SftpStatus {
  switch (refusal) {
    case 'outside_tree':
      return { code: STATUS.PERMISSION_DENIED, message: 'permission denied: outside your folders' };
    case 'not_allowed':
      return { code: STATUS.PERMISSION_DENIED, message: 'permission denied' };
    case 'invalid_name':
      return { code: STATUS.PERMISSION_DENIED, message: 'permission denied: invalid file name' };
    case 'not_found':
      return { code: STATUS.NO_SUCH_FILE, message: 'no such file or directory' };
    case 'exists':
      return { code: STATUS.FAILURE, message: 'file exists' };
  }
}

/** An SFTP status for a file-system error (errno code), worded without its path. */
export function fsErrorStatus(err: unknown): SftpStatus {
  const code = (typeof err === 'object' && err !== null ? (err as NodeJS.ErrnoException).code : undefined) ?? '';
  switch (code) {
    case 'ENOENT':
      return { code: STATUS.NO_SUCH_FILE, message: 'no such file or directory' };
    case 'EACCES':
    case 'EPERM':
      return { code: STATUS.PERMISSION_DENIED, message: 'permission denied' };
    case 'EEXIST':
      return { code: STATUS.FAILURE, message: 'file exists' };
    case 'ENOTEMPTY':
      return { code: STATUS.FAILURE, message: 'directory not empty' };
    case 'EISDIR':
      return { code: STATUS.FAILURE, message: 'is a directory' };
    case 'ENOTDIR':
      return { code: STATUS.FAILURE, message: 'not a directory' };
    case 'ENOSPC':
    case 'EDQUOT':
      return { code: STATUS.FAILURE, message: 'no space left on the server' };
    default:
      return { code: STATUS.FAILURE, message: 'failure' };
  }
}
