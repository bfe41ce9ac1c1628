import { Logger } from '@nestjs/common';
import * as express from 'express';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { sendError } from '../errors/api-exception.filter';

export interface BodyParserRoute {
  /** Path prefix (`/admin/v1`) or a pattern for a single route. */
  path: string | RegExp;
  parser: RequestHandler;
  /** How this API words a parser failure; the JSON error shape by default. */
  onError?: (res: Response, err: unknown) => void;
}

/**
 * Body parsing per route instead of one global parser: each API gets its own limit and
 * media type, and parser failures (bad JSON, oversize) answer in the API's error shape
 * instead of Express's HTML error page.
 */
export function bodyParsingMiddleware(routes: BodyParserRoute[]): RequestHandler {
  const logger = new Logger('BodyParser');
  return (req: Request, res: Response, next: NextFunction) => {
    const route = routes.find((r) =>
      typeof r.path === 'string' ? req.path.startsWith(r.path) : r.path.test(req.path),
    );
    if (!route) return next();
    route.parser(req, res, (err?: unknown) => {
      if (!err) return next();
      if (route.onError) route.onError(res, err);
      else sendError(res, err, logger);
    });
  };
}

export function jsonParser(limitBytes: number): RequestHandler {
  return express.json({ limit: limitBytes, strict: true, type: ['application/json', 'application/*+json'] });
}

export function rawParser(limitBytes: number): RequestHandler {
  return express.raw({ limit: limitBytes, type: () => true });
}

/** `application/x-www-form-urlencoded`, flat fields only (no nested objects). */
export function formParser(limitBytes: number): RequestHandler {
  return express.urlencoded({ limit: limitBytes, extended: false, parameterLimit: 100 });
}
