import type { FastifyInstance } from 'fastify';
import { MetricsRegistry } from './metrics';

const APIS = new Set(['admin', 'rest', 'http', 'ws', 'health', 'metrics', 'docs', 'console']);

/** Counts requests by API (first path segment), so label cardinality stays small. */
export function installHttpMetrics(fastify: FastifyInstance, metrics: MetricsRegistry): void {
  fastify.addHook('onResponse', (req, reply, done) => {
    const route = routeOf(req.url);
    metrics.httpDuration.observe({ route }, reply.elapsedTime / 1000);
    metrics.httpRequests.inc({ route, status: String(reply.statusCode) });
    done();
  });
}

function routeOf(url: string): string {
  const segment = (url.split(/[/?]/)[1] ?? '').toLowerCase();
  return APIS.has(segment) ? segment : 'other';
}
