import { ChildProcess, spawn } from 'node:child_process';
import * as path from 'node:path';

/** The `gatehouse` bin as an operator runs it: bin/gatehouse.js, from the TypeScript sources. */
const ROOT = path.join(__dirname, '..', '..');
export const CLI_BIN = path.join(ROOT, 'bin', 'gatehouse.js');

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

const running = new Set<ChildProcess>();

/**
 * Runs `command args` from the repository root with `env` and nothing inherited but PATH (so a
 * DATABASE_URL of the test run never reaches a command by accident); standard input is `stdin`,
 * never a terminal. Killed after 45 s.
 */
export function runProcess(command: string, args: string[], env: Record<string, string>, stdin = ''): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    running.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 45_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      running.delete(child);
      resolve({ code: code ?? (signal ? -1 : -2), stdout, stderr });
    });
    child.stdin.on('error', () => undefined); // a command that never reads its stdin
    child.stdin.end(stdin);
  });
}

/** `gatehouse …` with this environment. */
export const gatehouse = (args: string[], env: Record<string, string> = {}, stdin?: string): Promise<CliRun> =>
  runProcess(process.execPath, [CLI_BIN, ...args], env, stdin);

/** Kills what is still running (a suite's afterAll): a leaked child keeps jest alive. */
export function stopCliProcesses(): void {
  for (const child of running) child.kill('SIGKILL');
  running.clear();
}
