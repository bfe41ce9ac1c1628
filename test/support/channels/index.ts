import type { Channel } from '@gatehouse/core';
import type { IssuedCredential } from '../factories';
import type { TestApp } from '../test-app';

/**
 * Drivers for the channel conformance suite (test/e2e/channel-conformance.e2e-spec.ts): one per
 * channel, each knowing how its protocol logs in, submits and refuses, and answering in
 * normalised outcomes so one table of checks runs against every listener. The interface is
 * about outcomes, not HTTP: an FTP or SMTP driver returns reply codes as `status` and its
 * reply text's code, and implements `openSession` for the session-ending checks.
 */

/** A message the channel accepted; `id` is the submission id the admin API knows. */
export interface Accepted {
  ok: true;
  id: string;
}

/**
 * A refusal in the protocol's own words: `status` is the HTTP status (FTP/SMTP: the reply
 * code), `code` the error code the answer names (JSON `error.code`, `ERR <code> …`, SOAP
 * `faultstring`/`<gh:code>`), `retryAfter` the Retry-After the protocol sent, if any.
 */
export interface Refusal {
  ok: false;
  status: number;
  code: string;
  retryAfter?: string;
  /** The answer's text as sent, for "nothing internal, no echo" checks. */
  text: string;
}

export type Outcome = Accepted | Refusal;

/** What a refusal of a kind looks like on this channel (`retryAfter`: one must be sent). */
export interface ExpectedRefusal {
  status: number;
  code: string;
  retryAfter?: boolean;
}

/** An answer as it came over the wire, for checks on the raw text. */
export interface RawAnswer {
  status: number;
  body: string;
}

/** One way of presenting a credential (bearer, Basic, form fields, WS-Security, FTP USER/PASS…). */
export interface LoginForm {
  name: string;
  /** One request with the credential's login and `secret` (right or wrong), normalised. */
  attempt(t: TestApp, credential: IssuedCredential, secret: string): Promise<Outcome>;
}

/** Input this protocol must refuse cleanly; it carries the credential's real secret, so echoes can be caught. */
export interface MalformedInput {
  name: string;
  expected: { status: number; code: string };
  send(t: TestApp, credential: IssuedCredential): Promise<RawAnswer>;
}

/**
 * A long-lived, logged-in session (FTP/SFTP control connection, SMTP after AUTH). HTTP channels
 * have none. Blocking, deleting or rotating without grace must end it (DESIGN.md §1).
 */
export interface ChannelSession {
  /** The server still answers this session as logged in (e.g. a NOOP / PWD round trip). */
  isAlive(): Promise<boolean>;
  /** Resolves true once the server has ended the session, false if it is still open after `timeoutMs`. */
  endedWithin(timeoutMs: number): Promise<boolean>;
  close(): Promise<void>;
}

export interface ChannelDriver {
  /** The name the suite's table shows. */
  name: string;
  /** The channel as the admin API and the request log name it. */
  channel: Channel;
  /** The request-log `operation` of a login (and, for HTTP channels, of the submission itself). */
  operation: string;
  /**
   * The request-log operations one submission writes, in any order: `[operation]` when left out.
   * A file channel writes its login, the upload and the batch (`sftp.login`, `sftp.WRITE`, `file.batch`).
   */
  submitOperations?: readonly string[];
  /**
   * A banned peer is refused when it connects, before it names a user (FTP's 421 greeting): no
   * credential is presented, so no request-log row is written (DESIGN.md §2), folded or not.
   */
  refusesBannedAtConnect?: boolean;
  /** Settings the app needs for this channel's listener (e.g. GATEHOUSE_LISTENERS=http,sftp, port 0). */
  appEnv?: Record<string, string>;
  /** A new credential of this channel for the account (what the channel's clients typically hold). */
  createCredential(t: TestApp, accountId: string, input?: Record<string, unknown>): Promise<IssuedCredential>;
  /** Submits one message with the credential's login; `{ ok: true, id }` or the refusal. */
  submit(t: TestApp, credential: IssuedCredential): Promise<Outcome>;
  /**
   * Every way this channel takes a login. The first names the credential's username, so a
   * wrong secret there is a `bad_secret` of that credential (not an unknown one).
   */
  logins: readonly [LoginForm, ...LoginForm[]];
  /** How this channel says "invalid credentials", "blocked" and "banned". */
  /** `rateLimited`: a credential over its rate limit (issue 12), on its first refused request. */
  refusals: Record<'invalidCredentials' | 'disabled' | 'banned' | 'rateLimited', ExpectedRefusal>;
  /** The error code an answer of this protocol names, or undefined if it names none. */
  errorCode(answer: RawAnswer): string | undefined;
  malformed: readonly MalformedInput[];
  /**
   * Opens a logged-in session. Left undefined by channels without sessions (REST, HTTP, SOAP):
   * the suite then skips the session-ending checks rather than pretending to run them.
   */
  openSession?(t: TestApp, credential: IssuedCredential): Promise<ChannelSession>;
}

/** A wrong secret of the same shape as a real one, so it is refused for being wrong, not malformed. */
export function wrongSecret(secret: string): string {
  const last = secret.at(-1) === 'x' ? 'y' : 'x';
  return `${secret.slice(0, -1)}${last}`;
}

export { restDriver } from './rest';
export { httpDriver } from './http';
export { soapDriver } from './soap';
export { ftpDriver } from './ftp';
export { sftpDriver } from './sftp';
export { smtpDriver } from './smtp';
