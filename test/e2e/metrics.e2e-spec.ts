import { randomBytes } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createCredential, createMaster, verify } from '../support/factories';
import { haveRedisServer, startPrivateRedis } from '../support/redis-server';
import { RawSmtp, SmtpApp, startSmtpApp } from '../support/smtp-clients';
import { TestApp, startTestApp, unique } from '../support/test-app';

/**
 * `GET /metrics` after some activity shows every family of issue 12 (item 5): logins, bans,
 * sessions, submissions, POSTbacks, HTTP latency, the request-log queue, and Redis when
 * REDIS_URL is set. Each family's arithmetic is unit-tested in libs/platform/src/metrics.
 */

/** Polls `check` until it holds or the deadline (generous: two busy cores) passes. */
async function eventually(check: () => Promise<boolean>, timeoutMs = 30_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The value of one series (`name{labels}`) in a scrape, or undefined when it is not there. */
function valueOf(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('GET /metrics after some activity', () => {
  let s: SmtpApp;
  let t: TestApp;
  let receiver: http.Server;
  let delivered = 0;
  const hookPath = `/hook-${randomBytes(6).toString('hex')}`;

  beforeAll(async () => {
    receiver = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        if (req.url === hookPath) delivered++;
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    s = await startSmtpApp({
      // Two unknown-credential failures (score 2 each) ban an address.
      GATEHOUSE_BAN_THRESHOLD: '4',
      GATEHOUSE_ALLOW_PRIVATE_POSTBACKS: 'true',
      GATEHOUSE_POSTBACK_POLL_MS: '50',
      GATEHOUSE_POSTBACK_BASE_DELAY_MS: '100',
    });
    t = s.t;
  }, 120_000);
  afterAll(async () => {
    await s?.close();
    await new Promise((resolve) => receiver?.close(resolve));
  });

  const scrape = async (): Promise<string> => (await t.http.get('/metrics').expect(200)).text;

  it('shows logins, bans, sessions, submissions, POSTbacks, HTTP latency and the request-log queue', async () => {
    const account = await createMaster(t);
    const { port } = receiver.address() as AddressInfo;
    const rest = await createCredential(t, account.id, { postbackUrl: `http://127.0.0.1:${port}${hookPath}` });

    // A REST submission (a login, a submission, a POSTback) and one refused key.
    await t.http
      .post('/rest/v1/messages')
      .set('Authorization', `Bearer ${rest.secret}`)
      .send({ to: ['+447700900123'], body: 'metrics' })
      .expect(202);
    await t.http.post('/rest/v1/messages').set('Authorization', 'Bearer nobody').send({ body: 'x' }).expect(401);

    // A ban: two unknown credentials from one address (reported by the root's verify).
    const peer = '192.0.2.77';
    for (let i = 0; i < 2; i++) await verify(t, { channel: 'rest', secret: `gkr_${unique('no')}`, ip: peer });
    expect(await verify(t, { channel: 'rest', secret: rest.secret, ip: peer })).toMatchObject({ reason: 'banned' });

    // A logged-in SMTP session, open while /metrics is read.
    const mailer = await createCredential(t, account.id, {
      channel: 'email',
      username: unique('mailer'),
      secret: `Mail-Pass-${unique('pw')}`,
    });
    const smtp = await RawSmtp.connect(s.port);
    try {
      expect((await smtp.greeting).code).toBe(220);
      await smtp.ehlo();
      expect((await smtp.startTls()).code).toBe(220);
      await smtp.ehlo();
      expect((await smtp.authPlain(mailer.username, mailer.secret)).code).toBe(235);
      expect(await eventually(async () => valueOf(await scrape(), 'gatehouse_sessions{channel="email"}') === 1)).toBe(
        true,
      );
    } finally {
      await smtp.send('QUIT').catch(() => undefined);
      smtp.close();
    }
    expect(await eventually(async () => valueOf(await scrape(), 'gatehouse_sessions{channel="email"}') === 0)).toBe(
      true,
    );

    // POSTbacks: on SQLite this app owns its outbox. Apps of other suites on a shared MySQL may
    // claim this row first (and refuse its private address), so there only the family is checked.
    const ownOutbox = !(process.env.DATABASE_URL ?? '').startsWith('mysql');
    if (ownOutbox) {
      expect(
        await eventually(
          async () => (valueOf(await scrape(), 'gatehouse_postbacks_total{outcome="delivered"}') ?? 0) >= 1,
        ),
      ).toBe(true);
      expect(delivered).toBeGreaterThanOrEqual(1);
    }

    const text = await scrape();
    expect(valueOf(text, 'gatehouse_logins_total{channel="rest",outcome="ok"}')).toBe(1);
    expect(valueOf(text, 'gatehouse_logins_total{channel="rest",outcome="unknown_credential"}')).toBe(1);
    expect(valueOf(text, 'gatehouse_logins_total{channel="email",outcome="ok"}')).toBe(1);
    expect(valueOf(text, 'gatehouse_bans_total{kind="ip"}')).toBe(1);
    expect(valueOf(text, 'gatehouse_submissions_total{channel="rest"}')).toBe(1);
    expect(valueOf(text, 'gatehouse_submissions_total{channel="email"}')).toBe(0);
    expect(valueOf(text, 'gatehouse_sessions{channel="ftp"}')).toBe(0);
    for (const outcome of ['delivered', 'retry', 'failed', 'interrupted']) {
      expect(valueOf(text, `gatehouse_postbacks_total{outcome="${outcome}"}`)).toEqual(expect.any(Number));
    }
    expect(valueOf(text, 'gatehouse_http_request_duration_seconds_count{route="rest"}')).toBe(2);
    expect(valueOf(text, 'gatehouse_http_request_duration_seconds_bucket{route="rest",le="+Inf"}')).toBe(2);
    expect(valueOf(text, 'gatehouse_http_requests_total{route="rest",status="202"}')).toBe(1);
    expect(valueOf(text, 'gatehouse_request_log_queue')).toBeGreaterThanOrEqual(0);
    expect(text).toContain('# TYPE gatehouse_request_log_queue gauge');
    expect(text).toContain('# TYPE gatehouse_sessions gauge');
    // No REDIS_URL here: no Redis to be up or down.
    expect(text).not.toMatch(/^gatehouse_redis_up /m);
  }, 120_000);

  (haveRedisServer() || process.env.CI ? it : it.skip)(
    'with REDIS_URL: gatehouse_redis_up 1',
    async () => {
      const redis = await startPrivateRedis();
      let node: TestApp | undefined;
      try {
        node = await startTestApp({ REDIS_URL: redis.url, GATEHOUSE_REDIS_PREFIX: `${unique('metrics')}:` });
        const text = (await node.http.get('/metrics').expect(200)).text;
        expect(text).toMatch(/^gatehouse_redis_up 1$/m);
      } finally {
        await node?.close();
        await redis.stop();
      }
    },
    120_000,
  );
});
