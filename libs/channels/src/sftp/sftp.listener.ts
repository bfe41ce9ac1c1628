import * as fs from 'node:fs';
import * as net from 'node:net';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { type ClientInfo, type Connection, Server } from 'ssh2';
import { GATEHOUSE_CONFIG, type GatehouseConfig } from '@gatehouse/config';
import { ChannelGate, SessionRegistry, normalizePeerAddress } from '@gatehouse/core';
import { type BoundAddress, type Listener, SessionLogger, newSessionId } from '@gatehouse/platform';
import { ACCOUNT_TREES, type AccountTrees, BATCH_FILES, type BatchFiles } from '../files/file-channel';
import { PeerConnectionLimit } from '../shared/peer-connection-limit';
import { type SftpHostKey, loadHostKey } from './sftp-host-key';
import { sshAlgorithms } from './ssh-algorithms';
import { SshConnection } from './ssh-connection';
import { DISCONNECT } from './ssh2-internals';
import { sessionEndText } from './sftp-statuses';

/** How long stop() waits for sockets to close after saying goodbye. */
const CLOSE_WAIT_MS = 2000;

/**
 * The SFTP listener on `GATEHOUSE_SFTP_PORT` (DESIGN.md §2, `ftp` row): ssh2 with modern
 * algorithms only, the FTP credentials by password or keyboard-interactive, the SFTP subsystem
 * and nothing else, over each account's jailed tree. A Nest provider, so the listener plan and
 * tests reach it with `app.get(SftpListener)`.
 */
@Injectable()
export class SftpListener implements Listener {
  readonly name = 'sftp' as const;
  private readonly logger = new Logger('SftpListener');
  private readonly connections = new Set<SshConnection>();
  /** Accepts TCP connections and admits them to ssh2's `Server`, which never listens itself. */
  private server: net.Server | null = null;
  private hostKey: SftpHostKey | null = null;
  private draining = false;
  private readonly perPeer: PeerConnectionLimit;
  private drained: (() => void) | null = null;

  constructor(
    @Inject(GATEHOUSE_CONFIG) private readonly config: GatehouseConfig,
    private readonly gate: ChannelGate,
    private readonly sessions: SessionRegistry,
    @Inject(ACCOUNT_TREES) private readonly trees: AccountTrees,
    @Inject(BATCH_FILES) private readonly batches: BatchFiles,
  ) {
    this.perPeer = new PeerConnectionLimit(config.maxConnectionsPerPeer);
  }

  /** Reads (or generates) the host key, then binds `host:port`. Refuses to start on an unusable key. */
  async start(): Promise<void> {
    if (this.server) return;
    const hostKey = loadHostKey(this.config);
    if (hostKey.generated) this.logger.log(`generated an SFTP host key in ${hostKey.file}`);
    else if (this.config.sftp.hostKeyFile && (fs.statSync(hostKey.file).mode & 0o077) !== 0) {
      this.logger.warn(`GATEHOUSE_SFTP_HOST_KEY: ${hostKey.file} is readable by other users; make it 0600`);
    }
    const ssh = new Server(
      {
        hostKeys: [hostKey.text],
        algorithms: sshAlgorithms(hostKey.key.type),
        // Not ssh2's default `ssh2js<version>srv`: the version is nobody's business.
        ident: 'Gatehouse',
      },
      (client, info) => this.accept(client, info),
    );
    const server = net.createServer((socket) => this.admit(socket, ssh));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.config.sftp.port, this.config.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    server.on('error', (err: Error) => this.logger.error(`SFTP listener: ${err.message}`));
    this.hostKey = hostKey;
    this.server = server;
  }

  /** The host key's `SHA256:…` fingerprint (for the start banner and for clients' known_hosts), once started. */
  hostKeyFingerprint(): string | null {
    return this.hostKey?.fingerprint ?? null;
  }

  bannerNote(): string | null {
    const fingerprint = this.hostKeyFingerprint();
    return fingerprint ? `host key ${fingerprint}` : null;
  }

  address(): BoundAddress | null {
    const address = this.server?.address();
    return address && typeof address === 'object' ? { host: address.address, port: address.port } : null;
  }

  /** Connections open now (tests, metrics). */
  connectionCount(): number {
    return this.connections.size;
  }

  /**
   * Stops accepting; connections without an upload in progress are ended at once, the others
   * when their uploads finish or the grace runs out (then their uploads are aborted).
   */
  async stop(graceMs: number): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = null;
    this.draining = true;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    const uploadsDone = new Promise<void>((resolve) => (this.drained = resolve));
    for (const connection of this.connections) this.endIfIdle(connection);
    this.checkDrained();
    await withTimeout(uploadsDone, graceMs);
    for (const connection of this.connections) connection.endSession('shutdown');
    await withTimeout(closed, CLOSE_WAIT_MS);
  }

  /**
   * A TCP connection, before ssh2 sends its identification: past GATEHOUSE_MAX_CONNECTIONS_PER_PEER
   * it is dropped without a word, as sshd's MaxStartups does (SSH has no way to say why before
   * keys are exchanged).
   */
  private admit(socket: net.Socket, ssh: Server): void {
    socket.on('error', (err) => this.logger.debug(`SFTP connection: ${err.message}`));
    const release = this.draining ? null : this.perPeer.tryAcquire(normalizePeerAddress(socket.remoteAddress));
    if (!release) return void socket.destroy();
    socket.once('close', release);
    // Without it every small SSH packet (each login round trip, each upload acknowledgement) waits
    // for Nagle's algorithm and the peer's delayed ACK, about 40 ms.
    socket.setNoDelay(true);
    ssh.injectSocket(socket);
  }

  private accept(client: Connection, info: ClientInfo): void {
    if (this.draining) {
      client.on('error', () => undefined);
      client.end();
      return;
    }
    // Each connection logs with an id of its own (`session` in its lines).
    const logger = new SessionLogger('SftpListener', newSessionId());
    logger.debug(`SFTP connection from ${normalizePeerAddress(info.ip)}`);
    const connection = new SshConnection(
      client,
      info,
      {
        gate: this.gate,
        sessions: this.sessions,
        trees: this.trees,
        batches: this.batches,
        logger,
      },
      {
        draining: () => this.draining,
        uploadsChanged: (c) => {
          if (!this.draining) return;
          // After the current request's answer (a CLOSE's OK) has gone out.
          setImmediate(() => {
            this.endIfIdle(c);
            this.checkDrained();
          });
        },
        closed: (c) => {
          this.connections.delete(c);
          this.checkDrained();
        },
      },
    );
    this.connections.add(connection);
  }

  private endIfIdle(connection: SshConnection): void {
    if (connection.openUploads() === 0) connection.end(DISCONNECT.BY_APPLICATION, sessionEndText('shutdown'));
  }

  private checkDrained(): void {
    if (!this.drained) return;
    for (const connection of this.connections) if (connection.openUploads() > 0) return;
    this.drained();
    this.drained = null;
  }
}

async function withTimeout(promise: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([promise, new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}
