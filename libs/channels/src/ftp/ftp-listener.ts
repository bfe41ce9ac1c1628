import * as fs from 'node:fs';
import * as net from 'node:net';
import * as tls from 'node:tls';
import { Logger } from '@nestjs/common';
import type { GatehouseConfig } from '@gatehouse/config';
import {
  BanState,
  ChannelGate,
  PeerBanList,
  SessionRegistry,
  normalizePeerAddress,
  peerBanSubject,
} from '@gatehouse/core';
import { type BoundAddress, type Listener, SessionLogger, newSessionId } from '@gatehouse/platform';
import type { AccountTrees, BatchFiles } from '../files/file-channel';
import { PeerConnectionLimit } from '../shared/peer-connection-limit';
import { bannedReply } from './ftp-replies';
import { StockConnection, StockServer, createStockServer, intercept, onConnect, stockLog } from './ftp-srv-internals';
import { FtpSession, FtpSessionDeps } from './ftp-session';

export interface FtpListenerDeps {
  gate: ChannelGate;
  registry: SessionRegistry;
  bans: PeerBanList;
  trees: AccountTrees;
  batches: BatchFiles;
}

/** Timeouts of the listener; the defaults are vsftpd's. */
export interface FtpListenerOptions {
  /** A control connection with no command (and no transfer) for this long is closed with 421. */
  idleTimeoutMs?: number;
  /** How long a transfer command waits for the client's data connection. */
  dataOpenTimeoutMs?: number;
}

const DEFAULT_IDLE_TIMEOUT_MS = 300_000;
const DEFAULT_DATA_OPEN_TIMEOUT_MS = 60_000;
/** After the grace, how long closing the sessions left may take. */
const CLOSE_BOUND_MS = 2000;

/**
 * The FTP listener (DESIGN.md §2, `ftp` row) on `GATEHOUSE_HOST:GATEHOUSE_FTP_PORT`: ftp-srv for
 * connections and its simple commands, with the listener's own gate in front (a banned peer gets
 * 421 before the greeting) and an FtpSession per connection for the rest (ftp-session.ts).
 * Explicit FTPS (AUTH TLS) when GATEHOUSE_TLS_CERT/KEY are set.
 */
export class FtpListener implements Listener {
  readonly name = 'ftp' as const;
  private readonly logger = new Logger('FtpListener');
  private server: StockServer | null = null;
  private readonly sessions = new Set<FtpSession>();
  private readonly peers = new WeakMap<net.Socket, string>();
  private sessionDeps: FtpSessionDeps | null = null;
  private stopping: Promise<void> | null = null;
  private readonly perPeer: PeerConnectionLimit;

  constructor(
    private readonly config: GatehouseConfig,
    private readonly deps: FtpListenerDeps,
    private readonly options: FtpListenerOptions = {},
  ) {
    this.perPeer = new PeerConnectionLimit(config.maxConnectionsPerPeer);
  }

  async start(): Promise<void> {
    if (this.server) return;
    const { host, ftp } = this.config;
    const secureContext = this.config.tls ? loadTls(this.config.tls) : null;
    const urlHost = host.includes(':') ? `[${host}]` : host;
    const server = createStockServer(
      {
        url: `ftp://${urlHost}:${ftp.port}`,
        // Only for ftp-srv's own PASV, which is replaced: the session announces this address.
        pasv_url: ftp.pasvAddress ?? host,
        pasv_min: ftp.pasvPorts.min,
        pasv_max: ftp.pasvPorts.max,
        // TLS is the session's (AUTH TLS, data protection); ftp-srv's own would not enforce it.
        tls: false,
        anonymous: false,
        timeout: 0,
        log: stockLog(this.logger),
      },
      'Gatehouse FTP ready.',
    );
    this.sessionDeps = {
      gate: this.deps.gate,
      registry: this.deps.registry,
      trees: this.deps.trees,
      batches: this.deps.batches,
      logger: this.logger,
      stockLog: stockLog(this.logger),
      settings: {
        requireTls: ftp.requireTls,
        secureContext,
        pasvPorts: ftp.pasvPorts,
        pasvAddress: ftp.pasvAddress,
        idleTimeoutMs: this.options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS,
        dataOpenTimeoutMs: this.options.dataOpenTimeoutMs ?? DEFAULT_DATA_OPEN_TIMEOUT_MS,
      },
    };
    intercept(server, (socket, accept) => void this.admit(socket, accept));
    onConnect(server, (connection) => this.open(connection));
    server.on('client-error', ({ error }: { error: Error }) => this.logger.debug(`FTP client: ${error.message}`));
    await new Promise<void>((resolve, reject) => {
      server.server.once('error', reject);
      server.server.listen({ port: ftp.port, host }, () => {
        server.server.removeListener('error', reject);
        resolve();
      });
    });
    this.server = server;
  }

  address(): BoundAddress | null {
    const address = this.server?.server.address();
    return address && typeof address === 'object' ? { host: address.address, port: address.port } : null;
  }

  /**
   * Stops accepting; idle sessions are told 421 at once, transfers get up to `graceMs` to
   * finish (each session says 421 after its own), then whatever is left is cut and told 421.
   */
  stop(graceMs: number): Promise<void> {
    const server = this.server;
    if (!server) return Promise.resolve();
    return (this.stopping ??= (async () => {
      const closed = new Promise<void>((resolve) => server.server.close(() => resolve()));
      for (const session of this.sessions) session.shutdown();
      await this.sessionsGone(graceMs);
      for (const session of this.sessions) session.forceShutdown();
      await this.sessionsGone(CLOSE_BOUND_MS);
      await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, CLOSE_BOUND_MS).unref())]);
    })());
  }

  /** How many sessions (logged in or not) are open. */
  get openSessions(): number {
    return this.sessions.size;
  }

  /**
   * Before the greeting: a banned peer, or one holding GATEHOUSE_MAX_CONNECTIONS_PER_PEER
   * connections already, is told so and never reaches ftp-srv.
   */
  private async admit(socket: net.Socket, accept: () => void): Promise<void> {
    socket.on('error', (err) => this.logger.debug(`FTP connection: ${err.message}`));
    if (this.stopping) return void socket.destroy();
    const peer = normalizePeerAddress(socket.remoteAddress);
    let ban: BanState;
    try {
      ban = await this.deps.bans.check(peerBanSubject(peer));
    } catch (err) {
      // The login would meet the same failure and be refused; the greeting does no harm.
      this.logger.warn(`ban list check failed: ${err instanceof Error ? err.message : String(err)}`);
      ban = { banned: false };
    }
    if (socket.destroyed) return;
    if (this.stopping) return void socket.destroy();
    if (ban.banned) return this.refuse(socket, bannedReply(ban.retryAfterSeconds));
    const release = this.perPeer.tryAcquire(peer);
    if (!release) {
      return this.refuse(socket, {
        code: 421,
        text: 'Too many connections from your address; close some and try again.',
      });
    }
    socket.once('close', release);
    // Replies are small and each waits for the client's next command: without it every reply
    // after the first (and each TLS handshake flight) waits ~40 ms for Nagle and delayed ACKs.
    socket.setNoDelay(true);
    this.peers.set(socket, peer);
    accept();
  }

  /** Refused before the greeting: the reply, then the connection closes. */
  private refuse(socket: net.Socket, reply: { code: number; text: string }): void {
    socket.end(`${reply.code} ${reply.text}\r\n`);
    setTimeout(() => socket.destroy(), 1000).unref();
  }

  /** ftp-srv made a connection for an admitted socket (its `connect` event, before the greeting). */
  private open(connection: StockConnection): void {
    const raw = connection.commandSocket;
    const peer = this.peers.get(raw) ?? normalizePeerAddress(raw.remoteAddress);
    // Each session logs with an id of its own (`session` in its lines), ftp-srv's lines about it too.
    const logger = new SessionLogger('FtpListener', newSessionId());
    logger.debug(`FTP connection from ${peer}`);
    const session = new FtpSession(connection, raw, peer, { ...this.sessionDeps!, logger, stockLog: stockLog(logger) });
    this.sessions.add(session);
    session.onClosed(() => this.sessions.delete(session));
    session.start();
  }

  private async sessionsGone(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.sessions.size > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, Math.min(50, Math.max(1, deadline - Date.now()))));
    }
  }
}

/** The PEM certificate and key of GATEHOUSE_TLS_CERT/KEY (read at start: a bad file stops the start). */
function loadTls(files: { certFile: string; keyFile: string }): tls.SecureContext {
  return tls.createSecureContext({
    cert: fs.readFileSync(files.certFile),
    key: fs.readFileSync(files.keyFile),
    minVersion: 'TLSv1.2',
  });
}
