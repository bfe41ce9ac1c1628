import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { CLI_BIN, CliRun, gatehouse, runProcess, stopCliProcesses } from '../support/cli';
import { ServerProcess, startServerProcess } from '../support/server-process';

/**
 * The `gatehouse` command line as an operator runs it: the real bin (bin/gatehouse.js, from the
 * TypeScript sources) in a process of its own, against a real server process. Nothing is
 * inherited but PATH, so a DATABASE_URL of the test run never reaches a command by accident.
 */
const onMysql = /^(mysql|mariadb):/.test(process.env.DATABASE_URL ?? '');

/** Unique per call: suites share the MySQL test database. */
const unique = (prefix: string): string => `${prefix}-${randomBytes(5).toString('hex')}`;

/** The parsed standard output of a run that must have succeeded. */
function ok<T = any>(run: CliRun): T {
  if (run.code !== 0) throw new Error(`exit ${run.code}\nstdout: ${run.stdout}\nstderr: ${run.stderr}`);
  return JSON.parse(run.stdout) as T;
}

/** A run that failed with `code`, without a stack trace. */
function failed(run: CliRun, code: number, stderr: RegExp): void {
  if (run.code !== code) throw new Error(`expected exit ${code}, got ${run.code}\n${run.stdout}\n${run.stderr}`);
  expect(run.stderr).toMatch(stderr);
  expect(run.stderr).not.toMatch(/^\s+at /m);
}

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const hasScript = (() => {
  try {
    execFileSync('script', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

/** `gatehouse …` with a terminal on stdin and stdout (util-linux `script`); CRs of the terminal removed. */
async function onTerminal(args: string[], env: Record<string, string>): Promise<CliRun> {
  const command = [process.execPath, CLI_BIN, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  const run = await runProcess('script', ['-qec', command, '/dev/null'], { ...env, SHELL: '/bin/sh' });
  return { ...run, stdout: run.stdout.replace(/\r/g, '') };
}

/** Both servers start at once (a start is mostly one busy core), with the bin's transpile cache warmed meanwhile. */
const apiDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gatehouse-cli-'));
const dbDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gatehouse-cli-db-'));
/** The database tests' environment: SQLite always (also when the run's DATABASE_URL is MySQL): the lock is SQLite's. */
const dbEnv = { GATEHOUSE_DATA_DIR: dbDataDir, DATABASE_URL: `sqlite:${path.join(dbDataDir, 'gatehouse.sqlite')}` };
const rootToken = `root-${randomBytes(24).toString('hex')}`;
const servers: ServerProcess[] = [];
/** The API tests' server: the run's database (SQLite, or the shared MySQL one), root token from the environment. */
let server: ServerProcess;
/** The database tests' first server: SQLite, root token generated at first start (printed in its banner). */
let sqliteServer: ServerProcess;
/** MySQL runs only: a node of the shared database whose root token is the one stored there. */
let mysqlNode: ServerProcess | null = null;
const mysqlNodeDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gatehouse-cli-node-'));

const startSqliteServer = async (): Promise<ServerProcess> => {
  const started = await startServerProcess({ ...dbEnv, GATEHOUSE_LISTENERS: 'http' });
  servers.push(started);
  return started;
};

beforeAll(async () => {
  // Over the shared MySQL test database: the tests' one pepper (the database keeps its marker).
  const mysql: Record<string, string> = onMysql
    ? {
        DATABASE_URL: process.env.DATABASE_URL!,
        GATEHOUSE_PEPPER: (await import('../support/test-app')).SHARED_DATABASE_PEPPER,
      }
    : {};
  const starting = startServerProcess({
    GATEHOUSE_DATA_DIR: apiDataDir,
    GATEHOUSE_LISTENERS: 'http',
    GATEHOUSE_ROOT_TOKEN: rootToken,
    ...mysql,
  }).then((started) => {
    servers.push(started);
    return started;
  });
  const node = onMysql
    ? startServerProcess({ ...mysql, GATEHOUSE_DATA_DIR: mysqlNodeDataDir, GATEHOUSE_LISTENERS: 'http' }).then((n) => {
        servers.push(n);
        return n;
      })
    : null;
  const [api, sqlite, mysqlStarted] = await Promise.all([starting, startSqliteServer(), node, gatehouse(['--help'])]);
  server = api;
  sqliteServer = sqlite;
  mysqlNode = mysqlStarted;
}, 120_000);

afterAll(async () => {
  stopCliProcesses();
  await Promise.all(servers.map((s) => s.stop()));
  fs.rmSync(apiDataDir, { recursive: true, force: true });
  fs.rmSync(dbDataDir, { recursive: true, force: true });
  fs.rmSync(mysqlNodeDataDir, { recursive: true, force: true });
});

describe('gatehouse (the CLI) against a running server', () => {
  let env: Record<string, string>;
  let master: { id: string };

  beforeAll(async () => {
    env = { GATEHOUSE_URL: server.baseUrl, GATEHOUSE_TOKEN: rootToken };
    master = ok<{ account: { id: string } }>(
      await gatehouse(['accounts', 'create', '--name', unique('cli')], env),
    ).account;
  }, 60_000);

  it('lists its commands in --help, and answers usage errors with exit 2', async () => {
    const help = await gatehouse(['--help']);
    expect(help.code).toBe(0);
    for (const command of ['accounts', 'credentials', 'groups', 'admin-tokens', 'verify', 'migrate', 'root-token']) {
      expect(help.stdout).toMatch(new RegExp(`^  ${command}\\b`, 'm'));
    }
    const accountsHelp = await gatehouse(['accounts', '--help']);
    for (const command of ['create', 'upsert', 'list', 'show', 'suspend', 'reactivate', 'delete']) {
      expect(accountsHelp.stdout).toMatch(new RegExp(`^  ${command}\\b`, 'm'));
    }

    const [noCommand, unknown, missing, badLimit, badRate, badChannel, noSecret] = await Promise.all([
      gatehouse([], env),
      gatehouse(['frobnicate'], env),
      gatehouse(['accounts', 'create'], env),
      gatehouse(['accounts', 'list', '--limit', '0'], env),
      gatehouse(['credentials', 'create', master.id, '--channel', 'ftp', '--name', 'x', '--rate-limit', 'fast'], env),
      gatehouse(['credentials', 'create', master.id, '--channel', 'pigeon', '--name', 'x'], env),
      gatehouse(['verify', '--channel', 'ftp', '--ip', '192.0.2.1'], env),
    ]);
    failed(noCommand, 2, /Usage: gatehouse/);
    failed(unknown, 2, /error: unknown command 'frobnicate'/);
    failed(missing, 2, /error: required option '--name <name>' not specified/);
    failed(badLimit, 2, /error: option '--limit <n>' argument '0' is invalid\. Expected a whole number from 1 to 200/);
    failed(badRate, 2, /argument 'fast' is invalid\. Expected REQUESTS\/SECONDS/);
    failed(badChannel, 2, /argument 'pigeon' is invalid\. Allowed choices are ftp, rest, http, webservice, email/);
    failed(noSecret, 2, /error: the secret is read from standard input: add --secret-stdin/);
  });

  it('exits 3 when the server cannot be reached or does not answer in time', async () => {
    const port = await closedPort();
    const silent = net.createServer((socket) => socket.on('error', () => undefined)); // accepts, never answers
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const sockets = new Set<net.Socket>();
    silent.on('connection', (s) => sockets.add(s));
    try {
      const silentPort = (silent.address() as net.AddressInfo).port;
      const [refused, timedOut] = await Promise.all([
        gatehouse(['accounts', 'list'], { ...env, GATEHOUSE_URL: `http://127.0.0.1:${port}` }),
        gatehouse(['--timeout', '1', 'accounts', 'list'], { ...env, GATEHOUSE_URL: `http://127.0.0.1:${silentPort}` }),
      ]);
      failed(refused, 3, new RegExp(`^error: cannot reach http://127\\.0\\.0\\.1:${port}: connection refused`));
      failed(timedOut, 3, /^error: cannot reach .*: no answer within 1 s/);
      expect(refused.stdout).toBe('');
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it('accounts: create, list (pages), show with channels, suspend, reactivate, delete', async () => {
    const [s1, s2, legacy] = await Promise.all([
      gatehouse(['accounts', 'create', '--name', 'sub one', '--parent', master.id], env),
      gatehouse(['accounts', 'create', '--name', 'sub two', '--parent', master.id, '--kind', 'sub'], env),
      gatehouse(['accounts', 'create', '--name', unique('legacy'), '--created-at', '2020-01-01T00:00:00Z'], env),
    ]);
    const sub1 = ok(s1).account;
    const sub2 = ok(s2).account;
    expect(sub1).toMatchObject({ kind: 'sub', parentId: master.id, name: 'sub one', status: 'active' });
    expect(ok(s2).credentials).toEqual([]);
    // The legacy rule: four credentials, their secrets in this one answer.
    const legacyCredentials = ok(legacy).credentials as { credential: { channel: string }; secret: string }[];
    expect(legacyCredentials.map((c) => c.credential.channel).sort()).toEqual(['email', 'ftp', 'http', 'webservice']);
    for (const c of legacyCredentials) expect(c.secret).toMatch(/^gk[fhew]_[0-9A-Za-z]{60}$/);

    const [all, firstPage, everyPage, shown] = await Promise.all([
      gatehouse(['accounts', 'list', '--parent', master.id, '--json'], env),
      gatehouse(['accounts', 'list', '--parent', master.id, '--limit', '1'], env),
      gatehouse(['accounts', 'list', '--parent', master.id, '--limit', '1', '--all'], env),
      gatehouse(['accounts', 'show', sub1.id], env),
    ]);
    expect(
      ok(all)
        .data.map((a: { id: string }) => a.id)
        .sort(),
    ).toEqual([sub1.id, sub2.id].sort());
    expect(ok(firstPage).data).toHaveLength(1);
    expect(ok(firstPage).nextCursor).toEqual(expect.any(String));
    expect(ok(everyPage)).toEqual({ data: ok(all).data, nextCursor: null });
    expect(ok(shown)).toMatchObject({ id: sub1.id, name: 'sub one' });
    expect(ok(shown).channels).toEqual(
      ['ftp', 'rest', 'http', 'webservice', 'email'].map((channel) => ({ channel, active: false, credentials: 0 })),
    );

    expect(ok(await gatehouse(['accounts', 'suspend', sub1.id], env))).toMatchObject({ status: 'suspended' });
    const suspended = ok(await gatehouse(['accounts', 'list', '--parent', master.id, '--status', 'suspended'], env));
    expect(suspended.data.map((a: { id: string }) => a.id)).toEqual([sub1.id]);
    expect(ok(await gatehouse(['accounts', 'reactivate', sub1.id], env))).toMatchObject({ status: 'active' });

    // Standard input is not a terminal: a delete needs --yes.
    failed(await gatehouse(['accounts', 'delete', sub2.id], env), 2, /without confirmation.*\n.*--yes/);
    expect((await gatehouse(['accounts', 'show', sub2.id], env)).code).toBe(0);
    const deleted = await gatehouse(['accounts', 'delete', sub2.id, '--yes'], env);
    expect(deleted).toMatchObject({ code: 0, stdout: '' }); // a 204: nothing for a script to parse
    failed(await gatehouse(['accounts', 'show', sub2.id], env), 1, /^error: not_found: account not found$/m);
  });

  it('accounts upsert: the second call finds the same account (200), no duplicate', async () => {
    const externalId = unique('ext');
    const first = ok(
      await gatehouse(['accounts', 'upsert', externalId, '--name', 'first', '--parent', master.id], env),
    );
    const second = ok(
      await gatehouse(['accounts', 'upsert', externalId, '--name', 'renamed', '--parent', master.id], env),
    );
    expect(first.account).toMatchObject({ externalId, name: 'first', parentId: master.id });
    expect(second.account).toMatchObject({ id: first.account.id, externalId, name: 'renamed' });
    const listed = ok(await gatehouse(['accounts', 'list', '--parent', master.id, '--all'], env));
    expect(listed.data.filter((a: { externalId: string }) => a.externalId === externalId)).toHaveLength(1);
  });

  it('credentials: the secret is printed at create and rotate only; verify, block, unblock, delete', async () => {
    const username = unique('cli-ftp');
    const created = ok(
      await gatehouse(
        ['credentials', 'create', master.id, '--channel', 'ftp', '--name', 'ftp', '--username', username],
        env,
      ),
    );
    const { credential, secret, postbackSigningSecret } = created;
    expect(secret).toMatch(/^gkf_[0-9A-Za-z]{60}$/);
    expect(postbackSigningSecret).toEqual(expect.any(String));
    expect(credential).toMatchObject({ channel: 'ftp', username, enabled: true, secretHint: secret.slice(-4) });

    const ip = '192.0.2.10';
    const verify = (secretText: string) =>
      gatehouse(['verify', '--channel', 'ftp', '--username', username, '--ip', ip, '--secret-stdin'], env, secretText);
    const [listed, shown, valid] = await Promise.all([
      gatehouse(['credentials', 'list', master.id, '--channel', 'ftp', '--q', 'FT'], env),
      gatehouse(['credentials', 'show', credential.id], env),
      verify(`${secret}\n`),
    ]);
    expect(ok(listed).data.map((c: { id: string }) => c.id)).toContain(credential.id);
    expect(ok(shown)).toMatchObject({ id: credential.id, username });
    for (const run of [listed, shown]) {
      expect(run.stdout + run.stderr).not.toContain(secret);
      expect(run.stdout + run.stderr).not.toContain(postbackSigningSecret);
    }
    expect(ok(valid)).toEqual({ valid: true, credentialId: credential.id, accountId: master.id });

    const rotated = ok(await gatehouse(['credentials', 'rotate', credential.id], env));
    expect(rotated.secret).toMatch(/^gkf_[0-9A-Za-z]{60}$/);
    expect(rotated.secret).not.toBe(secret);
    expect(rotated.postbackSigningSecret).toBeUndefined();
    const [oldSecret, newSecret] = await Promise.all([verify(secret), verify(rotated.secret)]);
    failed(oldSecret, 1, /^invalid: \w+/);
    expect(JSON.parse(oldSecret.stdout)).toMatchObject({ valid: false, reason: expect.any(String) });
    expect(ok(newSecret)).toMatchObject({ valid: true });

    expect(ok(await gatehouse(['credentials', 'block', credential.id], env))).toMatchObject({ enabled: false });
    failed(await verify(rotated.secret), 1, /^invalid: \w+/);
    expect(ok(await gatehouse(['credentials', 'unblock', credential.id], env))).toMatchObject({ enabled: true });
    expect(ok(await verify(rotated.secret))).toMatchObject({ valid: true });

    failed(await gatehouse(['credentials', 'delete', credential.id], env), 2, /--yes/);
    expect(await gatehouse(['credentials', 'delete', credential.id, '--yes'], env)).toMatchObject({ code: 0 });
    failed(await gatehouse(['credentials', 'show', credential.id], env), 1, /^error: not_found: /);
  });

  it('credentials: a custom secret from stdin, the settings options, and the API’s words on a bad CIDR', async () => {
    const slug = `vip-${randomBytes(3).toString('hex')}`;
    ok(await gatehouse(['groups', 'create', master.id, '--slug', slug, '--name', 'VIP'], env));
    const username = unique('cli-mail');
    const custom = 'a custom secret, 42 long enough';
    const [withCustom, withSettings, badCidr] = await Promise.all([
      gatehouse(
        [
          'credentials',
          'create',
          master.id,
          '--channel',
          'email',
          '--name',
          'mail',
          '--username',
          username,
          '--secret-stdin',
        ],
        env,
        `${custom}\n`,
      ),
      gatehouse(
        [
          ...['credentials', 'create', master.id, '--channel', 'rest', '--name', 'settings'],
          ...['--cidr', '10.0.0.0/8', '--cidr', '2001:db8::/32', '--groups', slug, '--rate-limit', '100/60'],
          ...['--off-the-record', '--disabled', '--expires-at', '2999-01-01T00:00:00Z'],
        ],
        env,
      ),
      gatehouse(['credentials', 'create', master.id, '--channel', 'ftp', '--name', 'x', '--cidr', '10.0.0.0/33'], env),
    ]);
    expect(ok(withCustom).credential).toMatchObject({ username, secretHint: null });
    const verified = await gatehouse(
      ['verify', '--channel', 'email', '--username', username, '--ip', '192.0.2.11', '--secret-stdin'],
      env,
      custom,
    );
    expect(ok(verified)).toMatchObject({ valid: true });
    expect(ok(withSettings).credential).toMatchObject({
      allowedCidrs: ['10.0.0.0/8', '2001:db8::/32'],
      scope: 'groups',
      groups: [slug],
      rateLimit: { requests: 100, perSeconds: 60 },
      offTheRecord: true,
      enabled: false,
      expiresAt: '2999-01-01T00:00:00.000Z',
    });
    failed(badCidr, 1, /^error: validation_failed: allowedCidrs\b.*"?10\.0\.0\.0\/33"?/);
    expect(badCidr.stdout).toBe('');
  });

  it('groups: create, list, rename, delete', async () => {
    const account = ok(await gatehouse(['accounts', 'create', '--name', 'groups', '--parent', master.id], env)).account;
    ok(await gatehouse(['groups', 'create', account.id, '--slug', 'staff', '--name', 'Staff'], env));
    failed(
      await gatehouse(['groups', 'create', account.id, '--slug', 'staff', '--name', 'Again'], env),
      1,
      /^error: slug_taken: /,
    );
    expect(ok(await gatehouse(['groups', 'rename', account.id, 'staff', '--name', 'All staff'], env))).toMatchObject({
      slug: 'staff',
      name: 'All staff',
    });
    expect(ok(await gatehouse(['groups', 'list', account.id], env))).toMatchObject({
      data: [{ slug: 'staff', name: 'All staff' }],
      nextCursor: null,
    });
    failed(await gatehouse(['groups', 'delete', account.id, 'staff'], env), 2, /--yes/);
    expect((await gatehouse(['groups', 'delete', account.id, 'staff', '--yes'], env)).code).toBe(0);
    expect(ok(await gatehouse(['groups', 'list', account.id], env)).data).toEqual([]);
  });

  it('admin tokens: create prints the token once, list never; it works until deleted', async () => {
    const created = ok(await gatehouse(['admin-tokens', 'create', master.id, '--name', 'script'], env));
    expect(created.token).toMatch(/^gka_[0-9A-Za-z]{60}$/);
    const listed = await gatehouse(['admin-tokens', 'list', master.id], env);
    expect(ok(listed).data).toContainEqual(
      expect.objectContaining({ id: created.adminToken.id, tokenHint: created.token.slice(-4) }),
    );
    expect(listed.stdout).not.toContain(created.token);

    const asAdmin = { ...env, GATEHOUSE_TOKEN: created.token };
    expect(ok(await gatehouse(['accounts', 'show', master.id], asAdmin))).toMatchObject({ id: master.id });
    expect((await gatehouse(['admin-tokens', 'delete', created.adminToken.id, '--yes'], env)).code).toBe(0);
    failed(
      await gatehouse(['accounts', 'show', master.id], asAdmin),
      1,
      /^error: unauthorized: invalid token\nhint: .*GATEHOUSE_TOKEN/,
    );
  });

  (hasScript ? it : it.skip)('on a terminal: tables, secrets framed as shown once, --json still JSON', async () => {
    const externalId = unique('tty');
    const [show, created, upserted, forcedJson] = await Promise.all([
      onTerminal(['accounts', 'show', master.id], env),
      onTerminal(['credentials', 'create', master.id, '--channel', 'http', '--name', 'tty'], env),
      onTerminal(['accounts', 'upsert', externalId, '--name', 'tty', '--parent', master.id], env).then(() =>
        onTerminal(['accounts', 'upsert', externalId, '--name', 'tty', '--parent', master.id], env),
      ),
      onTerminal(['--json', 'accounts', 'show', master.id], env),
    ]);
    expect(show.code).toBe(0);
    expect(show.stdout).toMatch(/│ id +│ \S+/);
    expect(show.stdout).toMatch(/Channels:\n┌/);
    expect(show.stdout).toMatch(/│ webservice │ no +│ 0 +│/);
    expect(created.stdout).toMatch(
      /Secret \(shown once, store it now: it cannot be shown again\):\n\n {4}gkh_[0-9A-Za-z]{60}\n/,
    );
    expect(upserted.stdout).toMatch(/^Already there, updated: sub account tty/m);
    expect(JSON.parse(forcedJson.stdout)).toMatchObject({ id: master.id });
  });
});

describe('gatehouse migrate and root-token rotate (the database itself)', () => {
  it('migrate brings a fresh SQLite data dir up to date', async () => {
    const fresh = fs.mkdtempSync(path.join(os.tmpdir(), 'gatehouse-cli-migrate-'));
    try {
      const run = await gatehouse(['migrate'], { GATEHOUSE_DATA_DIR: path.join(fresh, 'data') });
      expect(ok(run)).toEqual({
        database: 'sqlite',
        location: path.join(fresh, 'data', 'gatehouse.sqlite'),
        migrations: expect.any(Number),
      });
      expect(ok(run).migrations).toBeGreaterThan(0);
      expect(fs.existsSync(path.join(fresh, 'data', 'gatehouse.sqlite'))).toBe(true);
    } finally {
      fs.rmSync(fresh, { recursive: true, force: true });
    }
  }, 60_000);

  it('refuses while a server holds the file; rotates the root token of a stopped one', async () => {
    const first = sqliteServer;
    const banner = /Root token \(shown once, store it now\):\s+(gkroot_[0-9A-Za-z]{60})/.exec(first.output());
    expect(banner).not.toBeNull();
    const oldToken = banner![1];

    const inUse =
      /^error: the SQLite database \S+gatehouse\.sqlite is in use by a running Gatehouse server: stop it first/;
    const [migrate, rotate, withEnvToken] = await Promise.all([
      gatehouse(['migrate'], dbEnv),
      gatehouse(['root-token', 'rotate'], dbEnv),
      gatehouse(['root-token', 'rotate'], { ...dbEnv, GATEHOUSE_ROOT_TOKEN: `env-${randomBytes(16).toString('hex')}` }),
    ]);
    failed(migrate, 1, inUse);
    failed(rotate, 1, inUse);
    failed(withEnvToken, 1, /^error: GATEHOUSE_ROOT_TOKEN is set/);
    expect(rotate.stdout).toBe('');

    expect(await first.stop()).toBe('0');
    const rotated = ok<{ rootToken: string }>(await gatehouse(['root-token', 'rotate'], dbEnv));
    expect(rotated.rootToken).toMatch(/^gkroot_[0-9A-Za-z]{60}$/);

    const second = await startSqliteServer();
    expect(second.output()).not.toMatch(/Root token/);
    const url = { GATEHOUSE_URL: second.baseUrl };
    const [withNew, withOld] = await Promise.all([
      gatehouse(['accounts', 'list'], { ...url, GATEHOUSE_TOKEN: rotated.rootToken }),
      gatehouse(['accounts', 'list'], { ...url, GATEHOUSE_TOKEN: oldToken }),
    ]);
    expect(ok(withNew)).toMatchObject({ data: [] });
    failed(withOld, 1, /^error: unauthorized: /);
  }, 90_000);

  (onMysql ? it : it.skip)(
    'on MySQL: migrates while a node runs, and the running node accepts a rotated root token within 5 seconds',
    async () => {
      const node = mysqlNode!;
      const nodeEnv = {
        DATABASE_URL: process.env.DATABASE_URL!,
        GATEHOUSE_PEPPER: (await import('../support/test-app')).SHARED_DATABASE_PEPPER,
        GATEHOUSE_DATA_DIR: mysqlNodeDataDir,
      };
      const migrated = ok(await gatehouse(['migrate'], nodeEnv));
      expect(migrated).toMatchObject({ database: 'mysql', migrations: expect.any(Number) });
      expect(migrated.location).not.toMatch(/@/); // never the credentials of DATABASE_URL

      const status = async (token: string) =>
        (await fetch(`${node.baseUrl}/admin/v1/accounts?limit=1`, { headers: { Authorization: `Bearer ${token}` } }))
          .status;
      /** Milliseconds until the node accepts `token` (fails after 12 s). */
      const acceptedAfter = async (token: string): Promise<number> => {
        const since = Date.now();
        while ((await status(token)) !== 200) {
          if (Date.now() - since > 12_000) throw new Error('the running node never accepted the rotated root token');
          await new Promise((resolve) => setTimeout(resolve, 200));
        }
        return Date.now() - since;
      };
      const first = ok<{ rootToken: string }>(await gatehouse(['root-token', 'rotate'], nodeEnv)).rootToken;
      expect(await acceptedAfter(first)).toBeLessThan(5_000 + 1_000);
      const second = ok<{ rootToken: string }>(await gatehouse(['root-token', 'rotate'], nodeEnv)).rootToken;
      expect(await acceptedAfter(second)).toBeLessThan(5_000 + 1_000);
      expect(await status(first)).toBe(401);
    },
    60_000,
  );
});
