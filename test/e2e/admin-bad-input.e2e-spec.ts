import type { Response } from 'supertest';
import { TestApp, startTestApp, unique } from '../support/test-app';
import { createCredential, createGroup, createMaster } from '../support/factories';

/**
 * Bad input to the admin API: malformed JSON, wrong types, unknown fields, oversize bodies,
 * bad query strings and ids. Always a 4xx in the error shape naming the field — never a 500,
 * a stack trace, or a secret echoed back.
 */

type Req = { method: 'post' | 'patch'; url: string };

describe('admin API: bad input', () => {
  let t: TestApp;
  let accountId: string;
  let restKey: { id: string; secret: string };
  let ftpKey: { id: string; secret: string };
  let groupSlug: string;

  beforeAll(async () => {
    t = await startTestApp();
    // Read-only fixtures: every test below is refused, so none of them changes these.
    accountId = (await createMaster(t)).id;
    restKey = await createCredential(t, accountId, { channel: 'rest' });
    ftpKey = await createCredential(t, accountId, { channel: 'ftp', secret: `ftp-fixture-${unique('s')}` });
    groupSlug = (await createGroup(t, accountId)).slug;
  });
  afterAll(async () => {
    await t.close();
  });

  /** A refused request in the one error shape, with nothing internal in it. */
  function expectClean(res: Response, status: number, code?: string): void {
    expect(res.status).toBe(status);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body).toEqual({
      error: expect.objectContaining({ code: code ?? expect.stringMatching(/^[a-z_]+$/), message: expect.any(String) }),
    });
    expect(res.text).not.toMatch(/\n\s*at |\bat [\w.<>]+ \(|\.(ts|js):\d+:\d+/);
    expect(res.text).not.toContain('Error:');
    expect(res.text).not.toContain('internal_error');
  }

  /** Fields a 400 names: `details.field` (service checks) or keys of `details.fields` (DTO checks). */
  function namedFields(res: Response): string[] {
    const details = (res.body?.error?.details ?? {}) as { field?: string; fields?: Record<string, unknown> };
    return [...(details.field ? [details.field] : []), ...Object.keys(details.fields ?? {})];
  }

  const ROUTE_NAMES = [
    'create credential',
    'update credential',
    'rotate credential',
    'verify',
    'create group',
    'create account',
  ] as const;
  type RouteName = (typeof ROUTE_NAMES)[number];
  function route(name: RouteName): Req {
    switch (name) {
      case 'create credential':
        return { method: 'post', url: `/admin/v1/accounts/${accountId}/credentials` };
      case 'update credential':
        return { method: 'patch', url: `/admin/v1/credentials/${restKey.id}` };
      case 'rotate credential':
        return { method: 'post', url: `/admin/v1/credentials/${restKey.id}/rotate` };
      case 'verify':
        return { method: 'post', url: '/admin/v1/verify' };
      case 'create group':
        return { method: 'post', url: `/admin/v1/accounts/${accountId}/groups` };
      case 'create account':
        return { method: 'post', url: '/admin/v1/accounts' };
    }
  }
  const send = (name: RouteName, body: unknown) => {
    const r = route(name);
    return t.http[r.method](r.url)
      .set(t.auth())
      .send(body as object);
  };

  const raw = (r: Req, body: string, type = 'application/json') =>
    t.http[r.method](r.url).set(t.auth()).set('Content-Type', type).send(body);

  /** The fixtures are untouched: still the same secret, never rotated. */
  async function expectFixturesUnchanged(): Promise<void> {
    const got = await t.http.get(`/admin/v1/credentials/${restKey.id}`).set(t.auth()).expect(200);
    expect(got.body).toMatchObject({ rotatedAt: null, secretHint: restKey.secret.slice(-4), enabled: true });
  }

  describe('malformed bodies', () => {
    it.each(ROUTE_NAMES)('%s: malformed JSON is 400 invalid_json', async (name) => {
      const res = await raw(route(name), '{"name": "x",');
      expectClean(res, 400, 'invalid_json');
    });

    it.each(
      ROUTE_NAMES.flatMap((name) => ['"just a string"', '42', 'true', 'null'].map((body) => [name, body] as const)),
    )('%s: a JSON body that is %s is 400', async (name, body) => {
      const res = await raw(route(name), body);
      expectClean(res, 400);
    });

    it('an array body is 400, not a 500', async () => {
      const res = await t.http
        .post(`/admin/v1/accounts/${accountId}/credentials`)
        .set(t.auth())
        .send([{ channel: 'rest', name: 'x' }]);
      expectClean(res, 400);
    });

    it.each(ROUTE_NAMES)('%s: a body over 1 MiB is 413 payload_too_large', async (name) => {
      const res = await raw(route(name), JSON.stringify({ name: 'x'.repeat(1024 * 1024 + 10) }));
      expectClean(res, 413, 'payload_too_large');
    });

    it('a body just under 1 MiB is parsed (and then judged on its content)', async () => {
      const res = await t.http
        .post(`/admin/v1/accounts/${accountId}/credentials`)
        .set(t.auth())
        .send({ channel: 'rest', name: 'x'.repeat(1000 * 1000) });
      expectClean(res, 400, 'validation_failed');
      expect(namedFields(res)).toContain('name');
    });
  });

  describe('unknown fields', () => {
    it.each<[RouteName, object, string]>([
      ['create credential', { channel: 'rest', name: 'k', colour: 'blue' }, 'colour'],
      ['create credential', { channel: 'rest', name: 'k', id: '01900000-0000-7000-8000-000000000000' }, 'id'],
      ['update credential', { channel: 'ftp' }, 'channel'],
      ['update credential', { username: 'someone' }, 'username'],
      ['update credential', { secretHint: 'abcd' }, 'secretHint'],
      ['rotate credential', { name: 'x' }, 'name'],
      ['verify', { channel: 'rest', secret: 'x', ip: '192.0.2.1', extra: true }, 'extra'],
      ['create group', { slug: 'ok-slug', name: 'G', members: [] }, 'members'],
      ['create account', { name: 'A', plan: 'gold' }, 'plan'],
    ])('%s with %j is 400 naming the field', async (name, body, field) => {
      const res = await send(name, body);
      expectClean(res, 400, 'validation_failed');
      expect(Object.keys(res.body.error.details.fields as object)).toContain(field);
      await expectFixturesUnchanged();
    });
  });

  describe('prototype-ish keys are unknown fields too (regression)', () => {
    it.each([
      ['{"name":"A","constructor":{"a":1}}', 'constructor'],
      ['{"name":"A","__proto__":1}', '__proto__'],
      ['{"name":"A","prototype":"x"}', 'prototype'],
    ])('POST /admin/v1/accounts with %s is 400 naming %s', async (raw, field) => {
      const res = await t.http
        .post('/admin/v1/accounts')
        .set(t.auth())
        .set('Content-Type', 'application/json')
        .send(raw);
      expectClean(res, 400, 'validation_failed');
      expect(Object.keys(res.body.error.details.fields as object)).toEqual([field]);
    });
  });

  describe('wrong types', () => {
    it.each<[RouteName, object, string]>([
      ['create credential', { channel: 'rest', name: 5 }, 'name'],
      ['create credential', { channel: 'rest', name: 'k', enabled: 'true' }, 'enabled'],
      ['create credential', { channel: 'rest', name: 'k', allowedCidrs: '10.0.0.0/8' }, 'allowedCidrs'],
      ['create credential', { channel: 'rest', name: 'k', allowedCidrs: [10] }, 'allowedCidrs'],
      ['create credential', { channel: 'rest', name: 'k', offTheRecord: 1 }, 'offTheRecord'],
      ['create credential', { channel: 'rest', name: 'k', expiresAt: 1893456000 }, 'expiresAt'],
      ['create credential', { channel: 'rest', name: 'k', expiresAt: 'next tuesday' }, 'expiresAt'],
      ['create credential', { channel: 'rest', name: 'k', scope: 'groups', groups: 'vip' }, 'groups'],
      ['create credential', { channel: 'rest', name: 'k', scope: 'everything' }, 'scope'],
      ['create credential', { channel: 'rest', name: 'k', postbackUrl: 5 }, 'postbackUrl'],
      ['create credential', { channel: 'sms', name: 'k' }, 'channel'],
      ['create credential', { channel: ['rest'], name: 'k' }, 'channel'],
      ['create credential', { name: 'k' }, 'channel'],
      ['update credential', { name: 5 }, 'name'],
      ['update credential', { enabled: 'true' }, 'enabled'],
      ['update credential', { enabled: null }, 'enabled'],
      ['update credential', { allowedCidrs: '10.0.0.0/8' }, 'allowedCidrs'],
      ['update credential', { allowedCidrs: { 0: '10.0.0.0/8' } }, 'allowedCidrs'],
      ['rotate credential', { graceSeconds: '5' }, 'graceSeconds'],
      ['rotate credential', { graceSeconds: null }, 'graceSeconds'],
      ['verify', { channel: 'rest', secret: 12345, ip: '192.0.2.1' }, 'secret'],
      ['create group', { slug: 7, name: 'G' }, 'slug'],
    ])('%s with %j is 400 naming the field', async (name, body, field) => {
      const res = await send(name, body);
      expectClean(res, 400, 'validation_failed');
      expect(namedFields(res)).toContain(field);
      await expectFixturesUnchanged();
    });

    it('more than 100 allowedCidrs is 400', async () => {
      const allowedCidrs = Array.from({ length: 101 }, (_, i) => `10.0.${i}.0/24`);
      const res = await t.http.patch(`/admin/v1/credentials/${restKey.id}`).set(t.auth()).send({ allowedCidrs });
      expectClean(res, 400, 'validation_failed');
      expect(namedFields(res)).toContain('allowedCidrs');
    });
  });

  describe('names', () => {
    it.each([
      ['empty', ''],
      ['whitespace only', '   \t  '],
      ['101 characters', 'n'.repeat(101)],
    ])('a %s name is 400 on create and on update', async (_label, name) => {
      const created = await t.http
        .post(`/admin/v1/accounts/${accountId}/credentials`)
        .set(t.auth())
        .send({ channel: 'http', name });
      expectClean(created, 400, 'validation_failed');
      expect(namedFields(created)).toContain('name');

      const updated = await t.http.patch(`/admin/v1/credentials/${restKey.id}`).set(t.auth()).send({ name });
      expectClean(updated, 400, 'validation_failed');
      expect(namedFields(updated)).toContain('name');

      const group = await t.http
        .post(`/admin/v1/accounts/${accountId}/groups`)
        .set(t.auth())
        .send({ slug: unique('g'), name });
      expectClean(group, 400, 'validation_failed');
      expect(namedFields(group)).toContain('name');
    });

    it('100 characters is fine, and names are trimmed', async () => {
      const name = 'n'.repeat(100);
      const res = await t.http
        .post(`/admin/v1/accounts/${accountId}/credentials`)
        .set(t.auth())
        .send({ channel: 'http', name: `  ${name}  ` })
        .expect(201);
      expect(res.body.credential.name).toBe(name);
    });
  });

  describe('query strings and ids', () => {
    const list = (query: string) => t.http.get(`/admin/v1/accounts/${accountId}/credentials${query}`).set(t.auth());

    it.each([
      ['?limit=abc', 'limit'],
      ['?limit=0', 'limit'],
      ['?limit=201', 'limit'],
      ['?limit=1.5', 'limit'],
      ['?limit=-3', 'limit'],
      ['?cursor=garbage', 'cursor'],
      [`?cursor=${Buffer.from('not-an-id').toString('base64url')}`, 'cursor'],
      ['?enabled=yes', 'enabled'],
      ['?channel=sms', 'channel'],
      ['?channel=rest&channel=ftp', 'channel'],
      ['?bogus=1', 'bogus'],
    ])('GET credentials%s is 400 naming the parameter', async (query, field) => {
      const res = await list(query);
      expectClean(res, 400, 'validation_failed');
      expect(namedFields(res)).toContain(field);
    });

    it('limit 1 and 200 are accepted', async () => {
      const one = await list('?limit=1').expect(200);
      expect(one.body.data).toHaveLength(1);
      expect(typeof one.body.nextCursor).toBe('string');
      await list('?limit=200').expect(200);
    });

    it.each<[string, 'get' | 'patch' | 'delete' | 'post', string]>([
      ['GET', 'get', '/admin/v1/credentials/not-an-id'],
      ['PATCH', 'patch', '/admin/v1/credentials/not-an-id'],
      ['DELETE', 'delete', '/admin/v1/credentials/not-an-id'],
      ['POST rotate', 'post', '/admin/v1/credentials/not-an-id/rotate'],
      ['GET avatar', 'get', '/admin/v1/credentials/not-an-id/avatar'],
      ['GET unknown uuid', 'get', '/admin/v1/credentials/01900000-0000-7000-8000-000000000000'],
      ['GET credentials of a non-id account', 'get', '/admin/v1/accounts/not-an-id/credentials'],
      ['GET group of a non-id account', 'get', '/admin/v1/accounts/not-an-id/groups/x'],
    ])('%s on a non-existent id is 404', async (_label, method, url) => {
      const res = await t.http[method](url)
        .set(t.auth())
        .send(method === 'patch' ? { name: 'x' } : {});
      expectClean(res, 404, 'not_found');
    });

    it('a missing or wrong admin token is 401 in the error shape', async () => {
      expectClean(await t.http.get(`/admin/v1/credentials/${restKey.id}`), 401, 'unauthorized');
      expectClean(
        await t.http.get(`/admin/v1/credentials/${restKey.id}`).set('Authorization', 'Bearer not-a-token'),
        401,
        'unauthorized',
      );
      // A channel secret is not an admin token.
      const res = await t.http.get(`/admin/v1/credentials/${restKey.id}`).set(t.auth(restKey.secret));
      expectClean(res, 401, 'unauthorized');
      expect(res.text).not.toContain(restKey.secret);
    });
  });

  describe('secrets never appear in error responses', () => {
    const secretsIn = (res: Response) =>
      [restKey.secret, ftpKey.secret].filter((s) => res.text.includes(s) || JSON.stringify(res.headers).includes(s));

    it.each<[string, () => Promise<Response>, number]>([
      [
        'create with an unknown field',
        () =>
          t.http
            .post(`/admin/v1/accounts/${accountId}/credentials`)
            .set(t.auth())
            .send({ channel: 'ftp', name: 'k', secret: ftpKey.secret, oops: true }),
        400,
      ],
      [
        'create with a bad name',
        () =>
          t.http
            .post(`/admin/v1/accounts/${accountId}/credentials`)
            .set(t.auth())
            .send({ channel: 'ftp', name: '  ', secret: ftpKey.secret }),
        400,
      ],
      [
        'create re-using a generated key as a custom secret',
        () =>
          t.http
            .post(`/admin/v1/accounts/${accountId}/credentials`)
            .set(t.auth())
            .send({ channel: 'ftp', name: 'k', secret: restKey.secret }),
        400,
      ],
      [
        'create with a secret on rest',
        () =>
          t.http
            .post(`/admin/v1/accounts/${accountId}/credentials`)
            .set(t.auth())
            .send({ channel: 'rest', name: 'k', secret: ftpKey.secret }),
        400,
      ],
      [
        'create with a secret and a secretHash',
        () =>
          t.http
            .post(`/admin/v1/accounts/${accountId}/credentials`)
            .set(t.auth())
            .send({ channel: 'ftp', name: 'k', secret: ftpKey.secret, secretHash: ftpKey.secret }),
        400,
      ],
      [
        'create with an over-long custom secret',
        () =>
          t.http
            .post(`/admin/v1/accounts/${accountId}/credentials`)
            .set(t.auth())
            .send({ channel: 'ftp', name: 'k', secret: `${ftpKey.secret}${'z'.repeat(129)}` }),
        400,
      ],
      [
        'update carrying a secret',
        () => t.http.patch(`/admin/v1/credentials/${restKey.id}`).set(t.auth()).send({ secret: restKey.secret }),
        400,
      ],
      [
        'rotate with a bad graceSeconds',
        () =>
          t.http
            .post(`/admin/v1/credentials/${ftpKey.id}/rotate`)
            .set(t.auth())
            .send({ secret: `${ftpKey.secret}-next`, graceSeconds: '5' }),
        400,
      ],
      [
        'rotate re-using a generated key',
        () => t.http.post(`/admin/v1/credentials/${ftpKey.id}/rotate`).set(t.auth()).send({ secret: restKey.secret }),
        400,
      ],
      [
        'verify with a bad ip',
        () =>
          t.http.post('/admin/v1/verify').set(t.auth()).send({ channel: 'rest', secret: restKey.secret, ip: 'nope' }),
        400,
      ],
      [
        'malformed JSON around a secret',
        () =>
          t.http
            .post('/admin/v1/verify')
            .set(t.auth())
            .set('Content-Type', 'application/json')
            .send(`{"channel": "rest", "secret": "${restKey.secret}", ip: }`),
        400,
      ],
      [
        'an oversize body with a secret in it',
        () =>
          t.http
            .post('/admin/v1/verify')
            .set(t.auth())
            .send({ channel: 'rest', secret: restKey.secret, ip: '192.0.2.1', pad: 'p'.repeat(1100 * 1024) }),
        413,
      ],
      [
        'a secret as the admin token',
        () => t.http.get(`/admin/v1/credentials/${restKey.id}`).set(t.auth(restKey.secret)),
        401,
      ],
    ])('%s', async (_label, send, status) => {
      const res = await send();
      expectClean(res, status);
      expect(secretsIn(res)).toEqual([]);
      expect(res.text).not.toMatch(/gk[rhwfe]_[0-9A-Za-z]{20,}/);
    });

    it('the fixtures were not changed by any of it', async () => {
      await expectFixturesUnchanged();
      const ftp = await t.http.get(`/admin/v1/credentials/${ftpKey.id}`).set(t.auth()).expect(200);
      expect(ftp.body.rotatedAt).toBeNull();
      const group = await t.http.get(`/admin/v1/accounts/${accountId}/groups/${groupSlug}`).set(t.auth()).expect(200);
      expect(group.body.slug).toBe(groupSlug);
    });
  });
});
