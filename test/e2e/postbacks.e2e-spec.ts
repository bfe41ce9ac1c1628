import * as dns from 'node:dns';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import { DataSource } from 'typeorm';
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
import { USER_AGENT, verifyPostbackSignature } from '@gatehouse/postbacks';
import { TestApp, startTestApp, unique } from '../support/test-app';
import { IssuedCredential, createCredential, createMaster } from '../support/factories';

/**
 * The postback dispatcher against real local receivers: signing, receipts, retries with
 * backoff, a restart in the middle, the lease of a node that died, and the private-address
 * guard at delivery time.
 *
 * On a shared MySQL/MariaDB database other test apps' dispatchers may claim these rows too, so
 * every receiver listens on its own port under its own random path (stray deliveries from
 * earlier runs never count), tests only look at rows they created, and rows left pending are
 * closed at the end.
 */

/** Short delays keep retries fast; private targets are allowed so 127.0.0.1 receivers work. */
const FAST = {
  GATEHOUSE_ALLOW_PRIVATE_POSTBACKS: 'true',
  GATEHOUSE_POSTBACK_BASE_DELAY_MS: '100',
  GATEHOUSE_POSTBACK_POLL_MS: '50',
  GATEHOUSE_POSTBACK_TIMEOUT_MS: '2000',
};

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

/** Polls until `probe` returns something truthy; fails with `what` (and the last value) after `timeoutMs`. */
async function waitFor<T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    const value = await probe();
    if (value) return value;
    last = value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} (last: ${JSON.stringify(last)})`);
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
  return waitFor(
    `${event} of ${submissionId}`,
    async () => {
      const row = (await postbacksOf(t, submissionId)).find((p) => p.event === event);
      return row && ready(row) ? row : null;
    },
    timeoutMs,
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
 * test that failed), so no dispatcher on a shared database keeps retrying them for a day.
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
  afterAll(async () => {
    await Promise.all(receivers.map((r) => r.close()));
  });

  describe('delivery to a local receiver', () => {
    let t: TestApp;
    let accountId: string;

    beforeAll(async () => {
      t = await startTestApp(FAST);
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
  });

  describe('restart', () => {
    it('a delivery pending when the process stops is sent by the next process on the same data', async () => {
      const rx = await receiver([500]);
      const first = await startTestApp(FAST);
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
        running = await startTestApp(FAST, { reuse: first });
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
      t = await startTestApp({ GATEHOUSE_POSTBACK_BASE_DELAY_MS: '100', GATEHOUSE_POSTBACK_POLL_MS: '50' });
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
