import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { builtinModules } from 'node:module';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import * as yaml from 'js-yaml';
import { ConfigError, loadConfig } from '@gatehouse/config';

/**
 * The container image without a container engine (issue 13, item 4): reads docker/Dockerfile,
 * lays out a directory the way the runtime stage's COPY lines lay out /app, runs the image's CMD
 * there with the image's ENV (loopback instead of 0.0.0.0, free ports, a temp data dir), runs the
 * HEALTHCHECK command against it, and stops it with the STOPSIGNAL. Also checks the EXPOSEd ports
 * against the listener defaults and the shape of docker/compose.yaml.
 */
const ROOT = path.join(__dirname, '..', '..');
const read = (file: string) => fs.readFileSync(path.join(ROOT, file), 'utf8');
const packageJson = JSON.parse(read('package.json')) as {
  engines: { node: string };
  dependencies: Record<string, string>;
  allowScripts: Record<string, boolean>;
};

// --- docker/Dockerfile, parsed as far as this spec needs ---

interface Instruction {
  keyword: string;
  args: string;
}
interface Stage {
  image: string;
  name: string | null;
  instructions: Instruction[];
}

function parseDockerfile(text: string): Stage[] {
  // Comment lines go first (they may sit inside a continued instruction), then continuations join.
  const logical = text
    .split('\n')
    .filter((line) => !/^\s*#/.test(line))
    .join('\n')
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.length > 0);
  const globalArgs: Record<string, string> = {};
  const stages: Stage[] = [];
  for (const line of logical) {
    const [, keyword, args] = /^(\S+)\s+(.*)$/.exec(line) ?? [];
    if (!keyword) throw new Error(`unparsed Dockerfile line: ${line}`);
    const upper = keyword.toUpperCase();
    if (upper === 'FROM') {
      const [image, as, name] = args.replace(/\$\{(\w+)\}/g, (_, v: string) => globalArgs[v] ?? '').split(/\s+/);
      stages.push({ image, name: as?.toUpperCase() === 'AS' ? name : null, instructions: [] });
    } else if (stages.length === 0) {
      if (upper !== 'ARG') throw new Error(`only ARG may come before FROM: ${line}`);
      const [name, value] = args.split('=');
      globalArgs[name] = value ?? '';
    } else {
      stages.at(-1)!.instructions.push({ keyword: upper, args: args.replace(/\s+/g, ' ') });
    }
  }
  return stages;
}

const all = (stage: Stage, keyword: string) =>
  stage.instructions.filter((i) => i.keyword === keyword).map((i) => i.args);
const last = (stage: Stage, keyword: string) => all(stage, keyword).at(-1);

/** `ENV A=1 B="two"`: only the key=value form. */
function envOf(stage: Stage): Record<string, string> {
  const env: Record<string, string> = {};
  for (const args of all(stage, 'ENV')) {
    const pairs = [...args.matchAll(/(\w+)=("(?:[^"\\]|\\.)*"|\S+)/g)];
    if (pairs.map((m) => m[0]).join(' ') !== args) throw new Error(`ENV not in the key=value form: ${args}`);
    for (const [, key, value] of pairs) env[key] = value.startsWith('"') ? (JSON.parse(value) as string) : value;
  }
  return env;
}

/** An exec-form command (`["node", "x.js"]`); the shell form would depend on /bin/sh's quoting. */
function execForm(args: string): string[] {
  let command: unknown = null;
  try {
    command = JSON.parse(args);
  } catch {
    // reported below
  }
  if (!Array.isArray(command) || !command.every((part) => typeof part === 'string')) {
    throw new Error(`not an exec-form command: ${args}`);
  }
  return command;
}

/** `8080 30000-30099/tcp` → every port number. */
function portsOf(spec: string): number[] {
  return spec.split(/\s+/).flatMap((token) => {
    const [, min, max] = /^(\d+)(?:-(\d+))?(?:\/tcp)?$/.exec(token) ?? [];
    if (!min) throw new Error(`unparsed port: ${token}`);
    return range(Number(min), Number(max ?? min));
  });
}
const range = (min: number, max: number) => Array.from({ length: max - min + 1 }, (_, i) => min + i);

const stages = parseDockerfile(read('docker/Dockerfile'));
const runtime = stages.at(-1)!;
const build = stages.find((s) => s.name === 'build');
const imageEnv = envOf(runtime);
const cmd = execForm(last(runtime, 'CMD') ?? '');
const healthcheck = (() => {
  const [, options = '', command = ''] = /^((?:--\S+\s+)*)CMD\s+(.*)$/.exec(last(runtime, 'HEALTHCHECK') ?? '') ?? [];
  const timeout = /--timeout=(\d+)s/.exec(options);
  return { command: execForm(command), timeoutMs: timeout ? Number(timeout[1]) * 1000 : 30_000 };
})();

// --- the built server, and /app as the runtime stage lays it out ---

const MAIN = path.join(ROOT, cmd[1] ?? '');

/** Newest modification time of what `npm run build` compiles. */
function newestSource(): number {
  let newest = 0;
  const visit = (entry: string) => {
    const stat = fs.statSync(entry);
    if (stat.isDirectory()) {
      for (const child of fs.readdirSync(entry)) if (child !== 'node_modules') visit(path.join(entry, child));
    } else if (/\.(ts|json)$/.test(entry) && !/\.(spec|e2e-spec)\.ts$/.test(entry)) {
      newest = Math.max(newest, stat.mtimeMs);
    }
  };
  for (const entry of ['apps', 'libs', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json', 'nest-cli.json']) {
    if (fs.existsSync(path.join(ROOT, entry))) visit(path.join(ROOT, entry));
  }
  return newest;
}

/** CI builds before jest; a fresh clone's `npm test` (or a stale dist) builds here. */
function ensureBuilt(): void {
  if (fs.existsSync(MAIN) && fs.statSync(MAIN).mtimeMs >= newestSource()) return;
  const result = spawnSync('npm', ['run', 'build'], { cwd: ROOT, encoding: 'utf8', timeout: 280_000 });
  if (result.status !== 0 || !fs.existsSync(MAIN)) {
    throw new Error(`npm run build failed (${result.status ?? result.signal}):\n${result.stdout}${result.stderr}`);
  }
}

/**
 * What the runtime stage's COPY lines put into its WORKDIR, from where they take it: the build
 * stage's WORKDIR is the repository after `npm run build`, the build context is the repository.
 * Copied, so nothing outside them is found by a path relative to the server's own files; the
 * node_modules copy is a symlink (the repository's still holds the dev dependencies, which the
 * spec below keeps out of the compiled code's imports).
 */
function layOutApp(dir: string): void {
  const buildWorkdir = last(build!, 'WORKDIR')!;
  for (const args of all(runtime, 'COPY')) {
    const words = args.split(' ');
    const from = words.find((w) => w.startsWith('--from='))?.slice('--from='.length);
    const [source, dest] = words.filter((w) => !w.startsWith('--'));
    expect(from === undefined || from === build!.name).toBe(true);
    const relative = from ? path.posix.relative(buildWorkdir, source) : source;
    expect(relative.startsWith('..')).toBe(false);
    const target = path.join(dir, dest.endsWith('/') ? path.join(dest, path.basename(relative)) : dest);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    if (relative === 'node_modules') fs.symlinkSync(path.join(ROOT, relative), target, 'dir');
    else fs.cpSync(path.join(ROOT, relative), target, { recursive: true });
  }
}

interface Started {
  proc: ChildProcess;
  output(): string;
  banner: string;
  exited: Promise<string>;
}

async function startCmd(cwd: string, env: Record<string, string>): Promise<Started> {
  let output = '';
  const proc = spawn(cmd[0], cmd.slice(1), { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  proc.stdout.on('data', (d: Buffer) => (output += d.toString()));
  proc.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<string>((resolve) => proc.once('exit', (code, signal) => resolve(`${code ?? signal}`)));
  const banner = await new Promise<string>((resolve, reject) => {
    const done = () => {
      clearInterval(poll);
      clearTimeout(deadline);
    };
    const poll = setInterval(() => {
      const line = output.split('\n').find((l) => l.startsWith('Gatehouse is up:'));
      if (line) {
        done();
        resolve(line);
      }
    }, 50);
    const deadline = setTimeout(() => {
      done();
      proc.kill('SIGKILL');
      reject(new Error(`the image's CMD did not start within 60 s:\n${output}`));
    }, 60_000);
    void exited.then((code) => {
      done();
      reject(new Error(`the image's CMD exited with ${code}:\n${output}`));
    });
  });
  return { proc, output: () => output, banner, exited };
}

/** Runs a command to its end (or kills it after timeoutMs): exit code and output. */
function run(command: string[], cwd: string, env: Record<string, string>, timeoutMs: number) {
  return new Promise<{ code: number | null; output: string; ms: number }>((resolve) => {
    const started = Date.now();
    let output = '';
    const proc = spawn(command[0], command.slice(1), { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    proc.stdout.on('data', (d: Buffer) => (output += d.toString()));
    proc.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const timer = setTimeout(() => proc.kill('SIGKILL'), timeoutMs);
    proc.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output, ms: Date.now() - started });
    });
  });
}

async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('the container image (docker/Dockerfile) outside a container', () => {
  let appDir: string;
  let dataDir: string;
  let server: Started | undefined;
  /** The process environment of the image, less what a test may not use: 0.0.0.0, fixed ports, /data. */
  let serverEnv: Record<string, string>;

  beforeAll(async () => {
    ensureBuilt();
    appDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gatehouse-image-app-'));
    dataDir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'gatehouse-image-data-')), 'data');
    layOutApp(appDir);
    serverEnv = {
      PATH: process.env.PATH ?? '',
      ...imageEnv,
      GATEHOUSE_HOST: '127.0.0.1',
      GATEHOUSE_HTTP_PORT: '0',
      GATEHOUSE_FTP_PORT: '0',
      GATEHOUSE_SFTP_PORT: '0',
      GATEHOUSE_SMTP_PORT: '0',
      GATEHOUSE_DATA_DIR: dataDir,
      // Nothing else is inherited: no DATABASE_URL, so the image's default, SQLite in the data
      // dir, also when the suites run against MySQL (whose shared database has its own pepper).
    };
    server = await startCmd(appDir, serverEnv);
  }, 300_000);

  afterAll(async () => {
    if (server && server.proc.exitCode === null && server.proc.signalCode === null) {
      server.proc.kill('SIGKILL');
      await server.exited;
    }
    if (appDir) fs.rmSync(appDir, { recursive: true, force: true });
    if (dataDir) fs.rmSync(path.dirname(dataDir), { recursive: true, force: true });
  });

  it('builds in stages and runs as a non-root user with the data dir as its volume', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    expect(build).toBeDefined();
    // One base image for both stages (native modules built for the runtime's Node ABI), a pinned major
    // that package.json's engines accept.
    expect(new Set(stages.map((s) => s.image)).size).toBe(1);
    const [, major] = /^node:(\d+)-[a-z]+-slim$/.exec(runtime.image) ?? [];
    const [, engineMajor] = /^>=(\d+)/.exec(packageJson.engines.node) ?? [];
    expect(Number(major)).toBeGreaterThanOrEqual(Number(engineMajor));

    expect(last(runtime, 'USER')).toMatch(/^(node|1000)(:(node|1000))?$/);
    expect(imageEnv).toMatchObject({ GATEHOUSE_HOST: '0.0.0.0', GATEHOUSE_DATA_DIR: '/data', NODE_ENV: 'production' });
    expect(JSON.parse(last(runtime, 'VOLUME') ?? '[]')).toEqual([imageEnv.GATEHOUSE_DATA_DIR]);
    expect(all(runtime, 'RUN').join('\n')).toMatch(/install -d -o node -g node -m 0700 \/data\b/);
    expect(last(runtime, 'STOPSIGNAL')).toBe('SIGTERM');
    expect(cmd[0]).toBe('node');
  });

  it('runs install scripts for exactly the packages allowScripts allows, and keeps only production dependencies', () => {
    const buildRuns = all(build!, 'RUN').join('\n');
    expect(buildRuns).toMatch(/npm ci --ignore-scripts\b/);
    const rebuilt = /npm rebuild ((?:[\w@/.-]+ ?)+)/.exec(buildRuns)?.[1]?.trim().split(' ');
    const allowed = Object.entries(packageJson.allowScripts).filter(([, allow]) => allow);
    expect(rebuilt?.sort()).toEqual(allowed.map(([name]) => name).sort());
    expect(buildRuns).toMatch(/npm prune --omit=dev\b/);
  });

  it('compiled code imports only node built-ins and production dependencies (the image prunes the rest)', () => {
    const imported = new Set<string>();
    const visit = (dir: string) => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const file = path.join(dir, entry.name);
        if (entry.isDirectory()) visit(file);
        else if (entry.name.endsWith('.js')) {
          for (const [, spec] of fs.readFileSync(file, 'utf8').matchAll(/\brequire\("([^".][^"]*)"\)/g)) {
            imported.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]);
          }
        }
      }
    };
    // What `npm run build` makes (dist/apps); a local `npm run bench` also leaves dist/bench, which the image never builds.
    visit(path.join(appDir, 'dist', 'apps'));
    const builtins = new Set(builtinModules);
    const missing = [...imported].filter(
      (name) => !name.startsWith('node:') && !builtins.has(name) && !(name in packageJson.dependencies),
    );
    expect(imported.size).toBeGreaterThan(10);
    expect(missing).toEqual([]);
  });

  it('EXPOSEs exactly the default port of every listener', () => {
    const exposed = all(runtime, 'EXPOSE')
      .flatMap(portsOf)
      .sort((a, b) => a - b);
    const defaults = loadConfig({});
    expect(defaults.smtp.securePort).toBeNull(); // SMTPS has no default port; if it gets one, expose it
    const expected = [
      defaults.http.port,
      defaults.ftp.port,
      defaults.sftp.port,
      defaults.smtp.port,
      ...range(defaults.ftp.pasvPorts.min, defaults.ftp.pasvPorts.max),
    ].sort((a, b) => a - b);
    expect(exposed).toEqual(expected);
  });

  it("the image's CMD starts every listener on SQLite in the data dir, which it creates 0700", () => {
    expect(server!.banner).toMatch(/^Gatehouse is up: admin API http:\/\/127\.0\.0\.1:\d+\/admin\/v1/);
    for (const listener of ['ftp', 'sftp', 'smtp'])
      expect(server!.banner).toMatch(new RegExp(`${listener} 127\\.0\\.0\\.1:\\d+`));
    expect(server!.banner).toContain('(database: sqlite)');
    expect(fs.statSync(dataDir).mode & 0o777).toBe(0o700);
    expect(fs.readdirSync(dataDir)).toEqual(expect.arrayContaining(['gatehouse.sqlite', 'pepper']));
  });

  it('the HEALTHCHECK command exits 0 within its timeout, following GATEHOUSE_HTTP_PORT; 1 when nothing answers', async () => {
    const httpPort = /admin API http:\/\/127\.0\.0\.1:(\d+)\//.exec(server!.banner)![1];
    // The container's environment: GATEHOUSE_HOST=0.0.0.0 as the image sets it (the check asks loopback).
    const checkEnv = { PATH: process.env.PATH ?? '', ...imageEnv, GATEHOUSE_HTTP_PORT: httpPort };
    const healthy = await run(healthcheck.command, appDir, checkEnv, healthcheck.timeoutMs);
    expect(healthy).toMatchObject({ code: 0 });
    expect(healthy.output).toContain(`http://127.0.0.1:${httpPort}/health: 200`);
    expect(healthy.ms).toBeLessThan(healthcheck.timeoutMs);

    const down = await run(
      healthcheck.command,
      appDir,
      { ...checkEnv, GATEHOUSE_HTTP_PORT: String(await closedPort()) },
      healthcheck.timeoutMs,
    );
    expect(down.code).toBe(1);
    expect(down.output).toContain('ECONNREFUSED');
  });

  it('the STOPSIGNAL ends the process with exit code 0', async () => {
    server!.proc.kill(last(runtime, 'STOPSIGNAL') as NodeJS.Signals);
    expect(await server!.exited).toBe('0');
  });
});

// --- docker/compose.yaml ---

interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile: string };
  env_file?: string | string[];
  environment?: Record<string, string>;
  volumes?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
  ports?: string[];
}

describe('docker/compose.yaml', () => {
  // YAML 1.1 for the `<<` merge keys compose resolves.
  const compose = yaml.load(read('docker/compose.yaml'), { schema: yaml.YAML11_SCHEMA }) as {
    services: Record<string, ComposeService>;
    volumes: Record<string, unknown>;
  };
  const services = compose.services;
  const nodes = Object.entries(services).filter(([, s]) => s.build?.dockerfile === 'docker/Dockerfile');
  const exposed = new Set(all(runtime, 'EXPOSE').flatMap(portsOf));
  const envFile = (s: ComposeService) => [s.env_file ?? []].flat();
  /** `[ip:]host:container` → [host, container] pairs, ranges expanded. */
  const published = (s: ComposeService) =>
    (s.ports ?? []).flatMap((spec) => {
      const parts = spec.split(':');
      const hosts = portsOf(parts.at(-2)!);
      return portsOf(parts.at(-1)!).map((container, i) => [hosts[i], container] as const);
    });

  it('runs two Gatehouse nodes from the one Dockerfile, with the same env file and one shared data volume', () => {
    expect(nodes).toHaveLength(2);
    for (const [, node] of nodes) {
      expect(node.build?.context).toBe('..');
      expect(envFile(node)).toEqual(['gatehouse.env']);
      expect(node.environment?.REDIS_URL).toMatch(/^redis:\/\/redis:6379/);
      // Secrets come from the env file only.
      for (const secret of ['GATEHOUSE_PEPPER', 'GATEHOUSE_ROOT_TOKEN', 'DATABASE_URL', 'MYSQL_PASSWORD']) {
        expect(node.environment ?? {}).not.toHaveProperty(secret);
      }
    }
    const dataVolumes = nodes.map(([, node]) =>
      node.volumes?.find((v) => v.endsWith(`:${imageEnv.GATEHOUSE_DATA_DIR}`)),
    );
    expect(dataVolumes[0]).toBeDefined();
    expect(dataVolumes[1]).toBe(dataVolumes[0]);
    expect(Object.keys(compose.volumes)).toContain(dataVolumes[0]!.split(':')[0]);
  });

  // Nodes may start together: the first to take MySQL's named lock migrates, the others wait.
  it('starts the nodes after a healthy MySQL 8 and Redis', () => {
    expect(services.mysql?.image).toMatch(/^mysql:8(\.\d+)?$/);
    expect(services.redis?.image).toMatch(/^redis:7\b/);
    for (const dependency of ['mysql', 'redis']) expect(services[dependency]?.healthcheck?.test).toBeDefined();
    for (const [, node] of nodes) {
      expect(node.depends_on).toMatchObject({
        mysql: { condition: 'service_healthy' },
        redis: { condition: 'service_healthy' },
      });
    }
  });

  it('publishes distinct host ports, each to a port the image exposes, and a passive range of its own per node', () => {
    const hostPorts = nodes.flatMap(([, node]) => published(node).map(([host]) => host));
    expect(new Set(hostPorts).size).toBe(hostPorts.length);
    const pasvRanges = nodes.map(([, node]) => {
      for (const [, container] of published(node)) expect(exposed).toContain(container);
      const pasv = portsOf(node.environment?.GATEHOUSE_FTP_PASV_PORTS ?? '');
      // Published 1:1, so the port a passive reply names is the port the client reaches.
      for (const port of pasv) expect(published(node)).toContainEqual([port, port]);
      return pasv;
    });
    expect(pasvRanges[0].filter((port) => pasvRanges[1].includes(port))).toEqual([]);
  });

  it('gatehouse.env.example names every secret, with placeholders the server refuses; gatehouse.env is ignored', () => {
    const example = Object.fromEntries(
      read('docker/gatehouse.env.example')
        .split('\n')
        .filter((line) => /^[A-Z_]+=/.test(line))
        .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
    );
    expect(Object.keys(example)).toEqual(
      expect.arrayContaining(['GATEHOUSE_PEPPER', 'GATEHOUSE_ROOT_TOKEN', 'MYSQL_PASSWORD', 'DATABASE_URL']),
    );
    expect(example.DATABASE_URL).toMatch(/^mysql:\/\/gatehouse:[^@]+@mysql:3306\/gatehouse$/);
    expect(services.mysql?.environment).toMatchObject({ MYSQL_USER: 'gatehouse', MYSQL_DATABASE: 'gatehouse' });
    expect(envFile(services.mysql)).toEqual(['gatehouse.env']);

    let refused: unknown;
    try {
      loadConfig(example);
    } catch (err) {
      refused = err;
    }
    expect(refused).toBeInstanceOf(ConfigError);
    expect((refused as ConfigError).message).toMatch(/GATEHOUSE_ROOT_TOKEN/);
    expect((refused as ConfigError).message).toMatch(/GATEHOUSE_PEPPER/);

    const ignored = spawnSync('git', ['check-ignore', '-q', 'docker/gatehouse.env'], { cwd: ROOT });
    expect(ignored.status).toBe(0);
  });
});
