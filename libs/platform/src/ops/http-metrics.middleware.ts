import { Injectable, NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { MetricsRegistry } from './metrics';

/** Counts requests by API (first path segment), so label cardinality stays small. */
@Injectable()
export class HttpMetricsMiddleware implements NestMiddleware {
  constructor(private readonly metrics: MetricsRegistry) {}

  use(req: Request, res: Response, next: NextFunction): void {
    const route = routeOf(req.originalUrl);
    const end = this.metrics.httpDuration.startTimer({ route });
    res.on('finish', () => {
      end();
      this.metrics.httpRequests.inc({ route, status: String(res.statusCode) });
    });
    next();
  }
}

function routeOf(url: string): string {
  const segment = url.split(/[/?]/)[1] ?? '';
  return ['admin', 'rest', 'http', 'ws', 'health', 'metrics', 'docs'].includes(segment) ? segment : 'other';
}
