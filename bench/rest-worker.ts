import * as net from 'node:net';
import { performance } from 'node:perf_hooks';

/**
 * The REST reference of the csv-batch scenario, in its own process: `count` submissions through
 * `POST /rest/v1/messages`, `connections` keep-alive connections with one request in flight each,
 * each answer a 202.
 *
 * node:http's client costs more CPU per request than the server's route on this machine's two
 * cores (it halved the measured rate), and wrk cannot stop after a given number of requests: so
 * this is a minimal HTTP/1.1 client on raw sockets, requests formatted once, answers framed by
 * their Content-Length.
 *
 * Usage: node rest-worker.js '{"url":…,"key":…,"to":…,"count":100000,"connections":50}'.
 * Prints one `BENCH_RESULT {…}` line (RestResult).
 */
export interface RestJob {
  /** `http://host:port/rest/v1/messages` */
  url: string;
  key: string;
  to: string;
  count: number;
  connections: number;
}

export interface RestResult {
  requests: number;
  seconds: number;
  p50: number;
  p99: number;
  /** Statuses other than 202, and requests lost with a connection. */
  errors: number;
  firstError: string | null;
  clientCpuMicros: number;
}

const HEADER_END = Buffer.from('\r\n\r\n');

function percentile(values: Float64Array, p: number): number {
  if (values.length === 0) return NaN;
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function main(): Promise<void> {
  const job = JSON.parse(process.argv[2]) as RestJob;
  const url = new URL(job.url);
  const body = JSON.stringify({ to: [job.to], body: 'bench row' });
  const request = Buffer.from(
    `POST ${url.pathname} HTTP/1.1\r\nHost: ${url.host}\r\nAuthorization: Bearer ${job.key}\r\n` +
      `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );

  const latencies = new Float64Array(job.count);
  let sent = 0;
  let done = 0;
  let errors = 0;
  let firstError: string | null = null;
  const cpu = process.cpuUsage();
  const start = performance.now();

  const connection = () =>
    new Promise<void>((resolve) => {
      const socket = net.connect({ host: url.hostname, port: Number(url.port), noDelay: true });
      let buffered: Buffer = Buffer.alloc(0);
      let begun = 0;
      const next = () => {
        if (sent >= job.count) {
          socket.end();
          return;
        }
        sent++;
        begun = performance.now();
        socket.write(request);
      };
      socket.once('connect', next);
      socket.on('data', (chunk: Buffer) => {
        buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
        for (;;) {
          const end = buffered.indexOf(HEADER_END);
          if (end < 0) return;
          const head = buffered.subarray(0, end).toString('latin1');
          const length = Number(/\r\ncontent-length:\s*(\d+)/i.exec(head)?.[1] ?? 0);
          if (buffered.length < end + 4 + length) return;
          buffered = buffered.subarray(end + 4 + length);
          latencies[done++] = performance.now() - begun;
          const status = head.slice(9, 12);
          if (status !== '202') {
            errors++;
            firstError ??= `status ${status}`;
          }
          next();
        }
      });
      socket.once('error', (err) => {
        errors++;
        firstError ??= err.message;
      });
      socket.once('close', () => resolve());
    });

  await Promise.all(Array.from({ length: Math.min(job.connections, job.count) }, connection));
  const seconds = (performance.now() - start) / 1000;
  const used = process.cpuUsage(cpu);
  errors += sent - done; // lost with their connection
  const result: RestResult = {
    requests: done,
    seconds,
    p50: percentile(latencies.subarray(0, done), 50),
    p99: percentile(latencies.subarray(0, done), 99),
    errors,
    firstError,
    clientCpuMicros: used.user + used.system,
  };
  process.stdout.write(`BENCH_RESULT ${JSON.stringify(result)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`rest worker: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
