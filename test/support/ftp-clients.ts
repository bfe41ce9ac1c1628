import { spawn } from 'node:child_process';
import * as net from 'node:net';
import * as tls from 'node:tls';
import { Client } from 'basic-ftp';
import { Readable, Writable } from 'node:stream';

/**
 * FTP clients for the FTP suites: a raw control connection for hostile input (and for what a
 * well-behaved library will not send), basic-ftp, and Python's ftplib, curl and lftp as child
 * processes. Every wait has a generous deadline; none assumes speed.
 */

export interface FtpReply {
  code: number;
  /** The last line's text (after the code). */
  text: string;
  /** Every line as sent. */
  lines: string[];
}

const DEADLINE_MS = 15_000;

/** A control connection driven line by line. */
export class RawFtp {
  private buffer = '';
  private readonly replies: FtpReply[] = [];
  private waiter: (() => void) | null = null;
  private ended = false;
  readonly greeting: Promise<FtpReply>;

  private constructor(private socket: net.Socket | tls.TLSSocket) {
    this.listen(socket);
    this.greeting = this.read();
  }

  static async connect(port: number, host = '127.0.0.1'): Promise<RawFtp> {
    const socket = net.connect({ port, host });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    return new RawFtp(socket);
  }

  private listen(socket: net.Socket | tls.TLSSocket): void {
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      this.buffer += chunk;
      this.parse();
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      this.ended = true;
      this.waiter?.();
    });
  }

  private parse(): void {
    for (;;) {
      const lines = this.buffer.split('\r\n');
      if (lines.length < 2) return;
      const first = /^(\d{3})([ -])/.exec(lines[0]);
      if (!first) throw new Error(`not an FTP reply: ${JSON.stringify(lines[0])}`);
      let end = 0;
      if (first[2] === '-') {
        end = lines.findIndex((l, i) => i > 0 && l.startsWith(`${first[1]} `));
        if (end === -1 || end === lines.length - 1) return;
      }
      const taken = lines.slice(0, end + 1);
      this.buffer = lines.slice(end + 1).join('\r\n');
      this.replies.push({ code: Number(first[1]), text: taken[end].slice(4), lines: taken });
      this.waiter?.();
    }
  }

  /** The next reply; rejects if the server closed the connection first or nothing came in time. */
  async read(timeoutMs = DEADLINE_MS): Promise<FtpReply> {
    const deadline = Date.now() + timeoutMs;
    while (this.replies.length === 0) {
      if (this.ended) throw new Error('connection closed by the server');
      if (Date.now() > deadline) throw new Error('no reply in time');
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(1, deadline - Date.now()));
        this.waiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.waiter = null;
    }
    return this.replies.shift()!;
  }

  write(data: string | Buffer): void {
    this.socket.write(data);
  }

  async send(line: string | Buffer): Promise<FtpReply> {
    this.write(typeof line === 'string' ? `${line}\r\n` : line);
    return this.read();
  }

  async login(user: string, password: string): Promise<FtpReply> {
    const u = await this.send(`USER ${user}`);
    if (u.code !== 331) return u;
    return this.send(`PASS ${password}`);
  }

  /** AUTH TLS, then the handshake on the same socket. */
  async startTls(): Promise<FtpReply> {
    const reply = await this.send('AUTH TLS');
    if (reply.code === 234) await this.handshake();
    return reply;
  }

  /** The TLS handshake on the control connection (after a 234). */
  async handshake(): Promise<void> {
    const plain = this.socket;
    plain.removeAllListeners('data');
    plain.removeAllListeners('close');
    const secure = tls.connect({ socket: plain, rejectUnauthorized: false });
    await new Promise<void>((resolve, reject) => {
      secure.once('secureConnect', resolve);
      secure.once('error', reject);
    });
    this.socket = secure;
    this.listen(secure);
  }

  /** PASV, and the data connection to the port it names (on the control connection's host). */
  async pasv(): Promise<{ reply: FtpReply; connect(): Promise<DataConnection> }> {
    const reply = await this.send('PASV');
    const m = /\((\d+),(\d+),(\d+),(\d+),(\d+),(\d+)\)/.exec(reply.text);
    return {
      reply,
      connect: async () => {
        if (!m) throw new Error(`no PASV address in ${reply.text}`);
        return DataConnection.open(Number(m[5]) * 256 + Number(m[6]), `${m[1]}.${m[2]}.${m[3]}.${m[4]}`);
      },
    };
  }

  /** Resolves true once the server has closed the connection, false if it is open after `timeoutMs`. */
  async closedWithin(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!this.ended && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    return this.ended;
  }

  get isClosed(): boolean {
    return this.ended;
  }

  /** Replies received but not read yet (e.g. a 421 before the close). */
  pending(): FtpReply[] {
    return this.replies.splice(0);
  }

  close(): void {
    this.socket.destroy();
  }
}

/** A plain data connection: collects what the server sends. */
export class DataConnection {
  private readonly chunks: Buffer[] = [];
  readonly ended: Promise<void>;

  private constructor(readonly socket: net.Socket) {
    socket.on('data', (c: Buffer) => this.chunks.push(c));
    this.ended = new Promise((resolve) => socket.on('close', () => resolve()));
    socket.on('error', () => undefined);
  }

  static async open(port: number, host = '127.0.0.1'): Promise<DataConnection> {
    const socket = net.connect({ port, host });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    return new DataConnection(socket);
  }

  received(): Buffer {
    return Buffer.concat(this.chunks);
  }
}

/** basic-ftp, logged in (or rejects, closed); `secure` for explicit FTPS (AUTH TLS, PBSZ 0, PROT P). */
export async function basicFtp(
  port: number,
  user: string,
  password: string,
  options: { secure?: boolean } = {},
): Promise<Client> {
  const client = new Client(DEADLINE_MS);
  try {
    await client.access({
      host: '127.0.0.1',
      port,
      user,
      password,
      secure: options.secure ?? false,
      secureOptions: { rejectUnauthorized: false },
    });
  } catch (err) {
    client.close(); // a refused login leaves basic-ftp connected
    throw err;
  }
  return client;
}

export async function upload(client: Client, remotePath: string, content: string | Buffer): Promise<void> {
  await client.uploadFrom(Readable.from([Buffer.from(content)]), remotePath);
}

export async function download(client: Client, remotePath: string): Promise<string> {
  const chunks: Buffer[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      chunks.push(chunk);
      done();
    },
  });
  await client.downloadTo(sink, remotePath);
  return Buffer.concat(chunks).toString('utf8');
}

export interface ProcessResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a client program; killed if it runs past the deadline. */
export function runProcess(command: string, args: string[], timeoutMs = 60_000): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, HOME: process.env.HOME },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/**
 * Python's ftplib over explicit FTPS with PROT P: STOR a file, LIST a folder, RETR a file.
 * ftplib starts a data connection's TLS handshake only after the server's 150 (ftp-srv #192).
 */
export const FTPLIB_SCRIPT = `
import ftplib, io, json, ssl, sys
host, port, user, password, stor_path, content, list_path = sys.argv[1:8]
ctx = ssl.create_default_context()
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE
ftp = ftplib.FTP_TLS(context=ctx, timeout=20)
ftp.connect(host, int(port))
ftp.login(user, password)
ftp.prot_p()
stored = ftp.storbinary('STOR ' + stor_path, io.BytesIO(content.encode('utf-8')))
lines = []
ftp.retrlines('LIST ' + list_path, lines.append)
got = io.BytesIO()
ftp.retrbinary('RETR ' + stor_path, got.write) if stor_path.startswith('/reports/') else None
ftp.quit()
print(json.dumps({'stored': stored, 'list': lines}))
`;
