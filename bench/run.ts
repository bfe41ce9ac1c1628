import 'reflect-metadata';
import * as os from 'node:os';
import { Authenticator } from '@gatehouse/core';
import { Scenario, compareInRounds, measure, startBenchApp, table } from './harness';

/**
 * `npm run bench`: one process, one run. The unauthenticated baseline (GET /health) and every
 * authenticated scenario are measured against the same server in interleaved rounds, so the
 * ratios compare like with like. Not part of `npm test`.
 */
const DURATION = Number(process.env.BENCH_SECONDS ?? 3);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const DISTINCT_KEYS = Number(process.env.BENCH_KEYS ?? 10_000);

const CUSTOM_SECRET = 'a-custom-secret-of-the-old-kind';

/**
 * Mean microseconds per call over n sequential calls, after a short warm-up. Yields to the event
 * loop every 100 calls, as a server does between requests, so timers (the request-log flush) run.
 */
async function timePerCall(fn: () => Promise<unknown>, n: number, before?: () => void): Promise<number> {
  const loop = async (count: number) => {
    for (let i = 0; i < count; i++) {
      before?.();
      await fn();
      if (i % 100 === 99) await new Promise((resolve) => setImmediate(resolve));
    }
  };
  await loop(Math.min(2_000, n));
  const start = process.hrtime.bigint();
  await loop(n);
  return Number(process.hrtime.bigint() - start) / 1000 / n;
}

/** The median of `reps` runs of timePerCall: one GC pause or noisy neighbour does not set the figure. */
async function medianTimePerCall(
  reps: number,
  fn: () => Promise<unknown>,
  n: number,
  before?: () => void,
): Promise<number> {
  const runs: number[] = [];
  for (let i = 0; i < reps; i++) runs.push(await timePerCall(fn, n, before));
  return runs.sort((a, b) => a - b)[Math.floor(reps / 2)];
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
  const hotBody = JSON.stringify({ channel: 'rest', secret: hot.secret, ip: '127.0.0.1' });
  const customBody = JSON.stringify({
    channel: 'http',
    username: 'bench-http',
    secret: CUSTOM_SECRET,
    ip: '127.0.0.1',
  });
  let next = 0;
  const cycling = () => JSON.stringify({ channel: 'rest', secret: keys[next++ % keys.length], ip: '127.0.0.1' });

  const sent = await fetch(`${bench.url}/rest/v1/messages`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${hot.secret}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ to: ['+15550100'], body: 'bench' }),
  });
  const messageUrl = `${bench.url}/rest/v1/messages/${((await sent.json()) as { id: string }).id}`;
  let nextKey = 0;
  const health: Scenario = { name: 'GET /health (no auth, baseline)', url: `${bench.url}/health`, expectStatus: 200 };
  const channelScenarios: Scenario[] = [
    {
      name: 'REST read (`GET /rest/v1/messages/:id`), one hot key',
      url: messageUrl,
      headers: { Authorization: `Bearer ${hot.secret}` },
      expectStatus: 200,
    },
    {
      name: `REST read, ${DISTINCT_KEYS} distinct keys round-robin, cache emptied each round`,
      url: messageUrl,
      headers: () => ({ Authorization: `Bearer ${keys[nextKey++ % keys.length]}` }),
      beforeRound: () => cache.clear(),
      expectStatus: 200,
    },
    {
      name: 'HTTP send (`GET /http/send`), custom bcrypt secret, warm',
      url: `${bench.url}/http/send?username=bench-http&password=${encodeURIComponent(CUSTOM_SECRET)}&to=15550100&text=bench`,
      expectStatus: 200,
    },
  ];
  const [hotRead, distinctRead, httpSend] = channelScenarios.map((c) => c.name);
  const targets = { [hotRead]: 0.7, [distinctRead]: 0.5, [httpSend]: 0.5 };

  // Warm the JIT on every code path before measuring anything.
  for (const scenario of [health, ...channelScenarios]) {
    await measure({ ...scenario, durationSeconds: 1, connections: CONNECTIONS });
  }
  cache.clear();
  process.stdout.write(
    `\nGatehouse benchmark — ${new Date().toISOString()}, node ${process.version}, ${os.cpus().length} cores, ` +
      `${ROUNDS} rounds of ${DURATION}s slices, each scenario paired with a baseline slice, ${CONNECTIONS} connections, SQLite, bcrypt cost 12\n`,
  );

  const options = { rounds: ROUNDS, durationSeconds: DURATION, connections: CONNECTIONS };
  const channels = await compareInRounds(health, channelScenarios, options);
  process.stdout.write('\nChannels (issue 3)\n\n' + table(channels, targets) + '\n');
  if (process.env.BENCH_ONLY === 'channels') return bench.close();

  const verify = (name: string, body: () => string, extra: Partial<Scenario> = {}): Scenario => ({
    name,
    url: `${bench.url}/admin/v1/verify`,
    method: 'POST',
    headers: admin,
    body,
    expectStatus: 200,
    ...extra,
  });
  const verifyRows = await compareInRounds(
    health,
    [
      verify('verify: one hot generated key (warm)', () => hotBody),
      verify(`verify: ${DISTINCT_KEYS} distinct generated keys, cache emptied each round`, cycling, {
        beforeRound: () => cache.clear(),
      }),
      verify('verify: custom bcrypt secret (warm)', () => customBody),
      verify('verify: generated key, cache dropped per request (cold)', () => hotBody, {
        beforeEach: () => cache.invalidateCredential(hot.credential.id),
      }),
      verify('verify: custom bcrypt secret, cache dropped per request (cold)', () => customBody, {
        beforeEach: () => cache.invalidateCredential(custom.credential.id),
      }),
    ],
    options,
  );
  process.stdout.write('\nAdmin verify (issue 2)\n\n' + table(verifyRows) + '\n');

  // The authenticator alone, called in-process: what one check costs without HTTP around it.
  const auth = bench.app.get(Authenticator);
  const check = (secret: string, username?: string) => () =>
    auth.authenticate({ channel: username ? 'http' : 'rest', username, secret, peer: '127.0.0.1', operation: 'bench' });
  // lru-cache empties its whole backing store (O(max), ~175 µs at 50 000) when the last entry is
  // deleted; a cache holding only the key being dropped would time that, not the cold path.
  cache.clear();
  await check(keys[1])();
  // Whichever loop runs first pays for JIT and GC warm-up; run both warm paths once first.
  await timePerCall(check(hot.secret), 10_000);
  await timePerCall(check(CUSTOM_SECRET, 'bench-http'), 10_000);
  const perCheck: [string, number][] = [
    ['generated key, warm', await medianTimePerCall(5, check(hot.secret), 20_000)],
    ['custom bcrypt secret, warm', await medianTimePerCall(5, check(CUSTOM_SECRET, 'bench-http'), 20_000)],
    [
      'generated key, cold (cache dropped each time)',
      await medianTimePerCall(5, check(hot.secret), 5_000, () => cache.invalidateCredential(hot.credential.id)),
    ],
    [
      'custom bcrypt secret, cold (cache dropped each time)',
      await medianTimePerCall(3, check(CUSTOM_SECRET, 'bench-http'), 10, () =>
        cache.invalidateCredential(custom.credential.id),
      ),
    ],
    [
      'unknown username, non-generated secret (one dummy bcrypt)',
      await medianTimePerCall(3, check(CUSTOM_SECRET, 'nobody-here'), 10),
    ],
    [
      'unknown bearer key, generated shape (one HMAC)',
      await medianTimePerCall(5, check(keys[0].replace(/.$/, '0')), 5_000),
    ],
  ];
  process.stdout.write('\n| authenticator.authenticate, in-process | µs per check |\n|---|---:|\n');
  for (const [name, us] of perCheck) process.stdout.write(`| ${name} | ${us.toFixed(1)} |\n`);
  await bench.close();
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
