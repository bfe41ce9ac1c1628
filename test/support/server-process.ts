import { ChildProcess, spawn } from 'node:child_process';
import * as path from 'node:path';

/**
 * The service as an operator runs it: `apps/server/src/main.ts` in a process of its own (through
 * ts-node, so no build is needed), with the environment given and nothing inherited but PATH.
 */
const ROOT = path.join(__dirname, '..', '..');

export interface ServerProcess {
  proc: ChildProcess;
  output(): string;
  /** `http://127.0.0.1:<port>` of the HTTP listener. */
  baseUrl: string;
  /** The port a listener bound, as the start banner says (`smtp 127.0.0.1:2525`). */
  port(listener: 'ftp' | 'sftp' | 'smtp'): number;
  /** SIGTERM; resolves with the exit code (or signal). */
  stop(): Promise<string>;
}

/** Spawns the server without waiting for it: for a start that is meant to fail. */
export function spawnServerProcess(env: Record<string, string>): {
  proc: ChildProcess;
  output(): string;
  exited: Promise<string>;
} {
  let output = '';
  const proc = spawn(
    process.execPath,
    ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', 'apps/server/src/main.ts'],
    {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH,
        GATEHOUSE_HTTP_PORT: '0',
        GATEHOUSE_LOG_LEVEL: 'warn',
        GATEHOUSE_BCRYPT_COST: '4',
        TS_NODE_PROJECT: path.join(ROOT, 'tsconfig.json'),
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  proc.stdout.on('data', (d: Buffer) => (output += d.toString()));
  proc.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<string>((resolve) => proc.once('exit', (code, signal) => resolve(`${code ?? signal}`)));
  return { proc, output: () => output, exited };
}

export async function startServerProcess(env: Record<string, string>, timeoutMs = 60_000): Promise<ServerProcess> {
  const { proc, output: outputOf, exited } = spawnServerProcess(env);
  const banner = await new Promise<string>((resolve, reject) => {
    const started = Date.now();
    const timer = setInterval(() => {
      const line = outputOf()
        .split('\n')
        .find((l) => l.startsWith('Gatehouse is up:'));
      if (line) {
        clearInterval(timer);
        resolve(line);
      } else if (Date.now() - started > timeoutMs) {
        clearInterval(timer);
        proc.kill('SIGKILL');
        reject(new Error(`the server did not start within ${timeoutMs} ms:\n${outputOf()}`));
      }
    }, 50);
    void exited.then((code) => {
      clearInterval(timer);
      reject(new Error(`the server exited with ${code}:\n${outputOf()}`));
    });
  });
  const http = /admin API (http:\/\/[^/]+)\/admin\/v1/.exec(banner);
  return {
    proc,
    output: outputOf,
    baseUrl: http?.[1] ?? '',
    port: (listener) => {
      const m = new RegExp(`${listener} [^ ;]*:(\\d+)`).exec(banner);
      if (!m) throw new Error(`no ${listener} listener in the banner: ${banner}`);
      return Number(m[1]);
    },
    stop: async () => {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
      return exited;
    },
  };
}
