import * as bcrypt from 'bcrypt';
import { CHANNELS, Channel, SECRET_HASHER, SecretHasher } from '@gatehouse/core';
import { expectError, namedFields } from '../support/assertions';
import { TestApp, startTestApp, unique } from '../support/test-app';
import { createCredential, createGroup, createMaster, randomPeer, verify } from '../support/factories';

/**
 * Credentials through the admin API: issue on every channel, what reads may and may not show,
 * custom and imported secrets, list filters and paging, settings, scopes and groups, avatars.
 */

const PREFIX: Record<Channel, string> = { rest: 'gkr_', http: 'gkh_', webservice: 'gkw_', ftp: 'gkf_', email: 'gke_' };
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Supertest parser that keeps a binary body as one Buffer. */
function binary(res: unknown, done: (err: Error | null, body: Buffer) => void): void {
  const stream = res as NodeJS.ReadableStream;
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  stream.on('end', () => done(null, Buffer.concat(chunks)));
}

/** Every property name anywhere in a JSON value. */
function keysOf(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) value.forEach((v) => keysOf(v, out));
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      out.push(k);
      keysOf(v, out);
    }
  }
  return out;
}

describe('admin API: credentials', () => {
  let t: TestApp;
  let hasher: SecretHasher;

  beforeAll(async () => {
    t = await startTestApp();
    hasher = t.app.get<SecretHasher>(SECRET_HASHER);
  });
  afterAll(async () => {
    await t.close();
  });

  const credUrl = (accountId: string) => `/admin/v1/accounts/${accountId}/credentials`;

  /** Nothing secret in a JSON response: not the secret, its stored digest, the signing secret, or any such field. */
  function expectNoSecrets(body: unknown, secrets: { secret: string; postbackSigningSecret?: string }): void {
    const text = JSON.stringify(body);
    expect(text).not.toContain(secrets.secret);
    expect(text).not.toContain(hasher.lookupKey(secrets.secret));
    if (secrets.postbackSigningSecret) expect(text).not.toContain(secrets.postbackSigningSecret);
    expect(text).not.toMatch(/hmac-sha256\$|bcrypt-hmac\$|\$2[aby]\$|whsec_/);
    const suspicious = keysOf(body).filter((k) => /^secret$|hash|salt|signing|lookup|pepper|password/i.test(k));
    expect(suspicious).toEqual([]);
  }

  describe('create', () => {
    it.each([...CHANNELS])(
      'issues a %s credential with a prefixed 64-char secret, shown only at create',
      async (channel) => {
        const account = await createMaster(t);
        const name = unique(`${channel} key`);
        const res = await t.http.post(credUrl(account.id)).set(t.auth()).send({ channel, name }).expect(201);

        expect(Object.keys(res.body).sort()).toEqual(['credential', 'postbackSigningSecret', 'secret']);
        const { credential, secret, postbackSigningSecret } = res.body as {
          credential: Record<string, any>;
          secret: string;
          postbackSigningSecret: string;
        };
        expect(secret).toHaveLength(64);
        expect(secret.startsWith(PREFIX[channel])).toBe(true);
        expect(secret.slice(4)).toMatch(/^[0-9A-Za-z]{60}$/);
        expect(typeof postbackSigningSecret).toBe('string');
        expect(postbackSigningSecret.length).toBeGreaterThanOrEqual(32);
        expect(postbackSigningSecret).not.toBe(secret);
        expect(credential).toMatchObject({
          accountId: account.id,
          channel,
          name,
          enabled: true,
          expiresAt: null,
          allowedCidrs: [],
          postbackUrl: null,
          offTheRecord: false,
          scope: 'all',
          groups: [],
          hasAvatar: false,
          secretHint: secret.slice(-4),
          rotatedAt: null,
        });
        expect(typeof credential.id).toBe('string');
        expect(typeof credential.username).toBe('string');
        expect(credential.username.length).toBeGreaterThanOrEqual(3);
        expect(new Date(credential.createdAt as string).toISOString()).toBe(credential.createdAt);
        // The credential object itself carries nothing secret either.
        expectNoSecrets(credential, { secret, postbackSigningSecret });

        const got = await t.http.get(`/admin/v1/credentials/${credential.id}`).set(t.auth()).expect(200);
        expect(got.body).toMatchObject({ id: credential.id, channel, name, secretHint: secret.slice(-4) });
        expectNoSecrets(got.body, { secret, postbackSigningSecret });

        const list = await t.http.get(credUrl(account.id)).set(t.auth()).expect(200);
        expect(list.body.data.map((c: { id: string }) => c.id)).toContain(credential.id);
        expectNoSecrets(list.body, { secret, postbackSigningSecret });

        // The secret it printed is the one that works.
        await expect(verify(t, { channel, username: credential.username, secret, ip: randomPeer() })).resolves.toEqual({
          valid: true,
          credentialId: credential.id,
          accountId: account.id,
        });
      },
    );

    it('takes a custom username (stored lower-cased) and a custom secret on ftp', async () => {
      const account = await createMaster(t);
      const username = `Ftp.User_${unique('x')}`.replace('-', '+');
      const secret = `custom-Secret-${unique('s')}`;
      const res = await t.http
        .post(credUrl(account.id))
        .set(t.auth())
        .send({ channel: 'ftp', name: unique('ftp'), username, secret })
        .expect(201);
      expect(res.body.secret).toBe(secret);
      expect(res.body.credential.username).toBe(username.toLowerCase());
      expect(res.body.credential.secretHint).toBeNull(); // a password's last characters are never shown

      const got = await t.http.get(`/admin/v1/credentials/${res.body.credential.id}`).set(t.auth()).expect(200);
      expect(JSON.stringify(got.body)).not.toContain(secret);

      await expect(verify(t, { channel: 'ftp', username, secret, ip: randomPeer() })).resolves.toMatchObject({
        valid: true,
        credentialId: res.body.credential.id,
      });
      await expect(
        verify(t, { channel: 'ftp', username: username.toLowerCase(), secret: `${secret}x`, ip: randomPeer() }),
      ).resolves.toEqual({ valid: false, reason: 'bad_secret' });
    });

    it.each([
      ['a 2-char username', { username: 'ab' }, 'username'],
      ['a 65-char username', { username: 'u'.repeat(65) }, 'username'],
      ['a username with a space', { username: 'bad user' }, 'username'],
      ['a username with a slash', { username: 'bad/user' }, 'username'],
      ['an 11-char secret', { secret: 's'.repeat(11) }, 'secret'],
      ['a 129-char secret', { secret: 's'.repeat(129) }, 'secret'],
      ['a secret shaped like a generated key', { secret: `gkh_${'A1'.repeat(30)}` }, 'secret'],
      ['a secretHash that is not bcrypt', { secretHash: 'md5$0123456789abcdef' }, 'secretHash'],
    ])('refuses %s on http with 400', async (_label, extra, field) => {
      const account = await createMaster(t);
      const res = await t.http
        .post(credUrl(account.id))
        .set(t.auth())
        .send({ channel: 'http', name: unique('k'), ...extra });
      expectError(res, 400, 'validation_failed');
      expect(namedFields(res)).toContain(field);
    });

    it('accepts the boundary lengths of custom usernames (3, 64) and secrets (12, 128)', async () => {
      const account = await createMaster(t);
      const tag = unique('u').slice(-10);
      const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789._@+-';
      const randomName = (n: number) =>
        Array.from({ length: n }, () => alphabet[Math.floor(Math.random() * alphabet.length)]).join('');
      const cases = [
        { username: randomName(3), secret: 'x'.repeat(11) + 'z' },
        { username: `${tag}${'@'.repeat(54)}`, secret: 'y'.repeat(127) + 'z' },
      ];
      for (const c of cases) {
        const res = await t.http
          .post(credUrl(account.id))
          .set(t.auth())
          .send({ channel: 'webservice', name: unique('k'), ...c })
          .expect(201);
        expect(res.body.credential.username).toBe(c.username);
        await expect(
          verify(t, { channel: 'webservice', username: c.username, secret: c.secret, ip: randomPeer() }),
        ).resolves.toMatchObject({ valid: true, credentialId: res.body.credential.id });
        // Frees the short username again: the database may be shared and long-lived.
        await t.http.delete(`/admin/v1/credentials/${res.body.credential.id}`).set(t.auth()).expect(204);
      }
    });

    it.each([
      ['username', { username: 'my-rest-user' }],
      ['secret', { secret: 'a-custom-rest-secret' }],
    ])('refuses a custom %s on rest with 400', async (field, extra) => {
      const account = await createMaster(t);
      const res = await t.http
        .post(credUrl(account.id))
        .set(t.auth())
        .send({ channel: 'rest', name: unique('rest'), ...extra });
      expectError(res, 400, 'validation_failed');
      expect(namedFields(res)).toContain(field);
      const list = await t.http
        .get(`${credUrl(account.id)}?channel=rest`)
        .set(t.auth())
        .expect(200);
      expect(list.body.data).toEqual([]);
    });

    it('concurrent creates of one username: exactly one wins, the others get 409, never a 500', async () => {
      const a = await createMaster(t);
      const username = unique('race');
      const responses = await Promise.all(
        Array.from({ length: 6 }, () =>
          t.http
            .post(credUrl(a.id))
            .set(t.auth())
            .send({ channel: 'ftp', name: unique('k'), username }),
        ),
      );
      const statuses = responses.map((r) => r.status).sort();
      expect(statuses).toEqual([201, 409, 409, 409, 409, 409]);
      for (const r of responses.filter((x) => x.status === 409)) {
        expect(['username_taken', 'conflict']).toContain(r.body.error.code);
      }
    });

    it('refuses a username already used on the same channel (409), in any case, but not on another channel', async () => {
      const a = await createMaster(t);
      const b = await createMaster(t);
      const username = unique('shared.user');
      const first = await createCredential(t, a.id, { channel: 'http', username });
      expect(first.username).toBe(username);

      const dup = await t.http
        .post(credUrl(b.id))
        .set(t.auth())
        .send({ channel: 'http', name: unique('k'), username });
      expectError(dup, 409, 'username_taken');
      const dupUpper = await t.http
        .post(credUrl(a.id))
        .set(t.auth())
        .send({ channel: 'http', name: unique('k'), username: username.toUpperCase() });
      expectError(dupUpper, 409, 'username_taken');

      const other = await createCredential(t, b.id, { channel: 'ftp', username });
      expect(other.username).toBe(username);
      expect(other.id).not.toBe(first.id);
      await expect(
        verify(t, { channel: 'ftp', username, secret: other.secret, ip: randomPeer() }),
      ).resolves.toMatchObject({ valid: true, credentialId: other.id });
      await expect(
        verify(t, { channel: 'http', username, secret: first.secret, ip: randomPeer() }),
      ).resolves.toMatchObject({ valid: true, credentialId: first.id });
    });

    it.each([
      ['$2b$', (h: string) => h],
      ['$2y$', (h: string) => h.replace(/^\$2[ab]\$/, '$2y$')],
    ])('imports a bcrypt hash (%s) that then verifies', async (_label, shape) => {
      const account = await createMaster(t);
      const hash = shape(await bcrypt.hash('imported-secret-1', 4));
      const res = await t.http
        .post(credUrl(account.id))
        .set(t.auth())
        .send({ channel: 'ftp', name: unique('imported'), secretHash: hash })
        .expect(201);
      const { credential } = res.body as { credential: { id: string; username: string } };
      expect(JSON.stringify(res.body)).not.toContain(hash);
      const got = await t.http.get(`/admin/v1/credentials/${credential.id}`).set(t.auth()).expect(200);
      expect(JSON.stringify(got.body)).not.toContain(hash.slice(7));

      await expect(
        verify(t, { channel: 'ftp', username: credential.username, secret: 'imported-secret-1', ip: randomPeer() }),
      ).resolves.toEqual({ valid: true, credentialId: credential.id, accountId: account.id });
      await expect(
        verify(t, { channel: 'ftp', username: credential.username, secret: 'imported-secret-2', ip: randomPeer() }),
      ).resolves.toEqual({ valid: false, reason: 'bad_secret' });
    });
  });

  describe('list', () => {
    it('filters by channel and enabled, within the account', async () => {
      const account = await createMaster(t);
      const otherAccount = await createMaster(t);
      const restOn = await createCredential(t, account.id, { channel: 'rest' });
      const restOff = await createCredential(t, account.id, { channel: 'rest', enabled: false });
      const ftpOn = await createCredential(t, account.id, { channel: 'ftp' });
      const ftpOff = await createCredential(t, account.id, { channel: 'ftp', enabled: false });
      const foreign = await createCredential(t, otherAccount.id, { channel: 'rest' });

      const ids = async (query: string) => {
        const res = await t.http
          .get(`${credUrl(account.id)}${query}`)
          .set(t.auth())
          .expect(200);
        expect(res.body.nextCursor).toBeNull();
        return (res.body.data as { id: string }[]).map((c) => c.id).sort();
      };
      await expect(ids('')).resolves.toEqual([restOn.id, restOff.id, ftpOn.id, ftpOff.id].sort());
      await expect(ids('?channel=rest')).resolves.toEqual([restOn.id, restOff.id].sort());
      await expect(ids('?channel=ftp')).resolves.toEqual([ftpOn.id, ftpOff.id].sort());
      await expect(ids('?channel=email')).resolves.toEqual([]);
      await expect(ids('?enabled=true')).resolves.toEqual([restOn.id, ftpOn.id].sort());
      await expect(ids('?enabled=false')).resolves.toEqual([restOff.id, ftpOff.id].sort());
      await expect(ids('?channel=ftp&enabled=false')).resolves.toEqual([ftpOff.id]);
      expect([restOn.id, restOff.id, ftpOn.id, ftpOff.id]).not.toContain(foreign.id);
    });

    // Regression: on MariaDB `LIKE … ESCAPE '\'` was an unterminated string literal (a 500).
    it('q matches names containing the text, case-insensitively, with %, _ and ! taken literally', async () => {
      const account = await createMaster(t);
      const names = [
        'Billing Alpha',
        'alpha reports',
        'Beta',
        'Promo 100% off',
        'Promo 1000 off',
        'a_b key',
        'axb key',
        'Wow! Sale',
        'Wowx Sale',
      ];
      const byName: Record<string, string> = {};
      for (const name of names) byName[name] = (await createCredential(t, account.id, { channel: 'http', name })).id;

      const q = async (text: string, extra = '') => {
        const res = await t.http
          .get(`${credUrl(account.id)}?q=${encodeURIComponent(text)}${extra}`)
          .set(t.auth())
          .expect(200);
        return (res.body.data as { id: string }[]).map((c) => c.id).sort();
      };
      await expect(q('ALPHA')).resolves.toEqual([byName['Billing Alpha'], byName['alpha reports']].sort());
      await expect(q('eta')).resolves.toEqual([byName['Beta']]);
      await expect(q('100%')).resolves.toEqual([byName['Promo 100% off']]);
      await expect(q('%')).resolves.toEqual([byName['Promo 100% off']]);
      await expect(q('a_b')).resolves.toEqual([byName['a_b key']]);
      await expect(q('_')).resolves.toEqual([byName['a_b key']]);
      await expect(q('wow!')).resolves.toEqual([byName['Wow! Sale']]); // the escape character itself
      await expect(q('!%')).resolves.toEqual([]);
      await expect(q('nothing like it')).resolves.toEqual([]);
      await expect(q('alpha', '&channel=rest')).resolves.toEqual([]);
    });

    it('pages with an opaque cursor until nextCursor is null', async () => {
      const account = await createMaster(t);
      const created: string[] = [];
      for (let i = 0; i < 5; i++) created.push((await createCredential(t, account.id, { channel: 'email' })).id);

      const seen: string[] = [];
      const pageSizes: number[] = [];
      let cursor: string | null = null;
      do {
        const url: string = `${credUrl(account.id)}?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
        const res = await t.http.get(url).set(t.auth()).expect(200);
        expect(Object.keys(res.body).sort()).toEqual(['data', 'nextCursor']);
        pageSizes.push(res.body.data.length);
        seen.push(...(res.body.data as { id: string }[]).map((c) => c.id));
        cursor = res.body.nextCursor as string | null;
        expect(pageSizes.length).toBeLessThanOrEqual(3);
      } while (cursor);

      expect(pageSizes).toEqual([2, 2, 1]);
      expect(new Set(seen).size).toBe(5);
      expect([...seen].sort()).toEqual([...created].sort());
    });
  });

  describe('update (PATCH)', () => {
    it('changes name, enabled, expiresAt, allowedCidrs, postbackUrl and offTheRecord and returns the resource unwrapped', async () => {
      const account = await createMaster(t);
      const cred = await createCredential(t, account.id, { channel: 'http' });
      const newName = unique('Renamed');
      const res = await t.http
        .patch(`/admin/v1/credentials/${cred.id}`)
        .set(t.auth())
        .send({
          name: `  ${newName}  `,
          enabled: false,
          expiresAt: '2099-01-02T03:04:05.000Z',
          allowedCidrs: ['203.0.113.0/24'],
          postbackUrl: 'https://example.com/hook',
          offTheRecord: true,
        })
        .expect(200);
      expect(res.body.credential).toBeUndefined();
      expect(res.body).toMatchObject({
        id: cred.id,
        accountId: account.id,
        channel: 'http',
        name: newName,
        enabled: false,
        expiresAt: '2099-01-02T03:04:05.000Z',
        allowedCidrs: ['203.0.113.0/24'],
        postbackUrl: 'https://example.com/hook',
        offTheRecord: true,
        username: cred.username,
        secretHint: cred.secret.slice(-4),
      });
      expectNoSecrets(res.body, cred.body as { secret: string; postbackSigningSecret: string });

      const got = await t.http.get(`/admin/v1/credentials/${cred.id}`).set(t.auth()).expect(200);
      expect(got.body).toEqual(res.body);

      const cleared = await t.http
        .patch(`/admin/v1/credentials/${cred.id}`)
        .set(t.auth())
        .send({ enabled: true, expiresAt: null, allowedCidrs: [], postbackUrl: null, offTheRecord: false })
        .expect(200);
      expect(cleared.body).toMatchObject({
        id: cred.id,
        name: newName,
        enabled: true,
        expiresAt: null,
        allowedCidrs: [],
        postbackUrl: null,
        offTheRecord: false,
      });
    });

    it('canonicalises allowedCidrs on save', async () => {
      const account = await createMaster(t);
      const cred = await createCredential(t, account.id, { channel: 'ftp' });
      const res = await t.http
        .patch(`/admin/v1/credentials/${cred.id}`)
        .set(t.auth())
        .send({ allowedCidrs: ['10.1.2.3', '10.1.2.3/8', '2001:DB8::1/32'] })
        .expect(200);
      expect(res.body.allowedCidrs).toEqual(['10.1.2.3/32', '10.0.0.0/8', '2001:db8::/32']);
      const got = await t.http.get(`/admin/v1/credentials/${cred.id}`).set(t.auth()).expect(200);
      expect(got.body.allowedCidrs).toEqual(['10.1.2.3/32', '10.0.0.0/8', '2001:db8::/32']);

      const created = await createCredential(t, account.id, { channel: 'rest', allowedCidrs: ['192.0.2.77/24'] });
      expect(created.body.credential.allowedCidrs).toEqual(['192.0.2.0/24']);
    });

    it('refuses invalid allowedCidrs entries with 400 naming each of them, and keeps the old list', async () => {
      const account = await createMaster(t);
      const cred = await createCredential(t, account.id, { channel: 'ftp', allowedCidrs: ['10.0.0.0/8'] });
      const res = await t.http
        .patch(`/admin/v1/credentials/${cred.id}`)
        .set(t.auth())
        .send({ allowedCidrs: ['192.0.2.0/24', 'nope', '10.0.0.1/33', '300.1.1.1'] });
      expectError(res, 400, 'validation_failed');
      expect(namedFields(res)).toContain('allowedCidrs');
      for (const bad of ['nope', '10.0.0.1/33', '300.1.1.1']) expect(res.body.error.message).toContain(bad);
      expect(res.body.error.message).not.toContain('192.0.2.0/24');
      const got = await t.http.get(`/admin/v1/credentials/${cred.id}`).set(t.auth()).expect(200);
      expect(got.body.allowedCidrs).toEqual(['10.0.0.0/8']);

      const onCreate = await t.http
        .post(credUrl(account.id))
        .set(t.auth())
        .send({ channel: 'rest', name: unique('k'), allowedCidrs: ['10.0.0.0/8', 'not-a-cidr'] });
      expectError(onCreate, 400, 'validation_failed');
      expect(onCreate.body.error.message).toContain('not-a-cidr');
    });

    it.each(['http://127.0.0.1/x', 'http://localhost/x', 'http://10.0.0.1/'])(
      'refuses the private postbackUrl %s with 400',
      async (url) => {
        const account = await createMaster(t);
        const cred = await createCredential(t, account.id, { channel: 'rest' });
        const res = await t.http.patch(`/admin/v1/credentials/${cred.id}`).set(t.auth()).send({ postbackUrl: url });
        expectError(res, 400, 'validation_failed');
        expect(namedFields(res)).toContain('postbackUrl');
        const got = await t.http.get(`/admin/v1/credentials/${cred.id}`).set(t.auth()).expect(200);
        expect(got.body.postbackUrl).toBeNull();

        const onCreate = await t.http
          .post(credUrl(account.id))
          .set(t.auth())
          .send({ channel: 'rest', name: unique('k'), postbackUrl: url });
        expectError(onCreate, 400, 'validation_failed');
      },
    );

    it('accepts a public https postbackUrl', async () => {
      const account = await createMaster(t);
      const cred = await createCredential(t, account.id, { channel: 'rest', postbackUrl: 'https://example.com/hook' });
      expect(cred.body.credential.postbackUrl).toBe('https://example.com/hook');
    });

    describe('with GATEHOUSE_ALLOW_PRIVATE_POSTBACKS=true', () => {
      let priv: TestApp;
      beforeAll(async () => {
        priv = await startTestApp({ GATEHOUSE_ALLOW_PRIVATE_POSTBACKS: 'true' });
      });
      afterAll(async () => {
        await priv.close();
      });

      it.each(['http://127.0.0.1/x', 'http://localhost/x', 'http://10.0.0.1/'])('accepts %s', async (url) => {
        const account = await createMaster(priv);
        const cred = await createCredential(priv, account.id, { channel: 'rest' });
        const res = await priv.http
          .patch(`/admin/v1/credentials/${cred.id}`)
          .set(priv.auth())
          .send({ postbackUrl: url });
        expect(res.status).toBe(200);
        expect(res.body.postbackUrl).toBe(url);
      });
    });
  });

  describe('scopes and recipient groups', () => {
    const groupsUrl = (accountId: string) => `/admin/v1/accounts/${accountId}/groups`;

    it('a groups-scoped key lists its group slugs', async () => {
      const account = await createMaster(t);
      const vip = await createGroup(t, account.id, { slug: 'vip', name: 'VIP customers' });
      const staff = await createGroup(t, account.id, { slug: 'staff', name: 'Staff' });
      expect(vip.body).toMatchObject({ accountId: account.id, slug: 'vip', name: 'VIP customers' });

      const cred = await createCredential(t, account.id, {
        channel: 'rest',
        scope: 'groups',
        groups: [vip.slug, staff.slug],
      });
      expect(cred.body.credential.scope).toBe('groups');
      expect([...cred.body.credential.groups].sort()).toEqual(['staff', 'vip']);
      const got = await t.http.get(`/admin/v1/credentials/${cred.id}`).set(t.auth()).expect(200);
      expect([...got.body.groups].sort()).toEqual(['staff', 'vip']);

      const narrowed = await t.http
        .patch(`/admin/v1/credentials/${cred.id}`)
        .set(t.auth())
        .send({ groups: ['vip'] })
        .expect(200);
      expect(narrowed.body).toMatchObject({ scope: 'groups', groups: ['vip'] });

      const widened = await t.http
        .patch(`/admin/v1/credentials/${cred.id}`)
        .set(t.auth())
        .send({ scope: 'all', groups: [] })
        .expect(200);
      expect(widened.body).toMatchObject({ scope: 'all', groups: [] });
    });

    it('an unknown group slug is 422 unknown_group naming it', async () => {
      const account = await createMaster(t);
      const vip = await createGroup(t, account.id);
      const res = await t.http
        .post(credUrl(account.id))
        .set(t.auth())
        .send({ channel: 'rest', name: unique('k'), scope: 'groups', groups: [vip.slug, 'no-such-group'] });
      expectError(res, 422, 'unknown_group');
      expect(res.body.error.details.groups).toEqual(['no-such-group']);

      // Another account's group is unknown here too.
      const other = await createMaster(t);
      const foreign = await createGroup(t, other.id);
      const cross = await t.http
        .post(credUrl(account.id))
        .set(t.auth())
        .send({ channel: 'rest', name: unique('k'), scope: 'groups', groups: [foreign.slug] });
      expectError(cross, 422, 'unknown_group');
    });

    it.each([
      ['without groups', {}],
      ['with an empty list', { groups: [] }],
    ])('scope groups %s is 400', async (_label, extra) => {
      const account = await createMaster(t);
      const res = await t.http
        .post(credUrl(account.id))
        .set(t.auth())
        .send({ channel: 'rest', name: unique('k'), scope: 'groups', ...extra });
      expectError(res, 400, 'validation_failed');
      expect(namedFields(res)).toContain('groups');
    });

    it('a group used by a key cannot be deleted (409 group_in_use) until the key lets go', async () => {
      const account = await createMaster(t);
      const group = await createGroup(t, account.id);
      const cred = await createCredential(t, account.id, { channel: 'http', scope: 'groups', groups: [group.slug] });

      const refused = await t.http.delete(`${groupsUrl(account.id)}/${group.slug}`).set(t.auth());
      expectError(refused, 409, 'group_in_use');
      await t.http
        .get(`${groupsUrl(account.id)}/${group.slug}`)
        .set(t.auth())
        .expect(200);

      await t.http.delete(`/admin/v1/credentials/${cred.id}`).set(t.auth()).expect(204);
      await t.http
        .delete(`${groupsUrl(account.id)}/${group.slug}`)
        .set(t.auth())
        .expect(204);
      const gone = await t.http.get(`${groupsUrl(account.id)}/${group.slug}`).set(t.auth());
      expectError(gone, 404, 'not_found');
    });

    it('groups: PATCH renames (slug follows on keys), duplicate slug 409, bad slug 400, DELETE 204', async () => {
      const account = await createMaster(t);
      const a = await createGroup(t, account.id, { slug: 'alpha', name: 'Alpha' });
      const b = await createGroup(t, account.id, { slug: 'beta', name: 'Beta' });
      const cred = await createCredential(t, account.id, { channel: 'rest', scope: 'groups', groups: ['alpha'] });

      const renamed = await t.http
        .patch(`${groupsUrl(account.id)}/alpha`)
        .set(t.auth())
        .send({ slug: 'alpha-2', name: 'Alpha two' })
        .expect(200);
      expect(renamed.body).toMatchObject({ id: a.id, accountId: account.id, slug: 'alpha-2', name: 'Alpha two' });
      await t.http
        .get(`${groupsUrl(account.id)}/alpha-2`)
        .set(t.auth())
        .expect(200);
      expectError(await t.http.get(`${groupsUrl(account.id)}/alpha`).set(t.auth()), 404, 'not_found');
      const got = await t.http.get(`/admin/v1/credentials/${cred.id}`).set(t.auth()).expect(200);
      expect(got.body.groups).toEqual(['alpha-2']);

      const dupCreate = await t.http.post(groupsUrl(account.id)).set(t.auth()).send({ slug: 'beta', name: 'Again' });
      expectError(dupCreate, 409, 'slug_taken');
      const dupPatch = await t.http
        .patch(`${groupsUrl(account.id)}/alpha-2`)
        .set(t.auth())
        .send({ slug: 'beta' });
      expectError(dupPatch, 409, 'slug_taken');

      // The same slug in another account is fine.
      const other = await createMaster(t);
      await createGroup(t, other.id, { slug: 'beta' });

      for (const slug of ['Bad Slug', '-leading', 'UPPER', 'x'.repeat(64), '']) {
        const bad = await t.http.post(groupsUrl(account.id)).set(t.auth()).send({ slug, name: 'Bad' });
        expectError(bad, 400, 'validation_failed');
        expect(namedFields(bad)).toContain('slug');
      }
      const badPatch = await t.http
        .patch(`${groupsUrl(account.id)}/beta`)
        .set(t.auth())
        .send({ slug: 'has_underscore' });
      expectError(badPatch, 400, 'validation_failed');

      await t.http
        .delete(`${groupsUrl(account.id)}/beta`)
        .set(t.auth())
        .expect(204);
      expectError(await t.http.get(`${groupsUrl(account.id)}/beta`).set(t.auth()), 404, 'not_found');
      const list = await t.http.get(groupsUrl(account.id)).set(t.auth()).expect(200);
      expect((list.body.data as { id: string }[]).map((g) => g.id)).toEqual([a.id]);
      expect(b.id).not.toBe(a.id);
    });
  });

  describe('delete', () => {
    it('DELETE is 204, then the credential is 404 and no longer verifies', async () => {
      const account = await createMaster(t);
      const cred = await createCredential(t, account.id, { channel: 'rest' });
      await expect(verify(t, { channel: 'rest', secret: cred.secret, ip: randomPeer() })).resolves.toMatchObject({
        valid: true,
      });

      const res = await t.http.delete(`/admin/v1/credentials/${cred.id}`).set(t.auth()).expect(204);
      expect(res.text).toBe('');
      expectError(await t.http.get(`/admin/v1/credentials/${cred.id}`).set(t.auth()), 404, 'not_found');
      expectError(await t.http.delete(`/admin/v1/credentials/${cred.id}`).set(t.auth()), 404, 'not_found');
      const list = await t.http.get(credUrl(account.id)).set(t.auth()).expect(200);
      expect(list.body.data).toEqual([]);

      await expect(verify(t, { channel: 'rest', secret: cred.secret, ip: randomPeer() })).resolves.toEqual({
        valid: false,
        reason: 'unknown_credential',
      });
      await expect(
        verify(t, { channel: 'rest', username: cred.username, secret: cred.secret, ip: randomPeer() }),
      ).resolves.toEqual({ valid: false, reason: 'unknown_credential' });
    });
  });

  describe('avatar', () => {
    const avatarUrl = (id: string) => `/admin/v1/credentials/${id}/avatar`;
    const png = Buffer.concat([PNG_SIGNATURE, Buffer.from('IHDR-not-really-but-enough')]);
    const jpeg = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from('JFIF-ish')]);
    const webp = Buffer.concat([Buffer.from('RIFF'), Buffer.from([0x10, 0, 0, 0]), Buffer.from('WEBPVP8 data')]);

    it('PUT a PNG → 200 hasAvatar, GET returns the same bytes as image/png, DELETE → 204 then 404', async () => {
      const account = await createMaster(t);
      const cred = await createCredential(t, account.id, { channel: 'ftp' });
      expect(cred.body.credential.hasAvatar).toBe(false);

      const put = await t.http
        .put(avatarUrl(cred.id))
        .set(t.auth())
        .set('Content-Type', 'image/png')
        .send(png)
        .expect(200);
      expect(put.body).toMatchObject({ id: cred.id, hasAvatar: true });
      const got = await t.http.get(`/admin/v1/credentials/${cred.id}`).set(t.auth()).expect(200);
      expect(got.body.hasAvatar).toBe(true);

      const img = await t.http.get(avatarUrl(cred.id)).set(t.auth()).buffer(true).parse(binary).expect(200);
      expect(img.headers['content-type']).toMatch(/^image\/png/);
      expect(Buffer.isBuffer(img.body)).toBe(true);
      expect((img.body as Buffer).equals(png)).toBe(true);

      await t.http.delete(avatarUrl(cred.id)).set(t.auth()).expect(204);
      expectError(await t.http.get(avatarUrl(cred.id)).set(t.auth()), 404, 'not_found');
      const after = await t.http.get(`/admin/v1/credentials/${cred.id}`).set(t.auth()).expect(200);
      expect(after.body.hasAvatar).toBe(false);
    });

    it.each([
      ['JPEG', jpeg, 'image/jpeg', 'image/jpeg'],
      ['WebP', webp, 'image/webp', 'image/webp'],
      ['PNG sent as octet-stream', png, 'application/octet-stream', 'image/png'],
    ])('accepts a %s, typed by its content', async (_label, bytes, sentType, expectedType) => {
      const account = await createMaster(t);
      const cred = await createCredential(t, account.id, { channel: 'email' });
      const put = await t.http
        .put(avatarUrl(cred.id))
        .set(t.auth())
        .set('Content-Type', sentType)
        .send(bytes)
        .expect(200);
      expect(put.body.hasAvatar).toBe(true);
      const img = await t.http.get(avatarUrl(cred.id)).set(t.auth()).buffer(true).parse(binary).expect(200);
      expect(img.headers['content-type']).toMatch(new RegExp(`^${expectedType}`));
      expect((img.body as Buffer).equals(bytes)).toBe(true);
    });

    it.each([
      ['a GIF', Buffer.from('GIF89a\x01\x00\x01\x00\x00\x00\x00;', 'latin1')],
      ['text', Buffer.from('this is not an image at all')],
      ['a truncated PNG signature', PNG_SIGNATURE.subarray(0, 6)],
    ])('refuses %s sent as image/png with 400', async (_label, bytes) => {
      const account = await createMaster(t);
      const cred = await createCredential(t, account.id, { channel: 'ftp' });
      const res = await t.http.put(avatarUrl(cred.id)).set(t.auth()).set('Content-Type', 'image/png').send(bytes);
      expectError(res, 400, 'validation_failed');
      const got = await t.http.get(`/admin/v1/credentials/${cred.id}`).set(t.auth()).expect(200);
      expect(got.body.hasAvatar).toBe(false);
      expectError(await t.http.get(avatarUrl(cred.id)).set(t.auth()), 404, 'not_found');
    });

    it('refuses a 300 KiB body with 413 in the error shape', async () => {
      const account = await createMaster(t);
      const cred = await createCredential(t, account.id, { channel: 'ftp' });
      const big = Buffer.concat([PNG_SIGNATURE, Buffer.alloc(300 * 1024 - PNG_SIGNATURE.length, 7)]);
      const res = await t.http.put(avatarUrl(cred.id)).set(t.auth()).set('Content-Type', 'image/png').send(big);
      expectError(res, 413, 'payload_too_large');
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      const got = await t.http.get(`/admin/v1/credentials/${cred.id}`).set(t.auth()).expect(200);
      expect(got.body.hasAvatar).toBe(false);
    });
  });
});
