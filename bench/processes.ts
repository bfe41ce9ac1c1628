import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

/**
 * Everything the bench starts or creates, so that a normal end, an error and Ctrl-C all leave
 * nothing behind: child processes are killed by their pid, temp dirs removed.
 */
const children = new Set<ChildProcess>();
const tempDirs = new Set<string>();

export function makeTempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  tempDirs.add(dir);
  return dir;
}

export function track(child: ChildProcess): ChildProcess {
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

/** SIGTERM, then SIGKILL if the process is still there after `graceMs`. */
export async function stop(child: ChildProcess, graceMs = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

export async function cleanUp(): Promise<void> {
  await Promise.all([...children].map((child) => stop(child)));
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
  tempDirs.clear();
}

/** Last resort on process exit (synchronous: no awaiting here). */
function cleanUpNow(): void {
  for (const child of children) child.kill('SIGKILL');
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
}
process.once('exit', cleanUpNow);

let interrupted = false;
/** True once SIGINT/SIGTERM arrived: what fails after that is the clean-up killing it. */
export const wasInterrupted = (): boolean => interrupted;

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    interrupted = true;
    process.stderr.write(`\nbench: ${signal}, stopping the server and cleaning up…\n`);
    void cleanUp().finally(() => process.exit(130));
  });
}

/** A port nobody listens on right now, on the loopback interface. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Spawns `node <script>` and waits until a line of its stdout matches `ready`. Fails with the
 * tail of its output if it exits first or stays silent for `timeoutMs`.
 */
async function startNode(
  what: string,
  script: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  ready: RegExp,
  timeoutMs: number,
): Promise<{ child: ChildProcess; match: RegExpMatchArray }> {
  if (!fs.existsSync(script)) throw new Error(`${what}: ${script} does not exist (run \`npm run build\` first)`);
  const child = track(spawn(process.execPath, [script, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] }));
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
  };
  child.stderr!.on('data', keep);
  return new Promise((resolve, reject) => {
    let stdout = '';
    const fail = (why: string) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`${what} did not come up: ${why}\n--- its output ---\n${output.trim() || '(none)'}\n---`));
    };
    const timer = setTimeout(() => fail(`no "ready" line within ${timeoutMs / 1000} s`), timeoutMs);
    const onData = (chunk: Buffer) => {
      keep(chunk);
      stdout += chunk.toString();
      const match = ready.exec(stdout);
      if (match) {
        clearTimeout(timer);
        child.removeListener('exit', onExit);
        child.stdout!.removeListener('data', onData);
        child.stdout!.on('data', keep); // keep draining the pipe
        resolve({ child, match });
      }
    };
    const onExit = (code: number | null, signal: NodeJS.Signals | null) =>
      fail(`it exited (${signal ?? `code ${code}`}) before saying it was listening`);
    child.stdout!.on('data', onData);
    child.once('exit', onExit);
    child.once('error', (err) => fail(err.message));
  });
}

export interface RunningServer {
  url: string;
  pid: number;
  child: ChildProcess;
}

export interface GatehouseServer extends RunningServer {
  rootToken: string;
}

/** Environment of the parent minus anything that would point the server elsewhere. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (key.startsWith('GATEHOUSE_') || key === 'DATABASE_URL' || key === 'REDIS_URL') continue;
    env[key] = value;
  }
  return env;
}

/**
 * The built server (`npm run build`) as its own process: SQLite in a fresh temp dir, logs off,
 * only the HTTP listener, on a free loopback port, default bcrypt cost.
 */
export async function startGatehouse(mainJs: string): Promise<GatehouseServer> {
  const dataDir = makeTempDir('gatehouse-bench-');
  const rootToken = `bench-root-${randomBytes(24).toString('hex')}`;
  const port = await freePort();
  const { child, match } = await startNode(
    'the Gatehouse server',
    mainJs,
    [],
    {
      ...cleanEnv(),
      GATEHOUSE_DATA_DIR: dataDir,
      GATEHOUSE_ROOT_TOKEN: rootToken,
      GATEHOUSE_LOG_LEVEL: 'silent',
      GATEHOUSE_HOST: '127.0.0.1',
      GATEHOUSE_HTTP_PORT: String(port),
      GATEHOUSE_LISTENERS: 'http',
    },
    /Gatehouse is up: admin API (http:\/\/[^\s/]+)\/admin\/v1/,
    60_000,
  );
  return { url: match[1], pid: child.pid!, child, rootToken };
}

/** `bench/bare-server.ts`: the physical limit of node:http on this machine. */
export async function startBareServer(script: string): Promise<RunningServer> {
  const { child, match } = await startNode(
    'the bare node:http server',
    script,
    [],
    cleanEnv(),
    /listening (\d+)/,
    10_000,
  );
  return { url: `http://127.0.0.1:${match[1]}`, pid: child.pid!, child };
}

let clockTicks: number | undefined;

/** CPU time (user + system) a process has used so far, in µs, from /proc/<pid>/stat. */
export function processCpuMicros(pid: number): number {
  clockTicks ??= (() => {
    try {
      return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      return 100;
    }
  })();
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may hold spaces and parentheses: count from the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]); // field 14 of the man page
  const stime = Number(fields[12]); // field 15
  return ((utime + stime) * 1e6) / clockTicks;
}
