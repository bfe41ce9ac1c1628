import { execFileSync, spawnSync } from 'node:child_process';
import { randomFillSync } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { AdminClient } from './api';
import type { FileProtocol, FileTarget } from './file-clients';
import type { BatchResult, FileJob, LoginsResult, UploadResult } from './file-worker';
import { parseResult, runChild } from './load';
import {
  type GatehouseServer,
  childrenGone,
  makeTempDir,
  processCpuMicros,
  startGatehouse,
  stop,
  watchRss,
} from './processes';
import { type Reference, startSshd, startVsftpd } from './references';
import { count, markdownTable, median, medianWithRange, ms } from './report';
import type { RestJob, RestResult } from './rest-worker';

/**
 * The file-channel scenarios of `npm run bench` (issue 10): SFTP (and, once the build has the
 * listener, FTP/FTPS) uploads and logins against Gatehouse and against a reference server run
 * in the same round (OpenSSH's sshd, vsftpd), and CSV batches against the same submissions made
 * over REST. Every client runs in a child process of its own (file-worker.ts, rest-worker.ts).
 *
 * Adding a protocol is a `FileProtocol` in file-clients.ts (a FileSession over its client) and a
 * `Protocol` entry below (its Gatehouse target, its reference); the scenarios are shared.
 */
export const FILE_SCENARIOS = ['sftp-upload', 'sftp-logins', 'csv-batch', 'ftp-upload', 'ftp-logins'] as const;
export type FileScenarioId = (typeof FILE_SCENARIOS)[number];

export interface FileBenchOptions {
  serverMain: string;
  only: ReadonlySet<string>;
  rounds: number;
  /** Length of a logins slice. */
  seconds: number;
  warmupSeconds: number;
  uploadBytes: number;
  csvRows: number;
  loginConcurrency: number;
  /** REST reference of csv-batch: clients in flight. */
  restConnections: number;
  cipher: string;
  progress: (line: string) => void;
}

const CUSTOM_SECRET = 'a-custom-secret-of-the-old-kind';
const USERNAME = 'bench-files';
const TO = '+447700900123';
const REPORT_POLL_MS = 50;
const BATCH_TIMEOUT_MS = 30 * 60_000;

/** A server a scenario measures: Gatehouse or a reference, with the process its CPU is read from. */
interface Side {
  label: string;
  pid: number;
  /** Count the CPU of reaped children too (a forking server: sshd, vsftpd). */
  forks: boolean;
  target: FileTarget;
}

interface Protocol {
  id: 'sftp' | 'ftp' | 'ftps';
  gatehouse: Side | null;
  reference: Side | null;
  /** Why Gatehouse or the reference is not measured. */
  missing: string[];
  login: { gatehouse: string; reference: string };
}

interface Measured<T> {
  result: T;
  serverCpuMicros: number;
}

const hereJs = (name: string) => path.join(__dirname, name);

/** Runs one job in a fresh worker process; the CPU `side`'s server spent meanwhile (reaped children included). */
async function measure<T>(side: Side, job: FileJob): Promise<Measured<T>> {
  const before = processCpuMicros(side.pid, side.forks);
  const output = await runChild(process.execPath, [hereJs('file-worker.js'), JSON.stringify(job)]);
  if (side.forks) await childrenGone(side.pid);
  const serverCpuMicros = processCpuMicros(side.pid, side.forks) - before;
  return { result: parseResult(output, `file worker (${job.op})`) as unknown as T, serverCpuMicros };
}

/** `count` random bytes in a temp file, made once (incompressible: no cipher or disk gets a break). */
function randomFile(dir: string, bytes: number): string {
  const file = path.join(dir, 'upload.bin');
  const fd = fs.openSync(file, 'w', 0o600);
  const chunk = Buffer.allocUnsafe(1 << 20);
  try {
    for (let left = bytes; left > 0; left -= chunk.length) {
      const size = Math.min(left, chunk.length);
      randomFillSync(chunk, 0, size);
      fs.writeSync(fd, chunk, 0, size);
    }
  } finally {
    fs.closeSync(fd);
  }
  return file;
}

/** `to,body` and `rows` rows, CRLF (the format of libs/channels/src/files/batch-files.ts). */
function csvFile(dir: string, name: string, rows: number): string {
  const file = path.join(dir, name);
  const lines = ['to,body'];
  for (let row = 1; row <= rows; row++) lines.push(`${TO},bench row ${row}`);
  fs.writeFileSync(file, lines.join('\r\n') + '\r\n', { mode: 0o600 });
  return file;
}

/** A self-signed certificate for FTPS (both servers), or null without openssl. */
function selfSigned(dir: string): { cert: string; key: string } | null {
  if (spawnSync('openssl', ['version']).error) return null;
  const cert = path.join(dir, 'tls-cert.pem');
  const key = path.join(dir, 'tls-key.pem');
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '1'].concat([
      '-subj',
      '/CN=127.0.0.1',
      '-keyout',
      key,
      '-out',
      cert,
    ]),
    { stdio: 'ignore' },
  );
  return { cert, key };
}

/** `size` consecutive ports nobody listens on, for passive FTP data connections. */
async function freePortRange(size: number): Promise<[number, number]> {
  const free = (port: number) =>
    new Promise<boolean>((resolve) => {
      const server = net.createServer();
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    });
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 40_000 + Math.floor(Math.random() * 20_000);
    let ok = true;
    for (let port = base; port < base + size && ok; port++) ok = await free(port);
    if (ok) return [base, base + size - 1];
  }
  throw new Error(`no ${size} free consecutive ports between 40000 and 60000`);
}

const mb = (bytes: number) => bytes / 1e6;

/** A reference that fails to start is reported, never fatal: the scenario keeps its absolute figures. */
async function startReference(start: () => Promise<Reference>): Promise<Reference> {
  try {
    return await start();
  } catch (err) {
    return { ok: false, reason: err instanceof Error ? err.message.split('\n').slice(0, 3).join(' ') : String(err) };
  }
}

export async function runFileBench(o: FileBenchOptions): Promise<void> {
  const want = (id: FileScenarioId) => o.only.has(id);
  const wantSftp = want('sftp-upload') || want('sftp-logins') || want('csv-batch');
  const wantFtp = want('ftp-upload') || want('ftp-logins');
  const tempDir = makeTempDir('gatehouse-bench-files-');
  const tls = wantFtp ? selfSigned(tempDir) : null;
  const gatehousePasv = wantFtp ? await freePortRange(20) : null;

  o.progress(`starting ${path.basename(o.serverMain)} with the file listeners…`);
  const listeners = ['http', ...(wantSftp ? ['sftp'] : []), ...(wantFtp ? ['ftp'] : [])].join(',');
  const gatehouse: GatehouseServer = await startGatehouse(o.serverMain, {
    listeners,
    env: {
      GATEHOUSE_SFTP_PORT: '0',
      GATEHOUSE_FTP_PORT: '0',
      // The default cap (100 MiB) is the size of the default upload itself: raised, for the bench.
      GATEHOUSE_FTP_MAX_UPLOAD_BYTES: String(Math.max(2 * o.uploadBytes, 256 * 1024 * 1024)),
      ...(gatehousePasv ? { GATEHOUSE_FTP_PASV_PORTS: gatehousePasv.join('-') } : {}),
      ...(tls ? { GATEHOUSE_TLS_CERT: tls.cert, GATEHOUSE_TLS_KEY: tls.key } : {}),
    },
  });
  o.progress(gatehouse.banner);
  const admin = new AdminClient(gatehouse.url, gatehouse.rootToken);
  const account = await admin.createAccount('bench-files');
  await admin.createCredential(account, {
    channel: 'ftp',
    name: 'bench files',
    username: USERNAME,
    secret: CUSTOM_SECRET,
  });

  const protocols: Protocol[] = [];
  const ghSide = (protocol: FileProtocol, port: number, hostKeySha256?: string): Side => ({
    label: 'Gatehouse',
    pid: gatehouse.pid,
    forks: false,
    target: {
      protocol,
      host: '127.0.0.1',
      port,
      username: USERNAME,
      password: CUSTOM_SECRET,
      hostKeySha256,
      cipher: protocol === 'sftp' ? o.cipher : undefined,
      uploadDir: '/outbox',
    },
  });
  const refSide = (ref: Reference, protocol: FileProtocol): Side | null =>
    ref.ok
      ? { label: ref.server.name, pid: ref.server.pid, forks: ref.server.forks, target: ref.server.target(protocol) }
      : null;

  if (wantSftp) {
    const sftp = /sftp 127\.0\.0\.1:(\d+) \(host key (SHA256:[A-Za-z0-9+/]+)\)/.exec(gatehouse.banner);
    if (!sftp) throw new Error(`no SFTP listener in the banner: ${gatehouse.banner}`);
    const sshd = want('sftp-upload') || want('sftp-logins') ? await startReference(() => startSshd(o.cipher)) : null;
    if (sshd && !sshd.ok) o.progress(`sshd reference not measured: ${sshd.reason}`);
    if (sshd?.ok) o.progress(`reference: ${sshd.server.name} (pid ${sshd.server.pid})`);
    protocols.push({
      id: 'sftp',
      gatehouse: ghSide('sftp', Number(sftp[1]), sftp[2]),
      reference: sshd ? refSide(sshd, 'sftp') : null,
      missing: sshd && !sshd.ok ? [`reference: ${sshd.reason}`] : [],
      login: {
        gatehouse: 'password (custom secret, bcrypt cost 12; warm: the verdict is cached)',
        reference: sshd?.ok ? sshd.server.login : '–',
      },
    });
  }
  if (wantFtp) {
    const ftp = /(?:^|; )ftp 127\.0\.0\.1:(\d+)/.exec(gatehouse.banner);
    const missing: string[] = [];
    if (!ftp) {
      missing.push(
        /Not in this build: [^.]*\bftp\b/.test(gatehouse.banner)
          ? 'the FTP listener is not in this build (apps/server/src/listeners/index.ts has no `ftp` plan)'
          : `no FTP listener in the banner: ${gatehouse.banner}`,
      );
      o.progress(`ftp-upload, ftp-logins not measured: ${missing[0]}`);
      protocols.push({ id: 'ftp', gatehouse: null, reference: null, missing, login: { gatehouse: '', reference: '' } });
    } else {
      const pasv = await freePortRange(20);
      const vsftpd = await startReference(() => startVsftpd(pasv));
      if (!vsftpd.ok) o.progress(`vsftpd reference not measured: ${vsftpd.reason}`);
      for (const protocol of ['ftp', ...(tls ? ['ftps' as const] : [])] as const) {
        const refTls = protocol === 'ftp' || (vsftpd.ok && vsftpd.server.tls === true);
        protocols.push({
          id: protocol,
          gatehouse: ghSide(protocol, Number(ftp[1])),
          reference: refTls ? refSide(vsftpd, protocol) : null,
          missing: !vsftpd.ok
            ? [`reference: ${vsftpd.reason}`]
            : refTls
              ? []
              : ['reference: vsftpd runs without TLS here (no openssl to make its certificate)'],
          login: {
            gatehouse: 'USER/PASS (custom secret, bcrypt cost 12; warm)',
            reference: vsftpd.ok ? vsftpd.server.login : '–',
          },
        });
      }
    }
  }

  const uploadFile = want('sftp-upload') || want('ftp-upload') ? randomFile(tempDir, o.uploadBytes) : null;
  const csv = want('csv-batch') ? csvFile(tempDir, 'batch.csv', o.csvRows) : null;
  let restKey: string | null = null;
  if (want('csv-batch')) {
    restKey = (await admin.createCredential(account, { channel: 'rest', name: 'bench rest' }))!;
  }

  // ---- each side once by hand (a wrong setup stops here), which also warms the auth cache ----
  const usable: Protocol[] = [];
  const once = async (side: Side) => {
    const m = await measure<LoginsResult>(side, { op: 'logins', target: side.target, seconds: 0.001, concurrency: 1 });
    if (m.result.errors > 0) throw new Error(`${side.label}, ${side.target.protocol} login: ${m.result.firstError}`);
  };
  for (const p of protocols) {
    if (!p.gatehouse) continue;
    try {
      await once(p.gatehouse);
    } catch (err) {
      if (p.id !== 'ftps') throw err;
      // A listener that does not offer AUTH TLS: plain FTP is still measured.
      p.missing.push(`Gatehouse: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
      continue;
    }
    if (p.reference) {
      try {
        await once(p.reference);
      } catch (err) {
        // A reference that cannot log in costs the ratios, not the run.
        const why = `reference ${p.reference.label} not measured: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`;
        o.progress(why);
        p.missing.push(why);
        p.reference = null;
      }
    }
    usable.push(p);
  }

  const cpus = os.cpus();
  const sshdName = usable.find((p) => p.id === 'sftp')?.reference?.label;
  process.stdout.write(
    `\nGatehouse file channels — ${new Date().toISOString()} · CPU ${cpus[0]?.model.trim() ?? 'unknown'} × ${cpus.length} cores` +
      ` · load average ${os.loadavg()[0].toFixed(2)} · Node ${process.version} · ${o.rounds} rounds` +
      ` · SFTP cipher ${o.cipher}, kex curve25519-sha256, Ed25519 host keys, client ssh2 in a child process` +
      ` · server: ${path.basename(o.serverMain)} (GATEHOUSE_LISTENERS=${listeners}), SQLite, bcrypt cost 12` +
      (sshdName ? ` · reference: ${sshdName}` : '') +
      '\n',
  );

  // ---- warm-up (JIT of both sides' code paths), not reported ----
  if (o.warmupSeconds > 0) {
    const warmFile = uploadFile ? randomFile(makeTempDir('gatehouse-bench-warm-'), 16 * 1024 * 1024) : null;
    for (const p of usable) {
      for (const side of [p.gatehouse!, p.reference]) {
        if (!side) continue;
        const uploads = (p.id === 'sftp' && want('sftp-upload')) || (p.id !== 'sftp' && want('ftp-upload'));
        if (warmFile && uploads)
          await measure(side, { op: 'upload', target: side.target, file: warmFile, name: 'warm.bin' });
        const logs = (p.id === 'sftp' && want('sftp-logins')) || (p.id !== 'sftp' && want('ftp-logins'));
        if (logs) {
          const job: FileJob = { op: 'logins', target: side.target, seconds: o.warmupSeconds, concurrency: 1 };
          await measure(side, job);
        }
      }
    }
    if (csv && restKey) {
      const small = csvFile(tempDir, 'warm.csv', Math.min(o.csvRows, 5000));
      const gh = usable.find((p) => p.id === 'sftp')!.gatehouse!;
      await measure(gh, batchJob(gh, small, 'warm', Math.min(o.csvRows, 5000)));
      await rest(gatehouse, restKey, Math.min(o.csvRows, 5000), o.restConnections);
    }
    o.progress('warm-up done');
  }

  // ---- rounds: each pair measured back to back, the order swapped every round ----
  const uploads = new Map<string, { gh: Measured<UploadResult>; ref: Measured<UploadResult> | null }[]>();
  const loginSlices = new Map<string, { gh: Measured<LoginsResult>; ref: Measured<LoginsResult> | null }[]>();
  const batches: {
    gh: Measured<BatchResult>;
    rest: Measured<RestResult>;
    rss: { before: number; peak: number; hwm: boolean };
  }[] = [];
  const concurrencies = [...new Set([1, o.loginConcurrency])];
  for (let round = 0; round < o.rounds; round++) {
    const tag = `round ${round + 1}/${o.rounds}`;
    const pair = async <T>(p: Protocol, job: (side: Side) => FileJob) => {
      const sides = [p.gatehouse!, p.reference];
      const order = round % 2 === 0 ? sides : [...sides].reverse();
      const out = new Map<Side, Measured<T>>();
      for (const side of order) if (side) out.set(side, await measure<T>(side, job(side)));
      assertAlive(gatehouse);
      return { gh: out.get(p.gatehouse!)!, ref: p.reference ? out.get(p.reference)! : null };
    };
    for (const p of usable) {
      const proto = p.id === 'sftp' ? 'sftp' : 'ftp';
      if (uploadFile && want(`${proto}-upload`)) {
        const m = await pair<UploadResult>(p, (side) => ({
          op: 'upload',
          target: side.target,
          file: uploadFile,
          name: 'bench.bin',
        }));
        push(uploads, p.id, m);
        const rate = (r: UploadResult) => `${(mb(r.bytes) / r.seconds).toFixed(1)} MB/s`;
        o.progress(
          `${tag} ${p.id} upload: Gatehouse ${rate(m.gh.result)}` +
            (m.ref ? `, ${p.reference!.label} ${rate(m.ref.result)}` : ''),
        );
      }
      if (want(`${proto}-logins`)) {
        for (const concurrency of concurrencies) {
          const m = await pair<LoginsResult>(p, (side) => ({
            op: 'logins',
            target: side.target,
            seconds: o.seconds,
            concurrency,
          }));
          push(loginSlices, `${p.id}:${concurrency}`, m);
          const rate = (r: LoginsResult) =>
            `${(r.logins / r.seconds).toFixed(0)}/s${r.errors ? ` (${r.errors} errors: ${r.firstError})` : ''}`;
          o.progress(
            `${tag} ${p.id} logins ×${concurrency}: Gatehouse ${rate(m.gh.result)}` +
              (m.ref ? `, ${p.reference!.label} ${rate(m.ref.result)}` : ''),
          );
        }
      }
    }
    if (csv && restKey) {
      const gh = usable.find((p) => p.id === 'sftp')!.gatehouse!;
      const first = round % 2 === 0;
      const restRun = () => rest(gatehouse, restKey, o.csvRows, o.restConnections);
      // The server's RSS around the batch (issue 10: growth under 100 MB), read from outside it.
      let rss = { before: NaN, peak: NaN, hwm: false };
      const batchRun = async () => {
        const watch = watchRss(gatehouse.pid, REPORT_POLL_MS);
        try {
          return await measure<BatchResult>(gh, batchJob(gh, csv, `bench-${round + 1}`, o.csvRows));
        } finally {
          rss = { before: watch.before, peak: watch.stop(), hwm: watch.hwm };
        }
      };
      let restM: Measured<RestResult>;
      let batchM: Measured<BatchResult>;
      if (first) {
        batchM = await batchRun();
        restM = await restRun();
      } else {
        restM = await restRun();
        batchM = await batchRun();
      }
      assertAlive(gatehouse);
      batches.push({ gh: batchM, rest: restM, rss });
      const b = batchM.result;
      o.progress(
        `${tag} csv-batch: ${count(o.csvRows / b.totalSeconds)} rows/s (upload ${b.uploadSeconds.toFixed(2)} s, ` +
          `report after ${b.totalSeconds.toFixed(2)} s; bare upload ${b.bareUploadSeconds.toFixed(2)} s), ` +
          `server RSS ${mb(rss.before).toFixed(1)} → peak ${mb(rss.peak).toFixed(1)} MB, ` +
          `REST ${count(restM.result.requests / restM.result.seconds)} submissions/s` +
          (restM.result.errors ? ` (${restM.result.errors} errors: ${restM.result.firstError})` : ''),
      );
    }
  }

  // ---- report ----
  for (const p of protocols.filter((q) => q.missing.length > 0)) {
    const what = usable.includes(p) ? 'absolute figures only' : 'not measured';
    process.stdout.write(`\n${p.id} (${what}): ${p.missing.join('; ')}\n`);
  }
  if (uploads.size > 0) {
    const rows: string[][] = [];
    for (const [id, runs] of uploads) {
      const p = usable.find((q) => q.id === id)!;
      const rate = (m: Measured<UploadResult>) => mb(m.result.bytes) / m.result.seconds;
      const cpuPerMb = (m: Measured<UploadResult>, micros: number) => micros / 1000 / mb(m.result.bytes);
      const ratios = runs.filter((r) => r.ref).map((r) => rate(r.gh) / rate(r.ref!));
      const row = (label: string, list: Measured<UploadResult>[], ratio: string) => [
        `${id}: ${label}`,
        medianWithRange(list.map(rate), 1),
        median(list.map((m) => m.result.seconds)).toFixed(2),
        median(list.map((m) => cpuPerMb(m, m.serverCpuMicros))).toFixed(2),
        median(list.map((m) => cpuPerMb(m, m.result.clientCpuMicros))).toFixed(2),
        ratio,
      ];
      rows.push(
        row(
          p.gatehouse!.label,
          runs.map((r) => r.gh),
          ratios.length ? medianWithRange(ratios) : 'not measured',
        ),
      );
      if (p.reference && runs[0].ref)
        rows.push(
          row(
            p.reference.label,
            runs.map((r) => r.ref!),
            '1.00',
          ),
        );
    }
    process.stdout.write(
      `\nUploads (${count(o.uploadBytes)} random bytes, one file per try; MB = 10^6 bytes; ` +
        `median (min–max) over ${o.rounds} rounds)\n\n` +
        markdownTable(
          ['upload', 'MB/s', 'seconds', 'server CPU ms/MB', 'client CPU ms/MB', 'ratio to reference'],
          ['l', 'r', 'r', 'r', 'r', 'r'],
          rows,
        ) +
        '\n',
    );
  }
  if (loginSlices.size > 0) {
    const rows: string[][] = [];
    for (const [key, runs] of loginSlices) {
      const [id, concurrency] = key.split(':');
      const p = usable.find((q) => q.id === id)!;
      const rate = (m: Measured<LoginsResult>) => m.result.logins / m.result.seconds;
      const ratios = runs.filter((r) => r.ref).map((r) => rate(r.gh) / rate(r.ref!));
      const row = (label: string, login: string, list: Measured<LoginsResult>[], ratio: string) => [
        `${id}: ${label}`,
        login,
        concurrency,
        medianWithRange(list.map(rate), 0),
        ms(median(list.map((m) => m.result.p50))),
        ms(median(list.map((m) => m.result.p99))),
        String(list.reduce((sum, m) => sum + m.result.errors, 0)),
        median(list.map((m) => m.serverCpuMicros / 1000 / Math.max(1, m.result.logins))).toFixed(2),
        median(list.map((m) => m.result.clientCpuMicros / 1000 / Math.max(1, m.result.logins))).toFixed(2),
        ratio,
      ];
      rows.push(
        row(
          p.gatehouse!.label,
          p.login.gatehouse,
          runs.map((r) => r.gh),
          ratios.length ? medianWithRange(ratios) : 'not measured',
        ),
      );
      if (p.reference && runs[0].ref)
        rows.push(
          row(
            p.reference.label,
            p.login.reference,
            runs.map((r) => r.ref!),
            '1.00',
          ),
        );
    }
    process.stdout.write(
      `\nLogins (connect, key exchange, authentication, SFTP subsystem / FTP login, logout; ${o.seconds} s slices; ` +
        `median (min–max) over ${o.rounds} rounds)\n\n` +
        markdownTable(
          [
            'logins',
            'authentication',
            'in flight',
            'logins/s',
            'p50 ms',
            'p99 ms',
            'errors',
            'server CPU ms/login',
            'client CPU ms/login',
            'ratio to reference',
          ],
          ['l', 'l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
          rows,
        ) +
        '\n',
    );
  }
  if (batches.length > 0) {
    const rows = o.csvRows;
    const batchRate = batches.map((b) => rows / b.gh.result.totalSeconds);
    const restRate = batches.map((b) => b.rest.result.requests / b.rest.result.seconds);
    const ratios = batches.map((b, i) => batchRate[i] / restRate[i]);
    const col = (f: (b: (typeof batches)[number]) => number, digits = 2) => medianWithRange(batches.map(f), digits);
    const rssCol = (f: (b: (typeof batches)[number]) => number) => col((b) => mb(f(b)), 1);
    process.stdout.write(
      `\nCSV batch (${count(rows)} rows \`to,body\` uploaded over SFTP into /outbox/, until /reports/<name>.report.csv ` +
        `appears, polled every ${REPORT_POLL_MS} ms; reference: ${count(rows)} \`POST /rest/v1/messages\` ` +
        `with ${o.restConnections} keep-alive clients; median (min–max) over ${o.rounds} rounds)\n\n` +
        markdownTable(
          ['measure', 'seconds', 'rows/s', 'server CPU µs/row', 'ratio to REST'],
          ['l', 'r', 'r', 'r', 'r'],
          [
            [
              'csv-batch: SFTP upload → report',
              col((b) => b.gh.result.totalSeconds),
              medianWithRange(batchRate, 0),
              median(batches.map((b) => b.gh.serverCpuMicros / rows)).toFixed(0),
              medianWithRange(ratios),
            ],
            ['… of which the CSV upload (to the CLOSE answered)', col((b) => b.gh.result.uploadSeconds), '', '', ''],
            ['the same bytes uploaded as `.bin` (no batch)', col((b) => b.gh.result.bareUploadSeconds), '', '', ''],
            [
              `REST: ${count(rows)} × POST /rest/v1/messages`,
              col((b) => b.rest.result.seconds),
              medianWithRange(restRate, 0),
              median(batches.map((b) => b.rest.serverCpuMicros / b.rest.result.requests)).toFixed(0),
              '1.00',
            ],
          ],
        ) +
        `\n\nREST: p50 ${ms(median(batches.map((b) => b.rest.result.p50)))} ms, p99 ${ms(median(batches.map((b) => b.rest.result.p99)))} ms, ` +
        `${batches.reduce((sum, b) => sum + b.rest.result.errors, 0)} errors. ` +
        `The batch's server CPU includes its two uploads (the \`.bin\` and the CSV) and the report polls.\n\n` +
        `Server RSS during the batch (MB = 10^6 bytes; VmRSS of the server's process from /proc/<pid>/status ` +
        `just before the batch job, its peak sampled every ${REPORT_POLL_MS} ms until the report was read` +
        (batches.every((b) => b.rss.hwm) ? ', and VmHWM after a reset through clear_refs' : '') +
        `; both uploads included):\n\n` +
        markdownTable(
          ['server RSS', 'before, MB', 'peak during, MB', 'growth, MB'],
          ['l', 'r', 'r', 'r'],
          [
            [
              `csv-batch: ${count(rows)} rows`,
              rssCol((b) => b.rss.before),
              rssCol((b) => b.rss.peak),
              rssCol((b) => b.rss.peak - b.rss.before),
            ],
          ],
        ) +
        '\n',
    );
  }
  await stop(gatehouse.child);
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function batchJob(side: Side, file: string, name: string, rows: number): FileJob {
  return { op: 'batch', target: side.target, file, name, rows, pollMs: REPORT_POLL_MS, timeoutMs: BATCH_TIMEOUT_MS };
}

async function rest(
  gatehouse: GatehouseServer,
  key: string,
  requests: number,
  connections: number,
): Promise<Measured<RestResult>> {
  const job: RestJob = { url: `${gatehouse.url}/rest/v1/messages`, key, to: TO, count: requests, connections };
  const before = processCpuMicros(gatehouse.pid);
  const output = await runChild(process.execPath, [hereJs('rest-worker.js'), JSON.stringify(job)]);
  const serverCpuMicros = processCpuMicros(gatehouse.pid) - before;
  return { result: parseResult(output, 'rest worker') as unknown as RestResult, serverCpuMicros };
}

function assertAlive(server: GatehouseServer): void {
  const { exitCode, signalCode } = server.child;
  if (exitCode !== null || signalCode !== null) {
    throw new Error(`the Gatehouse server exited during the run (${signalCode ?? `code ${exitCode}`})`);
  }
}
