import { expectError } from '../support/assertions';
import { createCredential, createMaster } from '../support/factories';
import { TestApp, startTestApp, unique } from '../support/test-app';

/** Security review, items 7 and 12 (HTTP layer): bodies, headers, and who may read /metrics. */
describe('HTTP hardening', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  const nested = (levels: number) => `${'['.repeat(levels)}${']'.repeat(levels)}`;

  describe('deeply nested JSON', () => {
    it('is a 400 naming the field on the admin API, not a 500 (5 000 levels)', async () => {
      const master = await createMaster(t);
      const res = await t.http
        .post('/admin/v1/accounts')
        .set(t.auth())
        .set('Content-Type', 'application/json')
        .send(`{"name":"x","parentId":"${master.id}","junk":${nested(5000)}}`);
      expectError(res, 400, 'validation_failed');
      expect(res.body.error.details).toMatchObject({ field: expect.stringMatching(/^junk(\.0)*$/), maxDepth: 32 });
      expect(res.text).not.toMatch(/stack|at .*\.js/i);
      const subs = await t.http.get('/admin/v1/accounts').set(t.auth()).query({ parentId: master.id }).expect(200);
      expect(subs.body.data).toEqual([]); // nothing was created
    });

    it('is a 400 on /rest/v1/messages too, before the key is even checked', async () => {
      const res = await t.http
        .post('/rest/v1/messages')
        .set('Authorization', `Bearer gkr_${'a'.repeat(60)}`)
        .set('Content-Type', 'application/json')
        .send(`{"body":"x","target":${nested(5000)}}`);
      expectError(res, 400, 'validation_failed');
    });

    it('32 levels are still read (and then judged by the route)', async () => {
      // An array 31 deep inside the top-level object: 32 levels in all, past the parser.
      const res = await t.http
        .post('/admin/v1/accounts')
        .set(t.auth())
        .set('Content-Type', 'application/json')
        .send(`{"name":"x","junk":${nested(31)}}`);
      expectError(res, 400, 'validation_failed');
      expect(res.body.error.message).not.toMatch(/nested deeper/);
      expect(res.body.error.message).toMatch(/junk/);
    });
  });

  describe('path case', () => {
    it('the body parsers match paths as the router does: /ADMIN/v1/accounts reads its JSON body', async () => {
      const name = unique('Upper');
      const res = await t.http.post('/ADMIN/v1/Accounts').set(t.auth()).send({ name }).expect(201);
      expect(res.body.account.name).toBe(name);
    });

    it('/REST/v1/messages reads its JSON body', async () => {
      const account = await createMaster(t);
      const key = await createCredential(t, account.id, { channel: 'rest' });
      await t.http
        .post('/REST/v1/messages')
        .set('Authorization', `Bearer ${key.secret}`)
        .send({ to: ['+447700900123'], body: 'hello' })
        .expect(202);
    });
  });

  describe('Cache-Control: no-store on every admin response', () => {
    it('on the responses that carry secrets', async () => {
      const account = await createMaster(t);
      const created = await t.http
        .post(`/admin/v1/accounts/${account.id}/credentials`)
        .set(t.auth())
        .send({ channel: 'rest', name: 'k' })
        .expect(201);
      expect(created.headers['cache-control']).toBe('no-store');
      const rotated = await t.http
        .post(`/admin/v1/credentials/${created.body.credential.id}/rotate`)
        .set(t.auth())
        .send({})
        .expect(200);
      expect(rotated.headers['cache-control']).toBe('no-store');
      const token = await t.http
        .post(`/admin/v1/accounts/${account.id}/admin-tokens`)
        .set(t.auth())
        .send({ name: 'x' })
        .expect(201);
      expect(token.headers['cache-control']).toBe('no-store');
    });

    it('on reads, errors and unknown admin routes alike', async () => {
      for (const res of [
        await t.http.get('/admin/v1/accounts').set(t.auth()),
        await t.http.get('/admin/v1/accounts'),
        await t.http.get('/admin/v1/accounts/nope').set(t.auth()),
        await t.http.get('/admin/v1/no-such-route').set(t.auth()),
        await t.http.post('/admin/v1/accounts').set(t.auth()).set('Content-Type', 'application/json').send('{bad'),
      ]) {
        expect(res.headers['cache-control']).toBe('no-store');
      }
    });
  });

  describe('/docs', () => {
    it('sends a Content-Security-Policy without inline scripts, and X-Frame-Options: DENY', async () => {
      for (const path of ['/docs', '/docs/', '/docs/openapi.json']) {
        const res = await t.http.get(path).redirects(1);
        expect(res.status).toBe(200);
        const csp = res.headers['content-security-policy'];
        expect(csp).toMatch(/script-src 'self'(;|$)/);
        expect(csp).toMatch(/frame-ancestors 'none'/);
        expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
        expect(res.headers['x-frame-options']).toBe('DENY');
      }
      // and the page itself has no inline script for that policy to break
      const page = await t.http.get('/docs/').expect(200);
      expect(page.text).not.toMatch(/<script>(?!\s*<\/script>)/);
    });
  });

  describe('/metrics', () => {
    it('is open when no token is configured', async () => {
      const res = await t.http.get('/metrics').expect(200);
      expect(res.text).toContain('gatehouse_');
    });

    describe('with GATEHOUSE_METRICS_TOKEN', () => {
      let guarded: TestApp;
      const TOKEN = 'metrics-token-0123456789';
      beforeAll(async () => {
        guarded = await startTestApp({ GATEHOUSE_METRICS_TOKEN: TOKEN });
      });
      afterAll(async () => {
        await guarded.close();
      });

      it('wants that bearer token: none or a wrong one is a 401 in the API error shape', async () => {
        for (const headers of [{}, { Authorization: 'Bearer wrong-token-0123456789' }, { Authorization: TOKEN }]) {
          const res = await guarded.http.get('/metrics').set(headers);
          expectError(res, 401, 'unauthorized');
          expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
          expect(res.text).not.toContain('gatehouse_process');
        }
        const ok = await guarded.http.get('/metrics').set('Authorization', `Bearer ${TOKEN}`).expect(200);
        expect(ok.text).toContain('gatehouse_');
      });

      it('is refused at start when shorter than 16 characters', async () => {
        await expect(startTestApp({ GATEHOUSE_METRICS_TOKEN: 'short' })).rejects.toThrow(/GATEHOUSE_METRICS_TOKEN/);
      });
    });
  });
});
