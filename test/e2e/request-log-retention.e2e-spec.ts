import {
  REQUEST_LOG_REPOSITORY,
  RequestLogEntry,
  RequestLogRepository,
  RequestLogRetention,
  newId,
} from '@gatehouse/core';
import { createCredential, createMaster, readRequestLog } from '../support/factories';
import { TestApp, startTestApp, unique } from '../support/test-app';

const DAY = 86_400_000;

/**
 * Security review, item 9: nobody without credentials can grow the request log. A banned
 * peer's refusals fold into one row a minute with a count; rows past retention are pruned.
 */
describe('request log growth', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ GATEHOUSE_BAN_THRESHOLD: '2', GATEHOUSE_REQUEST_LOG_DAYS: '30' });
  });
  afterAll(async () => {
    await t.close();
  });

  it("a banned peer's refusals are one row with their count, however many requests it sends", async () => {
    const from = new Date(Date.now() - 1000).toISOString();
    const account = await createMaster(t);
    const key = await createCredential(t, account.id, { channel: 'http', secret: 'fold-password-1' });
    const send = (password: string) =>
      t.http.get('/http/send').query({ username: key.username, password, to: '447700900123', text: 'x' });

    await send('wrong-one-1').expect(401);
    await send('wrong-two-2').expect(401); // score 2: banned
    const REFUSALS = 40;
    for (let i = 0; i < REFUSALS; i++) {
      const res = await send(i % 2 ? 'fold-password-1' : 'wrong-again');
      expect(res.status).toBe(429);
      if (i === 10) await t.flushLogs(); // a row already written keeps counting
    }
    // REST and SOAP knocks from the same peer fold into the same row.
    await t.http
      .post('/rest/v1/messages')
      .set('Authorization', `Bearer gkr_${'b'.repeat(60)}`)
      .send({ body: 'x' })
      .expect(429);

    // Suites sharing one MySQL database write rows too: read back only this key's.
    const mine = (query: Record<string, string>) =>
      readRequestLog(t, { from, ...query }).then(({ rows }) => rows.filter((r) => r.username === key.username));
    const banned = await mine({ outcome: 'banned' });
    expect(banned.map((r) => [r.peer, r.count])).toEqual([['127.0.0.1', REFUSALS + 1]]);
    expect(await mine({})).toHaveLength(3); // two failed logins, one folded row
  });

  it('rows older than GATEHOUSE_REQUEST_LOG_DAYS are pruned in bounded batches; newer ones stay', async () => {
    const repo = t.app.get<RequestLogRepository>(REQUEST_LOG_REPOSITORY);
    const tag = unique('old');
    const row = (at: Date, i: number): RequestLogEntry => ({
      id: newId(at),
      at,
      channel: 'http',
      credentialId: null,
      accountId: null,
      tenantId: null,
      username: `${tag}-${i}`,
      peer: '192.0.2.1',
      operation: 'http.send',
      outcome: 'unknown_credential',
      status: '401',
      durationMs: 1,
      count: 1,
    });
    const now = Date.now();
    const old = Array.from({ length: 25 }, (_, i) => row(new Date(now - 31 * DAY - i * 1000), i));
    const recent = Array.from({ length: 5 }, (_, i) => row(new Date(now - 29 * DAY + i * 1000), 100 + i));
    await repo.insertMany([...old, ...recent]);

    const batches = jest.spyOn(repo, 'deleteOlderThan');
    const deleted = await t.app.get(RequestLogRetention).prune(new Date(now), 10);
    expect(deleted).toBeGreaterThanOrEqual(25); // other suites' rows are never that old
    expect(batches.mock.calls.length).toBeGreaterThanOrEqual(3); // 10 + 10 + 5, one statement each
    expect(batches.mock.calls.every(([, limit]) => limit === 10)).toBe(true);
    batches.mockRestore();
    const window = { from: new Date(now - 40 * DAY).toISOString(), to: new Date(now - 28 * DAY).toISOString() };
    const left = (await readRequestLog(t, window)).rows.filter((r) => String(r.username).startsWith(tag));
    expect(left.map((r) => r.username).sort()).toEqual(recent.map((r) => r.username).sort());
    await expect(t.app.get(RequestLogRetention).prune(new Date(now), 10)).resolves.toBe(0);
  });
});
