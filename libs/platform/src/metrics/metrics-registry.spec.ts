import type { CoordinationStatus, RedisStatus } from '@gatehouse/coordination';
import type { Channel } from '@gatehouse/core';
import { MetricsRegistry } from './metrics-registry';

describe('MetricsRegistry', () => {
  it('has every family of issue 12 (one registry per app)', async () => {
    const metrics = new MetricsRegistry();
    metrics.observeSessions(() => new Map());
    metrics.observeRequestLog(() => 0);
    const text = await metrics.registry.metrics();
    for (const family of [
      'gatehouse_http_requests_total',
      'gatehouse_http_request_duration_seconds',
      'gatehouse_logins_total',
      'gatehouse_bans_total',
      'gatehouse_submissions_total',
      'gatehouse_postbacks_total',
      'gatehouse_sessions',
      'gatehouse_request_log_queue',
      'gatehouse_redis_up',
      'gatehouse_process_cpu_seconds_total', // prom-client's process metrics, prefixed
    ]) {
      expect(text).toContain(`# TYPE ${family} `);
    }
    // A second registry starts from zero: test apps in one process do not share counters.
    metrics.submissions.submitted('rest', 3);
    expect(await new MetricsRegistry().registry.metrics()).not.toContain(
      'gatehouse_submissions_total{channel="rest"} 3',
    );
  });

  it('gauges read their owners at each scrape: sessions by channel, the request-log queue', async () => {
    const metrics = new MetricsRegistry();
    // Not pointed at anything yet (no core in this process): no series rather than a false zero.
    expect(await metrics.registry.metrics()).not.toMatch(/^gatehouse_sessions\{/m);
    expect(await metrics.registry.metrics()).not.toMatch(/^gatehouse_request_log_queue /m);

    let sessions = new Map<Channel, number>([['ftp', 2]]);
    let pending = 7;
    metrics.observeSessions(() => sessions);
    metrics.observeRequestLog(() => pending);
    let text = await metrics.registry.metrics();
    expect(text).toContain('# TYPE gatehouse_sessions gauge');
    expect(text).toContain('gatehouse_sessions{channel="ftp"} 2');
    expect(text).toContain('gatehouse_sessions{channel="email"} 0');
    expect(text).toContain('# TYPE gatehouse_request_log_queue gauge');
    expect(text).toMatch(/^gatehouse_request_log_queue 7$/m);

    sessions = new Map<Channel, number>([['email', 1]]);
    pending = 0;
    text = await metrics.registry.metrics();
    expect(text).toContain('gatehouse_sessions{channel="ftp"} 0');
    expect(text).toContain('gatehouse_sessions{channel="email"} 1');
    expect(text).toMatch(/^gatehouse_request_log_queue 0$/m);
  });

  it('gatehouse_redis_up: absent without REDIS_URL, 1 or 0 with it', async () => {
    expect(await new MetricsRegistry().registry.metrics()).not.toMatch(/^gatehouse_redis_up /m);
    let state: RedisStatus = 'ok';
    const coordination: CoordinationStatus = { redis: () => state };
    const metrics = new MetricsRegistry(coordination);
    expect(await metrics.registry.metrics()).toMatch(/^gatehouse_redis_up 1$/m);
    state = 'unavailable';
    expect(await metrics.registry.metrics()).toMatch(/^gatehouse_redis_up 0$/m);
  });
});
