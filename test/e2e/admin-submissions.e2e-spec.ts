import { expectError, namedFields } from '../support/assertions';
import { TestApp, startTestApp, unique } from '../support/test-app';
import {
  IssuedCredential,
  createAdminToken,
  createCredential,
  createMaster,
  createSub,
  listAll,
} from '../support/factories';

/**
 * The admin side of submissions (DESIGN.md §3, §4): `GET /admin/v1/submissions` with its
 * filters and cursor pagination, `GET /admin/v1/submissions/:id`, tenant rules, and delivery
 * receipts (`POST /admin/v1/submissions/:id/events`, root token only).
 *
 * Submissions are made through the real REST and HTTP channels. The database may be shared
 * with other suites, so every list is filtered to this test's own account or credential.
 */

const MISSING = '01900000-0000-7000-8000-000000000000';

describe('admin API: submissions', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  /** A submission through the REST channel; returns its id. */
  async function restSend(key: IssuedCredential, body = unique('msg'), extra: Record<string, unknown> = {}) {
    const res = await t.http
      .post('/rest/v1/messages')
      .set('Authorization', `Bearer ${key.secret}`)
      .send({ body, ...extra })
      .expect(202);
    return res.body.id as string;
  }

  /** A submission through the HTTP channel; returns its id. */
  async function httpSend(cred: IssuedCredential, text = unique('msg')) {
    const res = await t.http
      .post('/http/send')
      .set('Content-Type', 'application/x-www-form-urlencoded')
      .send(
        new URLSearchParams({ username: cred.username, password: cred.secret, to: '+447700900100', text }).toString(),
      )
      .expect(200);
    return /^OK (\S+)/.exec(res.text)![1];
  }

  const event = (id: string, body: Record<string, unknown>, token = t.rootToken) =>
    t.http.post(`/admin/v1/submissions/${id}/events`).set(t.auth(token)).send(body);
  const getSubmission = (id: string, token = t.rootToken) =>
    t.http.get(`/admin/v1/submissions/${id}`).set(t.auth(token));
  const ids = (rows: Record<string, any>[]) => rows.map((r) => r.id as string);

  describe('reading', () => {
    it('GET /:id shows the whole submission and its postbacks', async () => {
      const account = await createMaster(t);
      const key = await createCredential(t, account.id);
      const id = await restSend(key, 'hello there', { to: ['+447700900101'] });
      const res = await getSubmission(id).expect(200);
      expect(res.body).toEqual({
        id,
        accountId: account.id,
        credentialId: key.id,
        channel: 'rest',
        to: ['+447700900101'],
        body: 'hello there',
        groups: [],
        status: 'accepted',
        detail: null,
        createdAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
        updatedAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
        postbacks: [],
      });
    });

    it('unknown id → 404; no token → 401', async () => {
      expectError(await getSubmission(MISSING), 404, 'not_found');
      expectError(await getSubmission('not-an-id'), 404, 'not_found');
      const res = await t.http.get('/admin/v1/submissions');
      expect(res.status).toBe(401);
    });

    it('filters by accountId, credentialId, channel and status, oldest first', async () => {
      const account = await createMaster(t);
      const other = await createMaster(t);
      const restA = await createCredential(t, account.id, { channel: 'rest' });
      const restB = await createCredential(t, account.id, { channel: 'rest' });
      const httpA = await createCredential(t, account.id, { channel: 'http' });
      const foreign = await createCredential(t, other.id, { channel: 'rest' });

      const s1 = await restSend(restA);
      const s2 = await restSend(restB);
      const s3 = await httpSend(httpA);
      const s4 = await restSend(restA);
      const f1 = await restSend(foreign);
      await event(s2, { type: 'delivered' }).expect(200);
      await event(s4, { type: 'failed', detail: 'unreachable' }).expect(200);

      const list = async (query: Record<string, string>) =>
        ids((await listAll(t, '/admin/v1/submissions', query)).rows);
      await expect(list({ accountId: account.id })).resolves.toEqual([s1, s2, s3, s4]);
      await expect(list({ accountId: other.id })).resolves.toEqual([f1]);
      await expect(list({ credentialId: restA.id })).resolves.toEqual([s1, s4]);
      await expect(list({ credentialId: httpA.id })).resolves.toEqual([s3]);
      await expect(list({ accountId: account.id, channel: 'http' })).resolves.toEqual([s3]);
      await expect(list({ accountId: account.id, channel: 'rest' })).resolves.toEqual([s1, s2, s4]);
      await expect(list({ accountId: account.id, channel: 'ftp' })).resolves.toEqual([]);
      await expect(list({ accountId: account.id, status: 'accepted' })).resolves.toEqual([s1, s3]);
      await expect(list({ accountId: account.id, status: 'delivered' })).resolves.toEqual([s2]);
      await expect(list({ accountId: account.id, status: 'failed' })).resolves.toEqual([s4]);
      await expect(list({ credentialId: restA.id, status: 'failed', channel: 'rest' })).resolves.toEqual([s4]);
      await expect(list({ credentialId: restA.id, accountId: other.id })).resolves.toEqual([]);

      const { rows } = await listAll(t, '/admin/v1/submissions', { accountId: account.id, channel: 'http' });
      expect(rows[0]).toMatchObject({
        id: s3,
        accountId: account.id,
        credentialId: httpA.id,
        channel: 'http',
        to: ['+447700900100'],
        status: 'accepted',
      });
      expect(rows[0].postbacks).toBeUndefined();
    });

    it('cursor pagination walks every row once, in order', async () => {
      const account = await createMaster(t);
      const key = await createCredential(t, account.id);
      const sent: string[] = [];
      for (let i = 0; i < 5; i++) sent.push(await restSend(key));

      const seen: string[] = [];
      const sizes: number[] = [];
      let cursor: string | null = null;
      do {
        const res: { body: { data: Array<{ id: string }>; nextCursor: string | null } } = await t.http
          .get('/admin/v1/submissions')
          .set(t.auth())
          .query({ credentialId: key.id, limit: 2, ...(cursor ? { cursor } : {}) })
          .expect(200);
        seen.push(...res.body.data.map((r) => r.id));
        sizes.push(res.body.data.length);
        cursor = res.body.nextCursor;
        expect(sizes.length).toBeLessThanOrEqual(4);
      } while (cursor);
      expect(sizes.slice(0, 2)).toEqual([2, 2]);
      expect(sizes.reduce((a, b) => a + b, 0)).toBe(5);
      expect(seen).toEqual(sent);

      const first = await t.http
        .get('/admin/v1/submissions')
        .set(t.auth())
        .query({ credentialId: key.id, limit: 5 })
        .expect(200);
      expect(ids(first.body.data)).toEqual(sent);
    });

    it.each([
      ['channel', { channel: 'sms' }],
      ['status', { status: 'sent' }],
      ['limit', { limit: 0 }],
      ['limit', { limit: 201 }],
      ['limit', { limit: 'many' }],
      ['cursor', { cursor: 'x'.repeat(201) }],
    ])('a bad %s in the list query (%j) → 400 naming it', async (field, query) => {
      const res = await t.http.get('/admin/v1/submissions').set(t.auth()).query(query);
      expectError(res, 400, 'validation_failed');
      expect(namedFields(res)).toContain(field);
    });
  });

  describe('tenancy', () => {
    it('a master admin token sees its tenant (itself and its subs), 404 for another tenant’s submission', async () => {
      const master = await createMaster(t);
      const sub = await createSub(t, master.id);
      const stranger = await createMaster(t);
      const token = await createAdminToken(t, master.id);
      const mine = await restSend(await createCredential(t, master.id));
      const subs = await restSend(await createCredential(t, sub.id));
      const theirs = await restSend(await createCredential(t, stranger.id));

      const listed = ids((await listAll(t, '/admin/v1/submissions', {}, token)).rows);
      expect(listed).toEqual([mine, subs]);
      await expect(
        listAll(t, '/admin/v1/submissions', { accountId: sub.id }, token).then((r) => ids(r.rows)),
      ).resolves.toEqual([subs]);

      await getSubmission(mine, token).expect(200);
      await expect(getSubmission(subs, token).then((r) => r.body.accountId)).resolves.toBe(sub.id);
      const foreign = await getSubmission(theirs, token);
      expectError(foreign, 404, 'not_found');
      expect(JSON.stringify(foreign.body)).not.toContain(stranger.id);

      // Filtering by another tenant's account reveals nothing of it.
      const filtered = await t.http.get('/admin/v1/submissions').set(t.auth(token)).query({ accountId: stranger.id });
      expect([200, 404]).toContain(filtered.status);
      if (filtered.status === 200) expect(filtered.body.data).toEqual([]);
    });

    it('a sub admin token sees only its own account', async () => {
      const master = await createMaster(t);
      const sub = await createSub(t, master.id);
      const sibling = await createSub(t, master.id);
      const token = await createAdminToken(t, sub.id);
      const fromMaster = await restSend(await createCredential(t, master.id));
      const own = await restSend(await createCredential(t, sub.id));
      const ownHttp = await httpSend(await createCredential(t, sub.id, { channel: 'http' }));
      const fromSibling = await restSend(await createCredential(t, sibling.id));

      expect(ids((await listAll(t, '/admin/v1/submissions', {}, token)).rows)).toEqual([own, ownHttp]);
      expect(ids((await listAll(t, '/admin/v1/submissions', { channel: 'http' }, token)).rows)).toEqual([ownHttp]);
      await getSubmission(own, token).expect(200);
      for (const id of [fromMaster, fromSibling]) expectError(await getSubmission(id, token), 404, 'not_found');
    });
  });

  describe('POST /admin/v1/submissions/:id/events (delivery receipts)', () => {
    let account: { id: string };
    let key: IssuedCredential;
    beforeAll(async () => {
      account = await createMaster(t);
      key = await createCredential(t, account.id);
    });

    it('delivered → status delivered with its detail; the same receipt again → 200 unchanged', async () => {
      const id = await restSend(key);
      const first = await event(id, { type: 'delivered', detail: 'provider-ref-123' }).expect(200);
      expect(first.body).toMatchObject({ id, status: 'delivered', detail: 'provider-ref-123', accountId: account.id });
      expect(Date.parse(first.body.updatedAt as string)).toBeGreaterThanOrEqual(Date.parse(first.body.createdAt));

      const got = await getSubmission(id).expect(200);
      expect(got.body).toMatchObject({ status: 'delivered', detail: 'provider-ref-123' });
      expect(got.body.updatedAt).toBe(first.body.updatedAt);

      const again = await event(id, { type: 'delivered', detail: 'provider-ref-456' }).expect(200);
      expect(again.body).toEqual(first.body);
      const after = await getSubmission(id).expect(200);
      expect(after.body).toMatchObject({
        status: 'delivered',
        detail: 'provider-ref-123',
        updatedAt: first.body.updatedAt,
      });

      // The client sees the receipt too.
      const client = await t.http
        .get(`/rest/v1/messages/${id}`)
        .set('Authorization', `Bearer ${key.secret}`)
        .expect(200);
      expect(client.body).toMatchObject({ id, status: 'delivered', detail: 'provider-ref-123' });
    });

    it('failed after delivered → 409 submission_final, and the other way round; nothing changes', async () => {
      const delivered = await restSend(key);
      await event(delivered, { type: 'delivered' }).expect(200);
      const conflict = await event(delivered, { type: 'failed', detail: 'late failure' });
      expectError(conflict, 409, 'submission_final');
      await expect(getSubmission(delivered).then((r) => r.body)).resolves.toMatchObject({
        status: 'delivered',
        detail: null,
      });

      const failed = await restSend(key);
      const res = await event(failed, { type: 'failed', detail: 'number unreachable' }).expect(200);
      expect(res.body).toMatchObject({ id: failed, status: 'failed', detail: 'number unreachable' });
      expectError(await event(failed, { type: 'delivered' }), 409, 'submission_final');
      await event(failed, { type: 'failed' }).expect(200);
      await expect(getSubmission(failed).then((r) => r.body)).resolves.toMatchObject({
        status: 'failed',
        detail: 'number unreachable',
      });
    });

    it('an admin token → 403, even its own tenant’s master token; nothing changes', async () => {
      const sub = await createSub(t, account.id);
      const masterToken = await createAdminToken(t, account.id);
      const subToken = await createAdminToken(t, sub.id);
      const id = await restSend(key);
      const subId = await restSend(await createCredential(t, sub.id));
      for (const [target, token] of [
        [id, masterToken],
        [subId, masterToken],
        [subId, subToken],
      ]) {
        expectError(await event(target, { type: 'delivered' }, token), 403, 'forbidden');
      }
      for (const target of [id, subId]) {
        await expect(getSubmission(target).then((r) => r.body.status)).resolves.toBe('accepted');
      }
      // No token at all is a 401.
      const anonymous = await t.http.post(`/admin/v1/submissions/${id}/events`).send({ type: 'delivered' });
      expect(anonymous.status).toBe(401);
    });

    it.each([
      ['type', { type: 'bounced' }],
      ['type', {}],
      ['type', { type: 5 }],
      ['detail', { type: 'delivered', detail: 5 }],
      ['detail', { type: 'delivered', detail: 'x'.repeat(501) }],
      ['source', { type: 'delivered', source: 'smsc' }],
    ])('a bad %s (%j) → 400 naming it, and the submission is unchanged', async (field, body) => {
      const id = await restSend(key);
      const res = await event(id, body);
      expectError(res, 400, 'validation_failed');
      expect(namedFields(res)).toContain(field);
      await expect(getSubmission(id).then((r) => r.body.status)).resolves.toBe('accepted');
    });

    it('malformed JSON → 400 invalid_json', async () => {
      const id = await restSend(key);
      const res = await t.http
        .post(`/admin/v1/submissions/${id}/events`)
        .set(t.auth())
        .set('Content-Type', 'application/json')
        .send('{"type": ');
      expectError(res, 400, 'invalid_json');
    });

    it('an unknown id → 404', async () => {
      expectError(await event(MISSING, { type: 'delivered' }), 404, 'not_found');
    });

    it('a detail of 500 characters and a null detail are stored and shown', async () => {
      const long = await restSend(key);
      const detail = 'd'.repeat(500);
      await event(long, { type: 'failed', detail }).expect(200);
      await expect(getSubmission(long).then((r) => r.body.detail)).resolves.toBe(detail);

      const none = await restSend(key);
      await event(none, { type: 'delivered', detail: null }).expect(200);
      await expect(getSubmission(none).then((r) => r.body)).resolves.toMatchObject({
        status: 'delivered',
        detail: null,
      });

      const listed = (await listAll(t, '/admin/v1/submissions', { credentialId: key.id, status: 'failed' })).rows;
      expect(listed.find((r) => r.id === long)).toMatchObject({ status: 'failed', detail });
    });
  });
});
