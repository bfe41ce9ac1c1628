import type { Logger } from '@nestjs/common';
import type { AuthContext, ClientInfo, Connection, KeyboardAuthContext, Session } from 'ssh2';
import {
  type AuthenticatedCredential,
  type ChannelGate,
  type SessionEndReason,
  type SessionRegistry,
  normalizePeerAddress,
} from '@gatehouse/core';
import type { AccountTrees, BatchFiles } from '../files/file-channel';
import { SftpFileSession } from './sftp-file-session';
import { DISCONNECT, disconnect } from './ssh2-internals';
import { LOG_STATUS, sessionEndText, sshRefusal } from './sftp-statuses';

/** Authentication attempts per connection (ssh2 has no limit of its own; sshd's MaxAuthTries is 6). */
export const MAX_AUTH_ATTEMPTS = 3;
/** Time to log in after connecting (sshd's LoginGraceTime is 120 s). */
export const LOGIN_GRACE_MS = 60_000;
/** SSH session channels a connection may hold open at once, each with at most one SFTP subsystem. */
export const MAX_SESSIONS_PER_CONNECTION = 4;

/** The methods offered: the FTP credential is a username and a secret, it has no keys. */
const METHODS: Array<'password' | 'keyboard-interactive'> = ['password', 'keyboard-interactive'];

export interface SshConnectionDeps {
  gate: Pick<ChannelGate, 'admit' | 'openRequest'>;
  sessions: Pick<SessionRegistry, 'register'>;
  trees: AccountTrees;
  batches: BatchFiles;
  logger: Pick<Logger, 'warn' | 'debug'>;
  loginGraceMs?: number;
}

export interface SshConnectionHooks {
  draining(): boolean;
  /** The connection's open uploads changed (the listener waits for them when it stops). */
  uploadsChanged(connection: SshConnection): void;
  closed(connection: SshConnection): void;
}

/**
 * One SSH connection to the SFTP listener: its logins (password or keyboard-interactive, through
 * the ChannelGate as the FTP credential, at most MAX_AUTH_ATTEMPTS), then its SFTP subsystems.
 * Shells, commands, port and agent forwarding, X11 are refused: ssh2 rejects every request that
 * has no handler, and only `session` → `sftp` has one.
 */
export class SshConnection {
  readonly peer: string;
  private key: AuthenticatedCredential | null = null;
  private attempts = 0;
  private probed = false;
  private ended = false;
  private sessionsOpen = 0;
  private readonly files = new Set<SftpFileSession>();
  private readonly loginTimer: NodeJS.Timeout;
  private unregister: (() => void) | null = null;

  constructor(
    private readonly client: Connection,
    info: ClientInfo,
    private readonly deps: SshConnectionDeps,
    private readonly hooks: SshConnectionHooks,
  ) {
    this.peer = normalizePeerAddress(info.ip);
    this.loginTimer = setTimeout(
      () => this.end(DISCONNECT.BY_APPLICATION, 'login time exceeded'),
      deps.loginGraceMs ?? LOGIN_GRACE_MS,
    );
    this.loginTimer.unref();

    // ssh2 emits 'error' for every protocol or socket problem; unheard, it would crash the process.
    client.on('error', (err: Error) => this.deps.logger.debug(`SFTP connection from ${this.peer}: ${err.message}`));
    client.on('authentication', (ctx: AuthContext) => {
      this.authenticate(ctx).catch((err: unknown) => {
        // The gate could not decide (the database is down…): the client is refused, not told why.
        this.deps.logger.warn(`SFTP login from ${this.peer} failed: ${String(err)}`);
        this.refuse(ctx, null);
      });
    });
    client.on('session', (accept, reject) => this.openSession(accept, reject));
    client.on('close', () => this.onClose());
  }

  openUploads(): number {
    let count = 0;
    for (const files of this.files) count += files.openUploads();
    return count;
  }

  /** Says goodbye with SSH_MSG_DISCONNECT and a reason text, aborts unfinished uploads. */
  end(reason: number, text: string): void {
    if (this.ended) return;
    this.ended = true;
    clearTimeout(this.loginTimer);
    for (const files of this.files) void files.end().catch(() => undefined);
    disconnect(this.client, reason, text);
  }

  endSession(reason: SessionEndReason): void {
    this.end(DISCONNECT.BY_APPLICATION, sessionEndText(reason));
  }

  // --- authentication --------------------------------------------------------------------------

  private async authenticate(ctx: AuthContext): Promise<void> {
    // The first `none` is how every client asks which methods there are (sshd does not count it
    // either); any later one counts, so nobody can knock forever.
    const counted = ctx.method !== 'none' || this.probed;
    if (ctx.method === 'none') this.probed = true;
    if (counted) this.attempts++;
    if (this.ended || this.key) return ctx.reject(METHODS);

    let secret: string | null = null;
    switch (ctx.method) {
      case 'password':
        secret = ctx.password;
        break;
      case 'keyboard-interactive':
        secret = await askPassword(ctx);
        break;
      case 'none':
      case 'publickey':
      case 'hostbased':
        break;
    }
    if (secret === null) return this.refuse(ctx, null);

    // The gate checks the peer's ban before anything else: a banned peer's attempt costs no
    // secret check, is logged as one folded `banned` row, and ends the connection (sshRefusal).
    const admission = await this.deps.gate.admit({
      channel: 'ftp', // SFTP logs in with the FTP credentials (DESIGN.md §2)
      username: ctx.username,
      secret,
      peer: this.peer,
      operation: 'sftp.login',
      refusalStatus: (reason) => sshRefusal(reason).status,
    });
    if (!admission.ok) {
      return this.refuse(ctx, sshRefusal(admission.refusal.reason).disconnect ?? null);
    }
    if (this.ended) {
      admission.request.finish('disconnected', 'rejected');
      return;
    }
    this.key = admission.key;
    clearTimeout(this.loginTimer);
    this.unregister = this.deps.sessions.register({
      credentialId: admission.key.credentialId,
      channel: 'ftp',
      close: (reason) => this.endSession(reason),
    });
    ctx.accept();
    admission.request.finish(LOG_STATUS.loginOk, 'ok');
  }

  private refuse(ctx: AuthContext, goodbye: { reason: number; text: string } | null): void {
    ctx.reject(METHODS);
    if (goodbye) this.end(goodbye.reason, goodbye.text);
    else if (this.attempts >= MAX_AUTH_ATTEMPTS) {
      this.end(DISCONNECT.NO_MORE_AUTH_METHODS_AVAILABLE, 'too many authentication failures');
    }
  }

  // --- sessions --------------------------------------------------------------------------------

  private openSession(accept: () => Session, reject: () => void): void {
    if (this.ended || !this.key || this.sessionsOpen >= MAX_SESSIONS_PER_CONNECTION) return reject();
    const session = accept();
    this.sessionsOpen++;
    let files: SftpFileSession | null = null;
    session.once('close', () => {
      this.sessionsOpen--;
      if (files) this.files.delete(files);
    });
    session.on('sftp', (acceptSftp, rejectSftp) => {
      if (this.ended || files || !this.key) return rejectSftp();
      files = new SftpFileSession(acceptSftp(), this.key, this.peer, this.deps, {
        draining: () => this.hooks.draining(),
        uploadsChanged: () => this.hooks.uploadsChanged(this),
      });
      this.files.add(files);
      files.start();
    });
  }

  private onClose(): void {
    this.ended = true;
    clearTimeout(this.loginTimer);
    this.unregister?.();
    this.unregister = null;
    const files = [...this.files];
    this.files.clear();
    // A connection dropped mid-upload aborts it: a half-finished file is never processed.
    void Promise.allSettled(files.map((f) => f.end())).then(() => this.hooks.closed(this));
  }
}

/** Keyboard-interactive with one hidden `Password:` prompt; null when the client gave no single answer. */
function askPassword(ctx: KeyboardAuthContext): Promise<string | null> {
  return new Promise((resolve) => {
    ctx.prompt([{ prompt: 'Password: ', echo: false }], (answers: unknown) =>
      resolve(Array.isArray(answers) && answers.length === 1 && typeof answers[0] === 'string' ? answers[0] : null),
    );
  });
}
