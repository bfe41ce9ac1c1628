import { randomBytes } from 'node:crypto';
import { Injectable, Logger, LoggerService } from '@nestjs/common';
import pino, { DestinationStream, Logger as Pino } from 'pino';
import { GatehouseConfig } from '@gatehouse/config';

/**
 * Paths pino must never print: credentials travel in these. pino's paths are exact (a `*`
 * stands for one level), so the usual places are listed at the top level, one level down and
 * in headers.
 */
export const REDACTED_PATHS = [
  'password',
  'secret',
  'token',
  'authorization',
  'headers.authorization',
  'headers["proxy-authorization"]',
  'headers.cookie',
  'headers["x-api-key"]',
  '*.headers.authorization',
  '*.headers["proxy-authorization"]',
  '*.headers.cookie',
  '*.password',
  '*.secret',
  '*.token',
  '*.authorization',
  '*.secretHash',
  // Driver errors carry the bound parameters and the expanded SQL (hashes, lookup keys).
  'err.parameters',
  'err.driverError.sql',
  'err.driverError.sqlMessage',
  'err.sqlMessage',
];

/**
 * The process's pino: JSON lines on stdout, or pino-pretty's coloured lines when
 * GATEHOUSE_LOG_FORMAT is `pretty`, or `auto` on a terminal (never under CI: see the config).
 * `destination` is for tests.
 */
export function createPino(config: GatehouseConfig, destination?: DestinationStream): Pino {
  const options: pino.LoggerOptions = {
    level: config.logLevel,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    base: { service: 'gatehouse' },
  };
  if (!prettyLogs(config)) return destination ? pino(options, destination) : pino(options);
  // Loaded only here: a JSON process never reads it. In this thread and synchronous, so nothing
  // is lost when the process exits right after a line (a worker transport would need a flush).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const pretty = require('pino-pretty') as typeof import('pino-pretty');
  return pino(
    options,
    pretty({
      destination: destination ?? 1,
      sync: true,
      colorize: destination === undefined && process.stdout.isTTY === true,
      translateTime: 'SYS:HH:MM:ss.l',
      ignore: 'pid,hostname,service,context,session,reqId',
      messageFormat: '{if context}{context} {end}{if session}[session {session}] {end}{if reqId}[{reqId}] {end}{msg}',
    }),
  );
}

function prettyLogs(config: GatehouseConfig): boolean {
  if (config.logFormat === 'auto') return process.stdout.isTTY === true;
  return config.logFormat === 'pretty';
}

/** A short random id for a socket session (FTP, SFTP): `session` in its log lines. */
export function newSessionId(): string {
  return randomBytes(6).toString('base64url');
}

/**
 * A Nest logger for one socket session (an FTP control connection, an SSH connection, an SMTP
 * connection): every line carries the session's id as `session`, so one client's lines can be
 * found together. Messages are the same as the listener's own logger takes.
 */
export class SessionLogger extends Logger {
  constructor(
    context: string,
    readonly session: string,
  ) {
    super(context);
  }

  override log(message: unknown, ...rest: unknown[]): void {
    super.log(...this.tagged(message, rest));
  }
  override error(message: unknown, ...rest: unknown[]): void {
    super.error(...this.tagged(message, rest));
  }
  override warn(message: unknown, ...rest: unknown[]): void {
    super.warn(...this.tagged(message, rest));
  }
  override debug(message: unknown, ...rest: unknown[]): void {
    super.debug(...this.tagged(message, rest));
  }
  override verbose(message: unknown, ...rest: unknown[]): void {
    super.verbose(...this.tagged(message, rest));
  }
  override fatal(message: unknown, ...rest: unknown[]): void {
    super.fatal(...this.tagged(message, rest));
  }

  /** `(text)` → `({session}, text)`; `({…}, text)` → `({…, session}, text)`; an Error keeps its stack. */
  private tagged(message: unknown, rest: unknown[]): [unknown, ...unknown[]] {
    if (message instanceof Error) return [{ session: this.session, err: message }, message.message, ...rest];
    if (typeof message === 'object' && message !== null) return [{ ...message, session: this.session }, ...rest];
    return [{ session: this.session }, String(message), ...rest];
  }
}

/**
 * Nest's logger backed by pino: structured JSON, one line per event, context = class name.
 * Accepts both Nest's `(message, context)` and pino's `(object, message, context)` styles.
 * No per-request async context: on Node 20 AsyncLocalStorage taxes every promise.
 */
@Injectable()
export class PinoLoggerService implements LoggerService {
  constructor(readonly pino: Pino) {}

  log(message: unknown, ...rest: unknown[]): void {
    this.write('info', message, rest);
  }
  error(message: unknown, ...rest: unknown[]): void {
    this.write('error', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]): void {
    this.write('warn', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]): void {
    this.write('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]): void {
    this.write('trace', message, rest);
  }
  fatal(message: unknown, ...rest: unknown[]): void {
    this.write('fatal', message, rest);
  }

  private write(level: pino.Level, message: unknown, rest: unknown[]): void {
    if (!this.pino.isLevelEnabled(level)) return;
    // Nest appends the context (class name) as the last string argument.
    const context = rest.length > 0 && typeof rest[rest.length - 1] === 'string' ? (rest.pop() as string) : undefined;
    if (typeof message === 'object' && message !== null && !(message instanceof Error)) {
      const text = typeof rest[0] === 'string' ? rest[0] : undefined;
      this.pino[level]({ ...message, context }, text);
    } else if (message instanceof Error) {
      this.pino[level]({ err: message, context }, message.message);
    } else {
      // Nest's own error(message, stack, context) form.
      const stack = typeof rest[0] === 'string' ? rest[0] : undefined;
      this.pino[level]({ context, ...(stack ? { stack } : {}) }, String(message));
    }
  }
}
