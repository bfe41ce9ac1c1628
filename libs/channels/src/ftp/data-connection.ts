import { randomInt } from 'node:crypto';
import * as net from 'node:net';
import * as tls from 'node:tls';
import type { Duplex } from 'node:stream';
import { Logger } from '@nestjs/common';
import { normalizePeerAddress, parseIp } from '@gatehouse/core';
import type { FtpReply } from './ftp-replies';

/**
 * Data connections (RFC 959 PASV/PORT, RFC 2428 EPSV/EPRT, RFC 4217 protection), written here
 * instead of ftp-srv's connectors (src/connector/), which:
 * - waited for a protected data connection's TLS handshake before the transfer command sent
 *   `150`, while Python's ftplib starts the handshake only after `150`: a deadlock (ftp-srv
 *   issue #192). Here a data connection counts as open once its TCP connection is:
 *   `150` goes out at once and the handshake runs whenever the client starts it;
 * - answered a passive connection from a foreign address with `550` and closed the whole
 *   session, so anyone who raced for the port could end someone else's session. Here the
 *   intruder's connection is dropped and the client's own is still awaited;
 * - tried only 5 ports of the passive range, with a check-then-bind race;
 * - compared addresses with the `ip` package (unmaintained, open advisory CVE-2024-29415),
 *   after building PORT's address from unchecked `parseInt`s (CVE-2020-15152).
 */
export interface DataChannel {
  /** The data connection once its TCP connection is up (TLS not awaited, see above), or rejects. */
  open(timeoutMs: number): Promise<Duplex>;
  close(): void;
}

/** How long an unused passive port stays open for the client to connect. */
const PASSIVE_ACCEPT_MS = 60_000;
/** A data connection with no traffic for this long is cut (the transfer then fails with 426). */
export const DATA_IDLE_MS = 300_000;
/** Ports tried in the passive range before giving up with 425. */
const MAX_PORT_ATTEMPTS = 200;

export interface DataProtection {
  /** Set after `PROT P`: the data connection is TLS, the FTP server its TLS server (RFC 4217 §7). */
  secureContext: tls.SecureContext | null;
}

function protect(socket: net.Socket, protection: DataProtection, logger: Logger): Duplex {
  socket.setTimeout(DATA_IDLE_MS, () => socket.destroy());
  socket.setNoDelay(true); // a listing's or a TLS handshake's last small segment goes out at once
  socket.on('error', (err) => logger.debug(`data connection: ${err.message}`));
  if (!protection.secureContext) return socket;
  const secure = new tls.TLSSocket(socket, { isServer: true, secureContext: protection.secureContext });
  secure.on('error', (err: Error) => {
    logger.debug(`protected data connection: ${err.message}`);
    secure.destroy();
  });
  return secure;
}

/**
 * Lets go of a data connection whose last bytes were sent (we ended it): the client closes it
 * once it has read them, and it is destroyed only if it has not after `lingerMs`. Destroying it
 * at once could reset the connection under data the client has not read yet.
 */
export function release(socket: Duplex, lingerMs = 10_000): void {
  if (socket.destroyed) return;
  if (!socket.writableEnded) return void socket.destroy();
  const timer = setTimeout(() => socket.destroy(), lingerMs);
  timer.unref();
  socket.once('close', () => clearTimeout(timer));
}

/** A passive data connection: one port of the configured range, for one connection from the control peer. */
export class PassiveChannel implements DataChannel {
  private socket: Duplex | null = null;
  private closed = false;
  private readonly waiters: Array<{ resolve(s: Duplex): void; reject(e: Error): void }> = [];
  private readonly acceptTimer: NodeJS.Timeout;

  private constructor(
    private readonly server: net.Server,
    readonly port: number,
    private readonly controlPeer: string,
    private readonly protection: DataProtection,
    private readonly logger: Logger,
  ) {
    server.on('connection', (s: net.Socket) => this.accept(s));
    server.on('error', (err) => logger.debug(`passive data server: ${err.message}`));
    this.acceptTimer = setTimeout(() => this.close(), PASSIVE_ACCEPT_MS);
    this.acceptTimer.unref();
  }

  /**
   * Listens on `localAddress` (the control connection's own address: the interface the client
   * reached, never a wildcard) on a free port of `ports`.
   */
  static async listen(
    localAddress: string,
    ports: { min: number; max: number },
    controlPeer: string,
    protection: DataProtection,
    logger: Logger,
  ): Promise<PassiveChannel> {
    const size = ports.max - ports.min + 1;
    const first = randomInt(size);
    for (let i = 0; i < Math.min(size, MAX_PORT_ATTEMPTS); i++) {
      const port = ports.min + ((first + i) % size);
      const server = net.createServer({ pauseOnConnect: true });
      server.maxConnections = 4; // the client's own connection, and a few intruders to drop
      try {
        await new Promise<void>((resolve, reject) => {
          server.once('error', reject);
          server.listen({ port, host: localAddress, exclusive: true }, () => {
            server.removeListener('error', reject);
            resolve();
          });
        });
        return new PassiveChannel(server, port, controlPeer, protection, logger);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code !== 'EADDRINUSE' && code !== 'EACCES') throw err;
      }
    }
    throw new Error(`no free port in the passive range ${ports.min}-${ports.max}`);
  }

  open(timeoutMs: number): Promise<Duplex> {
    if (this.socket) return Promise.resolve(this.socket);
    if (this.closed) return Promise.reject(new Error('passive data connection closed'));
    return new Promise<Duplex>((resolve, reject) => {
      const timer = setTimeout(() => {
        const i = this.waiters.indexOf(waiter);
        if (i !== -1) this.waiters.splice(i, 1);
        reject(new Error('the client did not open the data connection'));
      }, timeoutMs);
      const waiter = {
        resolve: (s: Duplex) => (clearTimeout(timer), resolve(s)),
        reject: (e: Error) => (clearTimeout(timer), reject(e)),
      };
      this.waiters.push(waiter);
    });
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.acceptTimer);
    this.server.close();
    if (this.socket) release(this.socket);
    for (const w of this.waiters.splice(0)) w.reject(new Error('passive data connection closed'));
  }

  private accept(socket: net.Socket): void {
    const peer = normalizePeerAddress(socket.remoteAddress);
    if (this.closed || this.socket) {
      socket.destroy();
      return;
    }
    if (peer !== this.controlPeer) {
      // FXP, or someone racing for the port: only the control connection's peer gets the data.
      this.logger.warn(`dropped a passive data connection from ${peer} (the session's peer is ${this.controlPeer})`);
      socket.destroy();
      return;
    }
    this.server.close(); // one data connection per PASV/EPSV
    clearTimeout(this.acceptTimer);
    this.socket = protect(socket, this.protection, this.logger);
    for (const w of this.waiters.splice(0)) w.resolve(this.socket);
  }
}

/** An active data connection (PORT/EPRT): opened by the server, to the control peer only, at the transfer. */
export class ActiveChannel implements DataChannel {
  private socket: Duplex | null = null;
  private raw: net.Socket | null = null;
  private closed = false;

  constructor(
    private readonly target: ActiveTarget,
    private readonly localAddress: string,
    private readonly protection: DataProtection,
    private readonly logger: Logger,
  ) {}

  open(timeoutMs: number): Promise<Duplex> {
    if (this.socket) return Promise.resolve(this.socket);
    if (this.closed) return Promise.reject(new Error('active data connection closed'));
    return new Promise<Duplex>((resolve, reject) => {
      const local = normalizePeerAddress(this.localAddress);
      const raw = net.connect({
        host: this.target.host,
        port: this.target.port,
        family: this.target.family,
        // From the address the client reached, when it is of the target's family.
        ...(parseIp(local)?.kind() === (this.target.family === 4 ? 'ipv4' : 'ipv6') ? { localAddress: local } : {}),
      });
      this.raw = raw;
      const timer = setTimeout(() => raw.destroy(new Error('connecting to the client timed out')), timeoutMs);
      raw.once('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
      raw.once('connect', () => {
        clearTimeout(timer);
        if (this.closed) return reject(new Error('active data connection closed'));
        this.socket = protect(raw, this.protection, this.logger);
        resolve(this.socket);
      });
    });
  }

  close(): void {
    this.closed = true;
    if (this.socket) release(this.socket);
    else this.raw?.destroy();
  }
}

export interface ActiveTarget {
  host: string;
  port: number;
  family: 4 | 6;
}

export type ParsedTarget = { ok: true; target: ActiveTarget } | { ok: false; reply: FtpReply };

const BYTE = /^\d{1,3}$/;

/** `PORT h1,h2,h3,h4,p1,p2` (RFC 959): six decimal bytes, nothing else. */
export function parsePortArgument(arg: string | null): ActiveTarget | null {
  const parts = (arg ?? '').split(',');
  if (parts.length !== 6 || !parts.every((p) => BYTE.test(p))) return null;
  const bytes = parts.map(Number);
  if (bytes.some((b) => b > 255)) return null;
  return { host: bytes.slice(0, 4).join('.'), port: bytes[4] * 256 + bytes[5], family: 4 };
}

/** `EPRT |1|a.b.c.d|port|` or `|2|ipv6|port|` (RFC 2428), any delimiter in 33-126. */
export function parseEprtArgument(arg: string | null): ActiveTarget | 'unsupported' | null {
  if (!arg || arg.length < 7) return null;
  const delimiter = arg[0];
  const code = delimiter.charCodeAt(0);
  if (code < 33 || code > 126 || /[0-9a-fA-F.:]/.test(delimiter)) return null;
  const parts = arg.split(delimiter);
  if (parts.length !== 5 || parts[0] !== '' || parts[4] !== '') return null;
  const [, protocol, address, portText] = parts;
  if (protocol !== '1' && protocol !== '2') return 'unsupported';
  if (!/^\d{1,5}$/.test(portText)) return null;
  const ip = parseIp(address);
  if (!ip) return null;
  // parseIp turns ::ffff:a.b.c.d into IPv4; the family is what the address is, not what was claimed.
  const family = ip.kind() === 'ipv4' ? 4 : 6;
  if ((protocol === '1') !== (family === 4) && !(protocol === '2' && address.includes('.'))) return null;
  return { host: ip.toString(), port: Number(portText), family };
}

/**
 * PORT/EPRT may only name the control connection's own peer (no FTP bounce, CVE-2020-15152),
 * and no privileged port (a bounce into the client's own mail or login services).
 */
export function checkActiveTarget(target: ActiveTarget, controlPeer: string): FtpReply | null {
  if (target.port < 1024 || target.port > 65535) {
    return { code: 504, text: 'Data connections to ports below 1024 are refused.' };
  }
  if (normalizePeerAddress(target.host) !== controlPeer) {
    return { code: 504, text: 'Data connections go to your own address only.' };
  }
  return null;
}
