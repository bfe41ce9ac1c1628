import * as fs from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { type FileSession, type FileTarget, openSession } from './file-clients';

/**
 * The file-channel load generator, in its own process (one per measurement): SFTP, FTP or FTPS
 * against Gatehouse or the reference server, with the same client code for both.
 *
 * Usage: node file-worker.js '<FileJob JSON>'. Prints one `BENCH_RESULT {…}` line.
 *
 * - `upload`: logs in (not timed), uploads one file (timed: open to the server's answer to the
 *   last request: SFTP CLOSE, FTP 226), removes it (not timed), logs out.
 * - `logins`: for `seconds`, `concurrency` loops of a full login: TCP connect, SSH key exchange
 *   and authentication (or FTP greeting, USER/PASS, with AUTH TLS for FTPS), the SFTP subsystem,
 *   then logout and the socket closed.
 * - `batch`: uploads a batch CSV into /outbox/ and polls for its report in /reports/ (timed from
 *   the upload's start); before that, the same bytes under a non-CSV name (no batch processing:
 *   the bare transfer).
 */
export type FileJob =
  | { op: 'upload'; target: FileTarget; file: string; name: string }
  | { op: 'logins'; target: FileTarget; seconds: number; concurrency: number }
  | { op: 'batch'; target: FileTarget; file: string; name: string; rows: number; pollMs: number; timeoutMs: number };

export interface UploadResult {
  bytes: number;
  seconds: number;
  clientCpuMicros: number;
}

export interface LoginsResult {
  logins: number;
  seconds: number;
  p50: number;
  p99: number;
  errors: number;
  firstError: string | null;
  clientCpuMicros: number;
}

export interface BatchResult {
  /** The same file under a non-CSV name: transfer only. */
  bareUploadSeconds: number;
  /** The CSV's upload, to the server's answer to its CLOSE / STOR. */
  uploadSeconds: number;
  /** From the start of the CSV's upload until its report was seen. */
  totalSeconds: number;
  accepted: number;
  refused: number;
}

const cpuMicros = (since: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(since);
  return used.user + used.system;
};

function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

const remote = (target: FileTarget, name: string) => path.posix.join(target.uploadDir, name);

async function upload(job: Extract<FileJob, { op: 'upload' }>): Promise<UploadResult> {
  const session = await openSession(job.target);
  try {
    const { size } = await fs.promises.stat(job.file);
    const cpu = process.cpuUsage();
    const start = performance.now();
    await session.upload(job.file, remote(job.target, job.name));
    const seconds = (performance.now() - start) / 1000;
    const clientCpuMicros = cpuMicros(cpu);
    await session.remove(remote(job.target, job.name));
    return { bytes: size, seconds, clientCpuMicros };
  } finally {
    await session.close();
  }
}

async function logins(job: Extract<FileJob, { op: 'logins' }>): Promise<LoginsResult> {
  const latencies: number[] = [];
  let errors = 0;
  let firstError: string | null = null;
  const cpu = process.cpuUsage();
  const start = performance.now();
  const until = start + job.seconds * 1000;
  const loop = async () => {
    while (performance.now() < until) {
      const begun = performance.now();
      let session: FileSession | null = null;
      try {
        session = await openSession(job.target);
        await session.close();
        latencies.push(performance.now() - begun);
      } catch (err) {
        errors++;
        firstError ??= err instanceof Error ? err.message : String(err);
        await session?.close().catch(() => undefined);
      }
    }
  };
  await Promise.all(Array.from({ length: job.concurrency }, loop));
  const seconds = (performance.now() - start) / 1000;
  return {
    logins: latencies.length,
    seconds,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    errors,
    firstError,
    clientCpuMicros: cpuMicros(cpu),
  };
}

async function batch(job: Extract<FileJob, { op: 'batch' }>): Promise<BatchResult> {
  const session = await openSession(job.target);
  try {
    const bare = `${job.name}.bin`;
    let start = performance.now();
    await session.upload(job.file, remote(job.target, bare));
    const bareUploadSeconds = (performance.now() - start) / 1000;
    await session.remove(remote(job.target, bare));

    const csv = `${job.name}.csv`;
    const report = `/reports/${csv}.report.csv`;
    start = performance.now();
    await session.upload(job.file, remote(job.target, csv));
    const uploadSeconds = (performance.now() - start) / 1000;
    const deadline = start + job.timeoutMs;
    while (!(await session.exists(report))) {
      if (performance.now() > deadline) throw new Error(`no ${report} within ${job.timeoutMs / 1000} s`);
      await new Promise((resolve) => setTimeout(resolve, job.pollMs));
    }
    const totalSeconds = (performance.now() - start) / 1000;

    // `row,status,submission_id,error`: every row must have been accepted.
    const lines = (await session.read(report)).toString('utf8').split(/\r?\n/).slice(1);
    const accepted = lines.filter((line) => line.split(',')[1] === 'accepted').length;
    const refused = lines.filter((line) => line.split(',')[1] === 'refused').length;
    if (accepted !== job.rows) {
      const sample = lines.find((line) => line.split(',')[1] === 'refused') ?? '';
      throw new Error(`${report}: ${accepted} of ${job.rows} rows accepted, ${refused} refused (${sample})`);
    }
    await session.remove(report);
    await session.remove(`/processed/${csv}`);
    return { bareUploadSeconds, uploadSeconds, totalSeconds, accepted, refused };
  } finally {
    await session.close();
  }
}

async function main(): Promise<void> {
  const job = JSON.parse(process.argv[2]) as FileJob;
  let result: UploadResult | LoginsResult | BatchResult;
  switch (job.op) {
    case 'upload':
      result = await upload(job);
      break;
    case 'logins':
      result = await logins(job);
      break;
    case 'batch':
      result = await batch(job);
      break;
  }
  process.stdout.write(`BENCH_RESULT ${JSON.stringify(result)}\n`);
}

main().then(
  // basic-ftp and ssh2 may leave sockets half-closed: the result is out, the process is done.
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`file worker: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  },
);
