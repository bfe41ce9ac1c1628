import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { AdminClient, expectGet, inPool } from './api';
import { FILE_SCENARIOS, type FileScenarioId, runFileBench } from './files';
import type { HerdResult, HerdSpec } from './herd';
import { IMPORT_SCENARIOS, type ImportScenarioId, runImportBench } from './import';
import {
  Generator,
  LoadResult,
  LoadSpec,
  autocannonGenerator,
  parseResult,
  runChild,
  wrkGenerator,
  wrkVersion,
} from './load';
import {
  GatehouseServer,
  RunningServer,
  cleanUp,
  makeTempDir,
  processCpuMicros,
  startBareServer,
  startGatehouse,
  stop,
  wasInterrupted,
} from './processes';
import { count, markdownTable, median, medianWithRange, ms } from './report';
import { SMTP_SCENARIOS, type SmtpScenarioId, runSmtpBench } from './smtp';
import { TimingRow, timingEquality, timingTable } from './timing';

/**
 * `npm run bench`. Three kinds of process, none sharing an event loop with another:
 *
 * - the built server (`node dist/…/main.js`), provisioned over its admin API;
 * - a bare node:http server, the physical limit of this machine and Node;
 * - the load generator: wrk when installed, else autocannon in a child process; and for the
 *   cold herd a small node:http client (`herd.ts`) that stamps every request.
 *
 * The file-channel scenarios (files.ts) run after the HTTP ones, against a server of their own
 * with the SFTP (and FTP) listener, and reference servers (sshd, vsftpd) in the same rounds; then
 * the email-channel ones (smtp.ts), against a server with the SMTP listener and Postfix's
 * smtp-sink in the same rounds; then the bulk import (import.ts): `gatehouse import` in a child
 * process against a fresh server per run, on SQLite and on MySQL/MariaDB when one answers.
 *
 * Each round measures the bare server, then GET /health, then every scenario, slice after slice;
 * a scenario's ratio in a round is its req/s over the bare (or /health) slice of that round, and
 * the tables give the median and the range of those ratios. Not part of `npm test`.
 */
const env = process.env;

/** A whole-number knob from the environment (wrk takes whole seconds). */
function knob(name: string, fallback: number, min = 1): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (Number.isInteger(value) && value >= min) return value;
  process.stderr.write(`bench: ${name}=${raw}: expected a whole number ≥ ${min}\n`);
  process.exit(2);
}
const SECONDS = knob('BENCH_SECONDS', 3);
const ROUNDS = knob('BENCH_ROUNDS', 5);
const CONNECTIONS = knob('BENCH_CONNECTIONS', 50);
const KEYS = knob('BENCH_KEYS', 10_000);
const HERD_CONNECTIONS = knob('BENCH_HERD_CONNECTIONS', 50);
const TIMING_TRIES = knob('BENCH_TIMING_TRIES', 30);
const WARMUP_SECONDS = knob('BENCH_WARMUP_SECONDS', 1, 0);
const UPLOAD_MIB = knob('BENCH_UPLOAD_MIB', 100);
const CSV_ROWS = knob('BENCH_CSV_ROWS', 100_000);
const LOGIN_CONCURRENCY = knob('BENCH_LOGIN_CONCURRENCY', 8);
const SSH_CIPHER = env.BENCH_SSH_CIPHER || 'aes128-gcm@openssh.com';
const IMPORT_CREDENTIALS = knob('BENCH_IMPORT_CREDENTIALS', 100_000, 4);
const IMPORT_PLAIN = knob('BENCH_IMPORT_PLAIN', 200, 4);
const BCRYPT_COST = knob('BENCH_BCRYPT_COST', 12, 4);
const BCRYPT_HASHES = knob('BENCH_BCRYPT_HASHES', 20);
const PROVISION_POOL = 20;

const REPO = path.resolve(__dirname, '../..');
const SERVER_MAIN = path.resolve(REPO, env.BENCH_SERVER_MAIN ?? 'dist/apps/server/apps/server/src/main.js');
const CUSTOM_SECRET = 'a-custom-secret-of-the-old-kind';
const TO = '447700900123';

type HttpScenarioId = 'bare' | 'health' | 'rest-hot' | 'rest-keys' | 'http-send' | 'herd' | 'timing';
type ScenarioId = HttpScenarioId | FileScenarioId | SmtpScenarioId | ImportScenarioId;
const THROUGHPUT: ScenarioId[] = ['bare', 'health', 'rest-hot', 'rest-keys', 'http-send'];
const HTTP: ScenarioId[] = [...THROUGHPUT, 'herd', 'timing'];
const ALL: ScenarioId[] = [...HTTP, ...FILE_SCENARIOS, ...SMTP_SCENARIOS, ...IMPORT_SCENARIOS];

/**
 * BENCH_ONLY=rest-hot,herd … ; `throughput` (or `channels`) names the five throughput rows,
 * `files` the file-channel scenarios, `smtp` (or `email`) the email-channel ones, `import` the bulk-import
 * ones, `http` every HTTP one.
 */
function selected(): Set<ScenarioId> {
  if (!env.BENCH_ONLY) return new Set(ALL);
  const chosen = new Set<ScenarioId>();
  for (const raw of env.BENCH_ONLY.split(',').map((s) => s.trim().toLowerCase())) {
    if (raw === '') continue;
    if (raw === 'throughput' || raw === 'channels') THROUGHPUT.forEach((id) => chosen.add(id));
    else if (raw === 'files') FILE_SCENARIOS.forEach((id) => chosen.add(id));
    else if (raw === 'smtp' || raw === 'email') SMTP_SCENARIOS.forEach((id) => chosen.add(id));
    else if (raw === 'import') IMPORT_SCENARIOS.forEach((id) => chosen.add(id));
    else if (raw === 'http') HTTP.forEach((id) => chosen.add(id));
    else if ((ALL as string[]).includes(raw)) chosen.add(raw as ScenarioId);
    else
      throw new Error(
        `BENCH_ONLY: unknown "${raw}"; use any of ${ALL.join(', ')}, throughput, files, smtp, import, http`,
      );
  }
  // Every throughput row is a ratio to the bare and /health slices of its round.
  if (THROUGHPUT.some((id) => chosen.has(id))) ['bare', 'health'].forEach((id) => chosen.add(id as ScenarioId));
  return chosen;
}

interface Scenario {
  id: ScenarioId;
  name: string;
  /** The process that answers: its CPU is what "server CPU µs/req" counts. */
  server: RunningServer;
  spec: Omit<LoadSpec, 'connections' | 'seconds'>;
}

interface Slice extends LoadResult {
  cpuPerRequest: number;
}

const progress = (line: string) => process.stderr.write(`${line}\n`);

function pickGenerator(tempDir: string): Generator {
  const wanted = env.BENCH_GENERATOR;
  const worker = path.join(__dirname, 'autocannon-worker.js');
  if (wanted === 'autocannon') return autocannonGenerator(worker);
  const version = wrkVersion();
  if (version) return wrkGenerator(version, tempDir);
  if (wanted === 'wrk') throw new Error('BENCH_GENERATOR=wrk but wrk is not installed (apt-get install wrk)');
  progress('wrk not found: using autocannon in a child process (install wrk for a lighter load generator)');
  return autocannonGenerator(worker);
}

function assertAlive(server: GatehouseServer): void {
  const { exitCode, signalCode } = server.child;
  if (exitCode !== null || signalCode !== null) {
    throw new Error(`the Gatehouse server exited during the run (${signalCode ?? `code ${exitCode}`})`);
  }
}

async function measureSlice(generator: Generator, scenario: Scenario, seconds: number, connections: number) {
  const before = processCpuMicros(scenario.server.pid);
  const result = await generator.run({ ...scenario.spec, seconds, connections });
  const cpu = processCpuMicros(scenario.server.pid) - before;
  return { ...result, cpuPerRequest: cpu / Math.max(1, result.requests) };
}

async function main(): Promise<void> {
  const only = selected();
  if (HTTP.some((id) => only.has(id))) await httpBench(only);
  if (FILE_SCENARIOS.some((id) => only.has(id))) {
    await runFileBench({
      serverMain: SERVER_MAIN,
      only,
      rounds: ROUNDS,
      seconds: SECONDS,
      warmupSeconds: WARMUP_SECONDS,
      uploadBytes: UPLOAD_MIB * 1024 * 1024,
      csvRows: CSV_ROWS,
      loginConcurrency: LOGIN_CONCURRENCY,
      restConnections: CONNECTIONS,
      cipher: SSH_CIPHER,
      progress,
    });
  }
  if (SMTP_SCENARIOS.some((id) => only.has(id))) {
    await runSmtpBench({
      serverMain: SERVER_MAIN,
      only,
      rounds: ROUNDS,
      seconds: SECONDS,
      warmupSeconds: WARMUP_SECONDS,
      progress,
    });
  }
  if (IMPORT_SCENARIOS.some((id) => only.has(id))) {
    await runImportBench({
      serverMain: SERVER_MAIN,
      cli: path.join(REPO, 'bin', 'gatehouse.js'),
      only,
      credentials: IMPORT_CREDENTIALS,
      plainCredentials: IMPORT_PLAIN,
      bcryptCost: BCRYPT_COST,
      bcryptHashes: BCRYPT_HASHES,
      databaseUrl: env.BENCH_DATABASE_URL || undefined,
      cpuProfDir: env.BENCH_IMPORT_CPU_PROF ? path.resolve(env.BENCH_IMPORT_CPU_PROF) : undefined,
      progress,
    });
  }
}

/** The HTTP scenarios (issue 8): throughput rows, the cold herd, timing equality. */
async function httpBench(only: Set<ScenarioId>): Promise<void> {
  const tempDir = makeTempDir('gatehouse-bench-load-');
  const generator = pickGenerator(tempDir);

  progress(`starting ${path.relative(REPO, SERVER_MAIN)}…`);
  const gatehouse = await startGatehouse(SERVER_MAIN);
  const bare = await startBareServer(path.join(__dirname, 'bare-server.js'));
  progress(`server up at ${gatehouse.url} (pid ${gatehouse.pid}); bare node:http at ${bare.url} (pid ${bare.pid})`);
  const admin = new AdminClient(gatehouse.url, gatehouse.rootToken);
  const base = gatehouse.url;

  // ---- provisioning, all over the admin API ----
  const account = await admin.createAccount('bench');
  const hotKey = (await admin.createCredential(account, { channel: 'rest', name: 'hot' }))!;
  await admin.createCredential(account, {
    channel: 'http',
    name: 'custom',
    username: 'bench-http',
    secret: CUSTOM_SECRET,
  });
  const submitted = await fetch(`${base}/rest/v1/messages`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${hotKey}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ to: [`+${TO}`], body: 'bench' }),
  });
  if (submitted.status !== 202)
    throw new Error(`POST /rest/v1/messages: ${submitted.status} ${await submitted.text()}`);
  const messageUrl = `${base}/rest/v1/messages/${((await submitted.json()) as { id: string }).id}`;
  const sendUrl = (username: string, password: string) =>
    `${base}/http/send?username=${encodeURIComponent(username)}&password=${encodeURIComponent(password)}&to=${TO}&text=bench`;

  let keysFile: string | undefined;
  if (only.has('rest-keys')) {
    const started = Date.now();
    let done = 0;
    const keys = await inPool(
      Array.from({ length: KEYS }, (_, i) => i),
      PROVISION_POOL,
      async (i) => {
        const secret = (await admin.createCredential(account, { channel: 'rest', name: `k${i}` }))!;
        if (++done % 2000 === 0) progress(`created ${count(done)}/${count(KEYS)} keys`);
        return secret;
      },
    );
    keysFile = path.join(tempDir, 'keys.txt');
    fs.writeFileSync(keysFile, keys.join('\n') + '\n');
    progress(`created ${count(KEYS)} REST keys in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    // Use every key once, so that the row measures a warm cache with a working set of that size
    // (each slice starts the round-robin again at the first key).
    await inPool(keys, PROVISION_POOL, (key) => expectGet(messageUrl, { Authorization: `Bearer ${key}` }));
    progress(`used every key once (the round-robin row measures a warm cache of ${count(KEYS)} keys)`);
  }

  const all: Scenario[] = [
    { id: 'bare', name: 'bare node:http', server: bare, spec: { url: bare.url } },
    { id: 'health', name: 'GET /health', server: gatehouse, spec: { url: `${base}/health` } },
    {
      id: 'rest-hot',
      name: 'REST read, one hot key',
      server: gatehouse,
      spec: { url: messageUrl, headers: { Authorization: `Bearer ${hotKey}` } },
    },
    {
      id: 'rest-keys',
      name: `REST read, ${count(KEYS)} keys`,
      server: gatehouse,
      spec: { url: messageUrl, keysFile },
    },
    {
      id: 'http-send',
      name: 'HTTP send, bcrypt secret, warm (stores a submission)',
      server: gatehouse,
      spec: { url: sendUrl('bench-http', CUSTOM_SECRET) },
    },
  ];
  const scenarios = all.filter((s) => only.has(s.id));

  // Each scenario once by hand: a wrong setup fails here, not as a column of errors.
  for (const s of scenarios) {
    const headers = s.spec.keysFile
      ? { Authorization: `Bearer ${fs.readFileSync(s.spec.keysFile, 'utf8').split('\n')[0]}` }
      : (s.spec.headers ?? {});
    await expectGet(s.spec.url, headers);
  }

  const cpus = os.cpus();
  process.stdout.write(
    `\nGatehouse benchmark — ${new Date().toISOString()} · CPU ${cpus[0]?.model.trim() ?? 'unknown'} × ${cpus.length} cores` +
      ` · load average ${os.loadavg()[0].toFixed(2)} · Node ${process.version} · generator ${generator.describe}` +
      ` · ${ROUNDS} rounds × ${SECONDS} s slices, ${CONNECTIONS} connections` +
      ` · server: ${path.relative(REPO, SERVER_MAIN)} in its own process, SQLite, bcrypt cost 12\n`,
  );

  // ---- warm-up (JIT, caches, connections), not reported ----
  const warmUp = [...scenarios];
  // The herd's route, warm on another credential: the herd itself then measures the cold check.
  if (only.has('herd') && !only.has('http-send')) warmUp.push(all[4]);
  if (WARMUP_SECONDS > 0 && warmUp.length > 0) {
    for (const s of warmUp) await measureSlice(generator, s, WARMUP_SECONDS, CONNECTIONS);
    progress('warm-up done');
  }

  // ---- rounds ----
  const slices = new Map<ScenarioId, Slice[]>(scenarios.map((s) => [s.id, []]));
  const herds: (HerdResult & { cpuPerRequest: number })[] = [];
  const herdJs = path.join(__dirname, 'herd.js');
  for (let round = 0; round < ROUNDS && (scenarios.length > 0 || only.has('herd')); round++) {
    const tag = `round ${round + 1}/${ROUNDS}`;
    for (const s of scenarios) {
      const m = await measureSlice(generator, s, SECONDS, CONNECTIONS);
      assertAlive(gatehouse);
      slices.get(s.id)!.push(m);
      progress(
        `${tag} ${m.rps.toFixed(0).padStart(6)} req/s  p99 ${ms(m.p99).padStart(5)} ms  ` +
          `${m.cpuPerRequest.toFixed(0).padStart(4)} µs CPU/req  ${m.errors} errors  ${s.name}`,
      );
    }
    if (only.has('herd')) {
      // A credential nobody has used: nothing about it is cached.
      const username = `bench-herd-${round + 1}`;
      const secret = `${CUSTOM_SECRET}-herd-${round + 1}`;
      await admin.createCredential(account, { channel: 'http', name: `herd ${round + 1}`, username, secret });
      const spec: HerdSpec = {
        url: sendUrl(username, secret),
        warmUrl: `${base}/health`,
        connections: HERD_CONNECTIONS,
        seconds: SECONDS,
      };
      const before = processCpuMicros(gatehouse.pid);
      const output = await runChild(process.execPath, [herdJs, JSON.stringify(spec)]);
      const cpu = processCpuMicros(gatehouse.pid) - before;
      assertAlive(gatehouse);
      const h = parseResult(output, 'herd') as unknown as HerdResult;
      // The CPU figure includes the 50 warm-up GET /health of the connections: negligible.
      herds.push({ ...h, cpuPerRequest: cpu / Math.max(1, h.requests) });
      progress(
        `${tag} ${String(h.firstSecond).padStart(6)} in 1st s  p99 1st s ${ms(h.p99FirstSecond)} ms  ` +
          `first response ${ms(h.firstResponse)} ms  ${h.errors} errors  cold herd`,
      );
    }
  }

  // ---- report ----
  if (scenarios.length > 0) {
    const ratios = (s: Scenario, ref: ScenarioId) =>
      slices.get(s.id)!.map((m, round) => m.rps / slices.get(ref)![round].rps);
    const rows = scenarios.map((s) => {
      const runs = slices.get(s.id)!;
      return [
        s.name,
        median(runs.map((m) => m.rps)).toFixed(0),
        ms(median(runs.map((m) => m.p50))),
        ms(median(runs.map((m) => m.p99))),
        String(runs.reduce((sum, m) => sum + m.errors, 0)),
        median(runs.map((m) => m.cpuPerRequest)).toFixed(0),
        s.id === 'bare' ? '1.00' : medianWithRange(ratios(s, 'bare')),
        s.id === 'health' ? '1.00' : medianWithRange(ratios(s, 'health')),
      ];
    });
    process.stdout.write(
      `\nThroughput (${CONNECTIONS} connections; medians over ${ROUNDS} rounds; ratios: median (min–max) of per-round ratios)\n\n` +
        markdownTable(
          ['scenario', 'req/s', 'p50 ms', 'p99 ms', 'errors', 'server CPU µs/req', 'ratio to bare', 'ratio to /health'],
          ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
          rows,
        ) +
        '\n',
    );
  }

  if (herds.length > 0) {
    const col = (f: (h: HerdResult & { cpuPerRequest: number }) => number, digits = 0) =>
      medianWithRange(herds.map(f), digits);
    const firstSecond = median(herds.map((h) => h.firstSecond));
    process.stdout.write(
      `\nCold herd (${HERD_CONNECTIONS} keep-alive clients, one fresh bcrypt-backed HTTP credential per round, ` +
        `${SECONDS} s; median (min–max) over ${herds.length} rounds)\n\n` +
        markdownTable(
          [
            'requests in 1st s',
            'target ≥ 1 000',
            'p99 ms, started in 1st s',
            'first response ms',
            'req/s over the slice',
            'p99 ms, slice',
            'errors',
            'server CPU µs/req',
          ],
          ['r', 'l', 'r', 'r', 'r', 'r', 'r', 'r'],
          [
            [
              col((h) => h.firstSecond),
              firstSecond >= 1000 ? 'met' : '**not met**',
              col((h) => h.p99FirstSecond, 1),
              col((h) => h.firstResponse, 1),
              col((h) => h.requests / h.seconds),
              col((h) => h.p99, 1),
              String(herds.reduce((sum, h) => sum + h.errors, 0)),
              col((h) => h.cpuPerRequest),
            ],
          ],
        ) +
        '\n',
    );
  }

  if (only.has('timing')) {
    progress(`authenticator timing: ${TIMING_TRIES} tries of 4 cases over POST /admin/v1/verify…`);
    const rows: TimingRow[] = await timingEquality(admin, TIMING_TRIES, progress);
    assertAlive(gatehouse);
    process.stdout.write(
      '\nAuthenticator timing equality (`POST /admin/v1/verify` as root, one at a time, a distinct ip each; ' +
        'contract: within 10 % of the unknown-user median)\n\n' +
        timingTable(rows, TIMING_TRIES) +
        '\n',
    );
  }
  await Promise.all([stop(gatehouse.child), stop(bare.child)]);
}

main()
  .then(() => cleanUp())
  .catch(async (err: unknown) => {
    if (wasInterrupted()) return; // the signal handler cleans up and exits
    process.stderr.write(`\nbench failed: ${err instanceof Error ? err.message : String(err)}\n`);
    await cleanUp();
    process.exit(1);
  });
