import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PrivateRedis, haveRedisServer, startPrivateRedis } from '../support/redis-server';
import { ServerProcess, startServerProcess } from '../support/server-process';
import { RawSmtp } from '../support/smtp-clients';
import { SHARED_DATABASE_PEPPER } from '../support/test-app';

/**
 * Two nodes the way an operator runs them (issue 12): two server processes over one MySQL/MariaDB
 * database and one Redis, with the same pepper. What one node changes, the other must act on at
 * once: a blocked or rotated key, a ban, a session to end. Redis is this suite's own, so it can
 * be stopped and started. Several nodes need MySQL (DESIGN.md §5): on SQLite this suite is
 * skipped, and CI runs it in its MariaDB pass.
 */
const onMysql = /^(mysql|mariadb):/.test(process.env.DATABASE_URL ?? '');
const run = onMysql && (haveRedisServer() || process.env.CI) ? describe : describe.skip;

const ROOT_TOKEN = `root-${randomBytes(24).toString('hex')}`;
const NUMBER = '+447700900123';

/** Polls until `check` holds; the time it took, or null past the deadline (generous: two busy cores). */
async function within(check: () => Promise<boolean>, timeoutMs: number): Promise<number | null> {
  const started = performance.now();
  for (;;) {
    if (await check()) return performance.now() - started;
    if (performance.now() - started > timeoutMs) return null;
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];

run('two nodes over one database and one Redis', () => {
  let redis: PrivateRedis;
  let a: ServerProcess;
  let b: ServerProcess;
  let dataDirs: string[];

  beforeAll(async () => {
    redis = await startPrivateRedis();
    const shared = {
      DATABASE_URL: process.env.DATABASE_URL!,
      REDIS_URL: redis.url,
      GATEHOUSE_REDIS_PREFIX: `two-nodes-${randomBytes(4).toString('hex')}:`,
      GATEHOUSE_PEPPER: SHARED_DATABASE_PEPPER, // the nodes of the tests' shared database
      GATEHOUSE_ROOT_TOKEN: ROOT_TOKEN,
      GATEHOUSE_LISTENERS: 'http,smtp',
      GATEHOUSE_SMTP_PORT: '0',
      GATEHOUSE_SMTP_INSECURE_AUTH: 'true',
      // The suite's own failures from 127.0.0.1 (an old secret refused once) stay well below it.
      GATEHOUSE_BAN_THRESHOLD: '6',
    };
    dataDirs = [0, 1].map(() => fs.mkdtempSync(path.join(os.tmpdir(), 'gatehouse-node-')));
    [a, b] = await Promise.all(dataDirs.map((dir) => startServerProcess({ ...shared, GATEHOUSE_DATA_DIR: dir })));
  }, 120_000);

  afterAll(async () => {
    const codes = await Promise.all([a, b].filter(Boolean).map((node) => node.stop()));
    await redis?.stop();
    for (const dir of dataDirs ?? []) fs.rmSync(dir, { recursive: true, force: true });
    expect(codes).toEqual(['0', '0']); // SIGTERM: both stop cleanly
  }, 60_000);

  async function call(node: ServerProcess, method: string, url: string, body?: unknown, token = ROOT_TOKEN) {
    const res = await fetch(node.baseUrl + url, {
      method,
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json().catch(() => null)) as any };
  }

  let accountId: string;
  async function account(): Promise<string> {
    accountId ??= (await call(a, 'POST', '/admin/v1/accounts', { name: `two nodes ${randomBytes(3).toString('hex')}` }))
      .body.account.id;
    return accountId;
  }
  async function restKey(): Promise<{ id: string; secret: string }> {
    const res = await call(a, 'POST', `/admin/v1/accounts/${await account()}/credentials`, {
      channel: 'rest',
      name: 'k',
    });
    expect(res.status).toBe(201);
    return { id: res.body.credential.id, secret: res.body.secret };
  }
  /** An authenticated REST read on a node: 404 (unknown message) when the key works, 401/403 when refused. */
  async function restWorks(node: ServerProcess, secret: string): Promise<boolean> {
    const res = await fetch(`${node.baseUrl}/rest/v1/messages/no-such-message`, {
      headers: { Authorization: `Bearer ${secret}` },
    });
    await res.arrayBuffer();
    return res.status === 404;
  }

  it('a key blocked on node A is refused on node B (it was cached there); propagation over 100 trials', async () => {
    const key = await restKey();
    const times: number[] = [];
    for (let trial = 0; trial < 100; trial++) {
      expect((await call(a, 'PATCH', `/admin/v1/credentials/${key.id}`, { enabled: true })).status).toBe(200);
      expect(await within(() => restWorks(b, key.secret), 5_000)).not.toBeNull(); // warm on B again
      const started = performance.now();
      expect((await call(a, 'PATCH', `/admin/v1/credentials/${key.id}`, { enabled: false })).status).toBe(200);
      const refused = await within(async () => !(await restWorks(b, key.secret)), 5_000);
      expect(refused).not.toBeNull();
      times.push(performance.now() - started);
    }
    times.sort((x, y) => x - y);
    const p50 = percentile(times, 0.5);
    const p99 = percentile(times, 0.99);
    fs.writeFileSync(
      path.join(os.tmpdir(), 'gatehouse-two-nodes-propagation.json'),
      JSON.stringify({ trials: times.length, p50Ms: p50, p99Ms: p99, maxMs: times.at(-1) }),
    );
    process.stdout.write(
      `block on A → refused on B: p50 ${p50.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms (100 trials)\n`,
    );
    expect(p99).toBeLessThan(2_000); // DESIGN.md: blocking ends sessions within 2 s; the target is 250 ms
  }, 120_000);

  it('a key rotated without grace on node A: its old secret is refused on node B', async () => {
    const key = await restKey();
    expect(await restWorks(b, key.secret)).toBe(true);
    const rotated = await call(a, 'POST', `/admin/v1/credentials/${key.id}/rotate`, {});
    expect(rotated.status).toBe(200);
    expect(await within(async () => !(await restWorks(b, key.secret)), 5_000)).not.toBeNull();
    expect(await restWorks(b, rotated.body.secret as string)).toBe(true);
  });

  it('a peer banned on node A is refused on node B', async () => {
    const key = await restKey();
    const peer = '203.0.113.77';
    const verify = (node: ServerProcess, secret: string) =>
      call(node, 'POST', '/admin/v1/verify', { channel: 'rest', secret, ip: peer });
    for (let i = 0; i < 6; i++) await verify(a, `${key.secret.slice(0, -1)}x`); // scores 1 or 2 each
    expect((await verify(a, key.secret)).body).toMatchObject({ valid: false, reason: 'banned' });
    expect(await within(async () => (await verify(b, key.secret)).body.reason === 'banned', 5_000)).not.toBeNull();
  });

  it('a rate limit is shared: requests on A and on B count against one limit', async () => {
    const res = await call(a, 'POST', `/admin/v1/accounts/${await account()}/credentials`, {
      channel: 'rest',
      name: 'limited',
      rateLimit: { requests: 4, perSeconds: 600 },
    });
    expect(res.status).toBe(201);
    const secret = res.body.secret as string;
    const read = async (node: ServerProcess) => {
      const r = await fetch(`${node.baseUrl}/rest/v1/messages/no-such-message`, {
        headers: { Authorization: `Bearer ${secret}` },
      });
      return { status: r.status, retryAfter: r.headers.get('retry-after'), body: await r.json() };
    };
    for (const node of [a, b, a, b]) expect((await read(node)).status).toBe(404); // authenticated, 4 of 4
    for (const node of [a, b]) {
      const over = await read(node);
      expect(over).toMatchObject({ status: 429, body: { error: { code: 'rate_limited' } } });
      expect(Number(over.retryAfter)).toBeGreaterThan(0);
    }
  });

  it('an SMTP session on node B ends when its credential is blocked on node A', async () => {
    const created = await call(a, 'POST', `/admin/v1/accounts/${await account()}/credentials`, {
      channel: 'email',
      name: 'mailer',
      username: `mailer-${randomBytes(3).toString('hex')}`,
      secret: 'two-nodes-mail-password',
    });
    expect(created.status).toBe(201);
    const raw = await RawSmtp.connect(b.port('smtp'));
    try {
      expect((await raw.greeting).code).toBe(220);
      await raw.ehlo();
      expect((await raw.authPlain(created.body.credential.username as string, 'two-nodes-mail-password')).code).toBe(
        235,
      );
      const sent = await raw.mail('a@example.com', [`${NUMBER}@sms.localhost`], 'Subject: x\r\n\r\nfrom node B\r\n');
      expect(sent.at(-1)!.code).toBe(250);
      await call(a, 'PATCH', `/admin/v1/credentials/${created.body.credential.id}`, { enabled: false });
      expect(await raw.closedWithin(2_000)).toBe(true);
      expect(raw.pending().map((r) => r.code)).toContain(421);
    } finally {
      raw.close();
    }
  });

  it('Redis down: B still refuses a key blocked on A within seconds (short cache), reports it, and recovers', async () => {
    const key = await restKey();
    expect(await restWorks(b, key.secret)).toBe(true); // cached on B
    await redis.stop();
    expect(
      await within(async () => (await call(b, 'GET', '/health/ready')).body?.redis === 'unavailable', 10_000),
    ).not.toBeNull();
    expect((await call(b, 'GET', '/health')).body).toMatchObject({
      status: 'degraded',
      database: 'ok',
      redis: 'unavailable',
    });
    const metrics = await (await fetch(`${b.baseUrl}/metrics`)).text();
    expect(metrics).toMatch(/^gatehouse_redis_up 0$/m);

    expect((await call(a, 'PATCH', `/admin/v1/credentials/${key.id}`, { enabled: false })).status).toBe(200);
    // No message reaches B now; its cached verdict is trusted 5 s at most.
    expect(await within(async () => !(await restWorks(b, key.secret)), 15_000)).not.toBeNull();

    await redis.start();
    expect(
      await within(async () => (await call(b, 'GET', '/health/ready')).body?.redis === 'ok', 30_000),
    ).not.toBeNull();
    // Sharing again, no restart: a block on A reaches B's warm cache at once.
    const again = await restKey();
    expect(await within(() => restWorks(b, again.secret), 5_000)).not.toBeNull();
    await call(a, 'PATCH', `/admin/v1/credentials/${again.id}`, { enabled: false });
    expect(await within(async () => !(await restWorks(b, again.secret)), 2_000)).not.toBeNull();
  }, 90_000);
});
