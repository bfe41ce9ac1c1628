import * as http from 'node:http';
import { performance } from 'node:perf_hooks';

/**
 * The cold-herd load generator, in its own process: `connections` keep-alive clients loop
 * `GET url` for `seconds`, all starting at the same instant against a credential nobody has used
 * yet. wrk cannot tell the first second apart, so this one stamps every request.
 *
 * Usage: node herd.js '{"url":…,"warmUrl":…,"connections":50,"seconds":3}'.
 * Prints one `BENCH_RESULT {…}` line (HerdResult).
 */
export interface HerdSpec {
  url: string;
  /** An unauthenticated URL (GET /health) used to open every connection before the clock starts. */
  warmUrl: string;
  connections: number;
  seconds: number;
}

export interface HerdResult {
  requests: number;
  seconds: number;
  /** Requests that completed within the first second. */
  firstSecond: number;
  /** p99 latency of the requests started in the first second (a slow one counts even if it ends later). */
  p99FirstSecond: number;
  p50: number;
  p99: number;
  /** When the first response arrived, ms after the start. */
  firstResponse: number;
  errors: number;
}

function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function main(): Promise<void> {
  const spec = JSON.parse(process.argv[2]) as HerdSpec;
  const agent = new http.Agent({ keepAlive: true, maxSockets: spec.connections });
  const get = (url: string) =>
    new Promise<number>((resolve, reject) => {
      const req = http.get(url, { agent, timeout: 30_000 }, (res) => {
        res.resume();
        res.once('end', () => resolve(res.statusCode ?? 0));
        res.once('error', reject);
      });
      req.once('timeout', () => req.destroy(new Error('timeout')));
      req.once('error', reject);
    });

  // Open all the connections first: the herd measures the credential check, not TCP handshakes.
  await Promise.all(Array.from({ length: spec.connections }, () => get(spec.warmUrl)));

  const samples: { start: number; end: number; ok: boolean }[] = [];
  const t0 = performance.now();
  const until = t0 + spec.seconds * 1000;
  const loop = async () => {
    while (performance.now() < until) {
      const start = performance.now() - t0;
      const ok = await get(spec.url).then(
        (status) => status === 200,
        () => false,
      );
      samples.push({ start, end: performance.now() - t0, ok });
    }
  };
  await Promise.all(Array.from({ length: spec.connections }, loop));
  const elapsed = (performance.now() - t0) / 1000;
  agent.destroy();

  const latency = (s: { start: number; end: number }) => s.end - s.start;
  const result: HerdResult = {
    requests: samples.length,
    seconds: elapsed,
    firstSecond: samples.filter((s) => s.end < 1000).length,
    p99FirstSecond: percentile(samples.filter((s) => s.start < 1000).map(latency), 99),
    p50: percentile(samples.map(latency), 50),
    p99: percentile(samples.map(latency), 99),
    firstResponse: Math.min(...samples.map((s) => s.end)),
    errors: samples.filter((s) => !s.ok).length,
  };
  process.stdout.write(`BENCH_RESULT ${JSON.stringify(result)}\n`);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`herd: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  });
}
