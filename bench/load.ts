import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { track } from './processes';

/** One GET load, run by a load generator in its own process. */
export interface LoadSpec {
  url: string;
  /** Fixed request headers. */
  headers?: Record<string, string>;
  /** A file with one bearer key per line: requests go round-robin over them (`Authorization`). */
  keysFile?: string;
  connections: number;
  seconds: number;
}

export interface LoadResult {
  requests: number;
  seconds: number;
  rps: number;
  p50: number;
  p99: number;
  /** Socket errors, timeouts and error statuses (wrk: ≥ 400; autocannon: non-2xx). */
  errors: number;
}

export interface Generator {
  /** e.g. "wrk 4.1.0 (-t1)" for the header line. */
  describe: string;
  run(spec: LoadSpec): Promise<LoadResult>;
}

/** Runs a command to its end; rejects on a non-zero exit, or on any stderr output if `quiet`. */
export function runChild(command: string, args: string[], quiet = false): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = track(spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] }));
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      if (code === 0 && !(quiet && stderr.trim())) resolve(stdout);
      else reject(new Error(`${command} ${args.join(' ')}: ${signal ?? `exit ${code}`}\n${stderr}${stdout}`));
    });
  });
}

const RESULT_MARK = 'BENCH_RESULT ';

/** The `BENCH_RESULT {…}` line every generator prints (wrk's done(), autocannon-worker, herd). */
export function parseResult(output: string, what: string): Record<string, number> {
  const line = output.split('\n').find((l) => l.startsWith(RESULT_MARK));
  if (!line) throw new Error(`${what}: no result line in its output:\n${output}`);
  return JSON.parse(line.slice(RESULT_MARK.length));
}

/** A Lua long string: no escaping needed for anything that does not contain `]==]`. */
const lua = (s: string) => `[==[${s}]==]`;

/**
 * wrk's own report is for people; this `done()` prints the figures as one JSON line.
 * Latencies are in µs; `status` counts responses with a status ≥ 400.
 */
const WRK_DONE = `
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '\\n${RESULT_MARK}{"requests":%d,"durationUs":%d,"p50Us":%d,"p99Us":%d,"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d}\\n',
    summary.requests, summary.duration, math.floor(latency:percentile(50)), math.floor(latency:percentile(99)),
    e.connect, e.read, e.write, e.status, e.timeout))
end
`;

function wrkScript(spec: LoadSpec): string {
  const headers = Object.entries(spec.headers ?? {})
    .map(([name, value]) => `wrk.headers[ ${lua(name)} ] = ${lua(value)}\n`) // `[[` would open a long string
    .join('');
  if (!spec.keysFile) return headers + WRK_DONE;
  // Round-robin: every request is formatted once, up front, in init(); request() only picks.
  const { pathname, search } = new URL(spec.url);
  return (
    headers +
    `
local reqs, n, i = {}, 0, 0
init = function(args) -- called by wrk.init, once wrk.headers holds the Host header
  for key in io.lines(${lua(spec.keysFile)}) do
    if #key > 0 then
      n = n + 1
      local h = {}
      for name, value in pairs(wrk.headers) do h[name] = value end
      h["Authorization"] = "Bearer " .. key
      reqs[n] = wrk.format(nil, ${lua(pathname + search)}, h)
    end
  end
end
request = function()
  i = i % n + 1
  return reqs[i]
end
` +
    WRK_DONE
  );
}

export function wrkVersion(): string | null {
  const probe = spawnSync('wrk', ['-v'], { encoding: 'utf8' });
  if (probe.error) return null;
  const first = `${probe.stdout}${probe.stderr}`.split('\n')[0];
  return /^wrk\s+(\S+)/.exec(first)?.[1] ?? first.trim();
}

export function wrkGenerator(version: string, scriptDir: string): Generator {
  let n = 0;
  return {
    describe: `wrk ${version} (-t1, Lua)`,
    async run(spec) {
      const script = path.join(scriptDir, `load-${n++}.lua`);
      fs.writeFileSync(script, wrkScript(spec));
      const args = ['-t1', `-c${spec.connections}`, `-d${spec.seconds}s`, '--latency', '--timeout', '10s'];
      // wrk exits 0 even when the Lua script fails (it then sends the bare request): stderr says so.
      const output = await runChild('wrk', [...args, '-s', script, spec.url], true);
      const r = parseResult(output, 'wrk');
      const seconds = r.durationUs / 1e6;
      return {
        requests: r.requests,
        seconds,
        rps: r.requests / seconds,
        p50: r.p50Us / 1000,
        p99: r.p99Us / 1000,
        errors: r.connect + r.read + r.write + r.status + r.timeout,
      };
    },
  };
}

/** The fallback when wrk is not installed: autocannon's API, in a child process of its own. */
export function autocannonGenerator(workerJs: string): Generator {
  const version = (
    JSON.parse(fs.readFileSync(require.resolve('autocannon/package.json'), 'utf8')) as { version: string }
  ).version;
  return {
    describe: `autocannon ${version} (child process; wrk not found)`,
    async run(spec) {
      const output = await runChild(process.execPath, [workerJs, JSON.stringify(spec)]);
      return parseResult(output, 'autocannon') as unknown as LoadResult;
    },
  };
}
