import { Logger } from '@nestjs/common';
import * as express from 'express';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { ApiError } from '../errors/api-error';
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
    // Case-insensitive, as the router matches (`/ADMIN/v1/…` reaches the admin routes too).
    const path = req.path.toLowerCase();
    const route = routes.find((r) => (typeof r.path === 'string' ? path.startsWith(r.path) : r.path.test(req.path)));
    if (!route) return next();
    // No body to read (most GETs): answer as the parsers would, with an empty one, and skip them.
    if (req.headers['transfer-encoding'] === undefined && req.headers['content-length'] === undefined) {
      req.body ??= {};
      return next();
    }
    route.parser(req, res, (err?: unknown) => {
      if (!err) return next();
      if (route.onError) route.onError(res, err);
      else sendError(res, err, logger);
    });
  };
}

export function jsonParser(limitBytes: number): RequestHandler {
  const parse = express.json({ limit: limitBytes, strict: true, type: ['application/json', 'application/*+json'] });
  return (req, res, next) =>
    parse(req, res, (err?: unknown) => {
      if (err) return next(err);
      const problem = inspectJson(req.body);
      next(problem ?? undefined);
    });
}

/** Deeper than any document of this API; validators walk bodies recursively and would overflow the stack. */
export const MAX_JSON_DEPTH = 32;

/**
 * `__proto__`, `constructor` and `prototype` are never fields of this API; class-transformer
 * would skip them silently instead of refusing them like any other unknown field.
 */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** A parsed body's nesting and keys, checked before anything else walks it; null when fine. */
export function inspectJson(body: unknown): ApiError | null {
  const found = walk(body, '', 1);
  if (!found) return null;
  if (found.kind === 'depth') {
    return new ApiError(
      400,
      'validation_failed',
      `${found.path || 'body'}: nested deeper than ${MAX_JSON_DEPTH} levels`,
      {
        field: found.path || 'body',
        maxDepth: MAX_JSON_DEPTH,
      },
    );
  }
  return new ApiError(400, 'validation_failed', `${found.path}: property should not exist`, {
    fields: { [found.path]: ['property should not exist'] },
  });
}

function walk(value: unknown, path: string, depth: number): { kind: 'depth' | 'key'; path: string } | null {
  if (typeof value !== 'object' || value === null) return null;
  if (depth > MAX_JSON_DEPTH) return { kind: 'depth', path };
  for (const key of Object.keys(value)) {
    const here = path ? `${path}.${key}` : key;
    if (FORBIDDEN_KEYS.has(key)) return { kind: 'key', path: here };
    const found = walk((value as Record<string, unknown>)[key], here, depth + 1);
    if (found) return found;
  }
  return null;
}

export function rawParser(limitBytes: number): RequestHandler {
  return express.raw({ limit: limitBytes, type: () => true });
}

/** `application/x-www-form-urlencoded`, flat fields only (no nested objects). */
export function formParser(limitBytes: number): RequestHandler {
  return express.urlencoded({ limit: limitBytes, extended: false, parameterLimit: 100 });
}
