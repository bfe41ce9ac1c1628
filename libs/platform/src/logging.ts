import type { IncomingMessage } from 'node:http';
import { Params } from 'nestjs-pino';
import { GatehouseConfig } from '@gatehouse/config';
import { newId } from '@gatehouse/core';

/** Paths pino must never print: credentials travel in these. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["proxy-authorization"]',
  'req.headers["x-api-key"]',
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

/**
 * Structured logs (pino). Access lines carry the path only: query strings can hold an HTTP
 * channel password. 2xx/3xx are debug-level, client errors info, server errors error.
 */
export function loggerParams(config: GatehouseConfig): Params {
  return {
    pinoHttp: {
      level: config.logLevel,
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      genReqId: (_req: IncomingMessage) => newId(),
      customLogLevel: (_req, res, err) =>
        err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'info' : 'debug',
      serializers: {
        req: (req: { id: string; method: string; url: string }) => ({
          id: req.id,
          method: req.method,
          path: req.url.split('?')[0],
        }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
    },
  };
}
