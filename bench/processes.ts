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
/** Directories outside the temp dirs that the bench had to create (sshd's /run/sshd), removed at the end. */
const createdDirs = new Set<string>();

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

/**
 * Creates `dir` if it is missing (a directory a reference server insists on, such as sshd's
 * privilege-separation directory), and removes it again at the end. One that exists is left alone.
 */
export function ensureDir(dir: string, mode: number): boolean {
  if (fs.existsSync(dir)) return false;
  fs.mkdirSync(dir, { mode });
  createdDirs.add(dir);
  return true;
}

function removeCreatedDirs(): void {
  for (const dir of createdDirs) fs.rmSync(dir, { recursive: true, force: true });
  createdDirs.clear();
}

export async function cleanUp(): Promise<void> {
  await Promise.all([...children].map((child) => stop(child)));
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
  tempDirs.clear();
  removeCreatedDirs();
}

/** Last resort on process exit (synchronous: no awaiting here). */
function cleanUpNow(): void {
  for (const child of children) child.kill('SIGKILL');
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
  removeCreatedDirs();
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
  /** The whole "Gatehouse is up: …" line (listener addresses, the SFTP host key fingerprint). */
  banner: string;
  dataDir: string;
}

export interface GatehouseOptions {
  /** GATEHOUSE_LISTENERS; `http` must come first (the bench reads the admin API's address). Default `http`. */
  listeners?: string;
  /** More GATEHOUSE_* settings (ports, limits), or NODE_OPTIONS. */
  env?: Record<string, string>;
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
 * only the HTTP listener (unless `options.listeners` names more), on a free loopback port,
 * default bcrypt cost.
 */
export async function startGatehouse(mainJs: string, options: GatehouseOptions = {}): Promise<GatehouseServer> {
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
      GATEHOUSE_LISTENERS: options.listeners ?? 'http',
      ...options.env,
    },
    /Gatehouse is up: admin API (http:\/\/[^\s/]+)\/admin\/v1[^\n]*\n/,
    60_000,
  );
  return { url: match[1], pid: child.pid!, child, rootToken, banner: match[0].trim(), dataDir };
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

/**
 * Spawns a program that is not ours (a reference server such as sshd), tracked like every other
 * child, with its output kept for the error message; ready when `port` on 127.0.0.1 answers with
 * a greeting that matches `greeting` (SSH-2.0-…, 220 …).
 */
export async function startProgram(
  what: string,
  command: string,
  args: string[],
  port: number,
  greeting: RegExp,
  timeoutMs = 10_000,
): Promise<RunningServer & { output: () => string }> {
  const child = track(spawn(command, args, { env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] }));
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  // Set from the child's events while the loop below waits.
  const state: { exited: string | null; error: Error | null } = { exited: null, error: null };
  child.once('exit', (code, signal) => (state.exited = signal ?? `code ${code}`));
  child.once('error', (err) => (state.error = err));
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (state.error) throw new Error(`${what}: ${state.error.message}`);
    if (state.exited !== null) {
      throw new Error(`${what} exited (${state.exited}) at start:\n${output.trim() || '(no output)'}`);
    }
    if (await greets(port, greeting)) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${what} did not answer on 127.0.0.1:${port} within ${timeoutMs / 1000} s:\n${output.trim()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return { url: `127.0.0.1:${port}`, pid: child.pid!, child, output: () => output };
}

/** Connects to 127.0.0.1:port and reads the server's first line. */
function greets(port: number, greeting: RegExp): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    let text = '';
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('error', () => done(false));
    socket.on('data', (chunk: Buffer) => {
      text += chunk.toString('latin1');
      if (text.includes('\n')) done(greeting.test(text));
    });
    socket.once('end', () => done(greeting.test(text)));
  });
}

/**
 * Waits until `pid` has no child processes left (sshd forks one per connection and reaps it when it
 * ends; only a reaped child's CPU shows in its parent's figures). Gives up after `timeoutMs`.
 */
export async function childrenGone(pid: number, timeoutMs = 3000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let children = '';
    try {
      children = fs.readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim();
    } catch {
      return true; // no such file: the process is gone, or the kernel does not list children
    }
    if (children === '') return true;
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

let clockTicks: number | undefined;

/**
 * CPU time (user + system) a process has used so far, in µs, from /proc/<pid>/stat; with
 * `children`, plus that of its children it has reaped (a forking server's per-connection work).
 */
export function processCpuMicros(pid: number, children = false): number {
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
  const reaped = children ? Number(fields[13]) + Number(fields[14]) : 0; // cutime, cstime (16, 17)
  return ((utime + stime + reaped) * 1e6) / clockTicks;
}

/** A `kB` line of /proc/<pid>/status (VmRSS, VmHWM), in bytes; NaN if the kernel does not show it. */
export function processStatusBytes(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const match = new RegExp(`^${field}:\\s*(\\d+) kB`, 'm').exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) * 1024 : NaN;
}

export interface RssWatch {
  /** VmRSS when the watch began. */
  before: number;
  /** VmHWM was reset, so the peak also counts what fell between two samples. */
  hwm: boolean;
  /** Stops sampling; the highest RSS seen since the watch began. */
  stop(): number;
}

/**
 * Watches a process's resident memory: VmRSS now, then its peak. Samples VmRSS every `everyMs`,
 * and where the kernel lets us reset the high-water mark (`5` into /proc/<pid>/clear_refs, Linux
 * 4.0+, own or root) also reads VmHWM at the end, which catches a peak between two samples.
 */
export function watchRss(pid: number, everyMs = 50): RssWatch {
  let hwmReset = false;
  try {
    fs.writeFileSync(`/proc/${pid}/clear_refs`, '5');
    hwmReset = true;
  } catch {
    // not allowed here (another user's process, an old kernel): the samples alone
  }
  const before = processStatusBytes(pid, 'VmRSS');
  let peak = before;
  const sample = () => {
    try {
      peak = Math.max(peak, processStatusBytes(pid, 'VmRSS'));
    } catch {
      // the process is gone: assertAlive reports it
    }
  };
  const timer = setInterval(sample, everyMs);
  return {
    before,
    hwm: hwmReset,
    stop() {
      clearInterval(timer);
      sample();
      if (hwmReset) {
        try {
          peak = Math.max(peak, processStatusBytes(pid, 'VmHWM'));
        } catch {
          // as above
        }
      }
      return peak;
    },
  };
}
