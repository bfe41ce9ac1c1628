import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/**
 * The service as `npm start` runs it: main.ts in its own process. Checks the root token is
 * printed once (and only at first start), and that nothing the process writes, at trace log
 * level, ever holds a secret, a token or a password.
 */
const ROOT = path.join(__dirname, '..', '..');

interface Running {
  proc: ChildProcess;
  output: () => string;
  baseUrl: string;
}

async function startServer(dataDir: string, env: Record<string, string> = {}): Promise<Running> {
  let output = '';
  const proc = spawn(
    process.execPath,
    ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', 'apps/server/src/main.ts'],
    {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH,
        GATEHOUSE_DATA_DIR: dataDir,
        GATEHOUSE_HTTP_PORT: '0',
        GATEHOUSE_LOG_LEVEL: 'trace',
        GATEHOUSE_BCRYPT_COST: '4',
        TS_NODE_PROJECT: path.join(ROOT, 'tsconfig.json'),
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  proc.stdout.on('data', (d: Buffer) => (output += d.toString()));
  proc.stderr.on('data', (d: Buffer) => (output += d.toString()));
  const baseUrl = await new Promise<string>((resolve, reject) => {
    const timer = setInterval(() => {
      const m = /Gatehouse is up: admin API (http:\/\/127\.0\.0\.1:\d+)\/admin\/v1/.exec(output);
      if (m) {
        clearInterval(timer);
        resolve(m[1]);
      }
    }, 50);
    proc.on('exit', (code) => {
      clearInterval(timer);
      reject(new Error(`server exited with ${code}:\n${output}`));
    });
  });
  return { proc, output: () => output, baseUrl };
}

/** SIGTERM; Nest closes the app (flushing logs), then re-raises the signal on itself. */
async function stopServer(server: Running): Promise<string> {
  if (server.proc.exitCode !== null || server.proc.signalCode !== null) {
    return `${server.proc.exitCode ?? server.proc.signalCode}`;
  }
  const exited = new Promise<string>((resolve) =>
    server.proc.on('exit', (code, signal) => resolve(`${code ?? signal}`)),
  );
  server.proc.kill('SIGTERM');
  return exited;
}

describe('the server process (main.ts)', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gatehouse-process-'));
  let first: Running;

  afterAll(async () => {
    if (first) await stopServer(first);
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('prints the root token once, never logs a secret, and keeps the token across restarts', async () => {
    first = await startServer(dataDir);
    const banner = /Root token \(shown once, store it now\):\s+(gkroot_[0-9A-Za-z]{60})/.exec(first.output());
    expect(banner).not.toBeNull();
    const rootToken = banner![1];
    const admin = { Authorization: `Bearer ${rootToken}`, 'Content-Type': 'application/json' };
    const call = async (method: string, url: string, body?: unknown) => {
      const res = await fetch(first.baseUrl + url, {
        method,
        headers: admin,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: res.status, body: (await res.json()) as any };
    };

    const account = await call('POST', '/admin/v1/accounts', {
      name: 'process test',
      createdAt: '2020-01-01T00:00:00Z',
    });
    expect(account.status).toBe(201);
    const legacySecrets: string[] = account.body.credentials.map((c: { secret: string }) => c.secret);
    expect(legacySecrets).toHaveLength(4);
    const custom = await call('POST', `/admin/v1/accounts/${account.body.account.id}/credentials`, {
      channel: 'ftp',
      name: 'custom',
      username: 'process-user',
      secret: 'a-password-nobody-may-log',
    });
    expect(custom.status).toBe(201);
    const rotated = await call('POST', `/admin/v1/credentials/${custom.body.credential.id}/rotate`, {});
    expect(rotated.status).toBe(200);
    const token = await call('POST', `/admin/v1/accounts/${account.body.account.id}/admin-tokens`, { name: 't' });
    expect(token.status).toBe(201);

    // Right and wrong secrets, a failing request carrying a secret, and a bad bearer token.
    await expect(
      call('POST', '/admin/v1/verify', {
        channel: 'ftp',
        username: 'process-user',
        secret: rotated.body.secret,
        ip: '192.0.2.1',
      }),
    ).resolves.toMatchObject({ status: 200, body: { valid: true } });
    await call('POST', '/admin/v1/verify', {
      channel: 'ftp',
      username: 'process-user',
      secret: 'a-password-nobody-may-log',
      ip: '192.0.2.1',
    });
    await call('POST', '/admin/v1/verify', { channel: 'ftp', secret: legacySecrets[0], ip: 'not-an-ip' });
    const badBearer = await fetch(first.baseUrl + '/admin/v1/accounts', {
      headers: { Authorization: `Bearer ${token.body.token}x` },
    });
    expect(badBearer.status).toBe(401);

    expect(await stopServer(first)).toBe('0'); // SIGTERM: a clean stop, exit 0 (DESIGN.md §5)
    const output = first.output();
    const secrets = [
      ...legacySecrets,
      'a-password-nobody-may-log',
      rotated.body.secret as string,
      custom.body.postbackSigningSecret as string,
      token.body.token as string,
    ];
    for (const secret of secrets) expect(output).not.toContain(secret);
    // The root token appears exactly once: in the banner.
    expect(output.split(rootToken)).toHaveLength(2);
    // Trace level really logged requests, so the check above had something to look at.
    expect(output).toMatch(/"path":"\/admin\/v1\/verify"/);

    const second = await startServer(dataDir);
    try {
      expect(second.output()).not.toMatch(/Root token/);
      const res = await fetch(second.baseUrl + '/admin/v1/accounts?limit=1', { headers: admin });
      expect(res.status).toBe(200);
    } finally {
      expect(await stopServer(second)).toBe('0');
    }
  }, 60_000);

  it('a node whose pepper differs from the one the database started with refuses to start (exit 78)', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gatehouse-pepper-'));
    try {
      const first = await startServer(dataDir, { GATEHOUSE_PEPPER: 'a'.repeat(40) });
      expect(await stopServer(first)).toBe('0');
      const again = await startServer(dataDir, { GATEHOUSE_PEPPER: 'a'.repeat(40) });
      expect(await stopServer(again)).toBe('0');

      let output = '';
      const other = spawn(
        process.execPath,
        ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', 'apps/server/src/main.ts'],
        {
          cwd: ROOT,
          env: {
            PATH: process.env.PATH,
            GATEHOUSE_DATA_DIR: dataDir,
            GATEHOUSE_HTTP_PORT: '0',
            GATEHOUSE_PEPPER: 'b'.repeat(40),
            TS_NODE_PROJECT: path.join(ROOT, 'tsconfig.json'),
          },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      other.stdout.on('data', (d: Buffer) => (output += d.toString()));
      other.stderr.on('data', (d: Buffer) => (output += d.toString()));
      const code = await new Promise<number | null>((resolve) => other.on('exit', (c) => resolve(c)));
      expect(code).toBe(78);
      expect(output).toMatch(/GATEHOUSE_PEPPER differs from the pepper this database was first started with/);
      expect(output).not.toContain('b'.repeat(40));
      expect(output).not.toMatch(/Gatehouse is up/);
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }, 90_000);
});
