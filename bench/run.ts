import 'reflect-metadata';
import * as os from 'node:os';
import { Authenticator } from '@gatehouse/core';
import { LoadHeaders, Measurement, measure, startBenchApp, table } from './harness';

/**
 * `npm run bench`: one process, one run. The unauthenticated baseline (GET /health) and every
 * authenticated scenario are measured back to back against the same server, so the ratios
 * compare like with like. Not part of `npm test`.
 */
const DURATION = Number(process.env.BENCH_SECONDS ?? 5);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const DISTINCT_KEYS = Number(process.env.BENCH_KEYS ?? 10_000);

const CUSTOM_SECRET = 'a-custom-secret-of-the-old-kind';

/** Mean microseconds per call over n sequential calls, after a short warm-up. */
async function timePerCall(fn: () => Promise<unknown>, n: number, before?: () => void): Promise<number> {
  for (let i = 0; i < Math.min(2_000, n); i++) {
    before?.();
    await fn();
  }
  const start = process.hrtime.bigint();
  for (let i = 0; i < n; i++) {
    before?.();
    await fn();
  }
  return Number(process.hrtime.bigint() - start) / 1000 / n;
}

async function main(): Promise<void> {
  const bench = await startBenchApp();
  const admin = { Authorization: `Bearer ${bench.rootToken}`, 'Content-Type': 'application/json' };
  const post = async (path: string, body: unknown): Promise<any> => {
    const res = await fetch(bench.url + path, { method: 'POST', headers: admin, body: JSON.stringify(body) });
    if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    return res.json();
  };

  const account = (await post('/admin/v1/accounts', { name: 'bench' })).account.id as string;
  const hot = await post(`/admin/v1/accounts/${account}/credentials`, { channel: 'rest', name: 'hot' });
  const custom = await post(`/admin/v1/accounts/${account}/credentials`, {
    channel: 'http',
    name: 'custom',
    username: 'bench-http',
    secret: CUSTOM_SECRET,
  });
  process.stderr.write(`creating ${DISTINCT_KEYS} keys…\n`);
  const keys: string[] = [];
  for (let i = 0; i < DISTINCT_KEYS; i++) {
    keys.push((await post(`/admin/v1/accounts/${account}/credentials`, { channel: 'rest', name: `k${i}` })).secret);
  }

  const cache = bench.app.get(Authenticator).cache;
  const verify = (body: () => string, name: string, beforeEach?: () => void) =>
    measure({
      name,
      url: `${bench.url}/admin/v1/verify`,
      method: 'POST',
      headers: admin,
      body,
      beforeEach,
      expectStatus: 200,
      durationSeconds: DURATION,
      connections: CONNECTIONS,
    });
  const hotBody = JSON.stringify({ channel: 'rest', secret: hot.secret, ip: '127.0.0.1' });
  const customBody = JSON.stringify({
    channel: 'http',
    username: 'bench-http',
    secret: CUSTOM_SECRET,
    ip: '127.0.0.1',
  });
  let next = 0;
  const cycling = () => JSON.stringify({ channel: 'rest', secret: keys[next++ % keys.length], ip: '127.0.0.1' });

  // Warm the JIT and the caches before measuring anything.
  await measure({
    name: 'warm-up',
    url: `${bench.url}/health`,
    expectStatus: 200,
    durationSeconds: 2,
    connections: CONNECTIONS,
  });
  process.stdout.write(
    `\nGatehouse benchmark — ${new Date().toISOString()}, node ${process.version}, ${os.cpus().length} cores, ` +
      `${DURATION}s per scenario, ${CONNECTIONS} connections, SQLite, bcrypt cost 12\n\n`,
  );

  // Channel scenarios (issue 3 targets): the REST read and the legacy HTTP send.
  const sent = await fetch(`${bench.url}/rest/v1/messages`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${hot.secret}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ to: ['+15550100'], body: 'bench' }),
  });
  const messageUrl = `${bench.url}/rest/v1/messages/${((await sent.json()) as { id: string }).id}`;
  const channel = (name: string, url: string, headers?: LoadHeaders) =>
    measure({ name, url, headers, expectStatus: 200, durationSeconds: DURATION, connections: CONNECTIONS });
  let nextKey = 0;
  const channelRows: Measurement[] = [];
  const channelBaseline = await channel('GET /health (no auth, baseline)', `${bench.url}/health`);
  channelRows.push(channelBaseline);
  channelRows.push(await channel('REST read, one hot key', messageUrl, { Authorization: `Bearer ${hot.secret}` }));
  channelRows.push(
    await channel(`REST read, ${DISTINCT_KEYS} distinct keys round-robin`, messageUrl, () => ({
      Authorization: `Bearer ${keys[nextKey++ % keys.length]}`,
    })),
  );
  channelRows.push(
    await channel(
      'HTTP channel send, custom bcrypt secret (warm)',
      `${bench.url}/http/send?username=bench-http&password=${encodeURIComponent(CUSTOM_SECRET)}&to=15550100&text=bench`,
    ),
  );
  process.stdout.write('\nChannels (targets: hot key ≥ 0.7, distinct keys ≥ 0.5, bcrypt warm ≥ 0.5)\n\n');
  process.stdout.write(table(channelRows, channelBaseline) + '\n');

  const rows: Measurement[] = [];
  const baseline = await measure({
    name: 'GET /health (no auth, baseline)',
    url: `${bench.url}/health`,
    expectStatus: 200,
    durationSeconds: DURATION,
    connections: CONNECTIONS,
  });
  rows.push(baseline);
  rows.push(await verify(() => hotBody, 'verify: one hot generated key (warm)'));
  rows.push(
    await verify(cycling, `verify: ${DISTINCT_KEYS} distinct generated keys, round-robin (first uses are cold)`),
  );
  rows.push(await verify(() => customBody, 'verify: custom bcrypt secret (warm)'));
  rows.push(
    await verify(
      () => hotBody,
      'verify: generated key, cache dropped per request (cold)',
      () => cache.invalidateCredential(hot.credential.id),
    ),
  );
  rows.push(
    await verify(
      () => customBody,
      'verify: custom bcrypt secret, cache dropped per request (cold)',
      () => cache.invalidateCredential(custom.credential.id),
    ),
  );

  process.stdout.write('\nAdmin verify (issue 2)\n\n' + table(rows, baseline) + '\n');

  // The authenticator alone, called in-process: what one check costs without HTTP around it.
  const auth = bench.app.get(Authenticator);
  const check = (secret: string, username?: string) => () =>
    auth.authenticate({ channel: username ? 'http' : 'rest', username, secret, peer: '127.0.0.1', operation: 'bench' });
  // Whichever loop runs first pays for JIT and GC warm-up; run both warm paths once first.
  await timePerCall(check(hot.secret), 10_000);
  await timePerCall(check(CUSTOM_SECRET, 'bench-http'), 10_000);
  const perCheck: [string, number][] = [
    ['generated key, warm', await timePerCall(check(hot.secret), 20_000)],
    ['custom bcrypt secret, warm', await timePerCall(check(CUSTOM_SECRET, 'bench-http'), 20_000)],
    [
      'generated key, cold (cache dropped each time)',
      await timePerCall(check(hot.secret), 5_000, () => cache.invalidateCredential(hot.credential.id)),
    ],
    [
      'custom bcrypt secret, cold (cache dropped each time)',
      await timePerCall(check(CUSTOM_SECRET, 'bench-http'), 20, () => cache.invalidateCredential(custom.credential.id)),
    ],
    [
      'unknown username, non-generated secret (one dummy bcrypt)',
      await timePerCall(check(CUSTOM_SECRET, 'nobody-here'), 20),
    ],
    ['unknown bearer key, generated shape (one HMAC)', await timePerCall(check(keys[0].replace(/.$/, '0')), 5_000)],
  ];
  process.stdout.write('\n| authenticator.authenticate, in-process | µs per check |\n|---|---:|\n');
  for (const [name, us] of perCheck) process.stdout.write(`| ${name} | ${us.toFixed(1)} |\n`);
  await bench.close();
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
