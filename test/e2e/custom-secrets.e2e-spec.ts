import * as bcrypt from 'bcrypt';
import { DataSource } from 'typeorm';
import { Authenticator, SECRET_HASHER, SecretHasher, SecretUpgrader, bcryptCostOf } from '@gatehouse/core';
import { expectError } from '../support/assertions';
import { createCredential, createMaster, randomPeer, verify } from '../support/factories';
import { TestApp, startTestApp, unique } from '../support/test-app';

/**
 * Security review, items 3, 12 (blank secrets, Kelvin sign), 13 and 14: custom and imported
 * secrets are people's passwords; they cost bounded work, show no hint and are matched exactly.
 */
describe('custom and imported secrets', () => {
  let t: TestApp;
  const COST = 5;

  beforeAll(async () => {
    t = await startTestApp({ GATEHOUSE_BCRYPT_COST: String(COST) });
  });
  afterAll(async () => {
    await t.close();
  });

  const credentialsOf = (accountId: string) => `/admin/v1/accounts/${accountId}/credentials`;
  const storedHashes = async (credentialId: string): Promise<string[]> =>
    (
      await t.app
        .get(DataSource)
        .query<{ hash: string }[]>('SELECT hash FROM credential_secrets WHERE credential_id = ?', [credentialId])
    ).map((r) => r.hash);
  const send = (username: string, password: string) =>
    t.http.get('/http/send').query({ username, password, to: '447700900123', text: 'hello' });

  describe('imported bcrypt hashes', () => {
    it('one costing more than GATEHOUSE_BCRYPT_COST is refused: 422 hash_cost_too_high, nothing stored', async () => {
      const account = await createMaster(t);
      // The cost is part of the hash's text; no need to spend 2^31 rounds to make one.
      const costly = (await bcrypt.hash('imported password', 4)).replace(/^\$2b\$04\$/, '$2y$31$');
      const res = await t.http
        .post(credentialsOf(account.id))
        .set(t.auth())
        .send({ channel: 'http', name: 'costly', username: unique('costly'), secretHash: costly });
      expectError(res, 422, 'hash_cost_too_high');
      expect(res.body.error.details).toEqual({ field: 'secretHash', cost: 31, maxCost: COST });
      const list = await t.http.get(credentialsOf(account.id)).set(t.auth()).expect(200);
      expect(list.body.data).toEqual([]);
      // at the allowed cost it is taken
      await t.http
        .post(credentialsOf(account.id))
        .set(t.auth())
        .send({ channel: 'http', name: 'ok', secretHash: await bcrypt.hash('imported password', COST) })
        .expect(201);
    });

    it('is re-hashed to the current scheme and cost at its first successful login, and keeps working', async () => {
      const account = await createMaster(t);
      const username = unique('php');
      const php = (await bcrypt.hash('their old password', 4)).replace(/^\$2b\$/, '$2y$');
      const created = await t.http
        .post(credentialsOf(account.id))
        .set(t.auth())
        .send({ channel: 'http', name: 'imported', username, secretHash: php })
        .expect(201);
      const id = created.body.credential.id as string;
      expect(created.body.credential.secretHint).toBeNull();
      expect(created.body.secret).toBeNull();

      await send(username, 'a wrong password').expect(401);
      await t.app.get(SecretUpgrader).drain();
      expect(await storedHashes(id)).toEqual([php]); // failures change nothing

      await send(username, 'their old password').expect(200);
      await t.app.get(SecretUpgrader).drain();
      const [upgraded] = await storedHashes(id);
      expect(upgraded).toMatch(/^bcrypt-hmac\$\$2b\$/);
      expect(bcryptCostOf(upgraded)).toBe(COST);

      // With the warm cache emptied, the same password logs in against the new hash.
      t.app.get(Authenticator).cache.clear();
      await expect(
        verify(t, { channel: 'http', username, secret: 'their old password', ip: randomPeer() }),
      ).resolves.toMatchObject({ valid: true });
      await expect(
        verify(t, { channel: 'http', username, secret: 'their old passwordX', ip: randomPeer() }),
      ).resolves.toMatchObject({ valid: false, reason: 'bad_secret' });
    });
  });

  describe('a cold herd', () => {
    it('fifty concurrent first logins of one custom-secret credential run one bcrypt', async () => {
      const account = await createMaster(t);
      const key = await createCredential(t, account.id, { channel: 'http', secret: 'herd-password-123' });
      const hasher = t.app.get<SecretHasher>(SECRET_HASHER);
      // `compare` is the one door every bcrypt compare of the hasher goes through.
      const compare = jest.spyOn(hasher as unknown as { compare: () => Promise<boolean> }, 'compare');
      try {
        const results = await Promise.all(Array.from({ length: 50 }, () => send(key.username, 'herd-password-123')));
        expect(results.map((r) => r.status)).toEqual(Array(50).fill(200));
        expect(compare).toHaveBeenCalledTimes(1);
      } finally {
        compare.mockRestore();
      }
    });
  });

  describe('secret hints', () => {
    it('a generated secret shows its last four characters; custom and imported ones show none', async () => {
      const account = await createMaster(t);
      const generated = await createCredential(t, account.id, { channel: 'ftp' });
      expect(generated.body.credential.secretHint).toBe(generated.secret.slice(-4));
      const custom = await createCredential(t, account.id, { channel: 'ftp', secret: 'twelve chars' });
      expect(custom.body.credential.secretHint).toBeNull();
      const rotated = await t.http
        .post(`/admin/v1/credentials/${generated.id}/rotate`)
        .set(t.auth())
        .send({ secret: 'now a custom one' })
        .expect(200);
      expect(rotated.body.credential.secretHint).toBeNull();
      const list = await t.http.get(credentialsOf(account.id)).set(t.auth()).expect(200);
      expect(list.text).not.toContain('chars');
      expect(list.text).not.toContain(' one"');
    });
  });

  describe('trivial custom secrets', () => {
    it.each([
      ['twelve spaces', ' '.repeat(12)],
      ['tabs and spaces', ' \t'.repeat(8)],
      ['one letter repeated', 'a'.repeat(16)],
      ['one emoji repeated', '🔑'.repeat(12)],
    ])('%s: refused with 400 naming secret, on create and on rotate', async (_label, secret) => {
      const account = await createMaster(t);
      const res = await t.http
        .post(credentialsOf(account.id))
        .set(t.auth())
        .send({ channel: 'ftp', name: 'k', secret });
      expectError(res, 400, 'validation_failed');
      expect(res.body.error.details.field).toBe('secret');
      const key = await createCredential(t, account.id, { channel: 'ftp' });
      const rotate = await t.http.post(`/admin/v1/credentials/${key.id}/rotate`).set(t.auth()).send({ secret });
      expectError(rotate, 400, 'validation_failed');
      await expect(
        verify(t, { channel: 'ftp', username: key.username, secret: key.secret, ip: randomPeer() }),
      ).resolves.toMatchObject({ valid: true }); // the refused rotation changed nothing
    });
  });

  describe('usernames', () => {
    it('fold ASCII case only: the Kelvin sign is not "k" (on every database collation)', async () => {
      const account = await createMaster(t);
      const username = unique('kk');
      const key = await createCredential(t, account.id, { channel: 'http', username, secret: 'kelvin-password' });
      await send(username.toUpperCase(), 'kelvin-password').expect(200);
      const kelvin = username.replace(/k/g, '\u212A');
      expect(kelvin).not.toBe(username);
      const res = await send(kelvin, 'kelvin-password');
      expect(res.status).toBe(401);
      expect(res.text).toMatch(/^ERR invalid_credentials/);
      await expect(
        verify(t, { channel: 'http', username: kelvin, secret: 'kelvin-password', ip: randomPeer() }),
      ).resolves.toEqual({ valid: false, reason: 'unknown_credential' });
      expect(key.username).toBe(username);
    });

    it('match byte for byte: an accented or full-width look-alike is not the username', async () => {
      const account = await createMaster(t);
      const username = unique('jose');
      await createCredential(t, account.id, { channel: 'http', username, secret: 'accent-password' });
      // MySQL's _ci collations take these as equal to the stored name; Gatehouse does not.
      for (const lookalike of [username.replace('e', '\u00e9'), username.replace('j', '\uff4a')]) {
        expect((await send(lookalike, 'accent-password')).status).toBe(401);
      }
    });
  });
});
