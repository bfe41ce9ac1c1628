import type { FastifyInstance, RouteOptions, onRequestHookHandler } from 'fastify';
import { CONSOLE_CONTENT_SECURITY_POLICY } from './console-assets';

/**
 * The OpenAPI UI's policy: its own scripts only (no inline script, no CDN), the inline styles
 * swagger-ui's page carries, calls to this origin for "Try it out", never framed.
 */
export const DOCS_CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const noStore: onRequestHookHandler = (_req, reply, done) => {
  reply.header('Cache-Control', 'no-store');
  done();
};

const docsHeaders: onRequestHookHandler = (_req, reply, done) => {
  reply.header('Content-Security-Policy', DOCS_CONTENT_SECURITY_POLICY);
  reply.header('X-Frame-Options', 'DENY');
  reply.header('X-Content-Type-Options', 'nosniff');
  done();
};

/** Every answer under `/console`; each route sets its own Cache-Control (long for hashed assets, none for the page). */
const consoleHeaders: onRequestHookHandler = (_req, reply, done) => {
  reply.header('Content-Security-Policy', CONSOLE_CONTENT_SECURITY_POLICY);
  reply.header('X-Frame-Options', 'DENY');
  reply.header('X-Content-Type-Options', 'nosniff');
  reply.header('Referrer-Policy', 'no-referrer');
  reply.header('Cross-Origin-Opener-Policy', 'same-origin');
  done();
};

/** The headers admin API answers carry; the exception filter adds them to errors no route answered. */
export function isAdminPath(path: string): boolean {
  return path.startsWith('/admin/');
}

/**
 * Headers by route, set when the request arrives so every answer of the route carries them,
 * errors included: every admin API response `Cache-Control: no-store` (create and rotate
 * responses hold secrets; no proxy or browser cache may keep any of them); `/docs` a
 * Content-Security-Policy and `X-Frame-Options: DENY`; the web console under `/console` its own
 * strict policy (no inline script or style), `X-Frame-Options: DENY` and `Referrer-Policy:
 * no-referrer`. Route hooks, so the channel routes and `/health` pay nothing for them.
 */
export function installSecurityHeaders(fastify: FastifyInstance): void {
  fastify.addHook('onRoute', (route: RouteOptions) => {
    const url = route.url.toLowerCase();
    const hook = isAdminPath(url)
      ? noStore
      : /^\/docs(?:[/-]|$)/.test(url)
        ? docsHeaders
        : /^\/console(?:\/|$)/.test(url)
          ? consoleHeaders
          : null;
    if (hook) route.onRequest = [hook, ...(route.onRequest === undefined ? [] : [route.onRequest].flat())];
  });
}
