import { Registry } from 'prom-client';
import { RequestStats } from './request-stats';

describe('RequestStats', () => {
  it('is read as Prometheus counter and histogram series at scrape time', async () => {
    const stats = new RequestStats();
    const registry = new Registry();
    stats.registerWith(registry);
    stats.record('rest', 202, 0.0004);
    stats.record('rest', 202, 0.003);
    stats.record('rest', 401, 0.2);
    stats.record('admin', 200, 7); // past the last bound: only +Inf

    const text = await registry.metrics();
    expect(text).toContain('# TYPE gatehouse_http_requests_total counter');
    expect(text).toContain('gatehouse_http_requests_total{route="rest",status="202"} 2');
    expect(text).toContain('gatehouse_http_requests_total{route="rest",status="401"} 1');
    expect(text).toContain('# TYPE gatehouse_http_request_duration_seconds histogram');
    // cumulative buckets
    expect(text).toContain('gatehouse_http_request_duration_seconds_bucket{route="rest",le="0.001"} 1');
    expect(text).toContain('gatehouse_http_request_duration_seconds_bucket{route="rest",le="0.005"} 2');
    expect(text).toContain('gatehouse_http_request_duration_seconds_bucket{route="rest",le="0.1"} 2');
    expect(text).toContain('gatehouse_http_request_duration_seconds_bucket{route="rest",le="0.5"} 3');
    expect(text).toContain('gatehouse_http_request_duration_seconds_bucket{route="rest",le="+Inf"} 3');
    expect(text).toContain('gatehouse_http_request_duration_seconds_count{route="rest"} 3');
    expect(text).toMatch(/gatehouse_http_request_duration_seconds_sum\{route="rest"\} 0\.2034/);
    expect(text).toContain('gatehouse_http_request_duration_seconds_bucket{route="admin",le="5"} 0');
    expect(text).toContain('gatehouse_http_request_duration_seconds_bucket{route="admin",le="+Inf"} 1');
  });

  it('a later scrape sees the requests since', async () => {
    const stats = new RequestStats();
    const registry = new Registry();
    stats.registerWith(registry);
    stats.record('health', 200, 0.001);
    await registry.metrics();
    stats.record('health', 200, 0.001);
    expect(await registry.metrics()).toContain('gatehouse_http_requests_total{route="health",status="200"} 2');
  });
});
