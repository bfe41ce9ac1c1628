import * as readline from 'node:readline';
import { CliError, ExitCode, UsageError } from './exit-codes';
import { Writable } from './output';

/** Standard input as the CLI reads it: a terminal (prompts) or a pipe/file (secrets for scripts). */
export interface Readable extends NodeJS.ReadableStream {
  isTTY?: boolean;
  setRawMode?(mode: boolean): unknown;
}

export interface CliIo {
  stdin: Readable;
  stdout: Writable;
  stderr: Writable;
}

/** The most a secret read from standard input may be (the API takes 1024 characters at most). */
const MAX_STDIN_BYTES = 64 * 1024;

/** Everything on standard input, less one trailing newline (`echo`, here-strings, files). */
export async function readStdin(io: CliIo, what: string): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of io.stdin) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    size += buf.length;
    if (size > MAX_STDIN_BYTES) throw new UsageError(`error: ${what} on standard input is longer than 64 KiB`);
    chunks.push(buf);
  }
  const text = Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
  if (text === '') throw new UsageError(`error: no ${what} on standard input`);
  return text;
}

/**
 * A secret: from the terminal without echo when standard input is one (typed twice when `confirm`,
 * for a new secret), else everything on standard input. Never from the command line.
 */
export async function readSecret(io: CliIo, what: string, options: { confirm: boolean }): Promise<string> {
  if (!io.stdin.isTTY) return readStdin(io, what);
  const first = await promptHidden(io, `${capitalise(what)}: `);
  if (first === '') throw new UsageError(`error: no ${what} given`);
  if (options.confirm && (await promptHidden(io, `${capitalise(what)} again: `)) !== first) {
    throw new UsageError(`error: the two ${what}s differ`);
  }
  return first;
}

/** Reads a line from the terminal without echoing it (the prompt goes to standard error). */
export function promptHidden(io: CliIo, question: string): Promise<string> {
  const stdin = io.stdin;
  return new Promise<string>((resolve, reject) => {
    let value = '';
    const finish = (): void => {
      stdin.removeListener('data', onData);
      stdin.setRawMode?.(false);
      stdin.pause();
      io.stderr.write('\n');
    };
    const onData = (chunk: Buffer | string): void => {
      for (const ch of chunk.toString()) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') {
          finish();
          resolve(value);
          return;
        }
        if (ch === '\u0003') {
          finish();
          reject(new CliError(ExitCode.interrupted, 'aborted'));
          return;
        }
        if (ch === '\u007f' || ch === '\b') value = [...value].slice(0, -1).join('');
        else if (ch === '\u0015') value = '';
        else if (ch >= ' ') value += ch;
      }
    };
    io.stderr.write(question);
    stdin.setRawMode?.(true);
    stdin.on('data', onData);
    stdin.resume();
  });
}

/**
 * A delete goes ahead with `--yes`, or when a person at the terminal answers yes. Without a
 * terminal on standard input and without `--yes` it is a usage error: a script must say so.
 */
export async function confirmDelete(io: CliIo, yes: boolean | undefined, what: string): Promise<void> {
  if (yes) return;
  if (!io.stdin.isTTY) {
    throw new UsageError(`error: not deleting ${what} without confirmation: standard input is not a terminal`, [
      'hint: add --yes to delete without asking',
    ]);
  }
  const answer = await askLine(io, `Delete ${what}? This cannot be undone. [y/N] `);
  if (!/^y(es)?$/i.test(answer.trim())) throw new CliError(ExitCode.refused, 'aborted: nothing was deleted');
}

function askLine(io: CliIo, question: string): Promise<string> {
  const rl = readline.createInterface({ input: io.stdin, output: io.stderr as NodeJS.WritableStream });
  return new Promise<string>((resolve, reject) => {
    let answered = false;
    rl.on('SIGINT', () => {
      answered = true;
      rl.close();
      io.stderr.write('\n');
      reject(new CliError(ExitCode.interrupted, 'aborted'));
    });
    rl.on('close', () => {
      if (!answered) resolve(''); // Ctrl-D: no
    });
    rl.question(question, (answer) => {
      answered = true;
      rl.close();
      resolve(answer);
    });
  });
}

const capitalise = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1);
