import type { FastifyInstance } from 'fastify';
import { PinoLoggerService } from '../logging';
import { MetricsRegistry } from '../metrics/metrics-registry';

const APIS = new Set(['admin', 'rest', 'http', 'ws', 'health', 'metrics', 'docs', 'console']);

/**
 * One hook when each answer is finished: the request metrics (by API, the first path segment,
 * so label cardinality stays small) and the access log (the request id, which error logs of the
 * same request carry too, method, path — never the query string, which can hold an HTTP channel
 * password — status and duration; 5xx are errors, 4xx info, the rest debug).
 */
export function installRequestObserver(
  fastify: FastifyInstance,
  metrics: MetricsRegistry,
  logger: PinoLoggerService,
): void {
  const stats = metrics.requests;
  const pino = logger.pino;
  fastify.addHook('onResponse', (req, reply, done) => {
    const url = req.url;
    const status = reply.statusCode;
    stats.record(routeOf(url), status, reply.elapsedTime / 1000);

    const level = status >= 500 ? 'error' : status >= 400 ? 'info' : 'debug';
    if (pino.isLevelEnabled(level)) {
      const q = url.indexOf('?');
      pino[level](
        {
          context: 'AccessLog',
          reqId: req.id,
          method: req.method,
          path: q === -1 ? url : url.slice(0, q),
          status,
          durationMs: Math.round(reply.elapsedTime),
        },
        'request',
      );
    }
    done();
  });
}

function routeOf(url: string): string {
  const end = url.indexOf('/', 1);
  const q = url.indexOf('?');
  const stop = end === -1 ? (q === -1 ? url.length : q) : q === -1 ? end : Math.min(end, q);
  const segment = url.slice(1, stop).toLowerCase();
  return APIS.has(segment) ? segment : 'other';
}
