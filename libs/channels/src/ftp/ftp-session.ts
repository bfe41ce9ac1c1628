import { createWriteStream } from 'node:fs';
import * as net from 'node:net';
import type { Duplex } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import * as tls from 'node:tls';
import { Logger } from '@nestjs/common';
import {
  AuthenticatedCredential,
  ChannelGate,
  RequestOutcome,
  SessionEndReason,
  SessionRegistry,
  normalizePeerAddress,
  parseIp,
} from '@gatehouse/core';
import type { AccountTrees, BatchFiles, UploadTarget } from '../files/file-channel';
import { CommandLine, CommandReader, ReadLine, parseCommandLine } from './command-reader';
import {
  ActiveChannel,
  DataChannel,
  PassiveChannel,
  checkActiveTarget,
  parseEprtArgument,
  parsePortArgument,
} from './data-connection';
import { FtpReply, loginRefusalReply, loginRefusalStatus, sessionEndReply } from './ftp-replies';
import {
  STOCK_COMMANDS,
  StockConnection,
  StockDirective,
  detachCommandReader,
  runStockCommand,
} from './ftp-srv-internals';
import { FileStat, FtpFileError, JailedFileSystem, listLine } from './jailed-file-system';

/**
 * ftp-srv 4.6.3's gaps (unmaintained since 2023), each closed in this directory and tested in
 * test/e2e/channel-ftp.e2e-spec.ts and the specs next to these files:
 *  1. Path traversal (CVE-2020-26299, backslashes): every path goes through AccountTrees.resolve;
 *     ftp-srv's FileSystem (its own path joining, mkdir, chmod, write) is never used
 *     (jailed-file-system.ts).
 *  2. FTP bounce (CVE-2020-15152): PORT/EPRT only to the control peer, not to ports < 1024, the
 *     address parsed strictly (data-connection.ts); and no FXP: a passive connection from another
 *     address is dropped.
 *  3. FTPS data connections deadlocked with Python's ftplib (issue #192): `150` is sent before
 *     the data connection's TLS handshake, not after it (data-connection.ts).
 *  4. No TLS enforcement: with GATEHOUSE_FTP_REQUIRE_TLS, USER/PASS before AUTH TLS get 530, and
 *     data connections need PROT P (521).
 *  5. STARTTLS-style command injection: commands pipelined after `AUTH TLS` in plain text were
 *     run as if they had come over TLS; here they are discarded.
 *  6. The command reader: no line length limit, no buffering across TCP segments, commands of
 *     separate segments run concurrently, `"` and `-x` words silently removed from arguments
 *     (passwords and file names changed), unknown directives echoed into replies (command-reader.ts).
 *  7. SITE (CHMOD on any host path through its FileSystem), MKD, RMD (which deleted files),
 *     APPE and STOU: refused. HELP and FEAT listed commands that are refused; ours do not.
 *  8. No idle timeout (a socket timeout would also have cut long uploads): idle control
 *     connections are closed, transfers are not counted as idle.
 *  9. No upload size limit: GATEHOUSE_FTP_MAX_UPLOAD_BYTES, 552 past it, the partial file removed.
 * 10. A cut upload was kept as a complete file: here it is removed and never processed.
 * 11. Its constructor hooks SIGTERM/SIGINT/SIGQUIT to call process.exit(0) (ftp-srv-internals.ts).
 * 12. Error texts carried host paths (`ENOENT … '/data/…'`) to the client; replies here never do.
 * 13. PASV announced the client's own address to loopback clients and needed a pasv_url; here the
 *     configured GATEHOUSE_FTP_PASV_ADDRESS or the address the client connected to.
 * 14. The `ip` package (CVE-2024-29415, unfixed) is only reached by the stock PORT/EPRT/PASV/EPSV
 *     handlers, which are replaced.
 * 15. ABOR could not reach a transfer (the command socket was paused during it) and wrote its 426
 *     into the data connection; here it cuts the transfer (426 on the control connection, then 226).
 */

/** Failed logins on one connection before it is closed. */
export const MAX_LOGIN_FAILURES = 3;
/** Commands read ahead while one runs; past this the socket is not read until they are done. */
const MAX_QUEUED_COMMANDS = 32;

export interface FtpSessionSettings {
  requireTls: boolean;
  /** Null: no TLS (AUTH TLS answered 502). */
  secureContext: tls.SecureContext | null;
  pasvPorts: { min: number; max: number };
  /** Announced in PASV replies; null: the address the client connected to. */
  pasvAddress: string | null;
  idleTimeoutMs: number;
  /** How long a transfer command waits for the client's data connection. */
  dataOpenTimeoutMs: number;
}

export interface FtpSessionDeps {
  gate: ChannelGate;
  registry: SessionRegistry;
  trees: AccountTrees;
  batches: BatchFiles;
  settings: FtpSessionSettings;
  logger: Logger;
  stockLog: unknown;
}

interface Transfer {
  abort(): void;
  done: Promise<void>;
}

export type UploadEnd = 'complete' | 'too_large' | 'aborted' | 'disk_full' | 'failed';

const HELP = [
  'USER PASS AUTH PBSZ PROT FEAT HELP QUIT NOOP SYST OPTS',
  'PWD CWD CDUP LIST NLST STAT SIZE MDTM',
  'RETR STOR DELE RNFR RNTO REST TYPE MODE STRU',
  'PASV EPSV PORT EPRT ABOR ALLO',
];

/**
 * One FTP control connection, on a connection ftp-srv set up (reply formatting, bookkeeping)
 * and whose commands are read and dispatched here: login through ChannelGate, the jailed file
 * system, data connections and uploads of this file; the simple stock handlers for the rest.
 */
export class FtpSession {
  readonly peer: string;
  private socket: net.Socket | tls.TLSSocket;
  private readonly reader = new CommandReader();
  private readonly queue: ReadLine[] = [];
  private running = false;
  private closed = false;
  private closing = false;
  private shuttingDown = false;
  private readPaused = false;
  private idleTimer: NodeJS.Timeout | null = null;
  private previous: string | null = null;

  private secure = false;
  private pbsz = false;
  private protectData = false;
  private epsvAll = false;

  private pendingUser: string | null = null;
  private failures = 0;
  private key: AuthenticatedCredential | null = null;
  private files: JailedFileSystem | null = null;
  private unregister: (() => void) | null = null;

  private data: DataChannel | null = null;
  private transfer: Transfer | null = null;
  private readonly closedListeners: Array<() => void> = [];

  constructor(
    private readonly connection: StockConnection,
    private readonly raw: net.Socket,
    peer: string,
    private readonly deps: FtpSessionDeps,
  ) {
    this.peer = peer;
    this.socket = raw;
  }

  /** Takes over the command stream (ftp-srv greets, then resumes the socket). */
  start(): void {
    detachCommandReader(this.connection);
    this.raw.on('data', this.onData);
    this.raw.once('close', () => this.teardown());
    this.armIdle();
  }

  onClosed(listener: () => void): void {
    if (this.closed) listener();
    else this.closedListeners.push(listener);
  }

  /** Listener stop: an idle session says goodbye now, a busy one after its command. */
  shutdown(): void {
    this.shuttingDown = true;
    if (!this.running) this.goodbye(sessionEndReply('shutdown'));
  }

  /** Listener stop, grace over: transfers are cut, then goodbye. */
  forceShutdown(): void {
    this.transfer?.abort();
    this.goodbye(sessionEndReply('shutdown'));
  }

  // ---- reading commands -------------------------------------------------------------------

  private readonly onData = (chunk: Buffer): void => {
    if (this.closing) return;
    this.armIdle();
    const { lines, overflow } = this.reader.push(chunk);
    for (const line of lines) {
      const read = parseCommandLine(line);
      // ABOR acts on the transfer under way (RFC 959 §4.1.3); everything else waits its turn.
      if (read.ok && read.command.directive === 'ABOR' && this.transfer) void this.run(() => this.abor());
      else this.queue.push(read);
    }
    if (overflow) {
      this.queue.length = 0;
      void this.reply(500, 'Command line too long.');
      this.hangUp();
      return;
    }
    if (this.queue.length >= MAX_QUEUED_COMMANDS && !this.readPaused) {
      this.readPaused = true;
      this.socket.pause();
    }
    void this.drain();
  };

  private async drain(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      while (this.queue.length > 0 && !this.closing && !this.shuttingDown) {
        const read = this.queue.shift()!;
        await this.run(() => this.execute(read));
        if (this.readPaused && this.queue.length < MAX_QUEUED_COMMANDS / 4) {
          this.readPaused = false;
          this.socket.resume();
        }
      }
    } finally {
      this.running = false;
    }
    if (this.shuttingDown) this.goodbye(sessionEndReply('shutdown'));
    else this.armIdle();
  }

  /** Runs a handler; whatever it throws becomes a 451 without details (logged here). */
  private async run(handler: () => Promise<void>): Promise<void> {
    try {
      await handler();
    } catch (err) {
      if (err instanceof FtpFileError) return this.reply(err.reply.code, err.reply.text);
      this.deps.logger.warn(`FTP command failed: ${err instanceof Error ? err.message : String(err)}`);
      await this.reply(451, 'Local error in processing.');
    }
  }

  private async execute(read: ReadLine): Promise<void> {
    if (!read.ok) {
      switch (read.reason) {
        case 'syntax':
          return this.reply(500, 'Syntax error, command unrecognized.');
        case 'encoding':
          return this.reply(501, 'Commands must be UTF-8.');
        case 'control':
          return this.reply(501, 'Control characters are not allowed in commands.');
      }
    }
    const { directive } = read.command;
    const previous = this.previous;
    this.previous = directive;
    if (directive !== 'RNTO' && previous === 'RNFR') delete this.connection.renameFrom;
    // Not echoed: the directive is the client's text.
    if (!KNOWN.has(directive)) return this.reply(502, 'Command not implemented.');
    if (!this.key && !PRE_LOGIN.has(directive)) return this.reply(530, 'Please log in with USER and PASS.');
    return this.dispatch(read.command);
  }

  private dispatch({ directive, arg }: CommandLine): Promise<void> {
    switch (directive) {
      case 'USER':
        return this.user(arg);
      case 'PASS':
        return this.pass(arg);
      case 'AUTH':
        return this.auth(arg);
      case 'PBSZ':
        return this.pbszCommand(arg);
      case 'PROT':
        return this.prot(arg);
      case 'FEAT':
        return this.feat();
      case 'HELP':
        return this.replyLines(214, 'The following commands are recognized.', HELP, 'Help OK.');
      case 'QUIT':
        return this.quit();
      case 'PASV':
        return this.pasv();
      case 'EPSV':
        return this.epsv(arg);
      case 'PORT':
        return this.port(arg, false);
      case 'EPRT':
        return this.port(arg, true);
      case 'STOR':
        return this.stor(arg);
      case 'RETR':
        return this.retr(arg);
      case 'LIST':
      case 'NLST':
        return this.list(arg, directive === 'NLST');
      case 'ABOR':
        return this.abor();
      case 'APPE':
        return this.reply(502, 'APPE is not supported: upload whole files with STOR.');
      case 'STOU':
        return this.reply(502, 'STOU is not supported: upload with STOR under a name of your choice.');
      case 'MKD':
      case 'XMKD':
        return this.reply(550, 'Creating directories is not allowed.');
      case 'RMD':
      case 'XRMD':
        return this.reply(550, 'Removing directories is not allowed.');
      case 'SITE':
        return this.reply(502, 'SITE commands are not supported.');
      default:
        return runStockCommand(this.connection, directive as StockDirective, arg, this.deps.stockLog);
    }
  }

  // ---- login and TLS ----------------------------------------------------------------------

  private async user(arg: string | null): Promise<void> {
    if (this.key) return this.reply(503, 'Already logged in.');
    if (this.deps.settings.requireTls && !this.secure) {
      return this.reply(530, 'TLS required: send AUTH TLS before logging in.');
    }
    if (!arg) return this.reply(501, 'USER needs a user name.');
    this.pendingUser = arg;
    return this.reply(331, 'Password required.');
  }

  private async pass(arg: string | null): Promise<void> {
    if (this.key) return this.reply(503, 'Already logged in.');
    if (this.deps.settings.requireTls && !this.secure) {
      return this.reply(530, 'TLS required: send AUTH TLS before logging in.');
    }
    const username = this.pendingUser;
    if (username === null) return this.reply(503, 'Log in with USER first.');
    if (!arg) return this.reply(501, 'PASS needs a password.');
    this.pendingUser = null;
    const admission = await this.deps.gate.admit({
      channel: 'ftp',
      username,
      secret: arg,
      peer: this.peer,
      operation: 'ftp.login',
      refusalStatus: loginRefusalStatus,
    });
    if (!admission.ok) {
      const reply = loginRefusalReply(admission.refusal);
      // A ban, or the credential's rate limit: 421, and the connection closes.
      if (reply.code === 421) return this.goodbye(reply);
      this.failures++;
      await this.reply(reply.code, reply.text);
      if (this.failures >= MAX_LOGIN_FAILURES) this.hangUp();
      return;
    }
    const key = admission.key;
    admission.request.finish('230', 'ok');
    if (this.closing) return;
    await this.deps.trees.ensure(key.accountId);
    this.key = key;
    this.files = new JailedFileSystem(this.deps.trees, key.accountId, this.deps.logger, (renamed) =>
      this.deps.batches.claimRenamed(key, renamed, this.peer),
    );
    // The stock handlers (CWD, DELE, SIZE…) check these two.
    this.connection.fs = this.files;
    this.connection.authenticated = true;
    this.unregister = this.deps.registry.register({
      credentialId: key.credentialId,
      channel: 'ftp',
      close: (reason: SessionEndReason) => this.end(reason),
    });
    return this.reply(230, 'Logged in.');
  }

  /** Ended by the session registry (credential blocked, rotated, deleted, account suspended). */
  private end(reason: SessionEndReason): void {
    this.transfer?.abort();
    this.goodbye(sessionEndReply(reason));
  }

  private async auth(arg: string | null): Promise<void> {
    const mechanism = (arg ?? '').trim().toUpperCase();
    if (mechanism !== 'TLS' && mechanism !== 'TLS-C' && mechanism !== 'SSL') {
      return this.reply(504, 'Unsupported security mechanism: use AUTH TLS.');
    }
    const context = this.deps.settings.secureContext;
    if (!context) return this.reply(502, 'TLS is not available on this server.');
    if (this.secure) return this.reply(503, 'TLS is already active.');
    if (this.key) return this.reply(503, 'AUTH TLS must come before login.');

    // Nothing read after AUTH TLS in plain text may run as if it had come over TLS.
    const raw = this.raw;
    raw.pause();
    const dropped = this.reader.discard() + this.queue.splice(0).length;
    if (dropped > 0) this.deps.logger.warn(`discarded plain-text input pipelined after AUTH TLS from ${this.peer}`);
    raw.removeListener('data', this.onData);
    await this.reply(234, 'Proceed with negotiation.');
    if (this.closing) return;

    // Takes what raw has buffered since the pause (the ClientHello) and reads on from there.
    const secure = new tls.TLSSocket(raw, { isServer: true, secureContext: context });
    secure.on('data', this.onData);
    secure.on('error', (err: Error) => {
      this.deps.logger.debug(`FTP TLS control connection from ${this.peer}: ${err.message}`);
      secure.destroy();
    });
    // No forwarding of events (ftp-srv's AUTH handler did): the plain socket, whose `close` both
    // ftp-srv and this session listen to, closes with the TLS socket that took over its handle.
    this.socket = secure;
    this.connection.commandSocket = secure;
    this.connection.secure = true;
    this.secure = true;
    this.pendingUser = null; // RFC 4217 §4: AUTH resets the login state
  }

  private async pbszCommand(arg: string | null): Promise<void> {
    if (!this.secure) return this.reply(503, 'PBSZ needs AUTH TLS first.');
    if (!arg || !/^\d+$/.test(arg)) return this.reply(501, 'PBSZ needs a number.');
    this.pbsz = true;
    return this.reply(200, 'PBSZ=0');
  }

  private async prot(arg: string | null): Promise<void> {
    if (!this.secure) return this.reply(503, 'PROT needs AUTH TLS first.');
    if (!this.pbsz) return this.reply(503, 'PROT needs PBSZ first.');
    switch ((arg ?? '').toUpperCase()) {
      case 'P':
        this.protectData = true;
        return this.reply(200, 'Protection level set to Private.');
      case 'C':
        if (this.deps.settings.requireTls) return this.reply(534, 'Policy requires PROT P.');
        this.protectData = false;
        return this.reply(200, 'Protection level set to Clear.');
      case 'S':
      case 'E':
        return this.reply(536, 'Protection level not supported.');
      default:
        return this.reply(504, 'Unknown protection level.');
    }
  }

  private feat(): Promise<void> {
    const tlsFeatures = this.deps.settings.secureContext ? ['AUTH TLS', 'PBSZ', 'PROT'] : [];
    const features = [...tlsFeatures, 'EPRT', 'EPSV', 'MDTM', 'REST STREAM', 'SIZE', 'UTF8'];
    return this.replyLines(211, 'Features:', features, 'End');
  }

  private async quit(): Promise<void> {
    await this.reply(221, 'Goodbye.');
    this.hangUp();
  }

  // ---- data connections -------------------------------------------------------------------

  private dataRefusal(): FtpReply | null {
    if (this.deps.settings.requireTls && !this.protectData) {
      return { code: 521, text: 'Data connections must be protected: send PBSZ 0 and PROT P first.' };
    }
    return null;
  }

  private protection(): { secureContext: tls.SecureContext | null } {
    return { secureContext: this.protectData ? this.deps.settings.secureContext : null };
  }

  private async openPassive(): Promise<PassiveChannel | null> {
    this.closeData();
    const local = this.socket.localAddress ?? this.raw.localAddress;
    if (!local) return null;
    try {
      const channel = await PassiveChannel.listen(
        local,
        this.deps.settings.pasvPorts,
        this.peer,
        this.protection(),
        this.deps.logger,
      );
      if (this.closing) {
        channel.close();
        return null;
      }
      this.data = channel;
      return channel;
    } catch (err) {
      this.deps.logger.warn(`no passive port for ${this.peer}: ${err instanceof Error ? err.message : String(err)}`);
      return null;
    }
  }

  private async pasv(): Promise<void> {
    const refused = this.dataRefusal() ?? (this.epsvAll ? { code: 503, text: 'EPSV ALL in effect: use EPSV.' } : null);
    if (refused) return this.reply(refused.code, refused.text);
    // Behind NAT the configured address; else the address this client reached (never its own).
    const announced = parseIp(
      this.deps.settings.pasvAddress ?? normalizePeerAddress(this.socket.localAddress ?? this.raw.localAddress),
    );
    if (announced?.kind() !== 'ipv4') return this.reply(425, 'PASV needs an IPv4 address here: use EPSV.');
    const channel = await this.openPassive();
    if (!channel) return this.reply(425, 'Cannot open a passive data port.');
    const h = announced.toString().replace(/\./g, ',');
    return this.reply(227, `Entering Passive Mode (${h},${channel.port >> 8},${channel.port & 255}).`);
  }

  private async epsv(arg: string | null): Promise<void> {
    const refused = this.dataRefusal();
    if (refused) return this.reply(refused.code, refused.text);
    if (arg?.toUpperCase() === 'ALL') {
      this.epsvAll = true;
      return this.reply(200, 'EPSV ALL accepted.');
    }
    if (arg !== null && arg !== '1' && arg !== '2')
      return this.reply(522, 'Network protocol not supported, use (1,2).');
    const channel = await this.openPassive();
    if (!channel) return this.reply(425, 'Cannot open a passive data port.');
    return this.reply(229, `Entering Extended Passive Mode (|||${channel.port}|).`);
  }

  private async port(arg: string | null, extended: boolean): Promise<void> {
    const refused = this.dataRefusal() ?? (this.epsvAll ? { code: 503, text: 'EPSV ALL in effect: use EPSV.' } : null);
    if (refused) return this.reply(refused.code, refused.text);
    const parsed = extended ? parseEprtArgument(arg) : parsePortArgument(arg);
    if (parsed === 'unsupported') return this.reply(522, 'Network protocol not supported, use (1,2).');
    if (!parsed) return this.reply(501, `Syntax error in ${extended ? 'EPRT' : 'PORT'} argument.`);
    const foreign = checkActiveTarget(parsed, this.peer);
    if (foreign) {
      this.deps.logger.warn(`refused ${extended ? 'EPRT' : 'PORT'} from ${this.peer} to another address or port`);
      return this.reply(foreign.code, foreign.text);
    }
    this.closeData();
    this.data = new ActiveChannel(
      parsed,
      this.socket.localAddress ?? this.raw.localAddress ?? '',
      this.protection(),
      this.deps.logger,
    );
    return this.reply(200, `${extended ? 'EPRT' : 'PORT'} command successful.`);
  }

  private closeData(): void {
    this.data?.close();
    this.data = null;
  }

  /** The data connection for a transfer command, or null after replying 425. */
  private async openData(signal: AbortSignal): Promise<Duplex | null> {
    const channel = this.data;
    if (!channel) {
      await this.reply(425, 'Use PASV, EPSV, PORT or EPRT first.');
      return null;
    }
    try {
      const socket = await channel.open(this.deps.settings.dataOpenTimeoutMs);
      if (signal.aborted) throw new Error('aborted');
      return socket;
    } catch {
      this.closeData();
      await this.reply(425, 'Cannot open the data connection.');
      return null;
    }
  }

  /** Runs a transfer so that ABOR, a session end or the listener's stop can cut it. */
  private async transferring(run: (signal: AbortSignal) => Promise<void>): Promise<void> {
    const aborter = new AbortController();
    const done = run(aborter.signal);
    const abort = (): void => {
      aborter.abort();
      this.closeData(); // also stops waiting for a data connection
    };
    this.transfer = { abort, done: done.catch(() => undefined) };
    this.disarmIdle();
    try {
      await done;
    } finally {
      this.transfer = null;
      this.closeData();
      this.connection.restByteCount = 0;
    }
  }

  private async abor(): Promise<void> {
    const transfer = this.transfer;
    if (!transfer) {
      this.closeData();
      return this.reply(225, 'No transfer to abort.');
    }
    transfer.abort();
    await transfer.done; // its 426 goes first
    return this.reply(226, 'Abort successful.');
  }

  // ---- transfers --------------------------------------------------------------------------

  private async stor(arg: string | null): Promise<void> {
    const key = this.key!;
    const request = this.deps.gate.openRequest(key, 'ftp.STOR', this.peer);
    const answer = async (code: number, text: string, outcome: RequestOutcome): Promise<void> => {
      request.finish(String(code), outcome);
      await this.reply(code, text);
    };
    if (!arg) return answer(501, 'STOR needs a file name.', 'rejected');
    if ((this.connection.restByteCount ?? 0) > 0) {
      this.connection.restByteCount = 0;
      return answer(554, 'Resuming uploads is not supported: upload the whole file.', 'rejected');
    }
    let target: UploadTarget;
    try {
      const path = await this.files!.resolve(arg, 'write');
      target = await this.deps.batches.beginUpload(key, path, this.peer);
    } catch (err) {
      if (err instanceof FtpFileError) return answer(err.reply.code, err.reply.text, 'rejected');
      this.deps.logger.warn(`STOR could not start: ${err instanceof Error ? err.message : String(err)}`);
      return answer(451, 'Local error in processing.', 'internal_error');
    }
    let completing = false;
    try {
      await this.transferring(async (signal) => {
        const socket = await this.openData(signal);
        if (!socket) return request.finish('425', 'rejected');
        await this.reply(150, 'Ready to receive data.');
        const end = await receiveUpload(socket, target.tempPath, target.maxBytes, signal);
        // A data connection that closed cleanly while the session itself went away is no finished upload.
        const outcome = end === 'complete' && (this.closing || signal.aborted) ? 'aborted' : end;
        if (outcome === 'complete') {
          completing = true;
          try {
            await target.complete();
          } catch {
            return await answer(451, 'The upload could not be stored; it was discarded.', 'internal_error');
          }
          return await answer(226, 'Transfer complete.', 'ok');
        }
        // Removed before the client hears of it (an ABOR's 226 follows this reply).
        await target.abort().catch(() => undefined);
        switch (outcome) {
          case 'too_large':
            return await answer(552, `Upload refused: larger than ${target.maxBytes} bytes.`, 'payload_too_large');
          case 'disk_full':
            return await answer(452, 'Insufficient storage space.', 'internal_error');
          case 'aborted':
            return await answer(426, 'Connection closed; transfer aborted.', 'rejected');
          case 'failed':
            return await answer(451, 'Local error in processing; transfer aborted.', 'internal_error');
        }
      });
    } finally {
      // Whatever happened, a half-written upload never stays: complete() alone keeps it.
      if (!completing) await target.abort().catch(() => undefined);
      request.finish('426', 'rejected'); // only if nothing above answered
    }
  }

  private async retr(arg: string | null): Promise<void> {
    if (!arg) return this.reply(501, 'RETR needs a file name.');
    const { handle, size, virtual } = await this.files!.openForRead(arg);
    const start = this.connection.restByteCount ?? 0;
    try {
      await this.transferring(async (signal) => {
        const socket = await this.openData(signal);
        if (!socket) return;
        await this.reply(150, `Opening data connection for ${basename(virtual)} (${size} bytes).`);
        try {
          await pipeline(handle.createReadStream({ start, autoClose: false }), socket, { signal });
        } catch {
          socket.destroy();
          return await this.reply(426, 'Connection closed; transfer aborted.');
        }
        return await this.reply(226, 'Transfer complete.');
      });
    } finally {
      await handle.close().catch(() => undefined);
    }
  }

  private async list(arg: string | null, namesOnly: boolean): Promise<void> {
    // `LIST -la` and the like: ls options, not a path.
    const target = (arg ?? '').replace(/^(?:-[A-Za-z]+\s*)+/, '').trim() || '.';
    const files = this.files!;
    const here = await files.get(target);
    const entries: FileStat[] = here.isDirectory() ? await files.list(target) : [here];
    const text = entries.map((e) => (namesOnly ? e.name : listLine(e)) + '\r\n').join('');
    await this.transferring(async (signal) => {
      const socket = await this.openData(signal);
      if (!socket) return;
      await this.reply(150, 'Here comes the directory listing.');
      try {
        await new Promise<void>((resolve, reject) => {
          signal.addEventListener('abort', () => reject(new Error('aborted')), { once: true });
          socket.once('error', reject);
          socket.end(text, resolve);
        });
      } catch {
        socket.destroy();
        return await this.reply(426, 'Connection closed; transfer aborted.');
      }
      return await this.reply(226, 'Directory send OK.');
    });
  }

  // ---- replies and closing ------------------------------------------------------------------

  private reply(code: number, text: string): Promise<void> {
    return this.write(`${code} ${text}\r\n`);
  }

  private replyLines(code: number, first: string, lines: string[], last: string): Promise<void> {
    return this.write(`${code}-${first}\r\n${lines.map((l) => ` ${l}\r\n`).join('')}${code} ${last}\r\n`);
  }

  private write(text: string): Promise<void> {
    const socket = this.socket;
    if (this.closed || this.closing || !socket.writable) return Promise.resolve();
    return new Promise<void>((resolve) => socket.write(text, 'utf8', () => resolve()));
  }

  /** Says goodbye (421) and closes within a second, whatever the client does. */
  private goodbye(reply: FtpReply): void {
    if (this.closing || this.closed) return;
    void this.reply(reply.code, reply.text);
    this.hangUp();
  }

  /** Ends the control connection (after what was written), forcibly after a second. */
  private hangUp(): void {
    if (this.closed) return;
    this.closing = true;
    this.queue.length = 0;
    this.disarmIdle();
    this.socket.end();
    setTimeout(() => {
      this.socket.destroy();
      this.raw.destroy();
    }, 1000).unref();
  }

  private teardown(): void {
    if (this.closed) return;
    this.closed = true;
    this.closing = true;
    this.disarmIdle();
    this.transfer?.abort();
    this.closeData();
    this.unregister?.();
    this.unregister = null;
    for (const listener of this.closedListeners.splice(0)) listener();
  }

  private armIdle(): void {
    this.disarmIdle();
    if (this.closing || this.transfer) return;
    this.idleTimer = setTimeout(
      () => this.goodbye({ code: 421, text: 'Idle timeout; closing the control connection.' }),
      this.deps.settings.idleTimeoutMs,
    );
    this.idleTimer.unref();
  }

  private disarmIdle(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
  }
}

/** The commands `dispatch` answers itself; every other known one is a stock handler. */
const OWN = ['USER', 'PASS', 'AUTH', 'PBSZ', 'PROT', 'FEAT', 'HELP', 'QUIT', 'PASV', 'EPSV', 'PORT', 'EPRT'];
const TRANSFERS = ['STOR', 'RETR', 'LIST', 'NLST', 'ABOR'];
const REFUSED = ['APPE', 'STOU', 'MKD', 'XMKD', 'RMD', 'XRMD', 'SITE'];
const KNOWN = new Set<string>([...OWN, ...TRANSFERS, ...REFUSED, ...STOCK_COMMANDS]);

/** Commands a client may send before it has logged in. */
const PRE_LOGIN = new Set(['USER', 'PASS', 'AUTH', 'PBSZ', 'PROT', 'FEAT', 'HELP', 'QUIT', 'NOOP', 'SYST', 'OPTS']);

function basename(virtual: string): string {
  return virtual.slice(virtual.lastIndexOf('/') + 1);
}

/**
 * An upload reaches its file in writes of up to this size: each write is a round trip through
 * libuv's thread pool (two thread wake-ups), which at one write per socket read (~32-64 KiB) cost
 * more CPU than the copying itself. The stream holds two of them (one being written, the next
 * being filled) before the socket is paused, ~2 MiB per upload: what an SFTP client keeps in flight.
 */
const UPLOAD_WRITE_BYTES = 1024 * 1024;
/** …and bytes wait at most this long for the rest of their write: a slow upload reaches the disk as it comes. */
const UPLOAD_WRITE_WAIT_MS = 20;

/**
 * Writes an upload's bytes to its temporary file, at most `maxBytes` of them. It is complete
 * only when the client closed the data connection cleanly (FIN, or TLS close) and every byte is
 * on disk (fsync); a reset, an error, ABOR or the session's end abort it.
 */
export function receiveUpload(socket: Duplex, file: string, maxBytes: number, signal: AbortSignal): Promise<UploadEnd> {
  return new Promise<UploadEnd>((resolve) => {
    // `w` keeps the mode BatchFiles created the file with (0600); `flush`: fsync before close.
    const out = createWriteStream(file, { flags: 'w', flush: true, highWaterMark: 2 * UPLOAD_WRITE_BYTES });
    let received = 0;
    let corked = 0; // bytes held back for the next write (cork: they go out as one writev)
    let wait: NodeJS.Timeout | undefined;
    const flush = (): void => {
      clearTimeout(wait);
      if (corked === 0) return;
      corked = 0;
      out.uncork();
    };
    let ended = false;
    let settled = false;
    const settle = (end: UploadEnd): void => {
      if (settled) return;
      settled = true;
      clearTimeout(wait);
      if (end === 'complete') return resolve(end); // the socket ended cleanly: released with the channel
      socket.destroy();
      if (out.closed) return resolve(end);
      // Resolved once the file is closed, so that abort() can remove it.
      out.once('close', () => resolve(end));
      out.destroy();
    };
    signal.addEventListener('abort', () => settle('aborted'), { once: true });
    if (signal.aborted) return settle('aborted');
    socket.on('data', (chunk: Buffer) => {
      if (settled) return;
      received += chunk.length;
      if (received > maxBytes) return settle('too_large');
      if (corked === 0) {
        out.cork();
        wait = setTimeout(flush, UPLOAD_WRITE_WAIT_MS);
      }
      corked += chunk.length;
      const room = out.write(chunk);
      // Also when full: a corked stream writes nothing (not even what an earlier uncork released),
      // so pausing the socket with bytes still corked would wait for a drain that never comes.
      if (corked >= UPLOAD_WRITE_BYTES || !room) flush();
      if (!room) {
        socket.pause();
        out.once('drain', () => socket.resume());
      }
    });
    socket.resume(); // accepted paused (pauseOnConnect): adding a data listener does not start it
    socket.once('end', () => {
      if (settled) return;
      ended = true;
      flush();
      out.end();
    });
    socket.once('error', () => ended || settle('aborted'));
    socket.once('close', () => ended || settle('aborted'));
    out.once('error', (err: NodeJS.ErrnoException) =>
      settle(err.code === 'ENOSPC' || err.code === 'EDQUOT' ? 'disk_full' : 'failed'),
    );
    out.once('close', () => {
      if (ended && !out.errored) settle('complete');
    });
  });
}
