import type { NextFunction, Request, RequestHandler, Response } from 'express';

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
 * Headers by path, set before any handler runs so error answers carry them too:
 * - every admin API response `Cache-Control: no-store` (create and rotate responses hold
 *   secrets; no proxy or browser cache may keep any of them);
 * - `/docs` a Content-Security-Policy and `X-Frame-Options: DENY`.
 * Paths compare case-insensitively, as the router matches them.
 */
export function securityHeaders(): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    const path = req.path.toLowerCase();
    if (path.startsWith('/admin/')) {
      res.setHeader('Cache-Control', 'no-store');
    } else if (path === '/docs' || path.startsWith('/docs/') || path.startsWith('/docs-')) {
      res.setHeader('Content-Security-Policy', DOCS_CONTENT_SECURITY_POLICY);
      res.setHeader('X-Frame-Options', 'DENY');
      res.setHeader('X-Content-Type-Options', 'nosniff');
    }
    next();
  };
}
