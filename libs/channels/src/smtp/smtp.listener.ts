import * as fs from 'node:fs';
import { Inject, Injectable, Logger } from '@nestjs/common';
import {
  SMTPServer,
  type SMTPServerAddress,
  type SMTPServerAuthentication,
  type SMTPServerAuthenticationResponse,
  type SMTPServerDataStream,
  type SMTPServerOptions,
  type SMTPServerSession,
} from 'smtp-server';
import { GATEHOUSE_CONFIG, type GatehouseConfig } from '@gatehouse/config';
import {
  type AuthenticatedCredential,
  type BanState,
  type BatchRowResult,
  ChannelGate,
  DomainError,
  PEER_BAN_LIST,
  type PeerBanList,
  type RequestOutcome,
  type SessionEndReason,
  SessionRegistry,
  type SubmissionRequest,
  SubmissionService,
  normalizePeerAddress,
  peerBanSubject,
} from '@gatehouse/core';
import { type BoundAddress, type Listener, SessionLogger } from '@gatehouse/platform';
import { PeerConnectionLimit } from '../shared/peer-connection-limit';
import { checkRecipient } from './email-recipient';
import { MailUnreadable, readMail } from './mail-text';
import { connectionOf, connectionsOf, hideAuthBeforeTls, indexConnections } from './smtp-server-internals';
import {
  type SmtpReply,
  authRefusalReply,
  authRefusalStatus,
  bannedReply,
  rateLimitedReply,
  sessionEndReply,
  submissionRefusalReply,
} from './smtp-replies';

/** Failed AUTHs one connection may make; the last is answered 421 and the connection closed. */
export const MAX_AUTH_FAILURES = 3;
/** Recipients of one message (RFC 5321 §4.5.3.1.8 asks for at least 100). */
export const MAX_RECIPIENTS_PER_MESSAGE = 100;
/** Commands a client may send before it has logged in (EHLO, STARTTLS, AUTH… included). */
export const MAX_UNAUTHENTICATED_COMMANDS = 10;
/** A connection idle this long is told 421 and closed. */
export const IDLE_TIMEOUT_MS = 120_000;
/** The longest command line (RFC 5321 asks for 512 octets; AUTH PLAIN lines are longer). */
const MAX_COMMAND_BYTES = 2048;
/** Ids listed in a 250 reply, which must stay one short line; the rest are counted. */
const REPLY_IDS = 8;
const CLOSE_BOUND_MS = 1000;

/** What this listener knows of one connection, from its connect to its close. */
interface ConnectionState {
  peer: string;
  releaseSlot: () => void;
  authFailures: number;
  key: AuthenticatedCredential | null;
  unregister: (() => void) | null;
  /** A message is being received or stored: shutdown lets it finish. */
  busy: boolean;
  /** Ended (by the session registry or shutdown): no further mail is taken. */
  ended: boolean;
}

/** An smtp-server callback error: its reply code and one line of text. */
function smtpError(reply: SmtpReply): Error & { responseCode: number } {
  return Object.assign(new Error(replyText(reply)), { responseCode: reply.code });
}

/** Control characters: a reply quoting client input must stay one line (no injected replies). */
// eslint-disable-next-line no-control-regex -- control characters are what it looks for
const CONTROL = /[\x00-\x1f\x7f]+/g;

/** A reply's text with its enhanced status code, on one line whatever it quotes. */
function replyText(reply: SmtpReply): string {
  const text = `${reply.enhanced} ${reply.text}`.replace(CONTROL, ' ');
  return text.length > 400 ? `${text.slice(0, 399)}…` : text;
}

/**
 * The `email` channel (DESIGN.md §2): SMTP on GATEHOUSE_SMTP_PORT (STARTTLS when a certificate
 * is configured) and SMTPS on GATEHOUSE_SMTPS_PORT, through smtp-server. It adapts SMTP to the
 * shared pipeline: a banned or over-the-limit peer is refused at connect (421), AUTH PLAIN/LOGIN
 * goes through the channel gate (offered only over TLS unless GATEHOUSE_SMTP_INSECURE_AUTH), each
 * `RCPT TO` must be `<number>@<sms domain>` (nothing relays), and DATA turns the message's text
 * into one submission per recipient through the core's batch submit, answered 250 only once
 * they are stored. Logged-in sessions are ended by the session registry.
 */
@Injectable()
export class SmtpListener implements Listener {
  readonly name = 'smtp' as const;
  private readonly logger = new Logger('SmtpListener');
  private readonly perPeer: PeerConnectionLimit;
  private readonly states = new Map<string, ConnectionState>();
  /** The STARTTLS/plain server, and the implicit-TLS one when GATEHOUSE_SMTPS_PORT is set. */
  private servers: SMTPServer[] = [];
  private stopping = false;

  constructor(
    @Inject(GATEHOUSE_CONFIG) private readonly config: GatehouseConfig,
    private readonly gate: ChannelGate,
    private readonly sessions: SessionRegistry,
    private readonly submissions: SubmissionService,
    @Inject(PEER_BAN_LIST) private readonly bans: PeerBanList,
  ) {
    this.perPeer = new PeerConnectionLimit(config.maxConnectionsPerPeer);
  }

  async start(): Promise<void> {
    if (this.servers.length > 0) return;
    const { smtp, tls, host } = this.config;
    const pem = tls ? { cert: fs.readFileSync(tls.certFile), key: fs.readFileSync(tls.keyFile) } : null;
    if (!pem && !smtp.insecureAuth) {
      this.logger.warn(
        'SMTP: no GATEHOUSE_TLS_CERT/KEY, so no STARTTLS, and AUTH is offered only over TLS: ' +
          'no client can log in until a certificate is set (or GATEHOUSE_SMTP_INSECURE_AUTH=true on a trusted network)',
      );
    }
    const plain = this.createServer(false, pem);
    this.servers.push(plain);
    await this.listen(plain, smtp.port, host);
    if (smtp.securePort !== null && pem) {
      const secure = this.createServer(true, pem);
      this.servers.push(secure);
      await this.listen(secure, smtp.securePort, host);
    }
  }

  address(): BoundAddress | null {
    return this.addressOf(this.servers[0]);
  }

  /** The implicit-TLS (SMTPS) address, when one is bound. */
  secureAddress(): BoundAddress | null {
    return this.addressOf(this.servers[1]);
  }

  bannerNote(): string | null {
    const secure = this.secureAddress();
    const notes = [
      this.config.tls ? 'STARTTLS' : this.config.smtp.insecureAuth ? 'no TLS, AUTH in plain text' : 'no TLS: AUTH off',
      ...(secure ? [`smtps ${secure.host}:${secure.port}`] : []),
      `mail to <number>@${this.config.smtp.smsDomain}`,
    ];
    return notes.join(', ');
  }

  /**
   * Stops accepting; idle connections are told 421 at once, a message being received gets up to
   * `graceMs` to be stored and answered (then 421), and whatever is left is cut.
   */
  async stop(graceMs: number): Promise<void> {
    if (this.servers.length === 0 || this.stopping) return;
    this.stopping = true;
    const servers = this.servers;
    const closed = Promise.all(
      servers.map((server) => new Promise<void>((resolve) => server.server.close(() => resolve()))),
    );
    for (const server of servers) {
      for (const connection of connectionsOf(server)) {
        const state = this.states.get(connection.id);
        if (state) state.ended = true;
        if (!state?.busy) connection.send(421, replyText(sessionEndReply('shutdown')));
      }
    }
    const deadline = Date.now() + graceMs;
    while (this.states.size > 0 && Date.now() < deadline) await sleep(Math.min(50, deadline - Date.now()));
    for (const server of servers) {
      for (const connection of connectionsOf(server)) connection.send(421, replyText(sessionEndReply('shutdown')));
    }
    await Promise.race([closed, sleep(CLOSE_BOUND_MS)]);
    this.servers = [];
  }

  private createServer(secure: boolean, pem: { cert: Buffer; key: Buffer } | null): SMTPServer {
    const { smtp } = this.config;
    const options: SMTPServerOptions = {
      secure,
      ...(pem ? { cert: pem.cert, key: pem.key, minVersion: 'TLSv1.2' } : {}),
      // Without a certificate there is no STARTTLS to offer.
      disabledCommands: pem ? [] : ['STARTTLS'],
      name: smtp.smsDomain,
      banner: 'Gatehouse email-to-SMS',
      authMethods: ['PLAIN', 'LOGIN'],
      allowInsecureAuth: smtp.insecureAuth,
      authOptional: false,
      size: smtp.maxMessageBytes,
      maxAllowedUnauthenticatedCommands: MAX_UNAUTHENTICATED_COMMANDS,
      maxCommandLength: MAX_COMMAND_BYTES,
      socketTimeout: IDLE_TIMEOUT_MS,
      closeTimeout: CLOSE_BOUND_MS,
      // No DNS lookup per connection, and no XCLIENT/XFORWARD/PROXY: a client's word about its
      // own address is never taken (the peer address is the socket's).
      disableReverseLookup: true,
      useXClient: false,
      useXForward: false,
      useProxy: false,
      logger: false,
      onConnect: (session, callback) => void this.onConnect(session, callback),
      onAuth: (auth, session, callback) => void this.onAuth(auth, session, callback),
      onMailFrom: (_address, session, callback) => void this.onMailFrom(session, callback),
      onRcptTo: (address, session, callback) => this.onRcptTo(address, session, callback),
      onData: (stream, session, callback) => void this.onData(stream, session, callback),
      onClose: (session) => this.onClose(session),
    };
    const server = new SMTPServer(options);
    indexConnections(server);
    server.on('error', (err: Error) => this.logger.debug(`SMTP connection: ${err.message}`));
    return server;
  }

  private async listen(server: SMTPServer, port: number, host: string): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      server.server.once('error', reject);
      server.listen(port, host, () => {
        server.server.off('error', reject);
        resolve();
      });
    });
    // Each reply waits for the client's next command: no Nagle delay on them.
    server.server.on('connection', (socket) => socket.setNoDelay(true));
  }

  private addressOf(server: SMTPServer | undefined): BoundAddress | null {
    const address = server?.server.address();
    return address && typeof address === 'object' ? { host: address.address, port: address.port } : null;
  }

  // ---- connection ------------------------------------------------------------------------

  /** A logger for one connection: its lines carry smtp-server's session id as `session`. */
  private log(session: SMTPServerSession): SessionLogger {
    return new SessionLogger('SmtpListener', session.id);
  }

  /** Before the greeting: a banned peer, or one holding too many connections, is told 421. */
  private async onConnect(session: SMTPServerSession, callback: (err?: Error | null) => void): Promise<void> {
    if (this.stopping) return callback(smtpError(sessionEndReply('shutdown')));
    const peer = normalizePeerAddress(session.remoteAddress);
    this.log(session).debug(`SMTP connection from ${peer}`);
    let ban: BanState;
    try {
      ban = await this.bans.check(peerBanSubject(peer));
    } catch (err) {
      // AUTH would meet the same failure and be refused; the greeting does no harm.
      this.log(session).warn(`ban list check failed: ${err instanceof Error ? err.message : String(err)}`);
      ban = { banned: false };
    }
    if (ban.banned) return callback(smtpError(bannedReply(ban.retryAfterSeconds)));
    const releaseSlot = this.perPeer.tryAcquire(peer);
    if (!releaseSlot) {
      return callback(
        smtpError({
          code: 421,
          enhanced: '4.7.0',
          text: 'Too many connections from your address; close some and try again.',
        }),
      );
    }
    // AUTH is offered only over TLS unless GATEHOUSE_SMTP_INSECURE_AUTH (smtp-server lists it in
    // every EHLO, and takes it in plain text when STARTTLS is off).
    if (!this.config.smtp.insecureAuth) {
      for (const server of this.servers) {
        const connection = connectionOf(server, session);
        if (connection) hideAuthBeforeTls(connection);
      }
    }
    this.states.set(session.id, {
      peer,
      releaseSlot,
      authFailures: 0,
      key: null,
      unregister: null,
      busy: false,
      ended: false,
    });
    callback();
  }

  private onClose(session: SMTPServerSession): void {
    const state = this.states.get(session.id);
    if (!state) return;
    this.states.delete(session.id);
    state.ended = true;
    state.releaseSlot();
    state.unregister?.();
  }

  // ---- AUTH --------------------------------------------------------------------------------

  private async onAuth(
    auth: SMTPServerAuthentication,
    session: SMTPServerSession,
    callback: (err: Error | null | undefined, response?: SMTPServerAuthenticationResponse) => void,
  ): Promise<void> {
    const state = this.states.get(session.id);
    if (!state || state.ended) return callback(smtpError(sessionEndReply('shutdown')));
    if (!session.secure && !this.config.smtp.insecureAuth) {
      // Never a password in plain text; this server may have no STARTTLS to offer at all.
      return callback(
        smtpError({
          code: 538,
          enhanced: '5.7.11',
          text: this.config.tls
            ? 'Encryption required: send STARTTLS before AUTH.'
            : 'Encryption required: this server has no TLS certificate, so it takes no AUTH.',
        }),
      );
    }
    const admission = await this.gate.admit({
      channel: 'email',
      username: auth.username ?? '',
      secret: auth.password ?? '',
      peer: state.peer,
      operation: 'smtp.AUTH',
      refusalStatus: authRefusalStatus,
      countsAgainstRate: false, // each mail counts, at MAIL FROM
    });
    if (!admission.ok) {
      const reply = authRefusalReply(admission.refusal);
      if (reply.code === 421) return callback(smtpError(reply)); // banned: 421 closes
      state.authFailures++;
      if (state.authFailures >= MAX_AUTH_FAILURES) {
        return callback(
          smtpError({
            code: 421,
            enhanced: '4.7.0',
            text: `${reply.text} Too many failed attempts; closing the connection.`,
          }),
        );
      }
      return callback(smtpError(reply));
    }
    const key = admission.key;
    admission.request.finish('235', 'ok');
    if (state.ended) return callback(smtpError(sessionEndReply('shutdown')));
    state.key = key;
    state.unregister = this.sessions.register({
      credentialId: key.credentialId,
      channel: 'email',
      close: (reason: SessionEndReason) => this.endSession(session, reason),
    });
    callback(null, { user: key.credentialId });
  }

  /** Ended by the session registry (credential blocked, rotated, deleted, account suspended). */
  private endSession(session: SMTPServerSession, reason: SessionEndReason): void {
    const state = this.states.get(session.id);
    if (state) state.ended = true;
    for (const server of this.servers) connectionOf(server, session)?.send(421, replyText(sessionEndReply(reason)));
  }

  // ---- envelope ----------------------------------------------------------------------------

  private async onMailFrom(session: SMTPServerSession, callback: (err?: Error | null) => void): Promise<void> {
    const state = this.states.get(session.id);
    // smtp-server asks for AUTH first (authOptional is off); this holds if that ever changes.
    if (!state?.key) return callback(smtpError({ code: 530, enhanced: '5.7.0', text: 'Authentication required.' }));
    if (state.ended) return callback(smtpError(sessionEndReply('shutdown')));
    // Each mail is one request against the credential's rate limit: 451, and the sender retries.
    const limited = await this.gate.overRate(state.key);
    if (limited) {
      const reply = rateLimitedReply(limited.retryAfterSeconds);
      this.gate.openRequest(state.key, 'smtp.DATA', state.peer).finish(String(reply.code), 'rate_limited');
      return callback(smtpError(reply));
    }
    callback();
  }

  private onRcptTo(
    address: SMTPServerAddress,
    session: SMTPServerSession,
    callback: (err?: Error | null) => void,
  ): void {
    if (session.envelope.rcptTo.length >= MAX_RECIPIENTS_PER_MESSAGE) {
      return callback(
        smtpError({
          code: 452,
          enhanced: '4.5.3',
          text: `Too many recipients: at most ${MAX_RECIPIENTS_PER_MESSAGE} per message; send the rest in another.`,
        }),
      );
    }
    const check = checkRecipient(address.address, this.config.smtp.smsDomain);
    if (!check.ok) {
      return callback(
        smtpError({ code: check.code, enhanced: check.code === 553 ? '5.1.3' : '5.7.1', text: check.text }),
      );
    }
    callback();
  }

  // ---- DATA --------------------------------------------------------------------------------

  private async onData(
    stream: SMTPServerDataStream,
    session: SMTPServerSession,
    callback: (err?: Error | null, message?: string) => void,
  ): Promise<void> {
    const state = this.states.get(session.id);
    if (!state?.key) {
      stream.resume();
      return callback(smtpError({ code: 530, enhanced: '5.7.0', text: 'Authentication required.' }));
    }
    state.busy = true;
    const request = this.gate.openRequest(state.key, 'smtp.DATA', state.peer);
    const answer = (reply: SmtpReply, outcome: RequestOutcome) => {
      request.finish(String(reply.code), outcome);
      this.afterMessage(session, state);
      callback(smtpError(reply));
    };
    try {
      const raw = await readLimited(stream, this.config.smtp.maxMessageBytes);
      if (raw === null) {
        return answer(
          {
            code: 552,
            enhanced: '5.3.4',
            text: `Message too big: this server takes at most ${this.config.smtp.maxMessageBytes} bytes.`,
          },
          'payload_too_large',
        );
      }
      if (state.ended) return answer(sessionEndReply('shutdown'), 'rejected');
      const mail = await readMail(raw);
      const numbers = session.envelope.rcptTo.map((rcpt) => {
        const check = checkRecipient(rcpt.address, this.config.smtp.smsDomain);
        if (!check.ok) throw new Error('a recipient RCPT accepted no longer checks'); // cannot happen
        return check.number;
      });
      // One recipient (the usual mail) joins the group commit that REST and HTTP submissions
      // share; several go through the batch submit, one transaction for all of them.
      const requests = numbers.map((number) => ({ to: [number], body: mail.text, groups: mail.groups }));
      const results =
        requests.length === 1
          ? [await this.submitOne(state.key, requests[0])]
          : await this.submissions.submitBatch(state.key, requests);
      const stored = results.flatMap((r) => (r.ok ? [r.submission.id] : []));
      const failed = results.flatMap((r) => (r.ok ? [] : [r.error]));
      if (stored.length === 0) {
        const error = failed[0];
        return answer(submissionRefusalReply(error), outcomeOf(error));
      }
      request.finish('250', 'ok');
      this.afterMessage(session, state);
      const shown = stored.slice(0, REPLY_IDS).join(' ');
      const more = stored.length > REPLY_IDS ? ` and ${stored.length - REPLY_IDS} more` : '';
      const notStored = failed.length > 0 ? `; ${failed.length} not stored (${failed[0].code})` : '';
      callback(null, replyText({ code: 250, enhanced: '2.0.0', text: `Accepted: ${shown}${more}${notStored}` }));
    } catch (err) {
      if (err instanceof MailUnreadable) {
        return answer({ code: 554, enhanced: '5.6.0', text: err.message }, 'validation_failed');
      }
      this.log(session).error(`SMTP message from ${state.peer}: ${err instanceof Error ? err.message : String(err)}`);
      return answer(
        { code: 451, enhanced: '4.3.0', text: 'The message could not be stored; try again later.' },
        'internal_error',
      );
    }
  }

  private async submitOne(key: AuthenticatedCredential, request: SubmissionRequest): Promise<BatchRowResult> {
    try {
      return { ok: true, submission: await this.submissions.submit(key, request) };
    } catch (err) {
      if (err instanceof DomainError) return { ok: false, error: err };
      throw err;
    }
  }

  /** After a message's answer: at shutdown or once its session was ended, the connection closes. */
  private afterMessage(session: SMTPServerSession, state: ConnectionState): void {
    state.busy = false;
    if (!state.ended) return;
    setImmediate(() => {
      for (const server of this.servers)
        connectionOf(server, session)?.send(421, replyText(sessionEndReply('shutdown')));
    });
  }
}

/** The request-log outcome of a message the core refused. */
function outcomeOf(error: DomainError): RequestOutcome {
  switch (error.code) {
    case 'scope_violation':
    case 'unknown_group':
    case 'validation_failed':
      return error.code;
    default:
      return 'rejected';
  }
}

/**
 * Reads a message into memory, at most `maxBytes` of it: past that (smtp-server counts the bytes
 * and flags `sizeExceeded`) the rest is read and dropped, so the client gets its 552 after its
 * final dot, and the answer is null.
 */
function readLimited(stream: SMTPServerDataStream, maxBytes: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let length = 0;
    stream.on('data', (chunk: Buffer) => {
      if (length > maxBytes) return;
      length += chunk.length;
      if (length <= maxBytes) chunks.push(chunk);
    });
    stream.once('error', reject);
    stream.once('end', () => resolve(stream.sizeExceeded || length > maxBytes ? null : Buffer.concat(chunks, length)));
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(1, ms)).unref());
}
