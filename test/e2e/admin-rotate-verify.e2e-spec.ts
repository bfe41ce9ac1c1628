import { CredentialUsageRecorder } from '@gatehouse/core';
import { expectError, namedFields } from '../support/assertions';
import { TestApp, startTestApp, unique } from '../support/test-app';
import { IssuedCredential, createCredential, createMaster, randomPeer, verify } from '../support/factories';

/**
 * POST /admin/v1/verify (the shared authenticator as gateways see it), brute-force bans, and
 * rotation: what stops working when, including verdicts already sitting in the warm cache.
 *
 * Every failing verify uses a fresh peer address: failures score against the reported address
 * and this app's ban list must not fill up from one test to the next.
 */

describe('admin API: verify and rotate', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  const patchCredential = (id: string, body: Record<string, unknown>) =>
    t.http.patch(`/admin/v1/credentials/${id}`).set(t.auth()).send(body).expect(200);
  const rotate = (id: string, body: Record<string, unknown> = {}) =>
    t.http.post(`/admin/v1/credentials/${id}/rotate`).set(t.auth()).send(body);
  const ok = (c: IssuedCredential, accountId: string) => ({ valid: true, credentialId: c.id, accountId });

  describe('POST /admin/v1/verify', () => {
    it('a valid rest key verifies by bearer alone and with its username', async () => {
      const account = await createMaster(t);
      const key = await createCredential(t, account.id, { channel: 'rest' });
      await expect(verify(t, { channel: 'rest', secret: key.secret, ip: randomPeer() })).resolves.toEqual(
        ok(key, account.id),
      );
      await expect(
        verify(t, { channel: 'rest', username: key.username, secret: key.secret, ip: randomPeer() }),
      ).resolves.toEqual(ok(key, account.id));
      await expect(
        verify(t, { channel: 'rest', username: key.username.toUpperCase(), secret: key.secret, ip: randomPeer() }),
      ).resolves.toEqual(ok(key, account.id));
    });

    it('a successful check sets lastUsedAt (written in batches); a failed one does not', async () => {
      const account = await createMaster(t);
      const used = await createCredential(t, account.id, { channel: 'rest' });
      const tried = await createCredential(t, account.id, { channel: 'rest' });
      const lastUsedAt = async (id: string) =>
        (await t.http.get(`/admin/v1/credentials/${id}`).set(t.auth()).expect(200)).body.lastUsedAt as string | null;
      await expect(lastUsedAt(used.id)).resolves.toBeNull();

      const before = Date.now();
      await verify(t, { channel: 'rest', secret: used.secret, ip: randomPeer() });
      await verify(t, { channel: 'rest', username: tried.username, secret: 'wrong-secret-123', ip: randomPeer() });
      await t.app.get(CredentialUsageRecorder).flush();

      const stamp = await lastUsedAt(used.id);
      expect(stamp).not.toBeNull();
      expect(Date.parse(stamp!)).toBeGreaterThanOrEqual(before - 1000);
      await expect(lastUsedAt(tried.id)).resolves.toBeNull();
    });

    it('a wrong secret is bad_secret and says nothing about the credential', async () => {
      const account = await createMaster(t);
      const key = await createCredential(t, account.id, { channel: 'rest' });
      const other = await createCredential(t, account.id, { channel: 'rest' });
      // Another real key of the same shape, and something shaped nothing like one.
      for (const secret of [other.secret, 'not-the-secret']) {
        await expect(verify(t, { channel: 'rest', username: key.username, secret, ip: randomPeer() })).resolves.toEqual(
          {
            valid: false,
            reason: 'bad_secret',
          },
        );
      }
    });

    it('an unknown username is unknown_credential', async () => {
      const account = await createMaster(t);
      const key = await createCredential(t, account.id, { channel: 'ftp' });
      await expect(
        verify(t, { channel: 'ftp', username: unique('nobody'), secret: key.secret, ip: randomPeer() }),
      ).resolves.toEqual({ valid: false, reason: 'unknown_credential' });
      await expect(
        verify(t, { channel: 'ftp', username: unique('nobody'), secret: 'some-custom-password', ip: randomPeer() }),
      ).resolves.toEqual({ valid: false, reason: 'unknown_credential' });
    });

    it('a rest key never verifies on another channel', async () => {
      const account = await createMaster(t);
      const key = await createCredential(t, account.id, { channel: 'rest' });
      await expect(verify(t, { channel: 'http', secret: key.secret, ip: randomPeer() })).resolves.toEqual({
        valid: false,
        reason: 'unknown_credential',
      });
      await expect(
        verify(t, { channel: 'http', username: key.username, secret: key.secret, ip: randomPeer() }),
      ).resolves.toEqual({ valid: false, reason: 'unknown_credential' });
      // Still fine where it belongs.
      await expect(verify(t, { channel: 'rest', secret: key.secret, ip: randomPeer() })).resolves.toEqual(
        ok(key, account.id),
      );
    });

    it('a disabled credential is disabled, at once even when its verdict was cached, and enabling restores it', async () => {
      const account = await createMaster(t);
      const key = await createCredential(t, account.id, { channel: 'rest' });
      await expect(verify(t, { channel: 'rest', secret: key.secret, ip: randomPeer() })).resolves.toEqual(
        ok(key, account.id),
      );

      await patchCredential(key.id, { enabled: false });
      await expect(verify(t, { channel: 'rest', secret: key.secret, ip: randomPeer() })).resolves.toMatchObject({
        valid: false,
        reason: 'disabled',
      });
      await expect(
        verify(t, { channel: 'rest', username: key.username, secret: key.secret, ip: randomPeer() }),
      ).resolves.toMatchObject({ valid: false, reason: 'disabled' });

      await patchCredential(key.id, { enabled: true });
      await expect(verify(t, { channel: 'rest', secret: key.secret, ip: randomPeer() })).resolves.toEqual(
        ok(key, account.id),
      );
    });

    it('blocking a verified (cached) custom-secret credential makes the next verify disabled', async () => {
      const account = await createMaster(t);
      const secret = `ftp-password-${unique('p')}`;
      const key = await createCredential(t, account.id, { channel: 'ftp', secret });
      await expect(verify(t, { channel: 'ftp', username: key.username, secret, ip: randomPeer() })).resolves.toEqual(
        ok(key, account.id),
      );
      await expect(verify(t, { channel: 'ftp', username: key.username, secret, ip: randomPeer() })).resolves.toEqual(
        ok(key, account.id),
      );
      await patchCredential(key.id, { enabled: false });
      await expect(
        verify(t, { channel: 'ftp', username: key.username, secret, ip: randomPeer() }),
      ).resolves.toMatchObject({
        valid: false,
        reason: 'disabled',
      });
    });

    it('a credential past its expiresAt is expired', async () => {
      const account = await createMaster(t);
      const key = await createCredential(t, account.id, { channel: 'http' });
      const fresh = await createCredential(t, account.id, { channel: 'http', expiresAt: '2099-01-01T00:00:00Z' });
      await expect(
        verify(t, { channel: 'http', username: key.username, secret: key.secret, ip: randomPeer() }),
      ).resolves.toEqual(ok(key, account.id));

      await patchCredential(key.id, { expiresAt: '2020-01-01T00:00:00.000Z' });
      await expect(
        verify(t, { channel: 'http', username: key.username, secret: key.secret, ip: randomPeer() }),
      ).resolves.toMatchObject({ valid: false, reason: 'expired' });
      await expect(
        verify(t, { channel: 'http', username: fresh.username, secret: fresh.secret, ip: randomPeer() }),
      ).resolves.toEqual(ok(fresh, account.id));

      const expiredAtCreate = await createCredential(t, account.id, {
        channel: 'http',
        expiresAt: '2021-06-01T00:00:00Z',
      });
      await expect(
        verify(t, { channel: 'http', secret: expiredAtCreate.secret, ip: randomPeer() }),
      ).resolves.toMatchObject({ valid: false, reason: 'expired' });
    });

    it('a suspended account fails with account_suspended; reactivating makes it valid again', async () => {
      const account = await createMaster(t);
      const bystander = await createMaster(t);
      const key = await createCredential(t, account.id, { channel: 'webservice' });
      const otherKey = await createCredential(t, bystander.id, { channel: 'webservice' });
      await expect(
        verify(t, { channel: 'webservice', username: key.username, secret: key.secret, ip: randomPeer() }),
      ).resolves.toEqual(ok(key, account.id));

      await t.http.patch(`/admin/v1/accounts/${account.id}`).set(t.auth()).send({ status: 'suspended' }).expect(200);
      await expect(
        verify(t, { channel: 'webservice', username: key.username, secret: key.secret, ip: randomPeer() }),
      ).resolves.toMatchObject({ valid: false, reason: 'account_suspended' });
      await expect(
        verify(t, { channel: 'webservice', username: otherKey.username, secret: otherKey.secret, ip: randomPeer() }),
      ).resolves.toEqual(ok(otherKey, bystander.id));

      await t.http.patch(`/admin/v1/accounts/${account.id}`).set(t.auth()).send({ status: 'active' }).expect(200);
      await expect(
        verify(t, { channel: 'webservice', username: key.username, secret: key.secret, ip: randomPeer() }),
      ).resolves.toEqual(ok(key, account.id));
    });

    it('allowedCidrs: inside the range is valid (also as ::ffff:-mapped IPv6), outside is ip_not_allowed', async () => {
      const account = await createMaster(t);
      const key = await createCredential(t, account.id, { channel: 'rest', allowedCidrs: ['10.0.0.0/8'] });
      await expect(verify(t, { channel: 'rest', secret: key.secret, ip: '10.1.2.3' })).resolves.toEqual(
        ok(key, account.id),
      );
      await expect(verify(t, { channel: 'rest', secret: key.secret, ip: '192.0.2.1' })).resolves.toMatchObject({
        valid: false,
        reason: 'ip_not_allowed',
      });
      await expect(verify(t, { channel: 'rest', secret: key.secret, ip: '::ffff:10.1.2.3' })).resolves.toEqual(
        ok(key, account.id),
      );
      await expect(verify(t, { channel: 'rest', secret: key.secret, ip: '2001:db8::1' })).resolves.toMatchObject({
        valid: false,
        reason: 'ip_not_allowed',
      });

      // Emptying the list opens it to any address again.
      await patchCredential(key.id, { allowedCidrs: [] });
      await expect(verify(t, { channel: 'rest', secret: key.secret, ip: '192.0.2.1' })).resolves.toEqual(
        ok(key, account.id),
      );
    });

    it.each([
      ['ip is not an address', { ip: 'nope' }, 'ip'],
      ['ip is missing', { ip: undefined }, 'ip'],
      ['channel is unknown', { channel: 'sms' }, 'channel'],
      ['secret is missing', { secret: undefined }, 'secret'],
    ])('a malformed request is 400 (%s)', async (_label, override, field) => {
      const account = await createMaster(t);
      const key = await createCredential(t, account.id, { channel: 'rest' });
      const res = await t.http
        .post('/admin/v1/verify')
        .set(t.auth())
        .send({ channel: 'rest', secret: key.secret, ip: '203.0.113.9', ...override });
      expectError(res, 400, 'validation_failed');
      expect(namedFields(res)).toContain(field);
      expect(res.text).not.toContain(key.secret);
    });
  });

  describe('brute-force bans (GATEHOUSE_BAN_THRESHOLD=3)', () => {
    let banApp: TestApp;
    beforeAll(async () => {
      banApp = await startTestApp({ GATEHOUSE_BAN_THRESHOLD: '3' });
    });
    afterAll(async () => {
      await banApp.close();
    });

    it('after enough failures from one address even the right secret is banned there, but not elsewhere', async () => {
      const attacker = '198.51.100.7';
      const account = await createMaster(banApp);
      const key = await createCredential(banApp, account.id, { channel: 'ftp' });
      const good = { channel: 'ftp', username: key.username, secret: key.secret };
      const wrong = { channel: 'ftp', username: key.username, secret: 'wrong-password-1' };

      await expect(verify(banApp, { ...wrong, ip: attacker })).resolves.toEqual({ valid: false, reason: 'bad_secret' });
      await expect(verify(banApp, { ...wrong, ip: attacker })).resolves.toEqual({ valid: false, reason: 'bad_secret' });
      // Score 2 of 3: not banned yet.
      await expect(verify(banApp, { ...good, ip: attacker })).resolves.toEqual(ok(key, account.id));
      await expect(verify(banApp, { ...wrong, ip: attacker })).resolves.toMatchObject({ valid: false });

      await expect(verify(banApp, { ...good, ip: attacker })).resolves.toMatchObject({
        valid: false,
        reason: 'banned',
      });
      await expect(verify(banApp, { ...good, ip: `::ffff:${attacker}` })).resolves.toMatchObject({
        valid: false,
        reason: 'banned',
      });
      await expect(verify(banApp, { ...good, ip: '198.51.100.8' })).resolves.toEqual(ok(key, account.id));
      await expect(verify(banApp, { ...good, ip: randomPeer() })).resolves.toEqual(ok(key, account.id));
    });

    it('unknown usernames weigh more: two of them ban an address', async () => {
      const attacker = randomPeer();
      const account = await createMaster(banApp);
      const key = await createCredential(banApp, account.id, { channel: 'rest' });
      await expect(
        verify(banApp, { channel: 'rest', username: unique('ghost'), secret: 'whatever-secret', ip: attacker }),
      ).resolves.toEqual({ valid: false, reason: 'unknown_credential' });
      await expect(verify(banApp, { channel: 'rest', secret: key.secret, ip: attacker })).resolves.toEqual(
        ok(key, account.id),
      );
      await expect(
        verify(banApp, { channel: 'rest', username: unique('ghost'), secret: 'whatever-secret', ip: attacker }),
      ).resolves.toMatchObject({ valid: false });
      await expect(verify(banApp, { channel: 'rest', secret: key.secret, ip: attacker })).resolves.toMatchObject({
        valid: false,
        reason: 'banned',
      });
    });
  });

  describe('POST /admin/v1/credentials/:id/rotate', () => {
    it('without grace: the new secret works and the old (cached) one fails at once', async () => {
      const account = await createMaster(t);
      const key = await createCredential(t, account.id, { channel: 'rest' });
      // Warm the cache with the old secret, by bearer and by username.
      await expect(verify(t, { channel: 'rest', secret: key.secret, ip: randomPeer() })).resolves.toEqual(
        ok(key, account.id),
      );
      await expect(
        verify(t, { channel: 'rest', username: key.username, secret: key.secret, ip: randomPeer() }),
      ).resolves.toEqual(ok(key, account.id));

      const before = Date.now();
      const res = await rotate(key.id).expect(200);
      expect(Object.keys(res.body).sort()).toEqual(['credential', 'secret']);
      expect(res.body.postbackSigningSecret).toBeUndefined();
      const secret = res.body.secret as string;
      expect(secret).toMatch(/^gkr_[0-9A-Za-z]{60}$/);
      expect(secret).not.toBe(key.secret);
      expect(res.body.credential).toMatchObject({ id: key.id, username: key.username, secretHint: secret.slice(-4) });
      expect(typeof res.body.credential.rotatedAt).toBe('string');
      expect(new Date(res.body.credential.rotatedAt as string).getTime()).toBeGreaterThanOrEqual(before - 1000);

      await expect(
        verify(t, { channel: 'rest', username: key.username, secret: key.secret, ip: randomPeer() }),
      ).resolves.toEqual({ valid: false, reason: 'bad_secret' });
      await expect(verify(t, { channel: 'rest', secret: key.secret, ip: randomPeer() })).resolves.toMatchObject({
        valid: false,
      });
      await expect(verify(t, { channel: 'rest', secret, ip: randomPeer() })).resolves.toEqual(ok(key, account.id));
      await expect(verify(t, { channel: 'rest', username: key.username, secret, ip: randomPeer() })).resolves.toEqual(
        ok(key, account.id),
      );

      // The new secret is not readable afterwards either.
      const got = await t.http.get(`/admin/v1/credentials/${key.id}`).set(t.auth()).expect(200);
      expect(JSON.stringify(got.body)).not.toContain(secret);
      expect(got.body.rotatedAt).toBe(res.body.credential.rotatedAt);
      expect(got.body.secretHint).toBe(secret.slice(-4));
    });

    it('without grace on a custom (bcrypt) secret: the cached old secret fails at once', async () => {
      const account = await createMaster(t);
      const oldSecret = `old-password-${unique('p')}`;
      const key = await createCredential(t, account.id, { channel: 'email', secret: oldSecret });
      await expect(
        verify(t, { channel: 'email', username: key.username, secret: oldSecret, ip: randomPeer() }),
      ).resolves.toEqual(ok(key, account.id));

      const res = await rotate(key.id, {}).expect(200);
      expect(res.body.secret).toMatch(/^gke_[0-9A-Za-z]{60}$/);
      await expect(
        verify(t, { channel: 'email', username: key.username, secret: oldSecret, ip: randomPeer() }),
      ).resolves.toEqual({ valid: false, reason: 'bad_secret' });
      await expect(
        verify(t, { channel: 'email', username: key.username, secret: res.body.secret as string, ip: randomPeer() }),
      ).resolves.toEqual(ok(key, account.id));
    });

    it('with graceSeconds 60 both the old and the new secret work; a later rotation without grace ends both', async () => {
      const account = await createMaster(t);
      const key = await createCredential(t, account.id, { channel: 'rest' });
      await expect(verify(t, { channel: 'rest', secret: key.secret, ip: randomPeer() })).resolves.toEqual(
        ok(key, account.id),
      );

      const res = await rotate(key.id, { graceSeconds: 60 }).expect(200);
      const second = res.body.secret as string;
      expect(second).not.toBe(key.secret);
      for (const secret of [key.secret, second]) {
        await expect(verify(t, { channel: 'rest', secret, ip: randomPeer() })).resolves.toEqual(ok(key, account.id));
        await expect(verify(t, { channel: 'rest', username: key.username, secret, ip: randomPeer() })).resolves.toEqual(
          ok(key, account.id),
        );
      }

      const third = (await rotate(key.id, { graceSeconds: 0 }).expect(200)).body.secret as string;
      for (const secret of [key.secret, second]) {
        await expect(verify(t, { channel: 'rest', username: key.username, secret, ip: randomPeer() })).resolves.toEqual(
          { valid: false, reason: 'bad_secret' },
        );
      }
      await expect(verify(t, { channel: 'rest', secret: third, ip: randomPeer() })).resolves.toEqual(
        ok(key, account.id),
      );
    });

    it('takes a custom secret on ftp', async () => {
      const account = await createMaster(t);
      const key = await createCredential(t, account.id, { channel: 'ftp' });
      await expect(
        verify(t, { channel: 'ftp', username: key.username, secret: key.secret, ip: randomPeer() }),
      ).resolves.toEqual(ok(key, account.id));
      const custom = `rotated-Secret-${unique('s')}`;
      const res = await rotate(key.id, { secret: custom }).expect(200);
      expect(res.body.secret).toBe(custom);
      expect(res.body.credential.secretHint).toBeNull(); // custom secrets get no hint
      await expect(
        verify(t, { channel: 'ftp', username: key.username, secret: custom, ip: randomPeer() }),
      ).resolves.toEqual(ok(key, account.id));
      await expect(
        verify(t, { channel: 'ftp', username: key.username, secret: key.secret, ip: randomPeer() }),
      ).resolves.toEqual({ valid: false, reason: 'bad_secret' });
    });

    it('takes a new username on ftp; the old username is then unknown', async () => {
      const account = await createMaster(t);
      const key = await createCredential(t, account.id, { channel: 'ftp' });
      await expect(
        verify(t, { channel: 'ftp', username: key.username, secret: key.secret, ip: randomPeer() }),
      ).resolves.toEqual(ok(key, account.id));
      const newUsername = unique('New.Ftp.User');
      const res = await rotate(key.id, { username: newUsername }).expect(200);
      const secret = res.body.secret as string;
      expect(res.body.credential.username).toBe(newUsername.toLowerCase());

      await expect(verify(t, { channel: 'ftp', username: key.username, secret, ip: randomPeer() })).resolves.toEqual({
        valid: false,
        reason: 'unknown_credential',
      });
      await expect(
        verify(t, { channel: 'ftp', username: key.username, secret: key.secret, ip: randomPeer() }),
      ).resolves.toEqual({ valid: false, reason: 'unknown_credential' });
      await expect(verify(t, { channel: 'ftp', username: newUsername, secret, ip: randomPeer() })).resolves.toEqual(
        ok(key, account.id),
      );
      const got = await t.http.get(`/admin/v1/credentials/${key.id}`).set(t.auth()).expect(200);
      expect(got.body.username).toBe(newUsername.toLowerCase());
    });

    it('refuses a username taken on the channel (409) and custom username/secret on rest (400), changing nothing', async () => {
      const account = await createMaster(t);
      const key = await createCredential(t, account.id, { channel: 'ftp' });
      const holder = await createCredential(t, account.id, { channel: 'ftp', username: unique('holder') });
      expectError(await rotate(key.id, { username: holder.username }), 409, 'username_taken');

      const restKey = await createCredential(t, account.id, { channel: 'rest' });
      for (const body of [{ username: unique('restuser') }, { secret: 'a-custom-rest-secret' }]) {
        const res = await rotate(restKey.id, body);
        expectError(res, 400, 'validation_failed');
        expect(namedFields(res)).toEqual(Object.keys(body));
      }
      for (const c of [key, restKey]) {
        const got = await t.http.get(`/admin/v1/credentials/${c.id}`).set(t.auth()).expect(200);
        expect(got.body).toMatchObject({ username: c.username, rotatedAt: null, secretHint: c.secret.slice(-4) });
        await expect(
          verify(t, {
            channel: c.body.credential.channel as string,
            username: c.username,
            secret: c.secret,
            ip: randomPeer(),
          }),
        ).resolves.toEqual(ok(c, account.id));
      }
    });

    it.each([604801, -1, 1.5])(
      'refuses graceSeconds %p with 400 and keeps the current secret',
      async (graceSeconds) => {
        const account = await createMaster(t);
        const key = await createCredential(t, account.id, { channel: 'rest' });
        const res = await rotate(key.id, { graceSeconds });
        expectError(res, 400, 'validation_failed');
        expect(namedFields(res)).toContain('graceSeconds');
        const got = await t.http.get(`/admin/v1/credentials/${key.id}`).set(t.auth()).expect(200);
        expect(got.body.rotatedAt).toBeNull();
        await expect(verify(t, { channel: 'rest', secret: key.secret, ip: randomPeer() })).resolves.toEqual(
          ok(key, account.id),
        );
      },
    );

    it('accepts the largest graceSeconds, 604800', async () => {
      const account = await createMaster(t);
      const key = await createCredential(t, account.id, { channel: 'rest' });
      const res = await rotate(key.id, { graceSeconds: 604800 }).expect(200);
      await expect(verify(t, { channel: 'rest', secret: key.secret, ip: randomPeer() })).resolves.toEqual(
        ok(key, account.id),
      );
      await expect(
        verify(t, { channel: 'rest', secret: res.body.secret as string, ip: randomPeer() }),
      ).resolves.toEqual(ok(key, account.id));
    });

    it('rotating an unknown credential is 404', async () => {
      expectError(await rotate('01900000-0000-7000-8000-000000000000'), 404, 'not_found');
    });
  });
});
