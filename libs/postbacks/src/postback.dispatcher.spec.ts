import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadConfig } from '@gatehouse/config';
import {
  Credential,
  CredentialRepository,
  CredentialService,
  PostbackDelivery,
  PostbackOutbox,
  PostbackRepository,
} from '@gatehouse/core';
import { PostbackDispatcher } from './postback.dispatcher';
import { verifyPostbackSignature } from './postback-signature';

const SECRET = 'whsec_unit';

/** The repository as the dispatcher uses it: a queue of due rows and a log of what was recorded. */
class FakeRepo implements PostbackRepository {
  due: PostbackDelivery[] = [];
  claims = 0;
  marks: { kind: 'delivered' | 'retry' | 'failed'; id: string; at: Date; result: string; next?: Date }[] = [];

  insert(): Promise<void> {
    return Promise.resolve();
  }
  listForSubmission(): Promise<PostbackDelivery[]> {
    return Promise.resolve([]);
  }
  claimDue(_now: Date, limit: number, _leaseMs: number): Promise<PostbackDelivery[]> {
    this.claims += 1;
    return Promise.resolve(this.due.splice(0, limit));
  }
  markDelivered(id: string, at: Date, result: string): Promise<void> {
    this.marks.push({ kind: 'delivered', id, at, result });
    return Promise.resolve();
  }
  markRetry(id: string, at: Date, result: string, next: Date): Promise<void> {
    this.marks.push({ kind: 'retry', id, at, result, next });
    return Promise.resolve();
  }
  markFailed(id: string, at: Date, result: string): Promise<void> {
    this.marks.push({ kind: 'failed', id, at, result });
    return Promise.resolve();
  }
}

function delivery(url: string, extra: Partial<PostbackDelivery> = {}): PostbackDelivery {
  return {
    id: `d-${Math.random().toString(36).slice(2)}`,
    submissionId: 's1',
    credentialId: 'c1',
    accountId: 'a1',
    tenantId: 'a1',
    event: 'submission.accepted',
    url,
    payload: '{"type":"submission.accepted"}',
    status: 'pending',
    attempts: 0,
    nextAttemptAt: new Date(),
    lastAttemptAt: null,
    lastResult: null,
    deliveredAt: null,
    createdAt: new Date(),
    ...extra,
  };
}

async function until(what: string, check: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('PostbackDispatcher', () => {
  let server: http.Server;
  let base: string;
  let answer: (res: http.ServerResponse) => void;
  const requests: { headers: http.IncomingHttpHeaders; body: string }[] = [];

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        requests.push({ headers: req.headers, body: Buffer.concat(chunks).toString() });
        answer(res);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  let repo: FakeRepo;
  let outbox: PostbackOutbox;
  let credential: Credential | null;
  let dispatcher: PostbackDispatcher;

  const build = (env: Record<string, string> = {}) => {
    const config = loadConfig({
      GATEHOUSE_ALLOW_PRIVATE_POSTBACKS: 'true',
      GATEHOUSE_POSTBACK_POLL_MS: '60000', // only wakes run a tick in these tests
      GATEHOUSE_POSTBACK_TIMEOUT_MS: '400',
      GATEHOUSE_POSTBACK_BASE_DELAY_MS: '1000',
      ...env,
    });
    const credentials = { findById: () => Promise.resolve(credential) } as unknown as CredentialRepository;
    const service = { postbackSigningSecret: () => SECRET } as unknown as CredentialService;
    dispatcher = new PostbackDispatcher(repo, credentials, config, service, outbox);
    return dispatcher;
  };

  beforeEach(() => {
    repo = new FakeRepo();
    outbox = new PostbackOutbox(repo);
    credential = { id: 'c1', postbackSalt: 'salt' } as Credential;
    requests.length = 0;
    answer = (res) => res.writeHead(200).end();
  });
  afterEach(async () => {
    await dispatcher.stop();
  });

  it('claims at start and again at once on a wake, with a lease longer than the HTTP timeout', async () => {
    const claim = jest.spyOn(repo, 'claimDue');
    build().start();
    await until('the first claim', () => repo.claims === 1);
    expect(claim.mock.calls[0][2]).toBeGreaterThan(400);

    repo.due.push(delivery(`${base}/a`));
    outbox.wake();
    await until('the delivery', () => repo.marks.length === 1);
    expect(repo.marks[0]).toMatchObject({ kind: 'delivered', result: '200' });
    expect(requests[0].headers['gatehouse-delivery']).toBe(repo.marks[0].id);
    expect(
      verifyPostbackSignature(SECRET, requests[0].headers['gatehouse-signature'] as string, requests[0].body),
    ).toBe(true);
  });

  it('schedules a failed attempt with backoff, and gives up on one older than maxAgeSeconds', async () => {
    answer = (res) => res.writeHead(503).end();
    const young = delivery(`${base}/young`, { attempts: 2 });
    const old = delivery(`${base}/old`, { createdAt: new Date(Date.now() - 86_401_000), attempts: 30 });
    repo.due.push(young, old);
    build().start();
    await until('both attempts', () => repo.marks.length === 2);

    const retry = repo.marks.find((m) => m.id === young.id)!;
    expect(retry).toMatchObject({ kind: 'retry', result: '503' });
    const delay = retry.next!.getTime() - retry.at.getTime();
    expect(delay).toBeGreaterThanOrEqual(4000 * 0.8); // 3rd attempt: base · 2²
    expect(delay).toBeLessThanOrEqual(4000 * 1.2);
    expect(repo.marks.find((m) => m.id === old.id)).toMatchObject({ kind: 'failed', result: 'gave_up: 503' });
  });

  it('fails a delivery whose credential is gone, without sending it', async () => {
    credential = null;
    repo.due.push(delivery(`${base}/gone`));
    build().start();
    await until('the mark', () => repo.marks.length === 1);
    expect(repo.marks[0]).toMatchObject({ kind: 'failed', result: 'credential_deleted' });
    expect(requests).toHaveLength(0);
  });

  it('retries a private target when private postbacks are not allowed, without connecting', async () => {
    repo.due.push(delivery(`${base}/private`));
    build({ GATEHOUSE_ALLOW_PRIVATE_POSTBACKS: 'false' }).start();
    await until('the mark', () => repo.marks.length === 1);
    expect(repo.marks[0]).toMatchObject({ kind: 'retry', result: 'private_address' });
    expect(requests).toHaveLength(0);
  });

  it('on stop, cuts off an attempt that outlives the grace period and reschedules it for now', async () => {
    answer = () => undefined; // never answers
    const stuck = delivery(`${base}/stuck`);
    repo.due.push(stuck);
    // A timeout far beyond the test, so only the shutdown can end the attempt.
    build({ GATEHOUSE_POSTBACK_TIMEOUT_MS: '60000' }).start();
    await until('the request', () => requests.length === 1);

    const started = Date.now();
    await dispatcher.stop();
    expect(Date.now() - started).toBeLessThan(5000);
    expect(repo.marks).toEqual([
      { kind: 'retry', id: stuck.id, at: expect.any(Date), result: 'interrupted', next: expect.any(Date) },
    ]);
    expect(repo.marks[0].next!.getTime()).toBe(repo.marks[0].at.getTime());

    // Stopped means stopped: a wake no longer claims anything.
    const claims = repo.claims;
    repo.due.push(delivery(`${base}/late`));
    outbox.wake();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(repo.claims).toBe(claims);
  });

  it('on stop, lets an attempt under way finish when it does so within the grace period', async () => {
    answer = (res) => setTimeout(() => res.writeHead(200).end(), 150);
    repo.due.push(delivery(`${base}/slowish`));
    build().start();
    await until('the request', () => requests.length === 1);
    await dispatcher.stop();
    expect(repo.marks).toEqual([expect.objectContaining({ kind: 'delivered', result: '200' })]);
  });
});
