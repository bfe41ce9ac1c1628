import * as fs from 'node:fs';
import * as net from 'node:net';
import * as tls from 'node:tls';
import { SmtpListener } from '@gatehouse/channels/smtp';
import { makeTestCertificate } from './ftp-server';
import { TestApp, startTestApp } from './test-app';

/**
 * SMTP for the email suites: a raw connection driven line by line, for hostile input and for
 * what nodemailer will not send, and the test app with its SMTP listener. Every wait has a
 * generous deadline; none assumes speed.
 */

export interface SmtpReply {
  code: number;
  /** The last line's text (after the code and its separator). */
  text: string;
  /** Every line as sent. */
  lines: string[];
}

const DEADLINE_MS = 15_000;

export class RawSmtp {
  private buffer = '';
  private readonly replies: SmtpReply[] = [];
  private waiter: (() => void) | null = null;
  private ended = false;
  readonly greeting: Promise<SmtpReply>;

  private constructor(private socket: net.Socket | tls.TLSSocket) {
    this.listen(socket);
    this.greeting = this.read();
  }

  /** A plain connection (`implicitTls`: SMTPS, TLS from the first byte). */
  static async connect(port: number, implicitTls = false): Promise<RawSmtp> {
    const socket = implicitTls
      ? tls.connect({ port, host: '127.0.0.1', rejectUnauthorized: false })
      : net.connect({ port, host: '127.0.0.1' });
    await new Promise<void>((resolve, reject) => {
      socket.once(implicitTls ? 'secureConnect' : 'connect', () => resolve());
      socket.once('error', reject);
    });
    return new RawSmtp(socket);
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
      let end = -1;
      for (let i = 0; i < lines.length - 1; i++) {
        if (/^\d{3}(?: |$)/.test(lines[i])) {
          end = i;
          break;
        }
      }
      if (end === -1) return;
      const taken = lines.slice(0, end + 1);
      this.buffer = lines.slice(end + 1).join('\r\n');
      this.replies.push({ code: Number(taken[end].slice(0, 3)), text: taken[end].slice(4), lines: taken });
      this.waiter?.();
    }
  }

  get isClosed(): boolean {
    return this.ended;
  }

  /** The next reply; rejects if the server closed the connection first or nothing came in time. */
  async read(timeoutMs = DEADLINE_MS): Promise<SmtpReply> {
    const deadline = Date.now() + timeoutMs;
    while (this.replies.length === 0) {
      if (this.ended) throw new Error('connection closed by the server');
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no SMTP reply within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.waiter = null;
    }
    return this.replies.shift()!;
  }

  /** Replies already received and not read. */
  pending(): SmtpReply[] {
    return this.replies.splice(0);
  }

  /** Writes raw bytes (no CRLF added). */
  write(data: string | Buffer): void {
    this.socket.write(data);
  }

  /** One command line, and its reply. */
  async send(line: string): Promise<SmtpReply> {
    this.socket.write(`${line}\r\n`);
    return this.read();
  }

  async ehlo(name = 'client.example'): Promise<SmtpReply> {
    return this.send(`EHLO ${name}`);
  }

  /** STARTTLS, then the handshake on the same socket (the certificate is the test's own, not checked). */
  async startTls(): Promise<SmtpReply> {
    const reply = await this.send('STARTTLS');
    if (reply.code !== 220) return reply;
    const secure = tls.connect({
      socket: this.socket,
      rejectUnauthorized: false,
      servername: 'localhost',
    });
    await new Promise<void>((resolve, reject) => {
      secure.once('secureConnect', resolve);
      secure.once('error', reject);
    });
    this.socket.removeAllListeners('data');
    this.socket = secure;
    this.listen(secure);
    return reply;
  }

  /** AUTH PLAIN with the credentials in the initial response. */
  authPlain(username: string, password: string): Promise<SmtpReply> {
    return this.send(`AUTH PLAIN ${Buffer.from(`\0${username}\0${password}`).toString('base64')}`);
  }

  /** AUTH LOGIN, the old two-step form. */
  async authLogin(username: string, password: string): Promise<SmtpReply> {
    const first = await this.send('AUTH LOGIN');
    if (first.code !== 334) return first;
    const second = await this.send(Buffer.from(username).toString('base64'));
    if (second.code !== 334) return second;
    return this.send(Buffer.from(password).toString('base64'));
  }

  /** MAIL FROM, each RCPT TO and DATA with `message`; every reply in order (stops at a refused MAIL FROM). */
  async mail(from: string, to: string[], message: string): Promise<SmtpReply[]> {
    const replies = [await this.send(`MAIL FROM:<${from}>`)];
    if (replies[0].code !== 250) return replies;
    for (const rcpt of to) replies.push(await this.send(`RCPT TO:<${rcpt}>`));
    const data = await this.send('DATA');
    replies.push(data);
    if (data.code !== 354) return replies;
    const dotted = message.replace(/\r?\n/g, '\r\n').replace(/^\./gm, '..');
    this.socket.write(`${dotted}${dotted.endsWith('\r\n') ? '' : '\r\n'}.\r\n`);
    replies.push(await this.read());
    return replies;
  }

  /** Resolves true once the server has closed the connection, false if still open after `timeoutMs`. */
  async closedWithin(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!this.ended && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    return this.ended;
  }

  close(): void {
    this.socket.destroy();
  }
}

/** A minimal RFC 5322 message. */
export function plainMessage(body: string, headers: Record<string, string> = {}): string {
  const head = { From: 'monitor@example.com', Subject: 'alert', ...headers };
  return `${Object.entries(head)
    .map(([k, v]) => `${k}: ${v}`)
    .join('\r\n')}\r\n\r\n${body}\r\n`;
}

export interface SmtpApp {
  t: TestApp;
  port: number;
  /** The SMTPS port, when GATEHOUSE_SMTPS_PORT was asked for. */
  securePort: number | null;
  listener: SmtpListener;
  close(): Promise<void>;
}

/**
 * The test app with its SMTP listener on a free port (GATEHOUSE_LISTENERS=http,smtp), with a
 * throwaway certificate for STARTTLS unless `tls: false`.
 */
export async function startSmtpApp(env: Record<string, string> = {}, opts: { tls?: boolean } = {}): Promise<SmtpApp> {
  const cert = opts.tls === false ? null : makeTestCertificate();
  const t = await startTestApp({
    GATEHOUSE_LISTENERS: 'http,smtp',
    GATEHOUSE_SMTP_PORT: '0',
    ...(cert ? { GATEHOUSE_TLS_CERT: cert.certFile, GATEHOUSE_TLS_KEY: cert.keyFile } : {}),
    ...env,
  });
  const listener = t.app.get(SmtpListener);
  return {
    t,
    port: listener.address()!.port,
    securePort: listener.secureAddress()?.port ?? null,
    listener,
    close: async () => {
      await t.close();
      if (cert) fs.rmSync(cert.dir, { recursive: true, force: true });
    },
  };
}
