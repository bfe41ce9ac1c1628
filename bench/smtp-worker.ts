import * as net from 'node:net';
import { performance } from 'node:perf_hooks';

/**
 * The SMTP load generator of the email scenarios (issue 11), in its own process: `connections`
 * connections to one SMTP server, each greeted, EHLO'd and logged in once (AUTH PLAIN, warm: not
 * timed), then, until `seconds` have passed, one message after another: MAIL FROM, RCPT TO (one
 * recipient), DATA, the message and its final dot, each command sent only once the previous
 * reply is in (no pipelining, though both servers offer it). A connection stops after the
 * message in flight when the time is up. Then QUIT.
 *
 * A raw client on net.Socket, the message formatted once: nodemailer builds and encodes a MIME
 * message for every send, which would cost this process more CPU than the server under test.
 *
 * Usage: node smtp-worker.js '<SmtpJob JSON>'. Once every connection is logged in it prints
 * `READY` and waits for a line on stdin (the bench reads the server's CPU in between), then
 * prints one `BENCH_RESULT {…}` line (SmtpResult) after the last message's reply, before QUIT.
 */
export interface SmtpJob {
  host: string;
  port: number;
  /** AUTH PLAIN with these, once per connection; null: no AUTH. */
  auth: { username: string; password: string } | null;
  /** The reply AUTH must get (a regex source): 235 from Gatehouse, 2xx from smtp-sink. */
  authReply: string;
  connections: number;
  seconds: number;
  from: string;
  to: string;
  /** RFC 5322, CRLF line ends, ending with CRLF; dot-stuffed here. */
  message: string;
  /** The reply the final dot must get (a regex source), e.g. `^250 2\.0\.0 Accepted: \S+$`. */
  accepted: string;
}

export interface SmtpResult {
  messages: number;
  /** From the start signal to the last message's final reply. */
  seconds: number;
  /** Per message, MAIL FROM sent to the reply to its final dot, ms. */
  p50: number;
  p99: number;
  /** Per message, the final dot sent to its reply (what the server does with the message), ms. */
  dataP50: number;
  dataP99: number;
  /** Messages that did not get the expected replies (each then RSET), and connections lost. */
  errors: number;
  firstError: string | null;
  /** The first final reply, as an example. */
  sample: string;
  clientCpuMicros: number;
}

const DEADLINE_MS = 30_000;

/** One SMTP connection: commands written one at a time, replies framed by their last line. */
class Connection {
  private buffer = '';
  private readonly replies: string[] = [];
  private waiter: ((reply: string | Error) => void) | null = null;
  private closed: Error | null = null;

  private constructor(private readonly socket: net.Socket) {
    socket.setNoDelay(true);
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => this.receive(chunk));
    socket.on('error', (err) => this.close(err));
    socket.on('close', () => this.close(new Error('connection closed by the server')));
  }

  static open(host: string, port: number): Promise<Connection> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host, port });
      socket.once('connect', () => {
        socket.off('error', reject);
        resolve(new Connection(socket));
      });
      socket.once('error', reject);
    });
  }

  private receive(chunk: string): void {
    this.buffer += chunk;
    let end: number;
    while ((end = this.buffer.indexOf('\r\n')) !== -1) {
      const line = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      // `250-…` continues a reply; `250 …` (or a bare `250`) is its last line.
      if (line.length > 3 && line[3] === '-') continue;
      if (this.waiter) {
        const waiter = this.waiter;
        this.waiter = null;
        waiter(line);
      } else this.replies.push(line);
    }
  }

  private close(err: Error): void {
    this.closed ??= err;
    if (this.waiter) {
      const waiter = this.waiter;
      this.waiter = null;
      waiter(this.closed);
    }
  }

  /** The last line of the next reply. */
  reply(): Promise<string> {
    const ready = this.replies.shift();
    if (ready !== undefined) return Promise.resolve(ready);
    if (this.closed) return Promise.reject(this.closed);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = null;
        reject(new Error(`no reply within ${DEADLINE_MS / 1000} s`));
      }, DEADLINE_MS);
      this.waiter = (reply) => {
        clearTimeout(timer);
        if (reply instanceof Error) reject(reply);
        else resolve(reply);
      };
    });
  }

  send(data: string): Promise<string> {
    this.socket.write(data);
    return this.reply();
  }

  async expect(command: string, reply: RegExp): Promise<string> {
    const line = await this.send(`${command}\r\n`);
    if (!reply.test(line)) throw new Error(`${command.split(' ')[0]}: ${line}`);
    return line;
  }

  get isClosed(): boolean {
    return this.closed !== null;
  }

  end(): void {
    this.socket.end();
  }
}

function percentile(values: Float64Array, p: number): number {
  if (values.length === 0) return NaN;
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** A growable Float64Array: no boxed numbers for tens of thousands of latencies. */
class Samples {
  private data = new Float64Array(1 << 14);
  length = 0;
  push(value: number): void {
    if (this.length === this.data.length) {
      const bigger = new Float64Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.length++] = value;
  }
  values(): Float64Array {
    return this.data.subarray(0, this.length);
  }
}

async function logIn(job: SmtpJob): Promise<Connection> {
  const connection = await Connection.open(job.host, job.port);
  const greeting = await connection.reply();
  if (!greeting.startsWith('220')) throw new Error(`greeting: ${greeting}`);
  await connection.expect('EHLO bench.example', /^250/);
  if (job.auth) {
    const plain = Buffer.from(`\0${job.auth.username}\0${job.auth.password}`).toString('base64');
    const line = await connection.send(`AUTH PLAIN ${plain}\r\n`);
    if (!new RegExp(job.authReply).test(line)) throw new Error(`AUTH PLAIN: ${line}`);
  }
  return connection;
}

/** A line on stdin: the bench has read the server's CPU and says go. */
function startSignal(): Promise<void> {
  return new Promise((resolve, reject) => {
    process.stdin.once('data', () => resolve());
    process.stdin.once('end', () => reject(new Error('stdin closed before the start signal')));
  });
}

async function main(): Promise<void> {
  const job = JSON.parse(process.argv[2]) as SmtpJob;
  const connections = await Promise.all(Array.from({ length: job.connections }, () => logIn(job)));
  const mailFrom = `MAIL FROM:<${job.from}>\r\n`;
  const rcptTo = `RCPT TO:<${job.to}>\r\n`;
  const body = job.message.replace(/^\./gm, '..');
  const data = `${body}${body.endsWith('\r\n') ? '' : '\r\n'}.\r\n`;
  const accepted = new RegExp(job.accepted);
  const ok250 = /^250[ -]?/;
  const go354 = /^354/;

  const go = startSignal();
  process.stdout.write('READY\n');
  await go;

  const latencies = new Samples();
  const dataLatencies = new Samples();
  let errors = 0;
  let firstError: string | null = null;
  let sample = '';
  const failed = (why: string) => {
    errors++;
    firstError ??= why;
  };
  const cpu = process.cpuUsage();
  const start = performance.now();
  const until = start + job.seconds * 1000;
  let last = start;

  const loop = async (c: Connection) => {
    do {
      const begun = performance.now();
      try {
        let line = await c.send(mailFrom);
        if (!ok250.test(line)) throw new Error(`MAIL FROM: ${line}`);
        line = await c.send(rcptTo);
        if (!ok250.test(line)) throw new Error(`RCPT TO: ${line}`);
        line = await c.send('DATA\r\n');
        if (!go354.test(line)) throw new Error(`DATA: ${line}`);
        const dot = performance.now();
        line = await c.send(data);
        const now = performance.now();
        if (!accepted.test(line)) throw new Error(`final dot: ${line}`);
        sample ||= line;
        latencies.push(now - begun);
        dataLatencies.push(now - dot);
        last = Math.max(last, now);
      } catch (err) {
        failed(err instanceof Error ? err.message : String(err));
        if (c.isClosed) return;
        // Back to a clean state for the next message.
        await c.send('RSET\r\n').catch(() => undefined);
      }
    } while (performance.now() < until);
  };
  await Promise.all(connections.map(loop));
  const clientCpuMicros = (({ user, system }) => user + system)(process.cpuUsage(cpu));

  const result: SmtpResult = {
    messages: latencies.length,
    seconds: (last - start) / 1000,
    p50: percentile(latencies.values(), 50),
    p99: percentile(latencies.values(), 99),
    dataP50: percentile(dataLatencies.values(), 50),
    dataP99: percentile(dataLatencies.values(), 99),
    errors,
    firstError,
    sample,
    clientCpuMicros,
  };
  process.stdout.write(`BENCH_RESULT ${JSON.stringify(result)}\n`);
  await Promise.all(
    connections.map(async (c) => {
      if (c.isClosed) return;
      await c.send('QUIT\r\n').catch(() => undefined);
      c.end();
    }),
  );
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`smtp worker: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
