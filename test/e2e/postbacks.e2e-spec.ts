import { randomBytes } from 'node:crypto';
import * as dns from 'node:dns';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import { createConnection } from 'mysql2/promise';
import { DataSource, FindManyOptions, ObjectLiteral, Repository } from 'typeorm';
import {
  POSTBACK_REPOSITORY,
  PostbackOutbox,
  PostbackRepository,
  SubmissionService,
  isPublicAddress,
  newId,
  parseIp,
} from '@gatehouse/core';
import { isPrivateTarget } from '@gatehouse/core/credentials/postback-url';
import { MAX_IN_FLIGHT, PostbackDispatcher, USER_AGENT, verifyPostbackSignature } from '@gatehouse/postbacks';
import { TestApp, startTestApp, unique } from '../support/test-app';
import { IssuedCredential, createCredential, createMaster } from '../support/factories';

/**
 * The postback dispatcher against real local receivers: signing, receipts, retries with
 * backoff, a restart in the middle, the lease of a node that died, and the private-address
 * guard at delivery time.
 *
 * Every assertion here is about what happens to an outbox row (attempts, last result, the next
 * attempt's time, the lease), so the suite owns its outbox. With DATABASE_URL on MySQL/MariaDB
 * all suites used to share one database, and every app of the other jest worker runs a
 * dispatcher with the default settings: it claimed these due rows, recorded `private_address`
 * for the 127.0.0.1 receivers (an attempt no receiver saw) and put them back 4–6 s ahead, 8–12 s
 * after two such attempts. That made this suite flaky there, the restart most of all: its row is
 * due and unowned while the second process boots, and the second process then missed its
 * deadline. So on MySQL the suite runs on a database of its own, created here and dropped at the
 * end; on SQLite every app has its own file anyway. The suite's apps still share that database
 * with each other, so rows left pending are closed before an app stops, and every receiver
 * listens under its own random path.
 */

/** DATABASE_URL for this suite's apps: its own database on MySQL/MariaDB, unset on SQLite. */
let ownDatabase: Record<string, string> = {};

/** Short delays keep retries fast; private targets are allowed so 127.0.0.1 receivers work. */
const FAST = {
  GATEHOUSE_ALLOW_PRIVATE_POSTBACKS: 'true',
  GATEHOUSE_POSTBACK_BASE_DELAY_MS: '100',
  GATEHOUSE_POSTBACK_POLL_MS: '50',
  GATEHOUSE_POSTBACK_TIMEOUT_MS: '2000',
};

/** Env for an app of this suite. */
function appEnv(settings: Record<string, string> = FAST): Record<string, string> {
  return { ...settings, ...ownDatabase };
}

/**
 * A fresh database next to DATABASE_URL's, with the same default character set and collation,
 * or null on SQLite. The first app migrates it, as in production.
 */
async function createOwnDatabase(): Promise<{ url: string; drop(): Promise<void> } | null> {
  const shared = process.env.DATABASE_URL;
  if (!shared || shared.startsWith('sqlite:')) return null;
  const serverUrl = shared.replace(/^mariadb:/, 'mysql:');
  const url = new URL(serverUrl);
  const base = decodeURIComponent(url.pathname.slice(1)).replace(/\W/g, '_').slice(0, 40) || 'gatehouse';
  const name = `${base}_postbacks_${randomBytes(4).toString('hex')}`;
  const conn = await createConnection({ uri: serverUrl });
  try {
    const [rows] = await conn.query(
      'SELECT DEFAULT_CHARACTER_SET_NAME AS cs, DEFAULT_COLLATION_NAME AS co FROM information_schema.SCHEMATA ' +
        'WHERE SCHEMA_NAME = DATABASE()',
    );
    const found = (rows as { cs: string | null; co: string | null }[])[0];
    const cs = found?.cs ?? 'utf8mb4';
    const co = found?.co ?? 'utf8mb4_general_ci';
    if (!/^\w+$/.test(cs) || !/^\w+$/.test(co)) throw new Error(`unexpected charset ${cs} / ${co}`);
    await conn.query(`CREATE DATABASE \`${name}\` CHARACTER SET ${cs} COLLATE ${co}`);
  } finally {
    await conn.end();
  }
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = await createConnection({ uri: serverUrl });
      try {
        await c.query(`DROP DATABASE IF EXISTS \`${name}\``);
      } finally {
        await c.end();
      }
    },
  };
}

interface Hit {
  headers: http.IncomingHttpHeaders;
  body: string;
  json: Record<string, any>;
  at: number;
}

interface Receiver {
  url: string;
  port: number;
  hits: Hit[];
  /** Status of each next answer in turn; the last one repeats. */
  answers: number[];
  close(): Promise<void>;
}

/** A postback receiver on 127.0.0.1; only requests to its own random path count. */
async function startReceiver(answers: number[] = [200], port = 0): Promise<Receiver> {
  const path = `/hooks/${unique('rx')}`;
  const hits: Hit[] = [];
  const receiver = { hits, answers } as Receiver;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== path) {
        res.writeHead(404).end();
        return;
      }
      const body = Buffer.concat(chunks).toString('utf8');
      hits.push({ headers: req.headers, body, json: JSON.parse(body), at: Date.now() });
      const status = receiver.answers.length > 1 ? receiver.answers.shift()! : receiver.answers[0];
      res.writeHead(status, { 'Content-Type': 'text/plain' }).end(status < 300 ? 'ok' : 'nope');
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  receiver.port = (server.address() as AddressInfo).port;
  receiver.url = `http://127.0.0.1:${receiver.port}${path}`;
  receiver.close = () =>
    new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return receiver;
}

/** A URL on a loopback port nothing listens on: a receiver that is down. */
async function deadUrl(): Promise<string> {
  const r = await startReceiver();
  await r.close();
  return r.url;
}

/**
 * Polls until `probe` returns something truthy; fails with `what` after `timeoutMs`, showing
 * `seen()` (what the last probe looked at), or else the probe's last value.
 *
 * The default deadline is for background work that, on an idle machine, takes one poll (50 ms)
 * or a few short backoff steps (≤ 1 s in all): 10 s leaves room for two jest workers on two busy
 * cores. It only holds because nothing outside the suite touches its rows (see above).
 */
async function waitFor<T>(
  what: string,
  probe: () => Promise<T | null | undefined | false>,
  timeoutMs = 10_000,
  seen?: () => unknown,
) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what} (last: ${JSON.stringify(seen ? seen() : value)})`);
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

interface PostbackRow {
  id: string;
  event: string;
  url: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  nextAttemptAt: string;
  lastAttemptAt: string | null;
  lastResult: string | null;
  deliveredAt: string | null;
  createdAt: string;
}

async function postbacksOf(t: TestApp, submissionId: string): Promise<PostbackRow[]> {
  const res = await t.http.get(`/admin/v1/submissions/${submissionId}`).set(t.auth()).expect(200);
  return res.body.postbacks as PostbackRow[];
}

/** The single postback of this event, once `ready` holds for it. */
function waitForPostback(
  t: TestApp,
  submissionId: string,
  event: string,
  ready: (p: PostbackRow) => boolean,
  timeoutMs?: number,
): Promise<PostbackRow> {
  let row: PostbackRow | undefined;
  return waitFor(
    `${event} of ${submissionId}`,
    async () => {
      row = (await postbacksOf(t, submissionId)).find((p) => p.event === event);
      return row && ready(row) ? row : null;
    },
    timeoutMs,
    () => row ?? 'no such postback',
  );
}

/** Submissions per app, whose postbacks `closePending` closes before the app stops. */
const submitted = new Map<TestApp, string[]>();

async function submit(t: TestApp, key: IssuedCredential, body = 'hi'): Promise<string> {
  const res = await t.http
    .post('/rest/v1/messages')
    .set('Authorization', `Bearer ${key.secret}`)
    .send({ to: ['+1555'], body })
    .expect(202);
  const id = res.body.id as string;
  submitted.set(t, [...(submitted.get(t) ?? []), id]);
  return id;
}

/**
 * Fails what this app's submissions left pending (a receiver that is down, a refused target, a
 * test that failed), so the suite's next app on the same database does not retry them.
 */
async function closePending(t: TestApp, submissionIds = submitted.get(t) ?? []): Promise<void> {
  const repo = t.app.get<PostbackRepository>(POSTBACK_REPOSITORY);
  for (const id of submissionIds) {
    for (const p of await postbacksOf(t, id)) {
      if (p.status === 'pending') await repo.markFailed(p.id, new Date(), 'test_cleanup');
    }
  }
}

function expectSigned(hit: Hit, secret: string): void {
  const signature = hit.headers['gatehouse-signature'] as string;
  expect(signature).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
  expect(verifyPostbackSignature(secret, signature, hit.body, 60)).toBe(true);
}

describe('postbacks', () => {
  const receivers: Receiver[] = [];
  const receiver = async (answers?: number[]) => {
    const r = await startReceiver(answers);
    receivers.push(r);
    return r;
  };
  let dropOwnDatabase: (() => Promise<void>) | null = null;
  beforeAll(async () => {
    const own = await createOwnDatabase();
    if (own) {
      ownDatabase = { DATABASE_URL: own.url };
      dropOwnDatabase = own.drop;
    }
  });
  afterAll(async () => {
    await Promise.all(receivers.map((r) => r.close()));
    await dropOwnDatabase?.();
  });

  describe('delivery to a local receiver', () => {
    let t: TestApp;
    let accountId: string;

    beforeAll(async () => {
      t = await startTestApp(appEnv());
      accountId = (await createMaster(t)).id;
    });
    afterAll(async () => {
      await closePending(t);
      await t.close();
    });

    it('sends submission.accepted, signed with the secret shown at create, with the submission in data', async () => {
      const rx = await receiver();
      const key = await createCredential(t, accountId, { channel: 'rest', postbackUrl: rx.url });
      const signingSecret = key.body.postbackSigningSecret as string;
      expect(signingSecret).toMatch(/^whsec_/);

      const submissionId = await submit(t, key, 'hello postbacks');
      const row = await waitForPostback(t, submissionId, 'submission.accepted', (p) => p.status === 'delivered');
      expect(row).toMatchObject({ url: rx.url, attempts: 1, lastResult: '200', deliveredAt: expect.any(String) });

      expect(rx.hits).toHaveLength(1);
      const [hit] = rx.hits;
      expect(hit.headers).toMatchObject({
        'content-type': 'application/json',
        'user-agent': USER_AGENT,
        'gatehouse-event': 'submission.accepted',
        'gatehouse-delivery': row.id,
      });
      expectSigned(hit, signingSecret);
      // Another credential's signing secret does not verify it.
      const other = await createCredential(t, accountId, { channel: 'rest' });
      const signature = hit.headers['gatehouse-signature'] as string;
      expect(verifyPostbackSignature(other.body.postbackSigningSecret as string, signature, hit.body, 60)).toBe(false);

      expect(hit.json).toEqual({
        id: row.id,
        type: 'submission.accepted',
        createdAt: expect.any(String),
        data: expect.objectContaining({
          id: submissionId,
          accountId,
          credentialId: key.id,
          channel: 'rest',
          to: ['+1555'],
          body: 'hello postbacks',
          groups: [],
          status: 'accepted',
        }),
      });
    });

    it('sends submission.delivered and submission.failed when receipts arrive', async () => {
      const rx = await receiver();
      const key = await createCredential(t, accountId, { channel: 'rest', postbackUrl: rx.url });
      const secret = key.body.postbackSigningSecret as string;
      const delivered = await submit(t, key);
      const failed = await submit(t, key);
      await waitForPostback(t, delivered, 'submission.accepted', (p) => p.status === 'delivered');
      await waitForPostback(t, failed, 'submission.accepted', (p) => p.status === 'delivered');

      for (const [id, type, detail] of [
        [delivered, 'delivered', 'provider-id-1'],
        [failed, 'failed', 'handset unreachable'],
      ] as const) {
        await t.http.post(`/admin/v1/submissions/${id}/events`).set(t.auth()).send({ type, detail }).expect(200);
        const row = await waitForPostback(t, id, `submission.${type}`, (p) => p.status === 'delivered');
        const hit = rx.hits.find((h) => h.headers['gatehouse-delivery'] === row.id);
        expect(hit).toBeDefined();
        expect(hit!.headers['gatehouse-event']).toBe(`submission.${type}`);
        expectSigned(hit!, secret);
        expect(hit!.json).toMatchObject({ id: row.id, type: `submission.${type}`, data: { id, status: type, detail } });
      }
      expect(rx.hits.map((h) => h.json.type).sort()).toEqual([
        'submission.accepted',
        'submission.accepted',
        'submission.delivered',
        'submission.failed',
      ]);
    });

    it('retries a receiver answering 500 with backoff: delivered on the 3rd attempt', async () => {
      const rx = await receiver([500, 500, 200]);
      const key = await createCredential(t, accountId, { channel: 'rest', postbackUrl: rx.url });
      const submissionId = await submit(t, key);

      const row = await waitForPostback(t, submissionId, 'submission.accepted', (p) => p.status === 'delivered');
      expect(row).toMatchObject({ attempts: 3, lastResult: '200' });
      expect(rx.hits).toHaveLength(3);
      // The same delivery each time, re-signed per attempt, after a growing pause (100 ms, 200 ms ± 20%).
      expect(new Set(rx.hits.map((h) => h.headers['gatehouse-delivery']))).toEqual(new Set([row.id]));
      for (const hit of rx.hits) expectSigned(hit, key.body.postbackSigningSecret as string);
      expect(rx.hits[1].at - rx.hits[0].at).toBeGreaterThanOrEqual(75);
      expect(rx.hits[2].at - rx.hits[1].at).toBeGreaterThanOrEqual(155);
    });

    it('keeps retrying a receiver that is down, recording connect_error and a growing delay', async () => {
      const url = await deadUrl();
      const key = await createCredential(t, accountId, { channel: 'rest', postbackUrl: url });
      const submissionId = await submit(t, key);
      try {
        const row = await waitForPostback(t, submissionId, 'submission.accepted', (p) => p.attempts >= 3);
        expect(row).toMatchObject({ status: 'pending', lastResult: 'connect_error', deliveredAt: null });
        // The delay after attempt n is base · 2^(n-1) ± 20%.
        const nominal = 100 * 2 ** (row.attempts - 1);
        const delay = Date.parse(row.nextAttemptAt) - Date.parse(row.lastAttemptAt!);
        expect(delay).toBeGreaterThanOrEqual(nominal * 0.8 - 1);
        expect(delay).toBeLessThanOrEqual(nominal * 1.2 + 1);
      } finally {
        await closePending(t, [submissionId]);
      }
    });

    it('fails the deliveries of a deleted credential: nothing can sign them any more', async () => {
      const rx = await receiver([500]);
      const key = await createCredential(t, accountId, { channel: 'rest', postbackUrl: rx.url });
      const submissionId = await submit(t, key);
      await waitForPostback(t, submissionId, 'submission.accepted', (p) => p.attempts >= 1);
      await t.http.delete(`/admin/v1/credentials/${key.id}`).set(t.auth()).expect(204);

      const row = await waitForPostback(t, submissionId, 'submission.accepted', (p) => p.status === 'failed');
      expect(row.lastResult).toBe('credential_deleted');
      const attempts = rx.hits.length;
      await new Promise((resolve) => setTimeout(resolve, 300)); // several poll intervals
      expect(rx.hits).toHaveLength(attempts);
    });

    it('leaves a row leased by a node that died alone until the lease runs out, then sends it', async () => {
      const rx = await receiver();
      const key = await createCredential(t, accountId, { channel: 'rest' });
      const submissionId = await submit(t, key);
      const { submission } = await t.app.get(SubmissionService).get({ type: 'root' }, submissionId);
      const id = newId();
      const now = Date.now();
      // Not due yet, so no dispatcher takes it before the lease below is in place.
      await t.app.get<PostbackRepository>(POSTBACK_REPOSITORY).insert({
        id,
        submissionId,
        credentialId: key.id,
        accountId,
        tenantId: submission.tenantId,
        event: 'submission.accepted',
        url: rx.url,
        payload: JSON.stringify({ id, type: 'submission.accepted', data: { id: submissionId } }),
        status: 'pending',
        attempts: 0,
        nextAttemptAt: new Date(now + 3_600_000),
        lastAttemptAt: null,
        lastResult: null,
        deliveredAt: null,
        createdAt: new Date(now),
      });
      // What a node leaves behind when it dies mid-attempt: due, and leased for a while.
      const leaseEnd = Date.now() + 1_000;
      await t.app
        .get(DataSource)
        .query('UPDATE postback_deliveries SET next_attempt_at = ?, locked_until = ? WHERE id = ?', [
          Date.now(),
          leaseEnd,
          id,
        ]);

      const row = await waitForPostback(t, submissionId, 'submission.accepted', (p) => p.status === 'delivered');
      expect(row).toMatchObject({ id, attempts: 1, lastResult: '200' });
      expect(rx.hits).toHaveLength(1);
      expect(rx.hits[0].at).toBeGreaterThanOrEqual(leaseEnd);
      expectSigned(rx.hits[0], key.body.postbackSigningSecret as string);
    });

    it('a node claiming from a stale read does not take a row another node attempted and rescheduled meanwhile', async () => {
      const key = await createCredential(t, accountId, { channel: 'rest' });
      const submissionId = await submit(t, key);
      const { submission } = await t.app.get(SubmissionService).get({ type: 'root' }, submissionId);
      const repo = t.app.get<PostbackRepository>(POSTBACK_REPOSITORY);
      // This test is the claiming node: the app's own dispatcher pauses meanwhile.
      const dispatcher = t.app.get(PostbackDispatcher);
      await dispatcher.stop();
      const id = newId();
      try {
        await repo.insert({
          id,
          submissionId,
          credentialId: key.id,
          accountId,
          tenantId: submission.tenantId,
          event: 'submission.accepted',
          url: 'http://127.0.0.1:9/never',
          payload: JSON.stringify({ id, type: 'submission.accepted', data: { id: submissionId } }),
          status: 'pending',
          attempts: 0,
          nextAttemptAt: new Date(),
          lastAttemptAt: null,
          lastResult: null,
          deliveredAt: null,
          createdAt: new Date(),
        });

        // Between this node's read of the candidates and its lease, another node claims the row,
        // attempts it and puts it back (lease released), due again only in an hour.
        const find = Repository.prototype.find;
        let interleaved = false;
        const spy = jest.spyOn(Repository.prototype, 'find').mockImplementation(async function (
          this: Repository<ObjectLiteral>,
          options?: FindManyOptions,
        ) {
          const rows = await find.call(this, options);
          if (!interleaved && rows.some((r) => r.id === id)) {
            interleaved = true;
            await repo.markRetry(id, new Date(), '500', new Date(Date.now() + 3_600_000));
          }
          return rows;
        });
        try {
          const claimed = await repo.claimDue(new Date(), MAX_IN_FLIGHT, 60_000);
          expect(interleaved).toBe(true);
          expect(claimed.map((d) => d.id)).not.toContain(id);
        } finally {
          spy.mockRestore();
        }
        const [row] = (await postbacksOf(t, submissionId)).filter((p) => p.id === id);
        expect(row).toMatchObject({ status: 'pending', attempts: 1, lastResult: '500' });
        // As the other node left it: not leased, so whichever node reads it once it is due takes it.
        const [lease] = await t.app
          .get(DataSource)
          .query('SELECT locked_until FROM postback_deliveries WHERE id = ?', [id]);
        expect(lease.locked_until).toBeNull();
      } finally {
        await repo.markFailed(id, new Date(), 'test_cleanup');
        dispatcher.start();
      }
    });
  });

  describe('restart', () => {
    /**
     * The first process retries the refused delivery until it stops, each pause twice the last;
     * capped, the row is due again at most 0.5 s after its last attempt however many attempts a
     * slow machine fitted in before the stop, so the next process's deadline does not depend on it.
     */
    const RESTART = { ...FAST, GATEHOUSE_POSTBACK_MAX_DELAY_MS: '400' };

    it('a delivery pending when the process stops is sent by the next process on the same data', async () => {
      const rx = await receiver([500]);
      const first = await startTestApp(appEnv(RESTART));
      let running: TestApp | null = first;
      let submissionId: string | null = null;
      try {
        const account = await createMaster(first);
        const key = await createCredential(first, account.id, { channel: 'rest', postbackUrl: rx.url });
        submissionId = await submit(first, key);
        const before = await waitForPostback(first, submissionId, 'submission.accepted', (p) => p.attempts >= 1);
        expect(before).toMatchObject({ status: 'pending', lastResult: '500' });
        await first.close({ keepDataDir: true });
        running = null;

        const refused = rx.hits.length;
        rx.answers = [200];
        running = await startTestApp(appEnv(RESTART), { reuse: first });
        const row = await waitForPostback(
          running,
          submissionId,
          'submission.accepted',
          (p) => p.status === 'delivered',
        );
        expect(row.lastResult).toBe('200');
        expect(rx.hits.length).toBeGreaterThan(refused);
        expect(row.attempts).toBe(rx.hits.length);
        const last = rx.hits[rx.hits.length - 1];
        expect(last.headers['gatehouse-delivery']).toBe(row.id);
        // Same pepper, so the same signing secret the first process showed at create.
        expectSigned(last, key.body.postbackSigningSecret as string);
      } finally {
        if (running) {
          if (submissionId) await closePending(running, [submissionId]);
          await running.close();
        }
      }
    });
  });

  describe('private-address guard at delivery time (private postbacks not allowed)', () => {
    let t: TestApp;
    let accountId: string;
    /** A name this machine resolves to loopback/private addresses that the save-time check lets through. */
    let alias: string | null = null;

    beforeAll(async () => {
      t = await startTestApp(appEnv({ GATEHOUSE_POSTBACK_BASE_DELAY_MS: '100', GATEHOUSE_POSTBACK_POLL_MS: '50' }));
      accountId = (await createMaster(t)).id;
      for (const name of [os.hostname(), 'localhost.localdomain', 'ip6-localhost']) {
        if (isPrivateTarget(name)) continue;
        const addresses = await dns.promises.lookup(name, { all: true }).catch(() => []);
        const privateOnly = addresses.every((a) => {
          const ip = parseIp(a.address);
          return !ip || !isPublicAddress(ip);
        });
        if (addresses.length > 0 && privateOnly) {
          alias = name;
          break;
        }
      }
    });
    afterAll(async () => {
      await closePending(t);
      await t.close();
    });

    it('a name that resolves to a private address is refused when dialled: private_address, nothing sent', async () => {
      const rx = await receiver();
      // The realistic case: the admin API accepts the name, and only DNS says loopback.
      const aliasUrl = alias ? rx.url.replace('127.0.0.1', alias) : null;
      const key = await createCredential(t, accountId, { channel: 'rest', postbackUrl: aliasUrl });
      if (aliasUrl) expect(key.body.credential.postbackUrl).toBe(aliasUrl);
      const submissionId = await submit(t, key);
      // These are refused at save time already, so they go into the outbox directly.
      const direct = [
        rx.url.replace('127.0.0.1', 'localhost'),
        rx.url,
        rx.url.replace('127.0.0.1', '[::ffff:127.0.0.1]'),
      ];
      const outbox = t.app.get(PostbackOutbox);
      const { submission } = await t.app.get(SubmissionService).get({ type: 'root' }, submissionId);
      for (const url of direct) await outbox.enqueue(submission, url, 'submission.accepted');
      outbox.wake();
      const expected = direct.length + (aliasUrl ? 1 : 0);
      try {
        await waitFor('every target refused', async () => {
          const rows = await postbacksOf(t, submissionId);
          return rows.length === expected && rows.every((p) => p.attempts >= 1) && rows;
        });
        for (const row of await postbacksOf(t, submissionId)) {
          // Retried (DNS may change), never connected.
          expect(row).toMatchObject({ lastResult: 'private_address', deliveredAt: null });
          expect(row.status).toBe('pending');
        }
        expect(rx.hits).toHaveLength(0);
      } finally {
        await closePending(t, [submissionId]);
      }
    });
  });
});
