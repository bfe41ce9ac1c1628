import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import autocannon from 'autocannon';
import { NestExpressApplication } from '@nestjs/platform-express';
import { loadConfig } from '@gatehouse/config';
import { createGatehouseApp } from '../apps/server/src/bootstrap';

export interface BenchApp {
  app: NestExpressApplication;
  url: string;
  rootToken: string;
  close(): Promise<void>;
}

/** The real service on a free loopback port, SQLite in a temp dir, logs off, default bcrypt cost. */
export async function startBenchApp(env: Record<string, string> = {}): Promise<BenchApp> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gatehouse-bench-'));
  const rootToken = `root-${randomBytes(24).toString('hex')}`;
  const config = loadConfig({
    GATEHOUSE_DATA_DIR: dataDir,
    GATEHOUSE_ROOT_TOKEN: rootToken,
    GATEHOUSE_LOG_LEVEL: 'silent',
    // The bench hammers from one address; keep the brute-force defence out of the numbers.
    GATEHOUSE_BAN_THRESHOLD: '1000000000',
    ...env,
  });
  const { app } = await createGatehouseApp(config);
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as { port: number };
  return {
    app,
    url: `http://127.0.0.1:${port}`,
    rootToken,
    close: async () => {
      await app.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface Measurement {
  name: string;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  /** CPU time of this whole process (server and load generator) per request, in µs. */
  cpuMicros: number;
}

export type LoadHeaders = Record<string, string> | (() => Record<string, string>);

export interface LoadSpec {
  name: string;
  url: string;
  method?: 'GET' | 'POST';
  /** Fixed headers, or headers made per request (e.g. cycling through many keys). */
  headers?: LoadHeaders;
  /** Fixed body, or one made per request (e.g. cycling through many keys). */
  body?: string | (() => string);
  /** Runs in this process right before each request is sent (e.g. clearing a cache). */
  beforeEach?: () => void;
  /** Status every response must have; anything else counts as an error. */
  expectStatus: number;
  durationSeconds: number;
  connections: number;
}

export async function measure(spec: LoadSpec): Promise<Measurement> {
  let bad = 0;
  const cpuBefore = process.cpuUsage();
  const dynamic =
    spec.beforeEach !== undefined || typeof spec.body === 'function' || typeof spec.headers === 'function';
  const result = await autocannon({
    url: spec.url,
    method: spec.method ?? 'GET',
    headers: typeof spec.headers === 'function' ? undefined : spec.headers,
    body: typeof spec.body === 'string' ? spec.body : undefined,
    connections: spec.connections,
    duration: spec.durationSeconds,
    requests: [
      {
        // Only per-request work needs setupRequest; a fixed request is built once per connection,
        // so the load generator spends no more than it must in this shared process.
        ...(dynamic
          ? {
              setupRequest: (req: autocannon.Request) => {
                spec.beforeEach?.();
                const body = typeof spec.body === 'function' ? spec.body() : spec.body;
                const headers =
                  typeof spec.headers === 'function' ? { ...req.headers, ...spec.headers() } : req.headers;
                return { ...req, headers, ...(body === undefined ? {} : { body }) };
              },
            }
          : {}),
        onResponse: (status: number) => {
          if (status !== spec.expectStatus) bad++;
        },
      },
    ],
  });
  const cpu = process.cpuUsage(cpuBefore);
  return {
    name: spec.name,
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: bad + result.errors + result.timeouts + result.non2xx,
    cpuMicros: (cpu.user + cpu.system) / Math.max(1, result.requests.total),
  };
}

export interface Scenario extends Omit<LoadSpec, 'durationSeconds' | 'connections'> {
  /** Runs before each slice of this scenario (e.g. emptying a cache so the slice starts cold). */
  beforeRound?: () => void;
}

export interface Compared extends Measurement {
  /** Median over the rounds of this slice's req/s divided by its paired baseline slice's. */
  ratio: number;
  /** Lowest and highest of those per-round ratios: how much the machine moved meanwhile. */
  ratioRange: [number, number];
}

/**
 * A paired design for a shared machine whose speed drifts by tens of percent within a minute:
 * every round measures each scenario right after a slice of the baseline, and a scenario's ratio
 * is the median of its per-round ratios, so each one compares two slices taken seconds apart.
 * Req/s, latencies and CPU are medians over the rounds.
 */
export async function compareInRounds(
  baseline: Scenario,
  scenarios: Scenario[],
  options: { rounds: number; durationSeconds: number; connections: number },
): Promise<{ baseline: Measurement; rows: Compared[] }> {
  const slice = async (scenario: Scenario, round: number): Promise<Measurement> => {
    scenario.beforeRound?.();
    const m = await measure({
      ...scenario,
      durationSeconds: options.durationSeconds,
      connections: options.connections,
    });
    process.stderr.write(
      `round ${round + 1}/${options.rounds} ${m.rps.toFixed(0).padStart(6)} req/s  ${scenario.name}\n`,
    );
    return m;
  };
  const baselineRuns: Measurement[] = [];
  const runs: { m: Measurement; ratio: number }[][] = scenarios.map(() => []);
  for (let round = 0; round < options.rounds; round++) {
    for (const [i, scenario] of scenarios.entries()) {
      const base = await slice(baseline, round);
      const m = await slice(scenario, round);
      baselineRuns.push(base);
      runs[i].push({ m, ratio: m.rps / base.rps });
    }
  }
  return {
    baseline: summarise(baseline.name, baselineRuns),
    rows: runs.map((r, i) => {
      const ratios = r.map((x) => x.ratio);
      return {
        ...summarise(
          scenarios[i].name,
          r.map((x) => x.m),
        ),
        ratio: median(ratios),
        ratioRange: [Math.min(...ratios), Math.max(...ratios)],
      };
    }),
  };
}

function summarise(name: string, runs: Measurement[]): Measurement {
  return {
    name,
    rps: median(runs.map((m) => m.rps)),
    p50: median(runs.map((m) => m.p50)),
    p99: median(runs.map((m) => m.p99)),
    errors: runs.reduce((sum, m) => sum + m.errors, 0),
    cpuMicros: median(runs.map((m) => m.cpuMicros)),
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function table(
  compared: { baseline: Measurement; rows: Compared[] },
  targets: Record<string, number> = {},
): string {
  const cells = (m: Measurement) =>
    `| ${m.name} | ${m.rps.toFixed(0)} | ${m.p50.toFixed(1)} | ${m.p99.toFixed(1)} | ${m.errors} | ${m.cpuMicros.toFixed(0)} |`;
  const lines = [
    '| scenario | req/s | p50 ms | p99 ms | errors | CPU µs/req | ratio to baseline | per-round range | target |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
    `${cells(compared.baseline)} 1.00 | | |`,
    ...compared.rows.map((r) => {
      const target = targets[r.name];
      const verdict = target === undefined ? '' : `≥ ${target} ${r.ratio >= target ? 'met' : '**not met**'}`;
      return `${cells(r)} ${r.ratio.toFixed(2)} | ${r.ratioRange[0].toFixed(2)}–${r.ratioRange[1].toFixed(2)} | ${verdict} |`;
    }),
  ];
  return lines.join('\n');
}
