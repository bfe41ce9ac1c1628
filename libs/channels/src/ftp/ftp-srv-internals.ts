import type { EventEmitter } from 'node:events';
import type * as net from 'node:net';
import type * as tls from 'node:tls';
import { Logger } from '@nestjs/common';
import { FtpSrv, FtpServerOptions } from 'ftp-srv';
import stockCommands from 'ftp-srv/src/commands/registry';

/**
 * The few things the FTP listener needs from ftp-srv 4.6.3 beyond its public API, each reached
 * through the fields its own code uses (src/index.js, src/connection.js, src/commands/) and each
 * checked where it is taken over, so a changed ftp-srv fails at start instead of misbehaving.
 * ftp-srv is pinned: re-read this file (and the gap list in ftp-session.ts) before upgrading.
 */

/** What src/connection.js keeps on a connection and the stock command handlers read. */
export interface StockConnection {
  readonly id: string;
  commandSocket: net.Socket | tls.TLSSocket;
  /** The stock handlers (CWD, DELE, SIZE…) call this file system; ours is the jailed one. */
  fs?: unknown;
  authenticated?: boolean;
  secure: boolean;
  encoding: BufferEncoding;
  restByteCount: number | undefined;
  renameFrom?: string;
  /** Formats `code text` (multi-line when given several letters) and writes it to the command socket. */
  reply(
    options: number | { code?: number; eol?: boolean },
    ...letters: Array<string | { message: string; raw?: boolean }>
  ): PromiseLike<unknown>;
}

interface StockServerInternals {
  server: net.Server;
  connections: Record<string, StockConnection>;
  _greeting: string[];
  _features: string;
}

export type StockServer = FtpSrv & StockServerInternals;

const SIGNALS = ['SIGTERM', 'SIGINT', 'SIGQUIT'] as const;

/**
 * An ftp-srv server that never listens on its own: sockets are handed to it by `intercept`.
 * Its constructor hooks SIGTERM, SIGINT and SIGQUIT to close every connection without a word
 * and call `process.exit(0)`, which would cut the whole process's graceful shutdown short;
 * those hooks are removed again here.
 */
export function createStockServer(options: FtpServerOptions, greeting: string): StockServer {
  const before = new Map(SIGNALS.map((s) => [s, new Set(process.listeners(s))]));
  const server = new FtpSrv(options) as StockServer;
  for (const signal of SIGNALS) {
    for (const listener of process.listeners(signal)) {
      if (!before.get(signal)!.has(listener)) process.removeListener(signal, listener);
    }
  }
  if (!server.server || typeof server.connections !== 'object' || !Array.isArray(server._greeting)) {
    throw new Error('ftp-srv internals changed: server, connections or greeting missing');
  }
  // One line, ours: src/index.js would send `220 Ready`.
  server._greeting = [];
  server._features = greeting;
  return server;
}

/**
 * Puts `gate` in front of ftp-srv's connection handler (src/index.js `serverConnectionHandler`):
 * the gate decides, asynchronously, whether a socket gets the greeting (a banned peer gets 421).
 */
export function intercept(server: StockServer, gate: (socket: net.Socket, accept: () => void) => void): void {
  const listeners = server.server.listeners('connection');
  if (listeners.length !== 1) throw new Error('ftp-srv internals changed: expected one connection handler');
  const [accept] = listeners as Array<(socket: net.Socket) => void>;
  server.server.removeAllListeners('connection');
  server.server.on('connection', (socket: net.Socket) => gate(socket, () => accept.call(server.server, socket)));
}

/** ftp-srv's `connect` event (src/index.js; not in its typings): a connection made, not yet greeted. */
export function onConnect(server: StockServer, listener: (connection: StockConnection) => void): void {
  (server as EventEmitter).on('connect', ({ connection }: { connection: StockConnection }) => listener(connection));
}

/**
 * Takes the command stream of a new connection away from ftp-srv: src/connection.js reads it
 * with `_handleData`, which splits each chunk on CRLF with no buffering across chunks, no
 * length limit, and runs the commands of separate chunks concurrently. The session reads it
 * instead (command-reader.ts).
 */
export function detachCommandReader(connection: StockConnection): void {
  const listeners = connection.commandSocket.listeners('data');
  if (listeners.length !== 1) throw new Error('ftp-srv internals changed: expected one command reader');
  connection.commandSocket.removeAllListeners('data');
}

/** The stock handlers this listener still runs (with its jailed file system); see ftp-session.ts. */
export const STOCK_COMMANDS = [
  'CWD',
  'XCWD',
  'CDUP',
  'XCUP',
  'PWD',
  'XPWD',
  'DELE',
  'RNFR',
  'RNTO',
  'SIZE',
  'MDTM',
  'STAT',
  'TYPE',
  'MODE',
  'STRU',
  'SYST',
  'NOOP',
  'OPTS',
  'ALLO',
  'REST',
] as const;
export type StockDirective = (typeof STOCK_COMMANDS)[number];

for (const directive of STOCK_COMMANDS) {
  if (typeof stockCommands[directive]?.handler !== 'function') {
    throw new Error(`ftp-srv internals changed: no stock ${directive} handler`);
  }
}

/** Runs one stock command handler; it answers on the connection itself. */
export async function runStockCommand(
  connection: StockConnection,
  directive: StockDirective,
  arg: string | null,
  log: unknown,
): Promise<void> {
  const command = { directive, arg, flags: [], raw: arg === null ? directive : `${directive} ${arg}` };
  await stockCommands[directive].handler.call(connection, { log, command, previous_command: {} });
}

/**
 * ftp-srv logs through a bunyan-style logger. What it reports (a client's socket error, a stock
 * handler's refusal) is about clients, not the service: debug level. Objects are never printed,
 * so nothing a client sent (a PASS argument included) reaches the log through it.
 */
export function stockLog(logger: Logger): unknown {
  const text = (args: unknown[]): string =>
    args
      .map((a) => (typeof a === 'string' ? a : a instanceof Error ? a.message : ''))
      .filter((s) => s.length > 0)
      .join(' ');
  const noop = (): void => undefined;
  const log = {
    trace: noop,
    debug: noop,
    info: noop,
    warn: (...args: unknown[]) => logger.debug(`ftp-srv: ${text(args)}`),
    error: (...args: unknown[]) => logger.debug(`ftp-srv: ${text(args)}`),
    fatal: (...args: unknown[]) => logger.warn(`ftp-srv: ${text(args)}`),
    child: () => log,
  };
  return log;
}
