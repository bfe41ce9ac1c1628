import type { FastifyInstance } from 'fastify';
import { pathOf } from './http-reply';

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

/**
 * Headers by path, set when the request arrives so every answer carries them, errors and 404s
 * included:
 * - every admin API response `Cache-Control: no-store` (create and rotate responses hold
 *   secrets; no proxy or browser cache may keep any of them);
 * - `/docs` a Content-Security-Policy and `X-Frame-Options: DENY`.
 */
export function installSecurityHeaders(fastify: FastifyInstance): void {
  fastify.addHook('onRequest', (req, reply, done) => {
    const path = pathOf(req.url);
    if (path.startsWith('/admin/')) {
      reply.header('Cache-Control', 'no-store');
    } else if (path === '/docs' || path.startsWith('/docs/') || path.startsWith('/docs-')) {
      reply.header('Content-Security-Policy', DOCS_CONTENT_SECURITY_POLICY);
      reply.header('X-Frame-Options', 'DENY');
      reply.header('X-Content-Type-Options', 'nosniff');
    }
    done();
  });
}
