import type { Response } from 'supertest';
import { TestApp, startTestApp, unique } from '../support/test-app';
import { createAdminToken, createCredential, createMaster, createSub, verify } from '../support/factories';

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const PREFIX: Record<string, string> = { ftp: 'gkf_', http: 'gkh_', email: 'gke_', webservice: 'gkw_', rest: 'gkr_' };
const LEGACY = ['ftp', 'http', 'email', 'webservice'];
const ALL_CHANNELS = ['ftp', 'rest', 'http', 'webservice', 'email'];

/** Every item of a paginated list, following nextCursor; also returns the pages seen. */
async function walk(
  t: TestApp,
  path: string,
  query: Record<string, string | number>,
  token = t.rootToken,
): Promise<{ items: Array<Record<string, any>>; pages: Array<Record<string, any>> }> {
  const items: Array<Record<string, any>> = [];
  const pages: Array<Record<string, any>> = [];
  let cursor: string | null = null;
  do {
    const res: Response = await t.http
      .get(path)
      .set(t.auth(token))
      .query({ ...query, ...(cursor ? { cursor } : {}) })
      .expect(200);
    pages.push(res.body);
    items.push(...res.body.data);
    cursor = res.body.nextCursor;
    if (pages.length > 100) throw new Error('pagination does not terminate');
  } while (cursor);
  return { items, pages };
}

async function channelsOf(t: TestApp, accountId: string, token = t.rootToken) {
  const res = await t.http.get(`/admin/v1/accounts/${accountId}/channels`).set(t.auth(token)).expect(200);
  return res.body.data as Array<{ channel: string; active: boolean; credentials: number }>;
}

describe('admin API: accounts', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  describe('create, read, update, delete', () => {
    it('POST creates a master with the documented shape and no credentials', async () => {
      const name = unique('acme');
      const res = await t.http.post('/admin/v1/accounts').set(t.auth()).send({ name }).expect(201);
      expect(res.body).toEqual({
        account: {
          id: expect.any(String),
          kind: 'master',
          parentId: null,
          name,
          externalId: null,
          status: 'active',
          createdAt: expect.stringMatching(ISO_UTC),
          updatedAt: expect.stringMatching(ISO_UTC),
        },
        credentials: [],
      });
    });

    it('GET returns the account unwrapped', async () => {
      const master = await createMaster(t);
      const res = await t.http.get(`/admin/v1/accounts/${master.id}`).set(t.auth()).expect(200);
      expect(res.body).toEqual((master.body as { account: unknown }).account);
    });

    it('GET of an unknown id is 404 in the error shape', async () => {
      const res = await t.http.get('/admin/v1/accounts/00000000-0000-7000-8000-000000000000').set(t.auth()).expect(404);
      expect(res.body.error.code).toBe('not_found');
    });

    it('trims the name and refuses empty or over-long names with 400', async () => {
      const name = unique('trimmed');
      const res = await t.http
        .post('/admin/v1/accounts')
        .set(t.auth())
        .send({ name: `  ${name}  ` })
        .expect(201);
      expect(res.body.account.name).toBe(name);

      const longest = await t.http
        .post('/admin/v1/accounts')
        .set(t.auth())
        .send({ name: 'n'.repeat(100) })
        .expect(201);
      expect(longest.body.account.name).toHaveLength(100);

      const empty = await t.http.post('/admin/v1/accounts').set(t.auth()).send({ name: '   ' }).expect(400);
      expect(empty.body.error.code).toBe('validation_failed');
      await t.http
        .post('/admin/v1/accounts')
        .set(t.auth())
        .send({ name: 'x'.repeat(101) })
        .expect(400);
      await t.http.post('/admin/v1/accounts').set(t.auth()).send({}).expect(400);
      await t.http
        .post('/admin/v1/accounts')
        .set(t.auth())
        .send({ name: unique('x'), colour: 'red' })
        .expect(400);
    });

    it('PATCH renames and returns the account unwrapped; GET sees the change', async () => {
      const master = await createMaster(t);
      const name = unique('renamed');
      const res = await t.http.patch(`/admin/v1/accounts/${master.id}`).set(t.auth()).send({ name }).expect(200);
      expect(res.body).toMatchObject({ id: master.id, name, kind: 'master', status: 'active' });
      const got = await t.http.get(`/admin/v1/accounts/${master.id}`).set(t.auth()).expect(200);
      expect(got.body.name).toBe(name);
    });

    it('DELETE removes the account (204) and it is then 404', async () => {
      const master = await createMaster(t);
      await t.http.delete(`/admin/v1/accounts/${master.id}`).set(t.auth()).expect(204);
      await t.http.get(`/admin/v1/accounts/${master.id}`).set(t.auth()).expect(404);
      await t.http.delete(`/admin/v1/accounts/${master.id}`).set(t.auth()).expect(404);
    });
  });

  describe('list and pagination', () => {
    it('limit + nextCursor walk every page without duplicates', async () => {
      const master = await createMaster(t);
      const subIds: string[] = [];
      for (let i = 0; i < 5; i++) subIds.push((await createSub(t, master.id)).id);

      const { items, pages } = await walk(t, '/admin/v1/accounts', { parentId: master.id, limit: 2 });
      const ids = items.map((a) => a.id);
      expect(ids).toHaveLength(5);
      expect(new Set(ids).size).toBe(5);
      expect([...ids].sort()).toEqual([...subIds].sort());
      expect(pages.map((p) => p.data.length)).toEqual([2, 2, 1]);
      expect(pages[pages.length - 1].nextCursor).toBeNull();
      for (const p of pages.slice(0, -1)) expect(typeof p.nextCursor).toBe('string');
    });

    it('a last page exactly as large as the limit repeats nothing', async () => {
      const master = await createMaster(t);
      for (let i = 0; i < 2; i++) await createSub(t, master.id);
      const { items } = await walk(t, '/admin/v1/accounts', { parentId: master.id, limit: 2 });
      expect(items).toHaveLength(2);
    });

    it('lists are {data, nextCursor}; the default page holds our account', async () => {
      const master = await createMaster(t);
      const sub = await createSub(t, master.id);
      const res = await t.http.get('/admin/v1/accounts').set(t.auth()).query({ parentId: master.id }).expect(200);
      expect(res.body).toEqual({
        data: [expect.objectContaining({ id: sub.id, kind: 'sub', parentId: master.id })],
        nextCursor: null,
      });
    });

    it.each([0, 201, -1, 'abc'])('limit=%p is 400', async (limit) => {
      const res = await t.http.get('/admin/v1/accounts').set(t.auth()).query({ limit }).expect(400);
      expect(res.body.error.code).toBe('validation_failed');
    });

    it('limit 1 and 200 are accepted', async () => {
      const master = await createMaster(t);
      await createSub(t, master.id);
      await createSub(t, master.id);
      const one = await t.http
        .get('/admin/v1/accounts')
        .set(t.auth())
        .query({ parentId: master.id, limit: 1 })
        .expect(200);
      expect(one.body.data).toHaveLength(1);
      expect(typeof one.body.nextCursor).toBe('string');
      const max = await t.http
        .get('/admin/v1/accounts')
        .set(t.auth())
        .query({ parentId: master.id, limit: 200 })
        .expect(200);
      expect(max.body.data).toHaveLength(2);
      expect(max.body.nextCursor).toBeNull();
    });

    it('a cursor that was not issued by the API is 400', async () => {
      await t.http.get('/admin/v1/accounts').set(t.auth()).query({ cursor: 'not-a-cursor' }).expect(400);
    });
  });

  describe('PUT /admin/v1/accounts/by-external-id/:externalId', () => {
    it('creates once (201), then answers 200 with the same id and converges the name', async () => {
      const externalId = unique('crm');
      const first = await t.http
        .put(`/admin/v1/accounts/by-external-id/${externalId}`)
        .set(t.auth())
        .send({ name: 'First name' })
        .expect(201);
      expect(first.body).toEqual({
        account: expect.objectContaining({ id: expect.any(String), externalId, name: 'First name', kind: 'master' }),
        credentials: [],
      });

      const second = await t.http
        .put(`/admin/v1/accounts/by-external-id/${externalId}`)
        .set(t.auth())
        .send({ name: 'Second name' })
        .expect(200);
      expect(second.body.account.id).toBe(first.body.account.id);
      expect(second.body.account.name).toBe('Second name');
      expect(second.body.credentials).toEqual([]);

      const again = await t.http
        .put(`/admin/v1/accounts/by-external-id/${externalId}`)
        .set(t.auth())
        .send({ name: 'Second name' })
        .expect(200);
      expect(again.body.account.id).toBe(first.body.account.id);

      const got = await t.http.get(`/admin/v1/accounts/${first.body.account.id}`).set(t.auth()).expect(200);
      expect(got.body).toMatchObject({ name: 'Second name', externalId });
    });

    it('externalId is unique case-insensitively: "ABC-…" then "abc-…" is 409 external_id_taken', async () => {
      const upper = unique('ABC').toUpperCase();
      await createMaster(t, { externalId: upper });
      const res = await t.http
        .post('/admin/v1/accounts')
        .set(t.auth())
        .send({ name: unique('dup'), externalId: upper.toLowerCase() })
        .expect(409);
      expect(res.body.error.code).toBe('external_id_taken');
    });

    it('PATCHing another account to a taken externalId (other case) is 409', async () => {
      const externalId = unique('EXT').toUpperCase();
      await createMaster(t, { externalId });
      const other = await createMaster(t);
      const res = await t.http
        .patch(`/admin/v1/accounts/${other.id}`)
        .set(t.auth())
        .send({ externalId: externalId.toLowerCase() })
        .expect(409);
      expect(res.body.error.code).toBe('external_id_taken');
    });

    it('a legacy import through PUT returns its secrets on 201 and never again on 200', async () => {
      const externalId = unique('legacy-crm');
      const first = await t.http
        .put(`/admin/v1/accounts/by-external-id/${externalId}`)
        .set(t.auth())
        .send({ name: 'Old customer', createdAt: '2020-01-01T00:00:00.000Z' })
        .expect(201);
      const secrets = (first.body.credentials as Array<{ secret: string }>).map((c) => c.secret);
      expect(secrets).toHaveLength(4);

      const second = await t.http
        .put(`/admin/v1/accounts/by-external-id/${externalId}`)
        .set(t.auth())
        .send({ name: 'Old customer' })
        .expect(200);
      expect(second.body.account.id).toBe(first.body.account.id);
      expect(second.body.credentials).toEqual([]);
      const serialized = JSON.stringify(second.body);
      for (const secret of secrets) expect(serialized).not.toContain(secret);
    });

    it('PUT finds the existing account whatever the case of the externalId', async () => {
      const externalId = unique('MiXeD').toUpperCase();
      const first = await t.http
        .put(`/admin/v1/accounts/by-external-id/${externalId}`)
        .set(t.auth())
        .send({ name: 'a' })
        .expect(201);
      const second = await t.http
        .put(`/admin/v1/accounts/by-external-id/${externalId.toLowerCase()}`)
        .set(t.auth())
        .send({ name: 'b' })
        .expect(200);
      expect(second.body.account.id).toBe(first.body.account.id);
      expect(second.body.account.name).toBe('b');
    });

    it('an invalid externalId is 400 (pattern, length)', async () => {
      await t.http.put('/admin/v1/accounts/by-external-id/has%20space').set(t.auth()).send({ name: 'a' }).expect(400);
      await t.http
        .post('/admin/v1/accounts')
        .set(t.auth())
        .send({ name: 'a', externalId: 'e'.repeat(129) })
        .expect(400);
    });

    it('PATCH externalId null clears it and frees the id', async () => {
      const externalId = unique('free');
      const master = await createMaster(t, { externalId });
      const res = await t.http
        .patch(`/admin/v1/accounts/${master.id}`)
        .set(t.auth())
        .send({ externalId: null })
        .expect(200);
      expect(res.body.externalId).toBeNull();
      const other = await t.http.post('/admin/v1/accounts').set(t.auth()).send({ name: 'b', externalId }).expect(201);
      expect(other.body.account.id).not.toBe(master.id);
    });

    it('a body externalId different from the path is 400', async () => {
      await t.http
        .put(`/admin/v1/accounts/by-external-id/${unique('path')}`)
        .set(t.auth())
        .send({ name: unique('n'), externalId: unique('body') })
        .expect(400);
    });
  });

  describe('legacy rule', () => {
    it('a root import created before 2023-06-06 gets four credentials with channel-prefixed secrets', async () => {
      const createdAt = '2021-03-04T05:06:07.000Z';
      const res = await t.http
        .post('/admin/v1/accounts')
        .set(t.auth())
        .send({ name: unique('legacy'), createdAt })
        .expect(201);
      expect(res.body.account.createdAt).toBe(createdAt);
      const issued = res.body.credentials as Array<{ credential: Record<string, any>; secret: string }>;
      expect(issued).toHaveLength(4);
      expect(issued.map((i) => i.credential.channel).sort()).toEqual([...LEGACY].sort());
      for (const { credential, secret } of issued) {
        expect(credential.accountId).toBe(res.body.account.id);
        expect(credential.enabled).toBe(true);
        expect(secret).toMatch(new RegExp(`^${PREFIX[credential.channel]}[0-9A-Za-z]{60}$`));
        expect(credential.secretHint).toBe(secret.slice(-4));
      }
      expect(new Set(issued.map((i) => i.secret)).size).toBe(4);

      const channels = await channelsOf(t, res.body.account.id);
      expect(channels).toHaveLength(5);
      expect(channels.map((c) => c.channel).sort()).toEqual([...ALL_CHANNELS].sort());
      for (const c of channels) {
        const legacy = LEGACY.includes(c.channel);
        expect(c).toEqual({ channel: c.channel, active: legacy, credentials: legacy ? 1 : 0 });
      }
    });

    it('the legacy secrets authenticate on their own channel only', async () => {
      const res = await t.http
        .post('/admin/v1/accounts')
        .set(t.auth())
        .send({ name: unique('legacy'), createdAt: '2019-01-01T00:00:00.000Z' })
        .expect(201);
      const http = (res.body.credentials as Array<{ credential: Record<string, any>; secret: string }>).find(
        (c) => c.credential.channel === 'http',
      )!;
      const ok = await verify(t, {
        channel: 'http',
        username: http.credential.username,
        secret: http.secret,
        ip: '192.0.2.10',
      });
      expect(ok).toMatchObject({ valid: true, credentialId: http.credential.id, accountId: res.body.account.id });
      const elsewhere = await verify(t, {
        channel: 'ftp',
        username: http.credential.username,
        secret: http.secret,
        ip: '192.0.2.11',
      });
      expect(elsewhere.valid).toBe(false);
    });

    it('the cutoff is exclusive: createdAt 2023-06-06T00:00:00Z is not legacy, a millisecond earlier is', async () => {
      const atCutoff = await t.http
        .post('/admin/v1/accounts')
        .set(t.auth())
        .send({ name: unique('cutoff'), createdAt: '2023-06-06T00:00:00.000Z' })
        .expect(201);
      expect(atCutoff.body.credentials).toEqual([]);
      const before = await t.http
        .post('/admin/v1/accounts')
        .set(t.auth())
        .send({ name: unique('cutoff'), createdAt: '2023-06-05T23:59:59.999Z' })
        .expect(201);
      expect(before.body.credentials).toHaveLength(4);
    });

    it('an old sub-account gets no legacy credentials', async () => {
      const master = await createMaster(t);
      const res = await t.http
        .post('/admin/v1/accounts')
        .set(t.auth())
        .send({ name: unique('oldsub'), parentId: master.id, createdAt: '2020-01-01T00:00:00.000Z' })
        .expect(201);
      expect(res.body.account.kind).toBe('sub');
      expect(res.body.credentials).toEqual([]);
      const channels = await channelsOf(t, res.body.account.id);
      expect(channels.every((c) => !c.active && c.credentials === 0)).toBe(true);
    });

    it('a normal master has all five channels listed and none active', async () => {
      const master = await createMaster(t);
      expect(master.body.credentials).toEqual([]);
      const channels = await channelsOf(t, master.id);
      expect(channels).toHaveLength(5);
      expect(channels.map((c) => c.channel).sort()).toEqual([...ALL_CHANNELS].sort());
      for (const c of channels) expect(c).toEqual({ channel: c.channel, active: false, credentials: 0 });
    });

    it('a channel is active while it has an enabled credential', async () => {
      const master = await createMaster(t);
      const cred = await createCredential(t, master.id, { channel: 'rest' });
      let rest = (await channelsOf(t, master.id)).find((c) => c.channel === 'rest');
      expect(rest).toEqual({ channel: 'rest', active: true, credentials: 1 });

      await t.http.patch(`/admin/v1/credentials/${cred.id}`).set(t.auth()).send({ enabled: false }).expect(200);
      rest = (await channelsOf(t, master.id)).find((c) => c.channel === 'rest');
      expect(rest).toEqual({ channel: 'rest', active: false, credentials: 1 });
    });

    it('only the root token may set createdAt (a master admin token gets 403)', async () => {
      const master = await createMaster(t);
      const token = await createAdminToken(t, master.id);
      const res = await t.http
        .post('/admin/v1/accounts')
        .set(t.auth(token))
        .send({ name: unique('sub'), createdAt: '2020-01-01T00:00:00.000Z' })
        .expect(403);
      expect(res.body.error.code).toBe('forbidden');
      const list = await walk(t, '/admin/v1/accounts', { parentId: master.id }, token);
      expect(list.items).toEqual([]);
    });
  });

  describe('status', () => {
    it('root suspends and reactivates a master; a suspended account’s credentials fail', async () => {
      const master = await createMaster(t);
      const cred = await createCredential(t, master.id, { channel: 'rest' });
      expect((await verify(t, { channel: 'rest', secret: cred.secret, ip: '192.0.2.20' })).valid).toBe(true);

      const res = await t.http
        .patch(`/admin/v1/accounts/${master.id}`)
        .set(t.auth())
        .send({ status: 'suspended' })
        .expect(200);
      expect(res.body).toMatchObject({ id: master.id, status: 'suspended' });
      const got = await t.http.get(`/admin/v1/accounts/${master.id}`).set(t.auth()).expect(200);
      expect(got.body.status).toBe('suspended');
      expect(await verify(t, { channel: 'rest', secret: cred.secret, ip: '192.0.2.20' })).toMatchObject({
        valid: false,
        reason: 'account_suspended',
      });

      await t.http.patch(`/admin/v1/accounts/${master.id}`).set(t.auth()).send({ status: 'active' }).expect(200);
      expect((await verify(t, { channel: 'rest', secret: cred.secret, ip: '192.0.2.20' })).valid).toBe(true);
    });

    it("suspending a master makes its sub-accounts' credentials fail too", async () => {
      const master = await createMaster(t);
      const sub = await createSub(t, master.id);
      const cred = await createCredential(t, sub.id, { channel: 'rest' });
      expect((await verify(t, { channel: 'rest', secret: cred.secret, ip: '192.0.2.21' })).valid).toBe(true);
      await t.http.patch(`/admin/v1/accounts/${master.id}`).set(t.auth()).send({ status: 'suspended' }).expect(200);
      expect(await verify(t, { channel: 'rest', secret: cred.secret, ip: '192.0.2.21' })).toMatchObject({
        valid: false,
        reason: 'account_suspended',
      });
      const subNow = await t.http.get(`/admin/v1/accounts/${sub.id}`).set(t.auth()).expect(200);
      expect(subNow.body.status).toBe('active');
    });

    it('a master created suspended starts suspended', async () => {
      const res = await t.http
        .post('/admin/v1/accounts')
        .set(t.auth())
        .send({ name: unique('s'), status: 'suspended' })
        .expect(201);
      expect(res.body.account.status).toBe('suspended');
    });

    it('an unknown status is 400', async () => {
      const master = await createMaster(t);
      await t.http.patch(`/admin/v1/accounts/${master.id}`).set(t.auth()).send({ status: 'frozen' }).expect(400);
    });

    it('a master admin token cannot suspend its own master account (403)', async () => {
      const master = await createMaster(t);
      const token = await createAdminToken(t, master.id);
      await t.http
        .patch(`/admin/v1/accounts/${master.id}`)
        .set(t.auth(token))
        .send({ status: 'suspended' })
        .expect(403);
      const got = await t.http.get(`/admin/v1/accounts/${master.id}`).set(t.auth()).expect(200);
      expect(got.body.status).toBe('active');
    });
  });

  describe('sub-accounts', () => {
    it('a sub-account has kind sub and its master as parentId', async () => {
      const master = await createMaster(t);
      const sub = await createSub(t, master.id);
      expect(sub.body).toEqual({
        account: expect.objectContaining({ id: sub.id, kind: 'sub', parentId: master.id, status: 'active' }),
        credentials: [],
      });
    });

    it('a sub-account cannot have sub-accounts: parentId of a sub is 400', async () => {
      const master = await createMaster(t);
      const sub = await createSub(t, master.id);
      const res = await t.http
        .post('/admin/v1/accounts')
        .set(t.auth())
        .send({ name: unique('grandchild'), parentId: sub.id })
        .expect(400);
      expect(res.body.error.code).toBe('validation_failed');
      const list = await walk(t, '/admin/v1/accounts', { parentId: sub.id });
      expect(list.items).toEqual([]);
    });

    it('a master with a parentId is 400, an unknown parent is 404', async () => {
      const master = await createMaster(t);
      await t.http
        .post('/admin/v1/accounts')
        .set(t.auth())
        .send({ name: unique('m'), kind: 'master', parentId: master.id })
        .expect(400);
      await t.http
        .post('/admin/v1/accounts')
        .set(t.auth())
        .send({ name: unique('s'), parentId: '00000000-0000-7000-8000-000000000000' })
        .expect(404);
    });

    it('a master with subs cannot be deleted (409); after its subs it can, and its credentials are gone', async () => {
      const master = await createMaster(t);
      const sub = await createSub(t, master.id);
      const masterCred = await createCredential(t, master.id, { channel: 'rest' });
      const subCred = await createCredential(t, sub.id, { channel: 'http' });

      const refused = await t.http.delete(`/admin/v1/accounts/${master.id}`).set(t.auth()).expect(409);
      expect(refused.body.error.code).toBe('account_has_sub_accounts');
      await t.http.get(`/admin/v1/accounts/${master.id}`).set(t.auth()).expect(200);
      await t.http.get(`/admin/v1/credentials/${masterCred.id}`).set(t.auth()).expect(200);

      await t.http.delete(`/admin/v1/accounts/${sub.id}`).set(t.auth()).expect(204);
      await t.http.get(`/admin/v1/accounts/${sub.id}`).set(t.auth()).expect(404);
      await t.http.get(`/admin/v1/credentials/${subCred.id}`).set(t.auth()).expect(404);

      await t.http.delete(`/admin/v1/accounts/${master.id}`).set(t.auth()).expect(204);
      await t.http.get(`/admin/v1/accounts/${master.id}`).set(t.auth()).expect(404);
      await t.http.get(`/admin/v1/credentials/${masterCred.id}`).set(t.auth()).expect(404);
      expect((await verify(t, { channel: 'rest', secret: masterCred.secret, ip: '192.0.2.30' })).valid).toBe(false);
    });

    it('deleting a legacy master takes its four credentials with it', async () => {
      const res = await t.http
        .post('/admin/v1/accounts')
        .set(t.auth())
        .send({ name: unique('legacy'), createdAt: '2018-01-01T00:00:00.000Z' })
        .expect(201);
      const ids = (res.body.credentials as Array<{ credential: { id: string } }>).map((c) => c.credential.id);
      expect(ids).toHaveLength(4);
      await t.http.delete(`/admin/v1/accounts/${res.body.account.id}`).set(t.auth()).expect(204);
      for (const id of ids) await t.http.get(`/admin/v1/credentials/${id}`).set(t.auth()).expect(404);
    });
  });
});
