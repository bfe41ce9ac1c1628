import type { Response } from 'supertest';
import { TestApp, startTestApp, unique } from '../support/test-app';
import { createAdminToken, createCredential, createMaster, createSub } from '../support/factories';

const MISSING = '00000000-0000-7000-8000-000000000000';

/** Every item of a paginated list, following nextCursor. */
async function listAll(t: TestApp, path: string, token: string, query: Record<string, string | number> = {}) {
  const items: Array<Record<string, any>> = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const res: Response = await t.http
      .get(path)
      .set(t.auth(token))
      .query({ limit: 200, ...query, ...(cursor ? { cursor } : {}) })
      .expect(200);
    items.push(...res.body.data);
    cursor = res.body.nextCursor;
    if (++pages > 500) throw new Error('pagination does not terminate');
  } while (cursor);
  return items;
}

interface Tenant {
  masterId: string;
  masterToken: string;
  subId: string;
  subToken: string;
  siblingId: string;
  masterCredId: string;
  subCredId: string;
  siblingCredId: string;
  groupSlug: string;
  adminTokenId: string;
}

/** A master with two subs, a credential and token on each, and a group on the master. */
async function createTenant(t: TestApp): Promise<Tenant> {
  const master = await createMaster(t);
  const sub = await createSub(t, master.id);
  const sibling = await createSub(t, master.id);
  const tokenRes = await t.http
    .post(`/admin/v1/accounts/${master.id}/admin-tokens`)
    .set(t.auth())
    .send({ name: 'master token' })
    .expect(201);
  const groupSlug = unique('grp');
  await t.http
    .post(`/admin/v1/accounts/${master.id}/groups`)
    .set(t.auth())
    .send({ slug: groupSlug, name: 'Group' })
    .expect(201);
  return {
    masterId: master.id,
    masterToken: tokenRes.body.token,
    adminTokenId: tokenRes.body.adminToken.id,
    subId: sub.id,
    subToken: await createAdminToken(t, sub.id),
    siblingId: sibling.id,
    masterCredId: (await createCredential(t, master.id)).id,
    subCredId: (await createCredential(t, sub.id)).id,
    siblingCredId: (await createCredential(t, sibling.id)).id,
    groupSlug,
  };
}

describe('admin API: tokens and tenancy', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  describe('admin tokens', () => {
    it('POST returns {adminToken, token} once; the list never contains the token', async () => {
      const master = await createMaster(t);
      const name = unique('script');
      const res = await t.http
        .post(`/admin/v1/accounts/${master.id}/admin-tokens`)
        .set(t.auth())
        .send({ name })
        .expect(201);
      expect(Object.keys(res.body).sort()).toEqual(['adminToken', 'token']);
      const token = res.body.token as string;
      expect(typeof token).toBe('string');
      expect(token.length).toBeGreaterThanOrEqual(32);
      expect(res.body.adminToken).toMatchObject({
        id: expect.any(String),
        accountId: master.id,
        name,
        tokenHint: token.slice(-4),
      });
      expect(JSON.stringify(res.body.adminToken)).not.toContain(token);

      const list = await t.http.get(`/admin/v1/accounts/${master.id}/admin-tokens`).set(t.auth()).expect(200);
      expect(list.body.nextCursor).toBeNull();
      expect(list.body.data.map((x: { id: string }) => x.id)).toEqual([res.body.adminToken.id]);
      expect(JSON.stringify(list.body)).not.toContain(token);

      // The token works, and its own listing does not reveal it either.
      const own = await t.http.get(`/admin/v1/accounts/${master.id}/admin-tokens`).set(t.auth(token)).expect(200);
      expect(JSON.stringify(own.body)).not.toContain(token);
    });

    it('each token is different', async () => {
      const master = await createMaster(t);
      const a = await createAdminToken(t, master.id);
      const b = await createAdminToken(t, master.id);
      expect(a).not.toBe(b);
    });

    it('DELETE /admin/v1/admin-tokens/:id revokes the token (then 401)', async () => {
      const master = await createMaster(t);
      const res = await t.http
        .post(`/admin/v1/accounts/${master.id}/admin-tokens`)
        .set(t.auth())
        .send({ name: 'x' })
        .expect(201);
      const token = res.body.token as string;
      await t.http.get(`/admin/v1/accounts/${master.id}`).set(t.auth(token)).expect(200);

      await t.http.delete(`/admin/v1/admin-tokens/${res.body.adminToken.id}`).set(t.auth()).expect(204);
      const denied = await t.http.get(`/admin/v1/accounts/${master.id}`).set(t.auth(token)).expect(401);
      expect(denied.body.error.code).toBe('unauthorized');
      const list = await t.http.get(`/admin/v1/accounts/${master.id}/admin-tokens`).set(t.auth()).expect(200);
      expect(list.body.data).toEqual([]);
    });

    it('a master token can revoke a token of its sub, not of another tenant', async () => {
      const a = await createTenant(t);
      const b = await createTenant(t);
      const subTokens = await t.http
        .get(`/admin/v1/accounts/${a.subId}/admin-tokens`)
        .set(t.auth(a.masterToken))
        .expect(200);
      expect(subTokens.body.data).toHaveLength(1);
      await t.http.delete(`/admin/v1/admin-tokens/${b.adminTokenId}`).set(t.auth(a.masterToken)).expect(404);
      await t.http.get(`/admin/v1/accounts/${b.masterId}`).set(t.auth(b.masterToken)).expect(200);
      await t.http.delete(`/admin/v1/admin-tokens/${subTokens.body.data[0].id}`).set(t.auth(a.masterToken)).expect(204);
      await t.http.get(`/admin/v1/accounts/${a.subId}`).set(t.auth(a.subToken)).expect(401);
    });
  });

  describe('master token', () => {
    it('sees itself and its subs', async () => {
      const a = await createTenant(t);
      for (const id of [a.masterId, a.subId, a.siblingId]) {
        const res = await t.http.get(`/admin/v1/accounts/${id}`).set(t.auth(a.masterToken)).expect(200);
        expect(res.body.id).toBe(id);
      }
      for (const id of [a.masterCredId, a.subCredId, a.siblingCredId]) {
        await t.http.get(`/admin/v1/credentials/${id}`).set(t.auth(a.masterToken)).expect(200);
      }
    });

    it('GET /admin/v1/accounts lists exactly its tenant', async () => {
      const a = await createTenant(t);
      await createTenant(t);
      const items = await listAll(t, '/admin/v1/accounts', a.masterToken, { limit: 2 });
      expect(items.map((x) => x.id).sort()).toEqual([a.masterId, a.subId, a.siblingId].sort());
    });

    it('creates a sub under itself when POST has no parentId, and credentials on it', async () => {
      const a = await createTenant(t);
      const res = await t.http
        .post('/admin/v1/accounts')
        .set(t.auth(a.masterToken))
        .send({ name: unique('mine') })
        .expect(201);
      expect(res.body.account).toMatchObject({ kind: 'sub', parentId: a.masterId });
      expect(res.body.credentials).toEqual([]);

      const cred = await createCredential(t, res.body.account.id, { channel: 'rest' }, a.masterToken);
      expect(cred.body.credential.accountId).toBe(res.body.account.id);
      expect(cred.secret).toMatch(/^gkr_[0-9A-Za-z]{60}$/);
      await t.http.get(`/admin/v1/credentials/${cred.id}`).set(t.auth()).expect(200);
    });

    it('creates a sub with an explicit parentId of itself', async () => {
      const a = await createTenant(t);
      const sub = await createSub(t, a.masterId, a.masterToken);
      expect(sub.body).toMatchObject({ account: { kind: 'sub', parentId: a.masterId } });
    });

    it('cannot create a master account (403)', async () => {
      const a = await createTenant(t);
      const res = await t.http
        .post('/admin/v1/accounts')
        .set(t.auth(a.masterToken))
        .send({ name: unique('m'), kind: 'master' })
        .expect(403);
      expect(res.body.error.code).toBe('forbidden');
    });

    it('cannot create a sub under another master (404)', async () => {
      const a = await createTenant(t);
      const b = await createTenant(t);
      await t.http
        .post('/admin/v1/accounts')
        .set(t.auth(a.masterToken))
        .send({ name: unique('s'), parentId: b.masterId })
        .expect(404);
      const bAccounts = await listAll(t, '/admin/v1/accounts', b.masterToken);
      expect(bAccounts).toHaveLength(3);
    });

    it('deletes its own sub-account but not itself (403)', async () => {
      const a = await createTenant(t);
      await t.http.delete(`/admin/v1/accounts/${a.masterId}`).set(t.auth(a.masterToken)).expect(403);
      await t.http.delete(`/admin/v1/accounts/${a.siblingId}`).set(t.auth(a.masterToken)).expect(204);
      await t.http.get(`/admin/v1/accounts/${a.siblingId}`).set(t.auth()).expect(404);
      await t.http.get(`/admin/v1/accounts/${a.masterId}`).set(t.auth()).expect(200);
    });

    it('suspends and reactivates its own sub-account', async () => {
      const a = await createTenant(t);
      const res = await t.http
        .patch(`/admin/v1/accounts/${a.subId}`)
        .set(t.auth(a.masterToken))
        .send({ status: 'suspended' })
        .expect(200);
      expect(res.body.status).toBe('suspended');
      await t.http
        .patch(`/admin/v1/accounts/${a.subId}`)
        .set(t.auth(a.masterToken))
        .send({ status: 'active' })
        .expect(200);
    });

    it('gets 404 for everything of another tenant', async () => {
      const a = await createTenant(t);
      const b = await createTenant(t);
      const as = t.auth(a.masterToken);
      for (const id of [b.masterId, b.subId]) {
        const res = await t.http.get(`/admin/v1/accounts/${id}`).set(as).expect(404);
        expect(res.body.error.code).toBe('not_found');
        await t.http.patch(`/admin/v1/accounts/${id}`).set(as).send({ name: 'hijacked' }).expect(404);
        await t.http.delete(`/admin/v1/accounts/${id}`).set(as).expect(404);
        await t.http.get(`/admin/v1/accounts/${id}/channels`).set(as).expect(404);
        await t.http.get(`/admin/v1/accounts/${id}/credentials`).set(as).expect(404);
        await t.http
          .post(`/admin/v1/accounts/${id}/credentials`)
          .set(as)
          .send({ channel: 'rest', name: 'x' })
          .expect(404);
        await t.http.get(`/admin/v1/accounts/${id}/groups`).set(as).expect(404);
        await t.http
          .post(`/admin/v1/accounts/${id}/groups`)
          .set(as)
          .send({ slug: unique('g'), name: 'x' })
          .expect(404);
        await t.http.get(`/admin/v1/accounts/${id}/admin-tokens`).set(as).expect(404);
        await t.http.post(`/admin/v1/accounts/${id}/admin-tokens`).set(as).send({ name: 'x' }).expect(404);
      }
      await t.http.get(`/admin/v1/accounts/${b.masterId}/groups/${b.groupSlug}`).set(as).expect(404);
      await t.http
        .patch(`/admin/v1/accounts/${b.masterId}/groups/${b.groupSlug}`)
        .set(as)
        .send({ name: 'x' })
        .expect(404);
      await t.http.delete(`/admin/v1/accounts/${b.masterId}/groups/${b.groupSlug}`).set(as).expect(404);
      for (const id of [b.masterCredId, b.subCredId]) {
        const res = await t.http.get(`/admin/v1/credentials/${id}`).set(as).expect(404);
        expect(res.body.error.code).toBe('not_found');
        await t.http.patch(`/admin/v1/credentials/${id}`).set(as).send({ enabled: false }).expect(404);
        await t.http.post(`/admin/v1/credentials/${id}/rotate`).set(as).send({}).expect(404);
        await t.http.delete(`/admin/v1/credentials/${id}`).set(as).expect(404);
      }

      // Nothing of b changed.
      const bMaster = await t.http.get(`/admin/v1/accounts/${b.masterId}`).set(t.auth()).expect(200);
      expect(bMaster.body.name).not.toBe('hijacked');
      const bCred = await t.http.get(`/admin/v1/credentials/${b.masterCredId}`).set(t.auth()).expect(200);
      expect(bCred.body.enabled).toBe(true);
      expect(bCred.body.rotatedAt).toBeNull();
      await t.http.get(`/admin/v1/accounts/${b.masterId}/groups/${b.groupSlug}`).set(t.auth()).expect(200);
      await t.http.get(`/admin/v1/accounts/${b.subId}`).set(t.auth()).expect(200);
      const bTokens = await t.http.get(`/admin/v1/accounts/${b.masterId}/admin-tokens`).set(t.auth()).expect(200);
      expect(bTokens.body.data).toHaveLength(1);
    });
  });

  describe('sub-account token', () => {
    it('sees only its own account', async () => {
      const a = await createTenant(t);
      const own = await t.http.get(`/admin/v1/accounts/${a.subId}`).set(t.auth(a.subToken)).expect(200);
      expect(own.body).toMatchObject({ id: a.subId, kind: 'sub', parentId: a.masterId });
      await t.http.get(`/admin/v1/credentials/${a.subCredId}`).set(t.auth(a.subToken)).expect(200);

      for (const id of [a.masterId, a.siblingId]) {
        await t.http.get(`/admin/v1/accounts/${id}`).set(t.auth(a.subToken)).expect(404);
        await t.http.get(`/admin/v1/accounts/${id}/credentials`).set(t.auth(a.subToken)).expect(404);
        await t.http.get(`/admin/v1/accounts/${id}/admin-tokens`).set(t.auth(a.subToken)).expect(404);
      }
      await t.http.get(`/admin/v1/accounts/${a.masterId}/groups`).set(t.auth(a.subToken)).expect(404);
      for (const id of [a.masterCredId, a.siblingCredId]) {
        await t.http.get(`/admin/v1/credentials/${id}`).set(t.auth(a.subToken)).expect(404);
      }

      const listed = await listAll(t, '/admin/v1/accounts', a.subToken);
      expect(listed.map((x) => x.id)).toEqual([a.subId]);
    });

    it('manages credentials on itself', async () => {
      const a = await createTenant(t);
      const cred = await createCredential(t, a.subId, { channel: 'http' }, a.subToken);
      expect(cred.body.credential.accountId).toBe(a.subId);
      await t.http
        .post(`/admin/v1/accounts/${a.siblingId}/credentials`)
        .set(t.auth(a.subToken))
        .send({ channel: 'http', name: 'x' })
        .expect(404);
    });

    it('cannot create accounts (403)', async () => {
      const a = await createTenant(t);
      await t.http
        .post('/admin/v1/accounts')
        .set(t.auth(a.subToken))
        .send({ name: unique('x') })
        .expect(403);
      await t.http
        .post('/admin/v1/accounts')
        .set(t.auth(a.subToken))
        .send({ name: unique('x'), parentId: a.masterId })
        .expect(403);
      await t.http
        .post('/admin/v1/accounts')
        .set(t.auth(a.subToken))
        .send({ name: unique('x'), kind: 'master' })
        .expect(403);
      const tenant = await listAll(t, '/admin/v1/accounts', a.masterToken);
      expect(tenant).toHaveLength(3);
    });

    it('renames itself but cannot delete itself (403)', async () => {
      const a = await createTenant(t);
      const renamed = await t.http
        .patch(`/admin/v1/accounts/${a.subId}`)
        .set(t.auth(a.subToken))
        .send({ name: 'mine' })
        .expect(200);
      expect(renamed.body.name).toBe('mine');
      await t.http.delete(`/admin/v1/accounts/${a.subId}`).set(t.auth(a.subToken)).expect(403);
      await t.http.get(`/admin/v1/accounts/${a.subId}`).set(t.auth()).expect(200);
    });

    it('cannot suspend itself (403)', async () => {
      const a = await createTenant(t);
      const res = await t.http
        .patch(`/admin/v1/accounts/${a.subId}`)
        .set(t.auth(a.subToken))
        .send({ status: 'suspended' })
        .expect(403);
      expect(res.body.error.code).toBe('forbidden');
      const got = await t.http.get(`/admin/v1/accounts/${a.subId}`).set(t.auth()).expect(200);
      expect(got.body.status).toBe('active');
    });
  });

  describe('suspension', () => {
    it("a suspended master's token and its sub's token get 401; reactivation restores them", async () => {
      const a = await createTenant(t);
      await t.http.patch(`/admin/v1/accounts/${a.masterId}`).set(t.auth()).send({ status: 'suspended' }).expect(200);

      const m = await t.http.get(`/admin/v1/accounts/${a.masterId}`).set(t.auth(a.masterToken)).expect(401);
      expect(m.body.error.code).toBe('unauthorized');
      const s = await t.http.get(`/admin/v1/accounts/${a.subId}`).set(t.auth(a.subToken)).expect(401);
      expect(s.body.error.code).toBe('unauthorized');

      await t.http.patch(`/admin/v1/accounts/${a.masterId}`).set(t.auth()).send({ status: 'active' }).expect(200);
      await t.http.get(`/admin/v1/accounts/${a.masterId}`).set(t.auth(a.masterToken)).expect(200);
      await t.http.get(`/admin/v1/accounts/${a.subId}`).set(t.auth(a.subToken)).expect(200);
    });

    it("a suspended sub's token gets 401, its master's token still works", async () => {
      const a = await createTenant(t);
      await t.http
        .patch(`/admin/v1/accounts/${a.subId}`)
        .set(t.auth(a.masterToken))
        .send({ status: 'suspended' })
        .expect(200);
      await t.http.get(`/admin/v1/accounts/${a.subId}`).set(t.auth(a.subToken)).expect(401);
      await t.http.get(`/admin/v1/accounts/${a.subId}`).set(t.auth(a.masterToken)).expect(200);
    });
  });

  describe('bearer authentication', () => {
    const cases: Array<[string, Record<string, string>]> = [
      ['no Authorization header', {}],
      ['an empty bearer', { Authorization: 'Bearer ' }],
      ['a garbage bearer', { Authorization: 'Bearer not-a-token' }],
      ['an unknown admin-token-shaped bearer', { Authorization: `Bearer gka_${'A'.repeat(60)}` }],
      ['Basic auth', { Authorization: `Basic ${Buffer.from('root:root').toString('base64')}` }],
      ['a lowercase scheme with junk', { Authorization: 'bearer x y z' }],
    ];

    it.each(cases)('%s → 401 with WWW-Authenticate and the error shape', async (_label, headers) => {
      const res = await t.http.get('/admin/v1/accounts').set(headers).expect(401);
      expect(res.headers['www-authenticate']).toMatch(/^Bearer\b/);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.body).toEqual({ error: { code: 'unauthorized', message: expect.any(String) } });
    });

    it('401 on writes too, and nothing is created', async () => {
      const externalId = unique('ghost');
      const res = await t.http
        .post('/admin/v1/accounts')
        .set({ Authorization: 'Bearer nope' })
        .send({ name: 'ghost', externalId })
        .expect(401);
      expect(res.headers['www-authenticate']).toBeDefined();
      expect(res.body.error.code).toBe('unauthorized');
      // The externalId is still free: the refused request created nothing.
      await t.http
        .put(`/admin/v1/accounts/by-external-id/${externalId}`)
        .set(t.auth())
        .send({ name: 'real' })
        .expect(201);
    });

    it('a token of a deleted account gets 401', async () => {
      const master = await createMaster(t);
      const token = await createAdminToken(t, master.id);
      await t.http.get(`/admin/v1/accounts/${master.id}`).set(t.auth(token)).expect(200);
      await t.http.delete(`/admin/v1/accounts/${master.id}`).set(t.auth()).expect(204);
      await t.http.get(`/admin/v1/accounts/${master.id}`).set(t.auth(token)).expect(401);
    });

    it('unknown ids are 404 for the root token too', async () => {
      await t.http.get(`/admin/v1/accounts/${MISSING}`).set(t.auth()).expect(404);
      await t.http.get(`/admin/v1/credentials/${MISSING}`).set(t.auth()).expect(404);
      await t.http.delete(`/admin/v1/admin-tokens/${MISSING}`).set(t.auth()).expect(404);
    });
  });
});
