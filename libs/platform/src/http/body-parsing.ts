import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import { pipeline } from 'node:stream';
import { TextDecoder } from 'node:util';
import formbody from '@fastify/formbody';
import type { FastifyInstance, FastifyRequest, RouteOptions, preParsingHookHandler } from 'fastify';
import { parse as parseQueryString } from 'fast-querystring';
import { ApiError } from '../errors/api-error';

/**
 * What a body may be on a route: JSON, a form, XML, raw bytes (any media type), or NDJSON,
 * which is not read here at all: the handler gets the stream, so an import of any size is
 * read a line at a time.
 */
export type BodyKind = 'json' | 'form' | 'xml' | 'raw' | 'ndjson';

const NDJSON_TYPES = ['application/x-ndjson', 'application/jsonl'];

export interface BodyRoute {
  /** Matched against the route's path pattern, lower-cased (`/admin/v1/credentials/:id/avatar`). */
  path: RegExp;
  accepts: BodyKind[];
}

/** Deeper than any document of this API; validators walk bodies recursively and would overflow the stack. */
export const MAX_JSON_DEPTH = 32;
/** Form fields per request; legacy clients send a handful. */
export const MAX_FORM_FIELDS = 100;

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const XML_TYPES = ['text/xml', 'application/xml', 'application/soap+xml'];
const INFLATERS = { gzip: createGunzip, 'x-gzip': createGunzip, deflate: createInflate, br: createBrotliDecompress };

/**
 * Body parsing on Fastify, per route: each API gets its media types and one limit, and every
 * failure (bad JSON, oversize, wrong type, bad encoding) is an error the exception filter
 * words in the API's own dialect.
 *
 * - JSON: `JSON.parse`, then nesting and keys are checked before anything else walks it.
 * - forms: `@fastify/formbody`, flat fields, at most MAX_FORM_FIELDS.
 * - XML: text in the declared charset (the SOAP guard checks exactly what `soap` will parse).
 * - NDJSON: the stream itself (imports).
 * - anything else: the raw bytes (avatars).
 *
 * Routes that take a body get one `preParsing` hook of their own: it refuses a media type the
 * route does not take (415, before the body is read) and inflates `Content-Encoding:
 * gzip/deflate/br`, so the body limit counts inflated bytes (a gzip bomb is a 413). GET routes
 * and the rest carry no body hook at all.
 */
export async function installBodyParsing(fastify: FastifyInstance, routes: BodyRoute[]): Promise<void> {
  fastify.removeAllContentTypeParsers();
  for (const type of ['application/json', /^application\/[\w.+-]+\+json$/]) {
    fastify.addContentTypeParser(type, { parseAs: 'buffer' }, (req, body: Buffer, done) => {
      if (acceptsOf(req).includes('raw')) return done(null, body);
      try {
        done(null, parseJson(body));
      } catch (err) {
        done(err as Error);
      }
    });
  }
  await fastify.register(formbody, { parser: parseForm });
  fastify.addContentTypeParser(XML_TYPES, { parseAs: 'buffer' }, (req, body: Buffer, done) => {
    try {
      done(null, decodeText(body, req.headers['content-type']));
    } catch (err) {
      done(err as Error);
    }
  });
  fastify.addContentTypeParser(NDJSON_TYPES, (_req, payload, done) => done(null, payload));
  fastify.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body: Buffer, done) => done(null, body));

  fastify.addHook('onRoute', (route: RouteOptions) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    if (!methods.some((m) => BODY_METHODS.has(m))) return;
    const accepts = routes.find((r) => r.path.test(route.url.toLowerCase()))?.accepts ?? [];
    route.config = { ...(route.config as object), accepts };
    route.preParsing = [bodyGate(accepts), ...toArray(route.preParsing)];
  });
}

function toArray<T>(value: T | T[] | undefined): T[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

function acceptsOf(req: FastifyRequest): BodyKind[] {
  return (req.routeOptions.config as { accepts?: BodyKind[] }).accepts ?? [];
}

function bodyGate(accepts: BodyKind[]): preParsingHookHandler {
  return (req, _reply, payload, done) => {
    const type = req.headers['content-type'];
    if (type !== undefined && accepts.length > 0 && !accepts.includes('raw')) {
      const kind = kindOf(type);
      if (!kind || !accepts.includes(kind)) {
        return done(
          new ApiError(415, 'unsupported_media_type', `send the body as ${accepts.map(describe).join(' or ')}`, {
            field: 'Content-Type',
          }),
          payload,
        );
      }
    }
    const encoding = req.headers['content-encoding']?.trim().toLowerCase();
    if (!encoding || encoding === 'identity') return done(null, payload);
    const inflate = INFLATERS[encoding as keyof typeof INFLATERS];
    if (!inflate) {
      return done(
        new ApiError(415, 'unsupported_media_type', 'unsupported Content-Encoding (gzip, deflate or br)', {
          field: 'Content-Encoding',
        }),
        payload,
      );
    }
    // Fastify reads the limit against the inflated bytes, and checks Content-Length against the
    // compressed ones, which it finds in `receivedEncodedLength`.
    const inflated = Object.assign(inflate(), { receivedEncodedLength: 0 });
    payload.on('data', (chunk: Buffer) => (inflated.receivedEncodedLength += chunk.length));
    // A corrupt stream is the client's fault: a 400, not a 500 with zlib's words.
    inflated.on('error', (err: Error & { statusCode?: number; code?: string }) => {
      err.statusCode = 400;
      err.code = 'FST_CP_ERR_INVALID_CONTENT';
    });
    pipeline(payload, inflated, () => undefined); // errors reach the reader through `inflated`
    done(null, inflated);
  };
}

function kindOf(contentType: string): BodyKind | null {
  const semicolon = contentType.indexOf(';');
  const type = (semicolon === -1 ? contentType : contentType.slice(0, semicolon)).trim().toLowerCase();
  if (type === 'application/json' || /^application\/[\w.+-]+\+json$/.test(type)) return 'json';
  if (type === 'application/x-www-form-urlencoded') return 'form';
  if (XML_TYPES.includes(type)) return 'xml';
  if (NDJSON_TYPES.includes(type)) return 'ndjson';
  return null;
}

function describe(kind: BodyKind): string {
  switch (kind) {
    case 'json':
      return 'application/json';
    case 'form':
      return 'application/x-www-form-urlencoded';
    case 'xml':
      return 'text/xml';
    case 'raw':
      return 'bytes';
    case 'ndjson':
      return 'application/x-ndjson';
  }
}

/** A JSON object or array (an empty body reads as `{}`), its nesting and keys checked. */
export function parseJson(body: Buffer): unknown {
  if (body.length === 0) return {};
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch {
    value = undefined;
  }
  if (typeof value !== 'object' || value === null) {
    throw new ApiError(400, 'invalid_json', 'request body is not valid JSON (an object or array is expected)', {
      field: 'body',
    });
  }
  const problem = inspectJson(value);
  if (problem) throw problem;
  return value;
}

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
    const field = found.path || 'body';
    return new ApiError(400, 'validation_failed', `${field}: nested deeper than ${MAX_JSON_DEPTH} levels`, {
      field,
      maxDepth: MAX_JSON_DEPTH,
    });
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

/** `application/x-www-form-urlencoded`, flat fields only (a repeated field becomes a list). */
function parseForm(text: string): Record<string, unknown> {
  let separators = 0;
  for (let i = text.indexOf('&'); i !== -1 && separators < MAX_FORM_FIELDS; i = text.indexOf('&', i + 1)) {
    separators++;
  }
  if (separators >= MAX_FORM_FIELDS) {
    throw new ApiError(413, 'payload_too_large', 'too many form fields', { field: 'body', limit: MAX_FORM_FIELDS });
  }
  // fast-querystring builds a null-prototype object; the channel code reads it as a plain one.
  return { ...(parseQueryString(text) as Record<string, unknown>) };
}

/** Text in the charset the Content-Type declares (UTF-8 when it declares none). */
export function decodeText(body: Buffer, contentType: string | undefined): string {
  const charset = /;\s*charset\s*=\s*"?([\w.:-]+)"?/i.exec(contentType ?? '')?.[1] ?? 'utf-8';
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(charset.toLowerCase());
  } catch {
    throw new ApiError(415, 'unsupported_media_type', `unsupported charset "${charset.slice(0, 40)}"`, {
      field: 'Content-Type',
    });
  }
  return decoder.decode(body);
}
