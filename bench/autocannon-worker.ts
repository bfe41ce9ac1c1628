import * as fs from 'node:fs';
import autocannon from 'autocannon';
import type { LoadResult, LoadSpec } from './load';

/**
 * The load generator when wrk is not installed: autocannon in its own process, so it does not
 * share an event loop with anything it measures. Usage: node autocannon-worker.js '<LoadSpec JSON>'.
 * Prints one `BENCH_RESULT {…}` line (LoadResult).
 */
async function main(): Promise<void> {
  const spec = JSON.parse(process.argv[2]) as LoadSpec;
  const keys = spec.keysFile
    ? fs
        .readFileSync(spec.keysFile, 'utf8')
        .split('\n')
        .filter((k) => k.length > 0)
    : [];
  let next = 0;
  const result = await autocannon({
    url: spec.url,
    headers: spec.headers,
    connections: spec.connections,
    duration: spec.seconds,
    timeout: 10,
    ...(keys.length > 0
      ? {
          requests: [
            {
              setupRequest: (req: autocannon.Request) => ({
                ...req,
                headers: { ...req.headers, authorization: `Bearer ${keys[next++ % keys.length]}` },
              }),
            },
          ],
        }
      : {}),
  });
  const seconds = (result.finish.getTime() - result.start.getTime()) / 1000;
  const out: LoadResult = {
    requests: result.requests.total,
    seconds,
    rps: result.requests.total / seconds,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts + result.non2xx,
  };
  process.stdout.write(`BENCH_RESULT ${JSON.stringify(out)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`autocannon worker: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
