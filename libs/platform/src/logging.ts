import { Injectable, LoggerService } from '@nestjs/common';
import pino, { Logger as Pino } from 'pino';
import { GatehouseConfig } from '@gatehouse/config';

/** Paths pino must never print: credentials travel in these. */
export const REDACTED_PATHS = [
  'headers.authorization',
  'headers.cookie',
  '*.password',
  '*.secret',
  '*.token',
  '*.secretHash',
  // Driver errors carry the bound parameters and the expanded SQL (hashes, lookup keys).
  'err.parameters',
  'err.driverError.sql',
  'err.driverError.sqlMessage',
  'err.sqlMessage',
];

export function createPino(config: GatehouseConfig): Pino {
  return pino({
    level: config.logLevel,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    base: { service: 'gatehouse' },
  });
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
