import type { Response } from 'supertest';
import { expectNothingInternal } from '../support/assertions';
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
 * The legacy HTTP channel (DESIGN.md §2 `http` row): `GET`/form `POST /http/send` with
 * `username`/`password` fields or Basic, `to` (comma-separated), `text`, optional `groups`.
 * Answers `OK <id>` or `ERR <code> <message>` as text/plain — never JSON, HTML or a stack
 * trace — and the password never reaches a response, the request log or an error page.
 *
 * The main app raises the ban threshold: this suite fails logins from 127.0.0.1 on purpose
 * and they must not add up to a ban there. What every channel shares — bans (also across
 * channels), blocking, rotation and deletion by every login form (query, form, Basic), the
 * request-log rows of a success, a failed login and an off-the-record credential, missing
 * text, oversize and over-many-field forms, "no stack trace, no echo" — is in
 * channel-conformance.e2e-spec.ts (driver: test/support/channels/http.ts).
 */

type Row = Record<string, any>;
type Fields = Array<[string, string]>;

const SEND = '/http/send';

const qs = (fields: Fields): string => new URLSearchParams(fields).toString();

/** `OK <id>` as text/plain; returns the id. */
function expectOk(res: Response): string {
  expect({ status: res.status, text: res.text }).toEqual({ status: 200, text: expect.stringMatching(/^OK \S+\n$/) });
  expect(res.headers['content-type']).toMatch(/^text\/plain/);
  return /^OK (\S+)\n$/.exec(res.text)![1];
}

/** `ERR <code> <message>` as text/plain with this status: no JSON, no HTML, nothing internal. */
function expectErr(res: Response, status: number, code: string): void {
  expect({ status: res.status, text: res.text }).toEqual({
    status,
    text: expect.stringMatching(new RegExp(`^ERR ${code} [^\\n]+\\n$`)),
  });
  expect(res.headers['content-type']).toMatch(/^text\/plain/);
  expect(res.text).not.toMatch(/[{}<>]/);
  expectNothingInternal(res.text);
  expect(res.text).not.toContain('internal_error');
}

describe('HTTP channel: /http/send', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ GATEHOUSE_BAN_THRESHOLD: '100000' });
  });
  afterAll(async () => {
    await t.close();
  });

  const get = (fields: Fields) => t.http.get(`${SEND}?${qs(fields)}`);
  const postForm = (fields: Fields, query: Fields = []) =>
    t.http
      .post(query.length > 0 ? `${SEND}?${qs(query)}` : SEND)
      .set('Content-Type', 'application/x-www-form-urlencoded')
      .send(qs(fields));
  const login = (c: IssuedCredential): Fields => [
    ['username', c.username],
    ['password', c.secret],
  ];
  const submission = async (id: string): Promise<Row> =>
    (await t.http.get(`/admin/v1/submissions/${id}`).set(t.auth()).expect(200)).body;

  describe('submitting', () => {
    let account: { id: string };
    let key: IssuedCredential;
    let g1: string;
    let g2: string;

    beforeAll(async () => {
      account = await createMaster(t);
      key = await createCredential(t, account.id, { channel: 'http' });
      g1 = (await createGroup(t, account.id)).slug;
      g2 = (await createGroup(t, account.id)).slug;
    });

    it('GET with username/password in the query → 200 OK <id>; to split on commas, groups from groups=', async () => {
      const text = `Your code is ${unique('c')}`;
      const id = expectOk(
        await get([...login(key), ['to', '+447700900001, +447700900002,,'], ['text', text], ['groups', `${g1},${g2}`]]),
      );
      const stored = await submission(id);
      expect(stored).toMatchObject({
        id,
        accountId: account.id,
        credentialId: key.id,
        channel: 'http',
        to: ['+447700900001', '+447700900002'],
        body: text,
        status: 'accepted',
      });
      expect([...stored.groups].sort()).toEqual([g1, g2].sort());
      expect(JSON.stringify(stored)).not.toContain(key.secret);
    });

    it('form POST (application/x-www-form-urlencoded) → 200 OK <id>', async () => {
      const id = expectOk(
        await postForm([...login(key), ['to', '+447700900003,+447700900004'], ['text', 'form hello & more']]),
      );
      await expect(submission(id)).resolves.toMatchObject({
        channel: 'http',
        credentialId: key.id,
        to: ['+447700900003', '+447700900004'],
        body: 'form hello & more',
        groups: [],
      });
    });

    it('HTTP Basic instead of fields, on GET and POST', async () => {
      const viaGet = expectOk(
        await t.http
          .get(
            `${SEND}?${qs([
              ['to', '+447700900005'],
              ['text', 'basic get'],
              ['groups', g2],
            ])}`,
          )
          .auth(key.username, key.secret),
      );
      await expect(submission(viaGet)).resolves.toMatchObject({
        credentialId: key.id,
        to: ['+447700900005'],
        body: 'basic get',
        groups: [g2],
      });
      const viaPost = expectOk(
        await t.http
          .post(SEND)
          .auth(key.username, key.secret)
          .set('Content-Type', 'application/x-www-form-urlencoded')
          .send(
            qs([
              ['to', '+447700900006'],
              ['text', 'basic post'],
            ]),
          ),
      );
      await expect(submission(viaPost)).resolves.toMatchObject({
        credentialId: key.id,
        to: ['+447700900006'],
        body: 'basic post',
      });
    });

    it('a custom password works; legacy extra fields are ignored', async () => {
      const password = `Legacy-Pass-${unique('p')}`;
      const custom = await createCredential(t, account.id, { channel: 'http', secret: password });
      const id = expectOk(
        await get([
          ['username', custom.username],
          ['password', password],
          ['to', '+447700900007'],
          ['text', 'extras'],
          ['from', 'ACME'],
          ['type', 'flash'],
        ]),
      );
      await expect(submission(id)).resolves.toMatchObject({ credentialId: custom.id, body: 'extras' });
    });

    it('scope groups: none named → the key’s groups; outside → 403 scope_violation; unknown → 422', async () => {
      const scoped = await createCredential(t, account.id, { channel: 'http', scope: 'groups', groups: [g1] });
      const id = expectOk(await get([...login(scoped), ['text', 'to my groups']]));
      await expect(submission(id)).resolves.toMatchObject({ groups: [g1], to: [] });

      const outside = await get([...login(scoped), ['text', 'x'], ['groups', `${g1},${g2}`]]);
      expectErr(outside, 403, 'scope_violation');
      expect(outside.text).toContain(g2);

      const ghost = unique('ghost');
      const unknown = await postForm([...login(key), ['text', 'x'], ['groups', ghost]]);
      expectErr(unknown, 422, 'unknown_group');
      expect(unknown.text).toContain(ghost);
    });
  });

  describe('errors: ERR <code> <message>, text/plain, fitting status', () => {
    let account: { id: string };
    let key: IssuedCredential;

    beforeAll(async () => {
      account = await createMaster(t);
      key = await createCredential(t, account.id, { channel: 'http' });
    });

    it('missing credentials → 401 with a Basic challenge', async () => {
      for (const res of [
        await get([['text', 'hi']]),
        await get([
          ['username', key.username],
          ['text', 'hi'],
        ]),
        await get([
          ['password', key.secret],
          ['text', 'hi'],
        ]),
        await postForm([['text', 'hi']]),
      ]) {
        expectErr(res, 401, 'unauthorized');
        expect(res.headers['www-authenticate']).toMatch(/^Basic /);
      }
    });

    it('wrong password or unknown user → 401 invalid_credentials', async () => {
      const other = await createCredential(t, account.id, { channel: 'http' });
      expectErr(
        await get([
          ['username', key.username],
          ['password', other.secret],
          ['text', 'hi'],
        ]),
        401,
        'invalid_credentials',
      );
      expectErr(
        await get([
          ['username', key.username],
          ['password', 'not-the-password'],
          ['text', 'hi'],
        ]),
        401,
        'invalid_credentials',
      );
      expectErr(
        await postForm([
          ['username', unique('ghost')],
          ['password', key.secret],
          ['text', 'hi'],
        ]),
        401,
        'invalid_credentials',
      );
      expectErr(
        await t.http.get(`${SEND}?${qs([['text', 'hi']])}`).auth(key.username, 'wrong-password-1'),
        401,
        'invalid_credentials',
      );
    });

    it('a rest credential never authenticates here → 401', async () => {
      const restKey = await createCredential(t, account.id, { channel: 'rest' });
      expectErr(await get([...login(restKey), ['text', 'hi']]), 401, 'invalid_credentials');
      expectErr(
        await t.http.get(`${SEND}?${qs([['text', 'hi']])}`).auth(restKey.username, restKey.secret),
        401,
        'invalid_credentials',
      );
      // A bearer key is no login on this channel.
      expectErr(
        await t.http.get(`${SEND}?${qs([['text', 'hi']])}`).set('Authorization', `Bearer ${restKey.secret}`),
        401,
        'unauthorized',
      );
    });

    it('an expired credential → 401 credential_expired; a suspended account → 403 account_suspended', async () => {
      const expired = await createCredential(t, account.id, { channel: 'http', expiresAt: '2020-01-01T00:00:00Z' });
      expectErr(await get([...login(expired), ['text', 'late']]), 401, 'credential_expired');

      const suspended = await createMaster(t);
      const cred = await createCredential(t, suspended.id, { channel: 'http' });
      await t.http.patch(`/admin/v1/accounts/${suspended.id}`).set(t.auth()).send({ status: 'suspended' }).expect(200);
      expectErr(await get([...login(cred), ['text', 'x']]), 403, 'account_suspended');
    });

    it('a peer outside allowedCidrs → 403 ip_not_allowed', async () => {
      const fenced = await createCredential(t, account.id, { channel: 'http', allowedCidrs: ['203.0.113.0/24'] });
      expectErr(await get([...login(fenced), ['text', 'x']]), 403, 'ip_not_allowed');
      // X-Forwarded-For is not believed without trusted proxies.
      expectErr(
        await get([...login(fenced), ['text', 'x']]).set('X-Forwarded-For', '203.0.113.9'),
        403,
        'ip_not_allowed',
      );
    });

    it('missing or empty text → 400', async () => {
      for (const res of [
        await get([...login(key), ['to', '+447700900010']]),
        await postForm([...login(key), ['to', '+447700900010']]),
      ]) {
        expectErr(res, 400, 'validation_failed');
        expect(res.text).toContain('text');
      }
      expectErr(await get([...login(key), ['text', '   ']]), 400, 'validation_failed');
    });

    it('a field given twice (to=a&to=b, text twice) → 400', async () => {
      const twice: Fields = [...login(key), ['to', '+447700900011'], ['to', '+447700900012'], ['text', 'x']];
      for (const res of [await get(twice), await postForm(twice)]) {
        expectErr(res, 400, 'validation_failed');
        expect(res.text).toContain('to');
      }
      const text = await get([...login(key), ['text', 'a'], ['text', 'b']]);
      expectErr(text, 400, 'validation_failed');
      expect(text.text).toContain('text');
      // …the password too, without echoing it.
      const password = await get([...login(key), ['password', 'second-password'], ['text', 'x']]);
      expectErr(password, 400, 'validation_failed');
      expect(password.text).not.toContain(key.secret);
      expect(password.text).not.toContain('second-password');
    });

    it('limits: text over 4096 characters, 1001 recipients, a recipient with a space → 400; 4096 → OK', async () => {
      expectOk(await postForm([...login(key), ['text', 'b'.repeat(4096)]]));
      expectErr(await postForm([...login(key), ['text', 'b'.repeat(4097)]]), 400, 'validation_failed');
      const many = Array.from({ length: 1001 }, (_, i) => `+4477009${String(i).padStart(5, '0')}`).join(',');
      expectErr(await postForm([...login(key), ['to', many], ['text', 'x']]), 400, 'validation_failed');
      expectErr(await get([...login(key), ['to', '+44 7700 900123'], ['text', 'x']]), 400, 'validation_failed');
    });

    // Beyond the body limit, and more fields than the parser takes: in the conformance suite.
    it('one field beyond any sane size, inside the body limit → 413', async () => {
      expectErr(await postForm([...login(key), ['text', 'x'.repeat(200_000)]]), 413, 'payload_too_large');
    });

    it('HEAD is refused with 405 and submits nothing (regression: Express routes HEAD to GET)', async () => {
      const fresh = await createCredential(t, account.id, { channel: 'http' });
      const res = await t.http.head(`${SEND}?${qs([...login(fresh), ['text', 'head']])}`);
      expect(res.status).toBe(405);
      const { rows } = await listAll(t, '/admin/v1/submissions', { credentialId: fresh.id });
      expect(rows).toEqual([]);
    });

    it('errors about the message name this channel’s field, text (regression)', async () => {
      const res = await get([...login(key), ['text', 'b'.repeat(4097)]]);
      expectErr(res, 400, 'validation_failed');
      expect(res.text).toMatch(/^ERR validation_failed text: /);
    });

    it('refused requests store nothing', async () => {
      const fresh = await createCredential(t, account.id, { channel: 'http' });
      const refused: Fields[] = [
        [...login(fresh), ['to', '+447700900030']],
        [...login(fresh), ['text', ' ']],
        [...login(fresh), ['to', 'a'], ['to', 'b'], ['text', 'x']],
        [...login(fresh), ['text', 'b'.repeat(4097)]],
        [...login(fresh), ['to', '+44 7700 900123'], ['text', 'x']],
        [...login(fresh), ['text', 'x'], ['groups', unique('nope')]],
        [...login(fresh), ['text', 'x'.repeat(200_000)]],
      ];
      for (const fields of refused) {
        const res = await postForm(fields);
        expect([400, 413, 422]).toContain(res.status);
      }
      await expect(listAll(t, '/admin/v1/submissions', { credentialId: fresh.id })).resolves.toMatchObject({
        rows: [],
      });
      expectOk(await postForm([...login(fresh), ['text', 'fine']]));
      await expect(listAll(t, '/admin/v1/submissions', { credentialId: fresh.id })).resolves.toMatchObject({
        rows: [{ body: 'fine', credentialId: fresh.id }],
      });
    });
  });

  describe('the password never reaches a log or an echo', () => {
    it('request-log rows of successes and failures never contain it', async () => {
      const account = await createMaster(t);
      const password = `Never-Log-Me-${unique('pw')}`;
      const cred = await createCredential(t, account.id, { channel: 'http', secret: password });
      const generated = await createCredential(t, account.id, { channel: 'http' });
      const wrong = `Wrong-Password-${unique('pw')}`;
      const ghost = unique('ghost');
      const from = new Date(Date.now() - 60_000).toISOString();

      expectOk(await get([...login(cred), ['to', '+447700900020'], ['text', 'ok']]));
      expectOk(await postForm([...login(generated), ['text', 'ok']]));
      expectErr(await get([...login(cred), ['text', 'x'], ['groups', unique('nope')]]), 422, 'unknown_group');
      expectErr(await get([...login(cred), ['text', ' ']]), 400, 'validation_failed');
      expectErr(
        await get([
          ['username', cred.username],
          ['password', wrong],
          ['text', 'x'],
        ]),
        401,
        'invalid_credentials',
      );
      expectErr(
        await t.http.get(`${SEND}?${qs([['text', 'x']])}`).auth(generated.username, wrong),
        401,
        'invalid_credentials',
      );
      expectErr(
        await get([
          ['username', ghost],
          ['password', password],
          ['text', 'x'],
        ]),
        401,
        'invalid_credentials',
      );

      const mine = await readRequestLog(t, { credentialId: cred.id });
      expect(mine.rows.map((r) => [r.operation, r.status, r.outcome])).toEqual([
        ['http.send', '200', 'ok'],
        ['http.send', '422', 'unknown_group'],
        ['http.send', '400', 'validation_failed'],
        ['http.send', '401', 'bad_secret'],
      ]);
      expect(
        mine.rows.every((r) => r.channel === 'http' && r.peer === '127.0.0.1' && r.username === cred.username),
      ).toBe(true);
      const gen = await readRequestLog(t, { credentialId: generated.id });
      expect(gen.rows.map((r) => [r.status, r.outcome])).toEqual([
        ['200', 'ok'],
        ['401', 'bad_secret'],
      ]);
      const unknown = await readRequestLog(t, { channel: 'http', outcome: 'unknown_credential', from });
      const ghostRows = unknown.rows.filter((r) => r.username === ghost);
      expect(ghostRows.map((r) => [r.operation, r.status, r.credentialId])).toEqual([['http.send', '401', null]]);
      const everything = await readRequestLog(t, { accountId: account.id });
      expect(everything.rows.length).toBe(6);

      for (const raw of [mine.raw, gen.raw, unknown.raw, everything.raw]) {
        for (const secret of [password, generated.secret, wrong]) expect(raw).not.toContain(secret);
      }
    });

    it('a 404 next to /http/send does not echo the password', async () => {
      const password = `SECRET-${unique('pw')}`;
      for (const res of [
        await t.http.get(
          `/http/sendx?${qs([
            ['username', 'u'],
            ['password', password],
          ])}`,
        ),
        await t.http.post(
          `/http/sendx?${qs([
            ['username', 'u'],
            ['password', password],
          ])}`,
        ),
        await t.http.get(
          `/http/send/more?${qs([
            ['username', 'u'],
            ['password', password],
          ])}`,
        ),
        await t.http.get(`/http/sendx?username=u&password=${password}&text=x%0A${password}`),
      ]) {
        expect(res.status).toBe(404);
        expect(res.text).not.toContain(password);
        expect(res.text).not.toContain('password=');
        expectNothingInternal(res.text, [password]);
      }
    });
  });
});
