import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import * as bcrypt from 'bcrypt';
import Database from 'better-sqlite3';
import { createConnection } from 'mysql2/promise';
import type { BcryptJob, BcryptResult } from './bcrypt-worker';
import { parseResult, runChild } from './load';
import {
  type GatehouseServer,
  makeTempDir,
  processCpuMicros,
  startGatehouse,
  stop,
  track,
  watchRss,
} from './processes';
import { count, markdownTable } from './report';

/**
 * The bulk-import scenarios of `npm run bench` (issue 13): `gatehouse import FILE` — the operator's
 * CLI, run from the checkout as `node bin/gatehouse.js`, in a child process of its own — against
 * the built server, timed as a whole (its dry-run check of the whole file, then the import), then
 * once more with the same file, which must change nothing.
 *
 * - `import-hash`: 25 000 accounts × 4 credentials (ftp, http, webservice, email; every username
 *   unique), each with a `$2y$` secretHash of cost 4 (one hash, reused: the server checks its
 *   form and cost, it does not run it);
 * - `import-generated`: the same shape without secrets: the server generates 100 000 secrets,
 *   HMAC-stores them and streams each back once (the CLI writes them to --secrets-out);
 * - `import-plain`: a few hundred credentials with a plain `secret`, bcrypt-hashed by the server at
 *   GATEHOUSE_BCRYPT_COST; its reference is bare `bcrypt.hashSync` at the same cost in a process
 *   of its own (bcrypt-worker.ts), on one core, run before and after it.
 *
 * The first two run on SQLite (a fresh data dir) and on MySQL/MariaDB when one answers (a fresh
 * database for every run); a fresh server for every run. After each run the bench checks the
 * CLI's summaries (all created, then all unchanged), the secrets file, and the stored rows.
 */
export const IMPORT_SCENARIOS = ['import-hash', 'import-generated', 'import-plain'] as const;
export type ImportScenarioId = (typeof IMPORT_SCENARIOS)[number];

export interface ImportBenchOptions {
  serverMain: string;
  /** bin/gatehouse.js */
  cli: string;
  only: ReadonlySet<string>;
  /** Credentials of import-hash and import-generated: a multiple of 4 (4 per account). */
  credentials: number;
  /** Credentials of import-plain: a multiple of 4. */
  plainCredentials: number;
  /** GATEHOUSE_BCRYPT_COST of every server, and the reference's cost. */
  bcryptCost: number;
  /** Hashes of each bare bcrypt reference run. */
  bcryptHashes: number;
  /** A MySQL/MariaDB server (BENCH_DATABASE_URL); default mysql://root@127.0.0.1:3306/. */
  databaseUrl?: string;
  /** The server writes a V8 CPU profile of each run into this directory (cpu-profile.ts). */
  cpuProfDir?: string;
  progress: (line: string) => void;
}

/** The issue's target for 100 000 credentials with a secretHash or generated secrets. */
const TARGET_SECONDS = 120;
const CHANNELS = ['ftp', 'http', 'webservice', 'email'] as const;
const IMPORTED_HASH_COST = 4;
const DEFAULT_MYSQL = 'mysql://root@127.0.0.1:3306/';
const DEFAULT_MYSQL_DATABASE = 'gatehouse_bench_import';

type SecretKind = 'hash' | 'generated' | 'plain';

interface Counts {
  created: number;
  updated: number;
  unchanged: number;
  refused: number;
}

interface Summary {
  type: 'summary';
  dryRun: boolean;
  lines: number;
  accounts: Counts;
  credentials: Counts;
}

/** One `gatehouse import` command. */
interface CliRun {
  summary: Summary;
  /** Spawn to exit: both passes, the CLI's start included. */
  seconds: number;
  /** Spawn to the check's last progress line ("checking: N of N lines"); NaN if the CLI printed none. */
  checkSeconds: number;
  serverCpuSeconds: number;
  /** The server's CPU up to that line. */
  checkCpuSeconds: number;
  /** The CLI's own CPU (user + system, read as a reaped child of the bench). */
  clientCpuSeconds: number;
  /** Peak server RSS over the command minus the RSS before it. */
  rssGrowth: number;
  rssHwm: boolean;
  /** Lines written to --secrets-out. */
  secrets: number;
}

interface Measured {
  id: ImportScenarioId;
  database: string;
  credentials: number;
  first: CliRun;
  again: CliRun;
  stored: number | null;
}

/** Where a scenario's server keeps its data. */
interface Target {
  label: string;
  /** Empties the database; the server's extra environment. */
  reset(): Promise<Record<string, string>>;
  /** Credentials stored, counted once the server has stopped; null if they cannot be counted. */
  countCredentials(server: GatehouseServer): Promise<number | null>;
  close(): Promise<void>;
}

const sqliteTarget: Target = {
  label: 'SQLite',
  reset: () => Promise.resolve({}),
  countCredentials(server) {
    const file = path.join(server.dataDir, 'gatehouse.sqlite');
    if (!fs.existsSync(file)) return Promise.resolve(null);
    const db = new Database(file, { readonly: true, fileMustExist: true });
    try {
      return Promise.resolve((db.prepare('SELECT COUNT(*) AS n FROM credentials').get() as { n: number }).n);
    } finally {
      db.close();
    }
  },
  close: () => Promise.resolve(),
};

/**
 * MySQL/MariaDB at `url` (its database, else `gatehouse_bench_import`), dropped and re-created
 * before every run and dropped at the end; or why not. The name must say "bench": the bench drops it.
 */
async function mysqlTarget(url: string): Promise<{ ok: true; target: Target } | { ok: false; reason: string }> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { ok: false, reason: `BENCH_DATABASE_URL is not a URL` };
  }
  if (parsed.protocol !== 'mysql:') return { ok: false, reason: `${parsed.protocol} is not mysql:` };
  const name = decodeURIComponent(parsed.pathname.slice(1)) || DEFAULT_MYSQL_DATABASE;
  if (!/^[A-Za-z0-9_]+$/.test(name) || !/bench/i.test(name)) {
    return {
      ok: false,
      reason: `database "${name}": the bench drops it, so its name must be [A-Za-z0-9_] with "bench"`,
    };
  }
  const server = new URL(parsed.toString());
  server.pathname = '/';
  const database = new URL(parsed.toString());
  database.pathname = `/${name}`;
  const shown = `${parsed.hostname}:${parsed.port || 3306}`;
  const connect = () => createConnection({ uri: server.toString(), connectTimeout: 5000 });
  let version: string;
  try {
    const conn = await connect();
    try {
      const [rows] = await conn.query('SELECT VERSION() AS v');
      version = String((rows as { v: string }[])[0]?.v ?? '');
    } finally {
      await conn.end();
    }
  } catch (err) {
    return { ok: false, reason: `cannot connect to ${shown}: ${err instanceof Error ? err.message : String(err)}` };
  }
  const flavour = /mariadb/i.test(version) ? 'MariaDB' : 'MySQL';
  const admin = async (sql: string) => {
    const conn = await connect();
    try {
      await conn.query(sql);
    } finally {
      await conn.end();
    }
  };
  return {
    ok: true,
    target: {
      label: `${flavour} ${version.replace(/-MariaDB.*$/i, '')}`,
      async reset() {
        await admin(`DROP DATABASE IF EXISTS \`${name}\``);
        await admin(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
        return { DATABASE_URL: database.toString() };
      },
      async countCredentials() {
        const conn = await createConnection({ uri: database.toString(), connectTimeout: 5000 });
        try {
          const [rows] = await conn.query('SELECT COUNT(*) AS n FROM credentials');
          return Number((rows as { n: number }[])[0].n);
        } finally {
          await conn.end();
        }
      },
      close: () => admin(`DROP DATABASE IF EXISTS \`${name}\``),
    },
  };
}

/**
 * `accounts` lines, one ACCOUNT each with one credential per channel, written as they are made
 * (one chunk of about 1 MiB at a time). The usernames are unique: `u<account>x<index>`.
 */
function writeImportFile(file: string, accounts: number, kind: SecretKind, hash: string): void {
  const fd = fs.openSync(file, 'w', 0o600);
  try {
    let chunk = '';
    for (let a = 1; a <= accounts; a++) {
      const credentials = CHANNELS.map((channel, k) => ({
        channel,
        name: `Key ${k}`,
        username: `u${a}x${k}`,
        ...(kind === 'hash' ? { secretHash: hash } : {}),
        ...(kind === 'plain' ? { secret: `an-old-plain-password-${a}-${k}` } : {}),
      }));
      chunk +=
        JSON.stringify({
          externalId: `acct-${a}`,
          name: `Account ${a}`,
          createdAt: '2019-01-01T00:00:00Z',
          credentials,
        }) + '\n';
      if (chunk.length >= 1 << 20) {
        fs.writeSync(fd, chunk);
        chunk = '';
      }
    }
    fs.writeSync(fd, chunk);
  } finally {
    fs.closeSync(fd);
  }
}

/** The bench's environment without anything that would point the CLI elsewhere, plus the server's address. */
function cliEnv(server: GatehouseServer): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('GATEHOUSE_') && key !== 'DATABASE_URL' && key !== 'REDIS_URL') env[key] = value;
  }
  return { ...env, GATEHOUSE_URL: server.url, GATEHOUSE_TOKEN: server.rootToken };
}

/** CPU of the bench's reaped children so far (the CLI, once it has exited), in µs. */
const reapedMicros = () => processCpuMicros(process.pid, true) - processCpuMicros(process.pid);

function countLines(file: string): number {
  if (!fs.existsSync(file)) return 0;
  const text = fs.readFileSync(file, 'utf8');
  return text === '' ? 0 : text.split('\n').filter((line) => line !== '').length;
}

/** `gatehouse --json import FILE --secrets-out SECRETS`, timed; fails on a non-zero exit. */
function runCli(cli: string, server: GatehouseServer, file: string, secretsOut: string): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const rss = watchRss(server.pid);
    const cpuBefore = processCpuMicros(server.pid);
    const reapedBefore = reapedMicros();
    const started = performance.now();
    const child = track(
      spawn(process.execPath, [cli, '--json', 'import', file, '--secrets-out', secretsOut], {
        env: cliEnv(server),
        stdio: ['ignore', 'pipe', 'pipe'],
      }),
    );
    let stdout = '';
    let stderr = '';
    let pending = '';
    let checkAt = NaN;
    let checkCpu = NaN;
    child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => {
      const text = chunk.toString();
      stderr = (stderr + text).slice(-8000);
      pending += text;
      const lines = pending.split('\n');
      pending = lines.pop()!;
      for (const line of lines) {
        const m = /^checking: (\d+) of (\d+) lines$/.exec(line.trim());
        if (m && m[1] === m[2] && Number.isNaN(checkAt)) {
          checkAt = performance.now();
          checkCpu = processCpuMicros(server.pid);
        }
      }
    });
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      const seconds = (performance.now() - started) / 1000;
      const serverCpu = processCpuMicros(server.pid);
      const peak = rss.stop();
      const clientCpu = reapedMicros() - reapedBefore;
      if (code !== 0) {
        reject(new Error(`gatehouse import ${path.basename(file)}: ${signal ?? `exit ${code}`}\n${stderr}${stdout}`));
        return;
      }
      const last = stdout.trim().split('\n').pop() ?? '';
      let summary: Summary;
      try {
        summary = JSON.parse(last) as Summary;
        if (summary.type !== 'summary') throw new Error('not a summary');
      } catch {
        reject(new Error(`gatehouse import ${path.basename(file)}: no summary on stdout:\n${stdout}\n${stderr}`));
        return;
      }
      resolve({
        summary,
        seconds,
        checkSeconds: (checkAt - started) / 1000,
        serverCpuSeconds: (serverCpu - cpuBefore) / 1e6,
        checkCpuSeconds: (checkCpu - cpuBefore) / 1e6,
        clientCpuSeconds: clientCpu / 1e6,
        rssGrowth: peak - rss.before,
        rssHwm: rss.hwm,
        secrets: countLines(secretsOut),
      });
    });
  });
}

/** Fails the bench unless the summary says exactly this. */
function expectSummary(what: string, summary: Summary, accounts: Counts, credentials: Counts): void {
  const show = (c: Counts) =>
    `created ${c.created}, updated ${c.updated}, unchanged ${c.unchanged}, refused ${c.refused}`;
  const same = (a: Counts, b: Counts) =>
    a.created === b.created && a.updated === b.updated && a.unchanged === b.unchanged && a.refused === b.refused;
  if (summary.dryRun || !same(summary.accounts, accounts) || !same(summary.credentials, credentials)) {
    throw new Error(
      `${what}: the import's summary says accounts ${show(summary.accounts)}; credentials ${show(summary.credentials)}` +
        ` (dryRun ${summary.dryRun}); expected accounts ${show(accounts)}; credentials ${show(credentials)}`,
    );
  }
}

function assertAlive(server: GatehouseServer): void {
  const { exitCode, signalCode } = server.child;
  if (exitCode !== null || signalCode !== null) {
    throw new Error(`the Gatehouse server exited during the run (${signalCode ?? `code ${exitCode}`})`);
  }
}

const secs = (value: number) => (Number.isFinite(value) ? value.toFixed(1) : '–');
const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(0);

/** A fresh database and server; the import, then the same file again; the checks. */
async function measure(
  o: ImportBenchOptions,
  dir: string,
  target: Target,
  id: ImportScenarioId,
  file: string,
  credentials: number,
): Promise<Measured> {
  const accounts = credentials / CHANNELS.length;
  const generated = id === 'import-generated' ? credentials : 0;
  const env = await target.reset();
  // Node refuses --cpu-prof in NODE_OPTIONS; cpu-profile.js does the same from a --require.
  const profile: Record<string, string> = o.cpuProfDir
    ? {
        NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --require ${path.join(__dirname, 'cpu-profile.js')}`.trim(),
        BENCH_CPU_PROF_DIR: o.cpuProfDir,
      }
    : {};
  const server = await startGatehouse(o.serverMain, {
    env: { ...env, ...profile, GATEHOUSE_BCRYPT_COST: String(o.bcryptCost) },
  });
  const tag = `${id} on ${target.label}`;
  o.progress(`${tag}: server pid ${server.pid}; gatehouse import of ${count(credentials)} credentials…`);
  let first: CliRun;
  let again: CliRun;
  try {
    first = await runCli(o.cli, server, file, path.join(dir, `${id}-${target.label}-1.secrets`));
    assertAlive(server);
    expectSummary(
      `${tag}, import`,
      first.summary,
      { created: accounts, updated: 0, unchanged: 0, refused: 0 },
      { created: credentials, updated: 0, unchanged: 0, refused: 0 },
    );
    if (first.secrets !== generated) {
      throw new Error(`${tag}: ${first.secrets} generated secrets in --secrets-out, expected ${generated}`);
    }
    o.progress(
      `${tag}: ${secs(first.seconds)} s (check ${secs(first.checkSeconds)} s, import ` +
        `${secs(first.seconds - first.checkSeconds)} s), ${(credentials / first.seconds).toFixed(0)} credentials/s, ` +
        `server CPU ${secs(first.serverCpuSeconds)} s, RSS +${mib(first.rssGrowth)} MiB; the same file again…`,
    );
    again = await runCli(o.cli, server, file, path.join(dir, `${id}-${target.label}-2.secrets`));
    assertAlive(server);
    expectSummary(
      `${tag}, re-import`,
      again.summary,
      { created: 0, updated: 0, unchanged: accounts, refused: 0 },
      { created: 0, updated: 0, unchanged: credentials, refused: 0 },
    );
    if (again.secrets !== 0) throw new Error(`${tag}: the re-import issued ${again.secrets} secrets`);
    o.progress(
      `${tag}: re-import ${secs(again.seconds)} s (check ${secs(again.checkSeconds)} s), all unchanged, ` +
        `server CPU ${secs(again.serverCpuSeconds)} s`,
    );
  } finally {
    await stop(server.child);
  }
  const stored = await target.countCredentials(server);
  if (stored !== null && stored !== credentials) {
    throw new Error(`${tag}: ${stored} credentials stored after the run, expected ${credentials}`);
  }
  return { id, database: target.label, credentials, first, again, stored };
}

async function bareBcrypt(o: ImportBenchOptions): Promise<BcryptResult> {
  const job: BcryptJob = { cost: o.bcryptCost, hashes: o.bcryptHashes };
  const output = await runChild(process.execPath, [path.join(__dirname, 'bcrypt-worker.js'), JSON.stringify(job)]);
  return parseResult(output, 'bcrypt worker') as unknown as BcryptResult;
}

export async function runImportBench(o: ImportBenchOptions): Promise<void> {
  const want = (id: ImportScenarioId) => o.only.has(id);
  for (const [name, value] of [
    ['BENCH_IMPORT_CREDENTIALS', o.credentials],
    ['BENCH_IMPORT_PLAIN', o.plainCredentials],
  ] as const) {
    if (value % CHANNELS.length !== 0) throw new Error(`${name}=${value}: a multiple of ${CHANNELS.length}, please`);
  }
  const dir = makeTempDir('gatehouse-bench-import-');
  if (o.cpuProfDir) fs.mkdirSync(o.cpuProfDir, { recursive: true });

  // ---- the files, made once ----
  const hash = bcrypt.hashSync('an-old-password', IMPORTED_HASH_COST).replace(/^\$2b\$/, '$2y$');
  const files = new Map<ImportScenarioId, { file: string; credentials: number }>();
  for (const [id, kind, credentials] of [
    ['import-hash', 'hash', o.credentials],
    ['import-generated', 'generated', o.credentials],
    ['import-plain', 'plain', o.plainCredentials],
  ] as const) {
    if (!want(id)) continue;
    const file = path.join(dir, `${id}.ndjson`);
    writeImportFile(file, credentials / CHANNELS.length, kind, hash);
    files.set(id, { file, credentials });
    o.progress(`${id}: ${count(credentials)} credentials, ${(fs.statSync(file).size / 1e6).toFixed(1)} MB of NDJSON`);
  }

  // ---- the CLI: its transpile cache filled once, then its start timed ----
  if (!fs.existsSync(o.cli)) throw new Error(`${o.cli} does not exist`);
  await runChild(process.execPath, [o.cli, '--help']);
  const cliStarted = performance.now();
  await runChild(process.execPath, [o.cli, '--help']);
  const cliStartMs = performance.now() - cliStarted;

  // ---- the databases ----
  const targets: Target[] = [sqliteTarget];
  let mysqlNote: string | null = null;
  const mysql =
    want('import-hash') || want('import-generated') ? await mysqlTarget(o.databaseUrl ?? DEFAULT_MYSQL) : null;
  if (mysql?.ok) targets.push(mysql.target);
  else if (mysql) {
    mysqlNote = mysql.reason;
    o.progress(`MySQL/MariaDB not measured: ${mysql.reason}`);
  }

  const results: Measured[] = [];
  const references: BcryptResult[] = [];
  try {
    for (const target of targets) {
      for (const id of ['import-hash', 'import-generated'] as const) {
        const f = files.get(id);
        if (f) results.push(await measure(o, dir, target, id, f.file, f.credentials));
      }
    }
    const plain = files.get('import-plain');
    if (plain) {
      // The reference just before and just after, on the same machine in the same minute.
      o.progress(`bare bcrypt.hashSync at cost ${o.bcryptCost}, ${o.bcryptHashes} hashes, one process…`);
      references.push(await bareBcrypt(o));
      results.push(await measure(o, dir, sqliteTarget, 'import-plain', plain.file, plain.credentials));
      references.push(await bareBcrypt(o));
      o.progress(
        `bare bcrypt: ${references.map((r) => (r.hashes / r.cpuSeconds).toFixed(2)).join(', ')} hashes per CPU second`,
      );
    }
  } finally {
    if (mysql?.ok) await mysql.target.close();
  }

  // ---- report ----
  const cpus = os.cpus();
  process.stdout.write(
    `\nGatehouse import — ${new Date().toISOString()} · CPU ${cpus[0]?.model.trim() ?? 'unknown'} × ${cpus.length} cores` +
      ` · load average ${os.loadavg()[0].toFixed(2)} · Node ${process.version}` +
      ` · client: gatehouse import (${path.join(path.basename(path.dirname(o.cli)), path.basename(o.cli))}, from the checkout's sources; starts in ${cliStartMs.toFixed(0)} ms)` +
      ` in a child process · server: ${path.basename(o.serverMain)}, GATEHOUSE_BCRYPT_COST=${o.bcryptCost}` +
      ` · databases: ${targets.map((t) => t.label).join(', ')} · 1 run each\n`,
  );
  if (mysqlNote) process.stdout.write(`\nMySQL/MariaDB: not measured: ${mysqlNote}\n`);
  const rows = results.map((r) => {
    const importSeconds = r.first.seconds - r.first.checkSeconds;
    const bound = r.id === 'import-plain';
    return [
      r.id,
      r.database,
      count(r.credentials),
      secs(r.first.seconds),
      secs(r.first.checkSeconds),
      secs(importSeconds),
      (r.credentials / r.first.seconds).toFixed(0),
      secs(r.first.serverCpuSeconds),
      secs(r.first.clientCpuSeconds),
      mib(r.first.rssGrowth),
      secs(r.again.seconds),
      bound ? 'bcrypt-bound' : r.first.seconds < TARGET_SECONDS ? 'met' : '**not met**',
    ];
  });
  process.stdout.write(
    `\nImport: \`gatehouse import FILE --secrets-out …\` as a whole (the dry-run check of the whole file, then the ` +
      `import; the check's end is when the CLI reports its last line), then the same file again (no-op: all unchanged); ` +
      `one run each, a fresh database and server each\n\n` +
      markdownTable(
        [
          'scenario',
          'database',
          'credentials',
          'command s',
          'check s',
          'import s',
          'credentials/s',
          'server CPU s',
          'CLI CPU s',
          'server RSS growth MiB',
          'no-op re-import s',
          `target < ${TARGET_SECONDS} s`,
        ],
        ['l', 'l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'l'],
        rows,
      ) +
      '\n',
  );
  const hwm = results.every((r) => r.first.rssHwm);
  const stored = results.map((r) => (r.stored === null ? 'not counted' : count(r.stored))).join(', ');
  process.stdout.write(
    `\nEvery summary was checked (the import: all created, none refused; the re-import: all unchanged), ` +
      `the --secrets-out files counted (import-generated: one line per credential; others: none), ` +
      `and the stored credentials counted after each run: ${stored}. ` +
      `RSS growth: the server's peak (${hwm ? 'VmRSS samples every 50 ms and VmHWM' : 'VmRSS samples every 50 ms'}) ` +
      `over the whole command minus its RSS before. The imported secretHash is one bcrypt hash of cost ` +
      `${IMPORTED_HASH_COST} ($2b$ renamed $2y$), the same in every line.\n`,
  );

  const plain = results.find((r) => r.id === 'import-plain');
  if (plain && references.length > 0) {
    const split = Number.isFinite(plain.first.checkCpuSeconds);
    const cpu = split ? plain.first.serverCpuSeconds - plain.first.checkCpuSeconds : plain.first.serverCpuSeconds;
    const perCore = plain.credentials / cpu;
    const refRates = references.map((r) => r.hashes / r.cpuSeconds);
    const ref = refRates.reduce((a, b) => a + b, 0) / refRates.length;
    process.stdout.write(
      `\nPlain secrets at bcrypt cost ${o.bcryptCost}: rate per core (per CPU second)\n\n` +
        markdownTable(
          ['what', 'count', 'seconds', 'CPU s', 'per second', 'per CPU second (core)', 'ratio to bare bcrypt'],
          ['l', 'r', 'r', 'r', 'r', 'r', 'r'],
          [
            ...references.map((r, i) => [
              `bare \`bcrypt.hashSync\`, one process, one thread (${i === 0 ? 'before' : 'after'})`,
              count(r.hashes),
              r.seconds.toFixed(2),
              r.cpuSeconds.toFixed(2),
              (r.hashes / r.seconds).toFixed(2),
              (r.hashes / r.cpuSeconds).toFixed(2),
              (r.hashes / r.cpuSeconds / ref).toFixed(2),
            ]),
            [
              `import-plain: the server's ${split ? 'import pass' : 'whole command'} (bcrypt on libuv's pool)`,
              count(plain.credentials),
              (split ? plain.first.seconds - plain.first.checkSeconds : plain.first.seconds).toFixed(2),
              cpu.toFixed(2),
              (
                plain.credentials / (split ? plain.first.seconds - plain.first.checkSeconds : plain.first.seconds)
              ).toFixed(2),
              perCore.toFixed(2),
              (perCore / ref).toFixed(2),
            ],
          ],
        ) +
        `\n\nThe ratio is to the mean of the two reference runs (${ref.toFixed(2)} hashes per CPU second). ` +
        `The server's CPU includes everything else of that pass (HTTP, JSON, checks, the writes).\n`,
    );
  }
}
