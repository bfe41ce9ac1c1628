/** Longest command line taken (vsftpd's limit): a client cannot make the server buffer more. */
export const MAX_COMMAND_LINE_BYTES = 4096;

const LF = 0x0a;
const CR = 0x0d;
const IAC = 0xff;

/** One command line as read: `directive` upper-cased, `arg` exactly as sent (or null). */
export interface CommandLine {
  directive: string;
  arg: string | null;
}

export type ReadLine = { ok: true; command: CommandLine } | { ok: false; reason: 'syntax' | 'encoding' | 'control' };

/**
 * Splits the control connection's bytes into command lines: LF or CRLF ends a line, whatever
 * the chunking. ftp-srv split each chunk on CRLF alone, so a command cut across two TCP
 * segments became two broken ones, and a bare LF inside a line reached its replies.
 */
export class CommandReader {
  private pending: Buffer[] = [];
  private pendingBytes = 0;

  /** The complete lines in this chunk, or `overflow` when a line exceeds MAX_COMMAND_LINE_BYTES. */
  push(chunk: Buffer): { lines: Buffer[]; overflow: boolean } {
    const lines: Buffer[] = [];
    let start = 0;
    for (let i = chunk.indexOf(LF); i !== -1; i = chunk.indexOf(LF, start)) {
      const piece = chunk.subarray(start, i);
      const line = this.pending.length > 0 ? Buffer.concat([...this.pending, piece]) : piece;
      this.pending = [];
      this.pendingBytes = 0;
      if (line.length > MAX_COMMAND_LINE_BYTES) return { lines, overflow: true };
      lines.push(line);
      start = i + 1;
    }
    if (start < chunk.length) {
      const rest = chunk.subarray(start);
      this.pendingBytes += rest.length;
      if (this.pendingBytes > MAX_COMMAND_LINE_BYTES) return { lines, overflow: true };
      this.pending.push(Buffer.from(rest)); // a copy: the socket may reuse its buffer
    }
    return { lines, overflow: false };
  }

  /** Bytes received after the last complete line (discarded when the connection switches to TLS). */
  discard(): number {
    const bytes = this.pendingBytes;
    this.pending = [];
    this.pendingBytes = 0;
    return bytes;
  }
}

const decoder = new TextDecoder('utf-8', { fatal: true });
// C0 controls (NUL, a bare CR…), DEL and C1 controls: never part of a command or a path.
// eslint-disable-next-line no-control-regex -- control characters are what it looks for
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/**
 * Parses one line: Telnet commands (IAC …, as clients send before ABOR) dropped, UTF-8 only
 * (RFC 2640), no control characters. Unlike ftp-srv's parser it keeps the argument as sent:
 * ftp-srv dropped every `"` and took words like `-a` out of it, so a password or file name
 * holding them arrived changed.
 */
export function parseCommandLine(raw: Buffer): ReadLine {
  let line = raw.length > 0 && raw[raw.length - 1] === CR ? raw.subarray(0, -1) : raw;
  if (line.includes(IAC)) line = stripTelnet(line);
  let text: string;
  try {
    text = decoder.decode(line);
  } catch {
    return { ok: false, reason: 'encoding' };
  }
  if (CONTROL.test(text)) return { ok: false, reason: 'control' };
  const space = text.indexOf(' ');
  const directive = (space === -1 ? text : text.slice(0, space)).toUpperCase();
  if (!/^[A-Z]{3,4}$/.test(directive)) return { ok: false, reason: 'syntax' };
  const arg = space === -1 ? null : text.slice(space + 1);
  return { ok: true, command: { directive, arg: arg === '' ? null : arg } };
}

/** Telnet in the command stream (RFC 959 §4.1.3): IAC IAC is a data byte 0xFF, IAC x a command. */
function stripTelnet(line: Buffer): Buffer {
  const out: number[] = [];
  for (let i = 0; i < line.length; i++) {
    if (line[i] !== IAC) {
      out.push(line[i]);
    } else {
      if (line[i + 1] === IAC) out.push(IAC);
      i++; // skips the escaped 0xFF, or the command byte after IAC
    }
  }
  return Buffer.from(out);
}
