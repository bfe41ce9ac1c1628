import { randomBytes } from 'node:crypto';
import type { Response } from 'supertest';
import { expectNothingInternal, namedFields } from '../support/assertions';
import { TestApp, startTestApp, unique } from '../support/test-app';
import {
  IssuedCredential,
  createCredential,
  createGroup,
  createMaster,
  listAll,
  readRequestLog,
} from '../support/factories';

/**
 * The REST channel (DESIGN.md §2 `rest` row): `POST /rest/v1/messages` and
 * `GET /rest/v1/messages/:id` over the real socket, authenticated by bearer key or Basic,
 * the scope rules of §1, the limits, the JSON error shape and the request log.
 *
 * The main app raises the ban threshold: this suite makes many failed logins from 127.0.0.1
 * on purpose and they must not add up to a ban there. What every channel shares — bans (also
 * across channels), blocking, rotation and deletion by every login form, the request-log rows
 * of a success, a failed login and an off-the-record key, malformed JSON, oversize bodies and
 * "no stack trace, no echo" — is in channel-conformance.e2e-spec.ts (driver:
 * test/support/channels/rest.ts).
 */

type Row = Record<string, any>;

const MESSAGES = '/rest/v1/messages';
const OPERATION = 'rest.POST /rest/v1/messages';

/** A refused request in the DESIGN.md error shape, with nothing internal in it. */
function expectClean(res: Response, status: number, code?: string): void {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  expect(res.body).toEqual({
    error: expect.objectContaining({ code: code ?? expect.stringMatching(/^[a-z_]+$/), message: expect.any(String) }),
  });
  expectNothingInternal(res.text);
  expect(res.text).not.toContain('internal_error');
}

/** A generated-looking rest key that belongs to nobody. */
function fakeRestKey(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  return `gkr_${[...randomBytes(60)].map((b) => alphabet[b % alphabet.length]).join('')}`;
}

function bearer(secret: string): { Authorization: string } {
  return { Authorization: `Bearer ${secret}` };
}

describe('REST channel: /rest/v1/messages', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ GATEHOUSE_BAN_THRESHOLD: '100000' });
  });
  afterAll(async () => {
    await t.close();
  });

  const post = (secret: string, payload: unknown) =>
    t.http
      .post(MESSAGES)
      .set(bearer(secret))
      .send(payload as object);
  const submission = async (id: string): Promise<Row> =>
    (await t.http.get(`/admin/v1/submissions/${id}`).set(t.auth()).expect(200)).body;

  async function accepted(res: Response): Promise<Row> {
    expect(res.status).toBe(202);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body).toEqual({ id: expect.any(String), status: 'accepted' });
    return submission(res.body.id as string);
  }

  describe('submitting', () => {
    it('accepts a bearer key with 202 {id, status} and stores the submission before answering', async () => {
      const account = await createMaster(t);
      const key = await createCredential(t, account.id, { channel: 'rest' });
      const body = `Your code is ${unique('code')}`;
      const res = await post(key.secret, { to: ['+447700900123', '+447700900124'], body });
      const stored = await accepted(res);
      expect(stored).toMatchObject({
        id: res.body.id,
        accountId: account.id,
        credentialId: key.id,
        channel: 'rest',
        to: ['+447700900123', '+447700900124'],
        body,
        groups: [],
        status: 'accepted',
        detail: null,
        postbacks: [],
      });
      expect(stored.createdAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
      expect(JSON.stringify(stored)).not.toContain(key.secret);
    });

    it('accepts HTTP Basic username:key', async () => {
      const account = await createMaster(t);
      const key = await createCredential(t, account.id, { channel: 'rest' });
      const group = await createGroup(t, account.id);
      const res = await t.http
        .post(MESSAGES)
        .auth(key.username, key.secret)
        .send({ to: ['+15550100'], body: 'basic hello', target: { groups: [group.slug] } });
      await expect(accepted(res)).resolves.toMatchObject({
        accountId: account.id,
        credentialId: key.id,
        channel: 'rest',
        to: ['+15550100'],
        body: 'basic hello',
        groups: [group.slug],
      });
    });

    it('concurrent submissions (committed together) each get their own id and are all stored', async () => {
      const account = await createMaster(t);
      const keys = await Promise.all([1, 2, 3].map(() => createCredential(t, account.id, { channel: 'rest' })));
      const bodies = Array.from({ length: 60 }, (_, i) => `concurrent ${i}`);
      const responses = await Promise.all(
        bodies.map((body, i) => post(keys[i % keys.length].secret, { to: ['+15550100'], body })),
      );
      expect(responses.map((r) => r.status)).toEqual(bodies.map(() => 202));
      const ids = responses.map((r) => r.body.id as string);
      expect(new Set(ids).size).toBe(bodies.length);

      const { rows } = await listAll(t, '/admin/v1/submissions', { accountId: account.id });
      expect(rows.map((r) => r.body).sort()).toEqual([...bodies].sort());
      for (const [i, id] of ids.entries()) {
        expect(rows.find((r) => r.id === id)).toMatchObject({
          body: bodies[i],
          credentialId: keys[i % keys.length].id,
          status: 'accepted',
        });
      }
    });

    it('GET /rest/v1/messages/:id answers any key of the same account, 404 for another account’s key', async () => {
      const account = await createMaster(t);
      const other = await createMaster(t);
      const key = await createCredential(t, account.id, { channel: 'rest' });
      const sibling = await createCredential(t, account.id, { channel: 'rest' });
      const stranger = await createCredential(t, other.id, { channel: 'rest' });
      const sent = await post(key.secret, { to: ['+447700900200'], body: 'read me back' }).expect(202);
      const id = sent.body.id as string;

      for (const reader of [key, sibling]) {
        const got = await t.http.get(`${MESSAGES}/${id}`).set(bearer(reader.secret)).expect(200);
        expect(got.body).toEqual({
          id,
          status: 'accepted',
          to: ['+447700900200'],
          body: 'read me back',
          groups: [],
          detail: null,
          createdAt: expect.any(String),
          updatedAt: expect.any(String),
        });
      }
      const byBasic = await t.http.get(`${MESSAGES}/${id}`).auth(sibling.username, sibling.secret).expect(200);
      expect(byBasic.body.id).toBe(id);

      expectClean(await t.http.get(`${MESSAGES}/${id}`).set(bearer(stranger.secret)), 404, 'not_found');
      expectClean(
        await t.http.get(`${MESSAGES}/01900000-0000-7000-8000-000000000000`).set(bearer(key.secret)),
        404,
        'not_found',
      );
      expectClean(await t.http.get(`${MESSAGES}/${id}`), 401, 'unauthorized');
    });
  });

  describe('authentication failures', () => {
    let account: { id: string };
    beforeAll(async () => {
      account = await createMaster(t);
    });

    it('no Authorization → 401 with WWW-Authenticate', async () => {
      const res = await t.http.post(MESSAGES).send({ body: 'hi' });
      expectClean(res, 401);
      expect(res.headers['www-authenticate']).toMatch(/Bearer/);
      expect(res.headers['www-authenticate']).toMatch(/Basic/);
      // An Authorization header of another scheme counts as none.
      const other = await t.http.post(MESSAGES).set('Authorization', 'Token abc').send({ body: 'hi' });
      expectClean(other, 401);
      expect(other.headers['www-authenticate']).toBeDefined();
    });

    it('a wrong key → 401 invalid_credentials, by bearer and by Basic', async () => {
      const key = await createCredential(t, account.id, { channel: 'rest' });
      const other = await createCredential(t, account.id, { channel: 'rest' });
      const wrongBearer = await post(fakeRestKey(), { body: 'hi' });
      expectClean(wrongBearer, 401, 'invalid_credentials');
      expect(wrongBearer.headers['www-authenticate']).toBeDefined();
      expectClean(await post('not-a-key-at-all', { body: 'hi' }), 401, 'invalid_credentials');
      expectClean(
        await t.http.post(MESSAGES).auth(key.username, other.secret).send({ body: 'hi' }),
        401,
        'invalid_credentials',
      );
      expectClean(
        await t.http.post(MESSAGES).auth(unique('ghost'), key.secret).send({ body: 'hi' }),
        401,
        'invalid_credentials',
      );
    });

    it('an http-channel credential’s secret never authenticates here (bearer or Basic) → 401', async () => {
      const httpCred = await createCredential(t, account.id, { channel: 'http' });
      const custom = `custom-http-${unique('pw')}`;
      const customCred = await createCredential(t, account.id, { channel: 'http', secret: custom });
      expectClean(await post(httpCred.secret, { body: 'hi' }), 401, 'invalid_credentials');
      expectClean(
        await t.http.post(MESSAGES).auth(httpCred.username, httpCred.secret).send({ body: 'hi' }),
        401,
        'invalid_credentials',
      );
      expectClean(
        await t.http.post(MESSAGES).auth(customCred.username, custom).send({ body: 'hi' }),
        401,
        'invalid_credentials',
      );
    });

    // Blocking itself (every login form) is in the conformance suite; this is the way back.
    it('a blocked key works again once enabled', async () => {
      const key = await createCredential(t, account.id, { channel: 'rest' });
      await t.http.patch(`/admin/v1/credentials/${key.id}`).set(t.auth()).send({ enabled: false }).expect(200);
      expectClean(await post(key.secret, { body: 'blocked' }), 403, 'credential_disabled');
      await t.http.patch(`/admin/v1/credentials/${key.id}`).set(t.auth()).send({ enabled: true }).expect(200);
      await post(key.secret, { body: 'after' }).expect(202);
    });

    it('a key past its expiresAt → 401 credential_expired', async () => {
      const key = await createCredential(t, account.id, { channel: 'rest', expiresAt: '2020-01-01T00:00:00Z' });
      const res = await post(key.secret, { body: 'late' });
      expectClean(res, 401, 'credential_expired');
      const fresh = await createCredential(t, account.id, { channel: 'rest', expiresAt: '2099-01-01T00:00:00Z' });
      await post(fresh.secret, { body: 'in time' }).expect(202);
    });

    it('a suspended account → 403 account_suspended', async () => {
      const suspended = await createMaster(t);
      const key = await createCredential(t, suspended.id, { channel: 'rest' });
      await post(key.secret, { body: 'while active' }).expect(202);
      await t.http.patch(`/admin/v1/accounts/${suspended.id}`).set(t.auth()).send({ status: 'suspended' }).expect(200);
      expectClean(await post(key.secret, { body: 'suspended' }), 403, 'account_suspended');
      await t.http.patch(`/admin/v1/accounts/${suspended.id}`).set(t.auth()).send({ status: 'active' }).expect(200);
      await post(key.secret, { body: 'active again' }).expect(202);
    });

    it('allowedCidrs without 127.0.0.1 → 403 ip_not_allowed; with it → 202', async () => {
      const key = await createCredential(t, account.id, { channel: 'rest', allowedCidrs: ['203.0.113.0/24'] });
      expectClean(await post(key.secret, { body: 'from loopback' }), 403, 'ip_not_allowed');
      const allowed = await createCredential(t, account.id, {
        channel: 'rest',
        allowedCidrs: ['203.0.113.0/24', '127.0.0.0/8'],
      });
      await post(allowed.secret, { body: 'from loopback' }).expect(202);
    });
  });

  describe('scopes (DESIGN.md §1)', () => {
    let account: { id: string };
    let g1: string;
    let g2: string;
    let g3: string;
    let g4: string;
    let allKey: IssuedCredential;
    let groupsKey: IssuedCredential;

    beforeAll(async () => {
      account = await createMaster(t);
      [g1, g2, g3, g4] = await Promise.all([1, 2, 3, 4].map(async () => (await createGroup(t, account.id)).slug));
      allKey = await createCredential(t, account.id, { channel: 'rest' });
      groupsKey = await createCredential(t, account.id, { channel: 'rest', scope: 'groups', groups: [g1, g2] });
    });

    it('scope all, no groups named → groups [] and the explicit to list is kept', async () => {
      const stored = await accepted(await post(allKey.secret, { to: ['+447700900301', 'ops@example'], body: 'x' }));
      expect(stored.groups).toEqual([]);
      expect(stored.to).toEqual(['+447700900301', 'ops@example']);
      const empty = await accepted(await post(allKey.secret, { body: 'everyone' }));
      expect(empty).toMatchObject({ groups: [], to: [] });
    });

    it('scope all, naming groups → exactly those', async () => {
      const stored = await accepted(await post(allKey.secret, { body: 'x', target: { groups: [g3, g1] } }));
      expect([...stored.groups].sort()).toEqual([g1, g3].sort());
      const one = await accepted(await post(allKey.secret, { body: 'x', target: { groups: [g4] } }));
      expect(one.groups).toEqual([g4]);
    });

    it('scope groups, none named → the key’s groups', async () => {
      const stored = await accepted(await post(groupsKey.secret, { body: 'x', to: ['+447700900302'] }));
      expect([...stored.groups].sort()).toEqual([g1, g2].sort());
      expect(stored.to).toEqual(['+447700900302']);
      const emptyTarget = await accepted(await post(groupsKey.secret, { body: 'x', target: {} }));
      expect([...emptyTarget.groups].sort()).toEqual([g1, g2].sort());
    });

    it('scope groups, naming a subset → those', async () => {
      const stored = await accepted(await post(groupsKey.secret, { body: 'x', target: { groups: [g2] } }));
      expect(stored.groups).toEqual([g2]);
      const both = await accepted(await post(groupsKey.secret, { body: 'x', target: { groups: [g2, g1] } }));
      expect([...both.groups].sort()).toEqual([g1, g2].sort());
    });

    it('scope groups, naming groups outside → 403 scope_violation listing exactly the outside slugs', async () => {
      const res = await post(groupsKey.secret, { body: 'x', target: { groups: [g1, g3, g4] } });
      expectClean(res, 403, 'scope_violation');
      expect([...(res.body.error.details.groups as string[])].sort()).toEqual([g3, g4].sort());
      const single = await post(groupsKey.secret, { body: 'x', target: { groups: [g4] } });
      expectClean(single, 403, 'scope_violation');
      expect(single.body.error.details.groups).toEqual([g4]);
    });

    it('an unknown slug → 422 unknown_group, whatever the scope', async () => {
      const ghost = unique('ghost');
      for (const key of [allKey, groupsKey]) {
        const res = await post(key.secret, { body: 'x', target: { groups: [g1, ghost] } });
        expectClean(res, 422, 'unknown_group');
        expect(JSON.stringify(res.body.error)).toContain(ghost);
      }
      // Another account's group is unknown here.
      const other = await createMaster(t);
      const foreign = await createGroup(t, other.id);
      expectClean(await post(allKey.secret, { body: 'x', target: { groups: [foreign.slug] } }), 422, 'unknown_group');
    });

    it('a refused submission is not stored', async () => {
      const key = await createCredential(t, account.id, { channel: 'rest', scope: 'groups', groups: [g1] });
      expectClean(await post(key.secret, { body: 'x', target: { groups: [g2] } }), 403, 'scope_violation');
      expectClean(await post(key.secret, { body: 'x', target: { groups: [unique('nope')] } }), 422, 'unknown_group');
      expectClean(await post(key.secret, { body: ' ' }), 400, 'validation_failed');
      const { rows } = await listAll(t, '/admin/v1/submissions', { credentialId: key.id });
      expect(rows).toEqual([]);
    });
  });

  describe('bad input: 400/413 naming the field, never a 500 or a stack trace', () => {
    let key: IssuedCredential;
    let account: { id: string };
    beforeAll(async () => {
      account = await createMaster(t);
      key = await createCredential(t, account.id, { channel: 'rest' });
    });

    it('an unknown field → 400 naming it', async () => {
      const res = await post(key.secret, { body: 'hi', from: 'ACME' });
      expectClean(res, 400, 'validation_failed');
      expect(namedFields(res)).toContain('from');
      const nested = await post(key.secret, { body: 'hi', target: { groups: [], all: true } });
      expectClean(nested, 400, 'validation_failed');
      expect(namedFields(nested).join(',')).toContain('all');
    });

    it.each([
      ['to is a string', 'to', { to: 'x', body: 'hi' }],
      ['to holds a number', 'to', { to: [5], body: 'hi' }],
      ['body is a number', 'body', { body: 5 }],
      ['body is missing', 'body', { to: ['+447700900123'] }],
      ['body is null', 'body', { body: null }],
      ['target is a string', 'target', { body: 'hi', target: 'x' }],
      ['target.groups is a string', 'target.groups', { body: 'hi', target: { groups: 'a' } }],
    ])('wrong type (%s) → 400 naming %s', async (_label, field, payload) => {
      const res = await post(key.secret, payload);
      expectClean(res, 400, 'validation_failed');
      expect(namedFields(res)).toContain(field);
    });

    it.each([
      ['empty', ''],
      ['whitespace', ' \n\t '],
    ])('an %s body → 400 naming body', async (_label, body) => {
      const res = await post(key.secret, { to: ['+447700900123'], body });
      expectClean(res, 400, 'validation_failed');
      expect(namedFields(res)).toEqual(['body']);
    });

    it('a body of 4096 characters is accepted, 4097 is 400', async () => {
      const exact = 'a'.repeat(4095) + '€';
      const stored = await accepted(await post(key.secret, { body: exact }));
      expect(stored.body).toBe(exact);
      const res = await post(key.secret, { body: 'a'.repeat(4097) });
      expectClean(res, 400, 'validation_failed');
      expect(namedFields(res)).toEqual(['body']);
    });

    it('1000 recipients are accepted, 1001 are 400', async () => {
      const recipients = (n: number) => Array.from({ length: n }, (_, i) => `+4477009${String(i).padStart(5, '0')}`);
      const stored = await accepted(await post(key.secret, { to: recipients(1000), body: 'bulk' }));
      expect(stored.to).toHaveLength(1000);
      const res = await post(key.secret, { to: recipients(1001), body: 'bulk' });
      expectClean(res, 400, 'validation_failed');
      expect(namedFields(res)).toContain('to');
    });

    it.each([
      ['a space', '+44 7700 900123'],
      ['a comma', '+447700900123,+447700900124'],
      ['a semicolon', 'a;b'],
    ])('a recipient with %s → 400 naming to', async (_label, recipient) => {
      const res = await post(key.secret, { to: ['+447700900999', recipient], body: 'hi' });
      expectClean(res, 400, 'validation_failed');
      expect(namedFields(res)).toContain('to');
    });

    it('a refused request stores nothing', async () => {
      const fresh = await createCredential(t, account.id, { channel: 'rest' });
      const refused = [
        { body: 'hi', from: 'ACME' },
        { to: 'x', body: 'hi' },
        { body: 5 },
        { body: 'hi', target: { groups: 'a' } },
        { body: '  ' },
        { body: 'a'.repeat(4097) },
        { to: Array.from({ length: 1001 }, (_, i) => `+4477009${String(i).padStart(5, '0')}`), body: 'bulk' },
        { to: ['+44 7700 900123'], body: 'hi' },
        { body: 'a'.repeat(1024 * 1024 + 10) },
      ];
      for (const payload of refused) {
        const res = await post(fresh.secret, payload);
        expect([400, 413]).toContain(res.status);
      }
      const { rows } = await listAll(t, '/admin/v1/submissions', { credentialId: fresh.id });
      expect(rows).toEqual([]);
      // The same key does store a valid request.
      await post(fresh.secret, { body: 'fine' }).expect(202);
      await expect(listAll(t, '/admin/v1/submissions', { credentialId: fresh.id })).resolves.toMatchObject({
        rows: [{ body: 'fine', credentialId: fresh.id }],
      });
    });
  });

  describe('request log', () => {
    it('a refused request after login is logged with its status and error code', async () => {
      const account = await createMaster(t);
      const key = await createCredential(t, account.id, { channel: 'rest' });
      await post(key.secret, { body: 'x', target: { groups: [unique('nope')] } }).expect(422);
      const { rows } = await readRequestLog(t, { credentialId: key.id });
      expect(rows.map((r) => [r.operation, r.status, r.outcome])).toEqual([[OPERATION, '422', 'unknown_group']]);
    });

    it('an unknown username writes a 401 unknown_credential row', async () => {
      const from = new Date(Date.now() - 60_000).toISOString();
      const ghost = unique('ghost');
      const secret = fakeRestKey();
      await t.http.post(MESSAGES).auth(ghost, secret).send({ body: 'x' }).expect(401);
      const { rows, raw } = await readRequestLog(t, { channel: 'rest', outcome: 'unknown_credential', from });
      const mine = rows.filter((r) => r.username === ghost);
      expect(mine).toHaveLength(1);
      expect(mine[0]).toMatchObject({
        channel: 'rest',
        credentialId: null,
        accountId: null,
        operation: OPERATION,
        status: '401',
        outcome: 'unknown_credential',
      });
      expect(raw).not.toContain(secret);
    });

    // Its failed logins still being logged is in the conformance suite.
    it('an offTheRecord key’s successes write no row, by bearer, Basic and GET', async () => {
      const account = await createMaster(t);
      const key = await createCredential(t, account.id, { channel: 'rest', offTheRecord: true });
      await post(key.secret, { body: 'secretive' }).expect(202);
      await t.http.post(MESSAGES).auth(key.username, key.secret).send({ body: 'secretive' }).expect(202);
      const sent = await post(key.secret, { body: 'secretive' }).expect(202);
      await t.http.get(`${MESSAGES}/${sent.body.id}`).set(bearer(key.secret)).expect(200);
      await expect(readRequestLog(t, { credentialId: key.id })).resolves.toMatchObject({ rows: [] });
    });

    it('a POST and a GET by id are logged with their own operations and statuses', async () => {
      const account = await createMaster(t);
      const key = await createCredential(t, account.id, { channel: 'rest' });
      const sent = await post(key.secret, { body: 'x' }).expect(202);
      await t.http.get(`${MESSAGES}/${sent.body.id}`).set(bearer(key.secret)).expect(200);
      const { rows, raw } = await readRequestLog(t, { credentialId: key.id });
      expect(rows.map((r) => [r.status, r.outcome])).toEqual([
        ['202', 'ok'],
        ['200', 'ok'],
      ]);
      expect(rows[0].operation).toBe(OPERATION);
      expect(rows[1].operation).toMatch(/^rest\.GET \/rest\/v1\/messages\//);
      expect(raw).not.toContain(key.secret);
    });
  });

  describe('peer address', () => {
    let proxied: TestApp;
    beforeAll(async () => {
      proxied = await startTestApp({ GATEHOUSE_TRUSTED_PROXIES: '127.0.0.1' });
    });
    afterAll(async () => {
      await proxied.close();
    });

    it('behind a trusted proxy, X-Forwarded-For is the peer: the allowlist and the request log use it', async () => {
      const account = await createMaster(proxied);
      const key = await createCredential(proxied, account.id, { channel: 'rest', allowedCidrs: ['203.0.113.0/24'] });
      const send = () => proxied.http.post(MESSAGES).set(bearer(key.secret));

      await send().set('X-Forwarded-For', '203.0.113.9').send({ body: 'via proxy' }).expect(202);
      expectClean(await send().send({ body: 'direct' }), 403, 'ip_not_allowed');
      expectClean(
        await send().set('X-Forwarded-For', '198.51.100.1').send({ body: 'elsewhere' }),
        403,
        'ip_not_allowed',
      );

      const { rows } = await readRequestLog(proxied, { credentialId: key.id });
      expect(rows.map((r) => [r.peer, r.status, r.outcome])).toEqual([
        ['203.0.113.9', '202', 'ok'],
        ['127.0.0.1', '403', 'ip_not_allowed'],
        ['198.51.100.1', '403', 'ip_not_allowed'],
      ]);
    });

    it('without trusted proxies the same header is ignored', async () => {
      const account = await createMaster(t);
      const key = await createCredential(t, account.id, { channel: 'rest', allowedCidrs: ['203.0.113.0/24'] });
      const res = await post(key.secret, { body: 'spoofed' }).set('X-Forwarded-For', '203.0.113.9');
      expectClean(res, 403, 'ip_not_allowed');
      const { rows } = await readRequestLog(t, { credentialId: key.id });
      expect(rows.map((r) => r.peer)).toEqual(['127.0.0.1']);
    });
  });
});
