import * as fs from 'node:fs';
import * as path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** Where the web console is served (DESIGN.md §7); Vite builds it with this base path. */
export const CONSOLE_PATH = '/console';

/**
 * The console's policy: its own scripts, styles, images (and the avatars it fetches as blobs)
 * and calls to this origin only; no inline script or style, no CDN, never framed.
 */
export const CONSOLE_CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' blob: data:",
  "connect-src 'self'",
  "font-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** Vite names every emitted file under assets/ by its content hash: such a file never changes. */
const IMMUTABLE = 'public, max-age=31536000, immutable';

const NOT_BUILT =
  'The web console has not been built. Run `npm run build` (it builds the server and the console ' +
  'into dist/console), or point GATEHOUSE_CONSOLE_DIR at a built console, then restart the server.\n';

/**
 * Serves the built console from `dir`: hashed assets with a year-long immutable cache, any other
 * path under `/console` the single-page app's index.html (its client routes), never cached.
 * Without a build, every console path answers 503 with what to run. The security headers of
 * every console answer are set by installSecurityHeaders (the routes are under `/console`).
 */
export async function installConsole(fastify: FastifyInstance, dir: string): Promise<void> {
  const index = readIndex(dir);
  if (index !== null) {
    await fastify.register(fastifyStatic, {
      root: dir,
      prefix: `${CONSOLE_PATH}/`,
      // One route per built file, found now: the catch-all below answers every other path.
      wildcard: false,
      index: false,
      globIgnore: ['index.html'],
      decorateReply: false,
      cacheControl: false,
      lastModified: false,
      setHeaders: (reply, file) => {
        const inAssets = path.relative(dir, file).split(path.sep)[0] === 'assets';
        void reply.header('Cache-Control', inAssets ? IMMUTABLE : 'no-cache');
      },
    });
  }

  const page = (req: FastifyRequest, reply: FastifyReply): void => {
    reply.header('Cache-Control', 'no-store');
    if (index === null) {
      void reply.code(503).type('text/plain; charset=utf-8').send(NOT_BUILT);
    } else if (/^\/console\/assets\//i.test(req.url)) {
      // A missing hashed file is not a client route: HTML in its place would only confuse the browser.
      void reply.code(404).type('text/plain; charset=utf-8').send('No such console asset.\n');
    } else {
      void reply.type('text/html; charset=utf-8').send(index);
    }
  };
  fastify.get(CONSOLE_PATH, page);
  fastify.get(`${CONSOLE_PATH}/*`, page);
}

function readIndex(dir: string): Buffer | null {
  try {
    return fs.readFileSync(path.join(dir, 'index.html'));
  } catch {
    return null;
  }
}

/**
 * The console of this installation: `dist/console` next to the `package.json` found above this
 * file, both when it runs compiled (dist/apps/server/…) and from sources (ts-node).
 */
export function defaultConsoleDir(from: string = __dirname): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return path.join(dir, 'dist', 'console');
    if (path.dirname(dir) === dir) return path.resolve('dist', 'console');
  }
}
