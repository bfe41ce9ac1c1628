import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { SHARED_DATABASE_PEPPER } from '../support/test-app';

/**
 * GATEHOUSE_LISTENERS composes the process (issue 9): a process loads only the code of the
 * listeners it names and opens only their ports. Real processes, as `npm start` runs main.ts.
 */
const ROOT = path.join(__dirname, '..', '..');

interface Started {
  proc: ChildProcess;
  output: () => string;
  stop(): Promise<string>;
}

async function start(listeners: string, dataDir: string, modulesFile: string): Promise<Started> {
  let output = '';
  const proc = spawn(
    process.execPath,
    [
      '-r',
      path.join(ROOT, 'test/support/report-loaded-modules.js'),
      '-r',
      'ts-node/register/transpile-only',
      '-r',
      'tsconfig-paths/register',
      'apps/server/src/main.ts',
    ],
    {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH,
        GATEHOUSE_LISTENERS: listeners,
        GATEHOUSE_DATA_DIR: dataDir,
        GATEHOUSE_HTTP_PORT: '0',
        GATEHOUSE_SMTP_PORT: '0',
        GATEHOUSE_LOG_LEVEL: 'silent',
        GATEHOUSE_ROOT_TOKEN: 'listener-test-root-token-0123456789',
        GATEHOUSE_TEST_LOADED_MODULES: modulesFile,
        TS_NODE_PROJECT: path.join(ROOT, 'tsconfig.json'),
        ...(process.env.DATABASE_URL?.startsWith('mysql:')
          ? { DATABASE_URL: process.env.DATABASE_URL, GATEHOUSE_PEPPER: SHARED_DATABASE_PEPPER }
          : {}),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  proc.stdout.on('data', (d: Buffer) => (output += d.toString()));
  proc.stderr.on('data', (d: Buffer) => (output += d.toString()));
  await new Promise<void>((resolve, reject) => {
    const timer = setInterval(() => {
      if (output.includes('Gatehouse is up')) {
        clearInterval(timer);
        resolve();
      }
    }, 50);
    proc.on('exit', (code) => {
      clearInterval(timer);
      reject(new Error(`exited with ${code}: ${output}`));
    });
  });
  const exited = new Promise<string>((resolve) => proc.on('exit', (code, signal) => resolve(`${code ?? signal}`)));
  return {
    proc,
    output: () => output,
    stop: () => {
      proc.kill('SIGTERM');
      return exited;
    },
  };
}

/** TCP ports in LISTEN state held by a process (its socket inodes, matched in /proc/net/tcp*). */
function listeningPorts(pid: number): number[] {
  const inodes = new Set<string>();
  for (const fd of fs.readdirSync(`/proc/${pid}/fd`)) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(fs.readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m) inodes.add(m[1]);
    } catch {
      // a descriptor closed meanwhile
    }
  }
  const ports: number[] = [];
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    if (!fs.existsSync(table)) continue;
    for (const line of fs.readFileSync(table, 'utf8').split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols.length < 10 || cols[3] !== '0A' || !inodes.has(cols[9])) continue; // 0A = LISTEN
      ports.push(parseInt(cols[1].split(':')[1], 16));
    }
  }
  return ports.sort((a, b) => a - b);
}

/** The first line a TCP server sends. */
function firstLine(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let text = '';
    socket.on('data', (d: Buffer) => {
      text += d.toString('latin1');
      if (text.includes('\r\n')) {
        socket.destroy();
        resolve(text.split('\r\n')[0]);
      }
    });
    socket.on('error', reject);
  });
}

const HTTP_CODE = [
  /node_modules\/fastify\//,
  /libs\/admin-api\//,
  /libs\/channels\/src\/(rest|http|webservice)\//,
  /libs\/channels\/src\/shared\/(http|json)/,
  /libs\/platform\/src\/http\//,
  /node_modules\/soap\//,
];

describe('listeners composed by GATEHOUSE_LISTENERS', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gatehouse-listeners-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('http: the HTTP listener alone — one listening port, and it answers', async () => {
    const modules = path.join(dir, 'modules.txt');
    const server = await start('http', path.join(dir, 'data'), modules);
    try {
      const ports = listeningPorts(server.proc.pid!);
      expect(ports).toHaveLength(1);
      const res = await fetch(`http://127.0.0.1:${ports[0]}/health`);
      expect(res.status).toBe(200);
    } finally {
      expect(await server.stop()).toBe('0');
    }
    const loaded = fs.readFileSync(modules, 'utf8');
    expect(loaded).toMatch(/node_modules\/fastify\//);
  }, 60_000);

  it('smtp: a process without http loads no HTTP code and opens only the SMTP port', async () => {
    const modules = path.join(dir, 'modules.txt');
    const server = await start('smtp', path.join(dir, 'data'), modules);
    try {
      const ports = listeningPorts(server.proc.pid!);
      expect(ports).toHaveLength(1);
      expect(await firstLine(ports[0])).toMatch(/^220 sms\.localhost ESMTP/);
    } finally {
      expect(await server.stop()).toBe('0');
    }
    const loaded = fs.readFileSync(modules, 'utf8').split('\n');
    expect(loaded.some((file) => file.includes('/libs/channels/src/smtp/'))).toBe(true); // the check sees app code
    for (const pattern of HTTP_CODE) expect(loaded.filter((file) => pattern.test(file))).toEqual([]);
  }, 60_000);
});
