import { ConsoleLogger, Logger } from '@nestjs/common';
import * as bcrypt from 'bcrypt';
import { Channel } from '../channels/channel';
import { newId } from '../common/ids';
import { Credential, CredentialAuthRecord, CredentialSecret } from '../credentials/credential.model';
import { CredentialRepository } from '../credentials/credential.repository';
import { InMemoryPeerBanList, InProcessChangeNotifier } from '@gatehouse/coordination';
import { canonicalCidrList } from '../network/cidr-allowlist';
import { generateSecret, generateUsername, secretHint } from '../secrets/secret-format';
import { SecretHasher, bcryptCostOf } from '../secrets/secret-hasher';
import { AuthRequest, Authenticator } from './authenticator';
import { SecretUpgrader } from './secret-upgrader';

const PEPPER = 'authenticator-spec-pepper-0123456789abcdef';
const PEER = '203.0.113.7';

/** The two lookups the authenticator uses, over an in-memory list of records; counts every call. */
class FakeCredentialRepository implements Pick<
  CredentialRepository,
  'findAuthByUsername' | 'findAuthByLookupKey' | 'replaceSecretHash'
> {
  readonly records: CredentialAuthRecord[] = [];
  calls = 0;

  add(record: CredentialAuthRecord): CredentialAuthRecord {
    this.records.push(record);
    return record;
  }

  findAuthByUsername(channel: Channel, username: string): Promise<CredentialAuthRecord | null> {
    this.calls++;
    const found = this.records.find((r) => r.credential.channel === channel && r.credential.username === username);
    return Promise.resolve(found ? structuredClone(found) : null);
  }

  findAuthByLookupKey(lookupKey: string): Promise<CredentialAuthRecord | null> {
    this.calls++;
    const found = this.records.find((r) => r.secrets.some((s) => s.lookupKey === lookupKey));
    return Promise.resolve(found ? structuredClone(found) : null);
  }

  replaceSecretHash(secretId: string, previousHash: string, nextHash: string): Promise<boolean> {
    const secret = this.records.flatMap((r) => r.secrets).find((s) => s.id === secretId && s.hash === previousHash);
    if (secret) secret.hash = nextHash;
    return Promise.resolve(!!secret);
  }
}

const hasher = new SecretHasher(PEPPER, 4);

function setup(policy = { threshold: 15, seconds: 1800, windowSeconds: 1800 }, h: SecretHasher = hasher) {
  const repo = new FakeCredentialRepository();
  const bans = new InMemoryPeerBanList(policy);
  const notifier = new InProcessChangeNotifier();
  const requestLog = { record: jest.fn(), recordFolded: jest.fn() };
  const usage = { used: jest.fn() };
  const upgrader = new SecretUpgrader(repo as unknown as CredentialRepository, h);
  const auth = new Authenticator(
    repo as unknown as CredentialRepository,
    h,
    bans,
    notifier,
    requestLog as any,
    usage as any,
    upgrader,
  );
  return { repo, bans, notifier, requestLog, usage, upgrader, auth };
}

function credentialOf(channel: Channel, overrides: Partial<Credential> = {}): Credential {
  const now = new Date();
  return {
    id: newId(),
    accountId: 'acc-1',
    tenantId: 'tenant-1',
    channel,
    name: 'test',
    username: generateUsername(channel),
    enabled: true,
    expiresAt: null,
    allowedCidrs: [],
    postbackUrl: null,
    postbackSalt: 'salt',
    offTheRecord: false,
    scope: 'all',
    groups: [],
    rateLimit: null,
    secretHint: '',
    hasAvatar: false,
    createdAt: now,
    updatedAt: now,
    rotatedAt: null,
    lastUsedAt: null,
    ...overrides,
  };
}

function generatedSecretRow(credentialId: string, secret: string, expiresAt: Date | null = null): CredentialSecret {
  const { hash, lookupKey } = hasher.hashGenerated(secret);
  return { id: newId(), credentialId, hash, lookupKey, expiresAt, createdAt: new Date() };
}

async function customSecretRowWith(h: SecretHasher, credentialId: string, secret: string): Promise<CredentialSecret> {
  return {
    id: newId(),
    credentialId,
    hash: await h.hashCustom(secret),
    lookupKey: null,
    expiresAt: null,
    createdAt: new Date(),
  };
}

async function customSecretRow(
  credentialId: string,
  secret: string,
  expiresAt: Date | null = null,
): Promise<CredentialSecret> {
  return {
    id: newId(),
    credentialId,
    hash: await hasher.hashCustom(secret),
    lookupKey: null,
    expiresAt,
    createdAt: new Date(),
  };
}

/** A stored credential with one generated secret. */
function withGenerated(
  repo: FakeCredentialRepository,
  channel: Channel,
  overrides: Partial<Credential> = {},
  accountActive = true,
): { record: CredentialAuthRecord; secret: string } {
  const secret = generateSecret(channel);
  const credential = credentialOf(channel, { secretHint: secretHint(secret), ...overrides });
  const record = repo.add({ credential, secrets: [generatedSecretRow(credential.id, secret)], accountActive });
  return { record, secret };
}

/** Counts the bcrypt work each check spends: 2^cost per compare, the unit bcrypt's time scales with. */
class WorkCountingHasher extends SecretHasher {
  work = 0;
  compares = 0;
  protected override compare(data: string, hash: string): Promise<boolean> {
    this.work += 2 ** bcryptCostOf(hash);
    this.compares++;
    return super.compare(data, hash);
  }
  reset(): void {
    this.work = 0;
    this.compares = 0;
  }
}

function req(channel: Channel, username: string | null, secret: string, extra: Partial<AuthRequest> = {}): AuthRequest {
  return { channel, username, secret, peer: PEER, operation: 'admin.verify', ...extra };
}

describe('Authenticator', () => {
  // The secret upgrader reports each re-hash through Nest's logger; not wanted in test output.
  beforeAll(() => Logger.overrideLogger(false));
  afterAll(() => Logger.overrideLogger(new ConsoleLogger()));

  describe('success', () => {
    it('authenticates username + generated secret and returns the principal', async () => {
      const { repo, auth, usage, requestLog } = setup();
      const { record, secret } = withGenerated(repo, 'ftp');
      const result = await auth.authenticate(req('ftp', record.credential.username, secret));
      expect(result).toEqual({
        ok: true,
        credential: {
          credentialId: record.credential.id,
          accountId: 'acc-1',
          tenantId: 'tenant-1',
          channel: 'ftp',
          username: record.credential.username,
          offTheRecord: false,
          scope: 'all',
          groups: [],
          postbackUrl: null,
          rateLimit: null,
        },
      });
      expect(usage.used).toHaveBeenCalledWith(record.credential.id);
      expect(requestLog.record).toHaveBeenCalledTimes(1);
      expect(requestLog.record).toHaveBeenCalledWith(
        expect.objectContaining({
          channel: 'ftp',
          credentialId: record.credential.id,
          accountId: 'acc-1',
          peer: PEER,
          operation: 'admin.verify',
          outcome: 'ok',
          status: 'accepted',
        }),
      );
    });

    it('usernames are matched case-insensitively and trimmed', async () => {
      const { repo, auth } = setup();
      const { record, secret } = withGenerated(repo, 'http', { username: 'legacy.client' });
      await expect(auth.authenticate(req('http', '  Legacy.Client ', secret))).resolves.toMatchObject({
        ok: true,
        credential: { credentialId: record.credential.id },
      });
    });

    it('authenticates username + custom (bcrypt) secret', async () => {
      const { repo, auth } = setup();
      const credential = credentialOf('email', { username: 'mailer' });
      repo.add({
        credential,
        secrets: [await customSecretRow(credential.id, 'a custom passphrase')],
        accountActive: true,
      });
      await expect(auth.authenticate(req('email', 'mailer', 'a custom passphrase'))).resolves.toMatchObject({
        ok: true,
      });
      await expect(auth.authenticate(req('email', 'mailer', 'a custom passphrasE'))).resolves.toEqual({
        ok: false,
        reason: 'bad_secret',
      });
    });

    it('reports a use for lastUsedAt at most once a minute per credential', async () => {
      const { repo, auth, usage } = setup();
      const { record, secret } = withGenerated(repo, 'rest');
      const clock = jest.spyOn(Date, 'now');
      try {
        const t0 = 1_800_000_000_000;
        clock.mockReturnValue(t0);
        await auth.authenticate(req('rest', null, secret)); // cold
        clock.mockReturnValue(t0 + 59_000);
        await auth.authenticate(req('rest', null, secret)); // warm, within the minute
        expect(usage.used).toHaveBeenCalledTimes(1);
        clock.mockReturnValue(t0 + 60_000);
        await auth.authenticate(req('rest', null, secret));
        expect(usage.used).toHaveBeenCalledTimes(2);
        expect(usage.used).toHaveBeenLastCalledWith(record.credential.id);
      } finally {
        clock.mockRestore();
      }
    });

    it('a lastUsedAt stored less than a minute ago is not written again; an older one is', async () => {
      const { repo, auth, usage } = setup();
      const recent = withGenerated(repo, 'rest', { lastUsedAt: new Date(Date.now() - 10_000) });
      const stale = withGenerated(repo, 'rest', { lastUsedAt: new Date(Date.now() - 120_000) });
      await auth.authenticate(req('rest', null, recent.secret));
      await auth.authenticate(req('rest', null, stale.secret));
      expect(usage.used.mock.calls).toEqual([[stale.record.credential.id]]);
    });

    it('authenticates a bare bearer generated key', async () => {
      const { repo, auth, usage } = setup();
      const { record, secret } = withGenerated(repo, 'rest');
      await expect(auth.authenticate(req('rest', null, secret))).resolves.toMatchObject({
        ok: true,
        credential: { credentialId: record.credential.id, channel: 'rest' },
      });
      expect(usage.used).toHaveBeenCalledWith(record.credential.id);
    });

    it('a bearer secret that is not generated-shaped is unknown without a lookup', async () => {
      const { repo, auth } = setup();
      await expect(auth.authenticate(req('rest', null, 'some-random-password'))).resolves.toEqual({
        ok: false,
        reason: 'unknown_credential',
      });
      expect(repo.calls).toBe(0);
    });
  });

  describe('failures', () => {
    it('unknown username → unknown_credential, logged without a credential', async () => {
      const { auth, requestLog, usage } = setup();
      await expect(auth.authenticate(req('ftp', 'nobody', generateSecret('ftp')))).resolves.toEqual({
        ok: false,
        reason: 'unknown_credential',
      });
      expect(requestLog.record).toHaveBeenCalledWith(
        expect.objectContaining({
          outcome: 'unknown_credential',
          status: 'refused',
          credentialId: null,
          username: 'nobody',
        }),
      );
      expect(usage.used).not.toHaveBeenCalled();
    });

    it('unknown bearer key → unknown_credential', async () => {
      const { repo, auth } = setup();
      withGenerated(repo, 'rest');
      await expect(auth.authenticate(req('rest', null, generateSecret('rest')))).resolves.toEqual({
        ok: false,
        reason: 'unknown_credential',
      });
    });

    it('wrong secret → bad_secret; the caller learns no ids, the log names the credential', async () => {
      const { repo, auth, requestLog, usage } = setup();
      const { record } = withGenerated(repo, 'ftp');
      const result = await auth.authenticate(req('ftp', record.credential.username, generateSecret('ftp')));
      expect(result).toEqual({ ok: false, reason: 'bad_secret' });
      expect(requestLog.record).toHaveBeenCalledWith(
        expect.objectContaining({ outcome: 'bad_secret', credentialId: record.credential.id }),
      );
      expect(usage.used).not.toHaveBeenCalled();
    });

    it('a custom-shaped wrong secret on a generated credential → bad_secret', async () => {
      const { repo, auth } = setup();
      const { record } = withGenerated(repo, 'ftp');
      await expect(auth.authenticate(req('ftp', record.credential.username, 'not the right one'))).resolves.toEqual({
        ok: false,
        reason: 'bad_secret',
      });
    });

    it('a key of another channel is unknown_credential (bearer and username forms)', async () => {
      const { repo, auth } = setup();
      const http = withGenerated(repo, 'http');
      await expect(auth.authenticate(req('rest', null, http.secret))).resolves.toEqual({
        ok: false,
        reason: 'unknown_credential',
      });
      await expect(auth.authenticate(req('ftp', http.record.credential.username, http.secret))).resolves.toEqual({
        ok: false,
        reason: 'unknown_credential',
      });
      // ...while it still works on its own channel
      await expect(auth.authenticate(req('http', http.record.credential.username, http.secret))).resolves.toMatchObject(
        {
          ok: true,
        },
      );
    });

    it('disabled → disabled, with the ids', async () => {
      const { repo, auth, usage } = setup();
      const { record, secret } = withGenerated(repo, 'http', { enabled: false });
      await expect(auth.authenticate(req('http', record.credential.username, secret))).resolves.toEqual({
        ok: false,
        reason: 'disabled',
        credentialId: record.credential.id,
        accountId: 'acc-1',
        tenantId: 'tenant-1',
      });
      expect(usage.used).not.toHaveBeenCalled();
    });

    it('expired → expired; not yet expired → ok', async () => {
      const { repo, auth } = setup();
      const past = withGenerated(repo, 'http', { expiresAt: new Date(Date.now() - 1000) });
      const future = withGenerated(repo, 'http', { expiresAt: new Date(Date.now() + 60_000) });
      await expect(auth.authenticate(req('http', past.record.credential.username, past.secret))).resolves.toMatchObject(
        {
          ok: false,
          reason: 'expired',
        },
      );
      await expect(
        auth.authenticate(req('http', future.record.credential.username, future.secret)),
      ).resolves.toMatchObject({ ok: true });
    });

    it('suspended account → account_suspended', async () => {
      const { repo, auth } = setup();
      const { secret } = withGenerated(repo, 'rest', {}, false);
      await expect(auth.authenticate(req('rest', null, secret))).resolves.toMatchObject({
        ok: false,
        reason: 'account_suspended',
      });
    });

    it('peer outside allowedCidrs → ip_not_allowed; inside (also IPv4-mapped) → ok', async () => {
      const { repo, auth } = setup();
      const { record, secret } = withGenerated(repo, 'webservice', { allowedCidrs: canonicalCidrList(['10.0.0.0/8']) });
      const u = record.credential.username;
      await expect(auth.authenticate(req('webservice', u, secret, { peer: '11.0.0.1' }))).resolves.toMatchObject({
        ok: false,
        reason: 'ip_not_allowed',
        credentialId: record.credential.id,
      });
      await expect(auth.authenticate(req('webservice', u, secret, { peer: '10.1.2.3' }))).resolves.toMatchObject({
        ok: true,
      });
      await expect(auth.authenticate(req('webservice', u, secret, { peer: '::ffff:10.1.2.3' }))).resolves.toMatchObject(
        {
          ok: true,
        },
      );
    });

    it('a wrong secret never reveals state: disabled credential + wrong secret is bad_secret', async () => {
      const { repo, auth } = setup();
      const { record } = withGenerated(repo, 'http', { enabled: false });
      await expect(auth.authenticate(req('http', record.credential.username, generateSecret('http')))).resolves.toEqual(
        {
          ok: false,
          reason: 'bad_secret',
        },
      );
    });
  });

  describe('bans', () => {
    it('bans a peer after enough failures and answers banned before any repository call', async () => {
      const { repo, auth, requestLog } = setup();
      const { record, secret } = withGenerated(repo, 'ftp');
      // unknown usernames score 2: 7 × 2 = 14, then one wrong secret (1) → 15
      for (let i = 0; i < 7; i++) {
        await expect(auth.authenticate(req('ftp', `nobody${i}`, generateSecret('ftp')))).resolves.toMatchObject({
          reason: 'unknown_credential',
        });
      }
      await expect(
        auth.authenticate(req('ftp', record.credential.username, generateSecret('ftp'))),
      ).resolves.toMatchObject({
        reason: 'bad_secret',
      });
      const callsBefore = repo.calls;
      const result = await auth.authenticate(req('ftp', record.credential.username, secret));
      expect(result).toMatchObject({ ok: false, reason: 'banned' });
      expect(result.ok === false && result.retryAfterSeconds).toBeGreaterThan(1790);
      expect(result.ok === false && result.retryAfterSeconds).toBeLessThanOrEqual(1800);
      expect(repo.calls).toBe(callsBefore);
      expect(requestLog.recordFolded).toHaveBeenLastCalledWith(
        'ip:203.0.113.7',
        expect.objectContaining({ outcome: 'banned' }),
      );
      // another peer is unaffected
      await expect(
        auth.authenticate(req('ftp', record.credential.username, secret, { peer: '198.51.100.1' })),
      ).resolves.toMatchObject({ ok: true });
    });

    it('state failures (disabled) do not count towards a ban', async () => {
      const { repo, auth } = setup({ threshold: 2, seconds: 60, windowSeconds: 60 });
      const { record, secret } = withGenerated(repo, 'http', { enabled: false });
      for (let i = 0; i < 5; i++) {
        await expect(auth.authenticate(req('http', record.credential.username, secret))).resolves.toMatchObject({
          reason: 'disabled',
        });
      }
    });

    it('a ban also stops a warm (cached) credential', async () => {
      const { repo, auth } = setup({ threshold: 2, seconds: 60, windowSeconds: 60 });
      const { secret } = withGenerated(repo, 'rest');
      await expect(auth.authenticate(req('rest', null, secret))).resolves.toMatchObject({ ok: true });
      await auth.authenticate(req('ftp', 'nobody', generateSecret('ftp'))); // score 2 → banned
      await expect(auth.authenticate(req('rest', null, secret))).resolves.toMatchObject({ reason: 'banned' });
    });
  });

  describe('rotation grace', () => {
    it('a rotated-out secret whose grace is over → bad_secret; still in grace → ok', async () => {
      const { repo, auth } = setup();
      const credential = credentialOf('http');
      const current = generateSecret('http');
      const expiredOld = generateSecret('http');
      const graceOld = generateSecret('http');
      repo.add({
        credential,
        secrets: [
          generatedSecretRow(credential.id, expiredOld, new Date(Date.now() - 1000)),
          generatedSecretRow(credential.id, graceOld, new Date(Date.now() + 60_000)),
          generatedSecretRow(credential.id, current),
        ],
        accountActive: true,
      });
      const u = credential.username;
      await expect(auth.authenticate(req('http', u, expiredOld))).resolves.toEqual({ ok: false, reason: 'bad_secret' });
      await expect(auth.authenticate(req('http', u, graceOld))).resolves.toMatchObject({ ok: true });
      await expect(auth.authenticate(req('http', u, current))).resolves.toMatchObject({ ok: true });
    });

    it('applies to bearer keys too', async () => {
      const { repo, auth } = setup();
      const credential = credentialOf('rest');
      const expiredOld = generateSecret('rest');
      const graceOld = generateSecret('rest');
      repo.add({
        credential,
        secrets: [
          generatedSecretRow(credential.id, expiredOld, new Date(Date.now() - 1000)),
          generatedSecretRow(credential.id, graceOld, new Date(Date.now() + 60_000)),
        ],
        accountActive: true,
      });
      await expect(auth.authenticate(req('rest', null, expiredOld))).resolves.toMatchObject({ ok: false });
      await expect(auth.authenticate(req('rest', null, graceOld))).resolves.toMatchObject({ ok: true });
    });

    it('a custom secret in grace that runs out while cached stops working', async () => {
      const { repo, auth } = setup();
      const credential = credentialOf('ftp', { username: 'grace-user' });
      repo.add({
        credential,
        secrets: [await customSecretRow(credential.id, 'old custom secret', new Date(Date.now() + 60_000))],
        accountActive: true,
      });
      const nowSpy = jest.spyOn(Date, 'now');
      try {
        await expect(auth.authenticate(req('ftp', 'grace-user', 'old custom secret'))).resolves.toMatchObject({
          ok: true,
        });
        const later = Date.now() + 61_000;
        nowSpy.mockReturnValue(later);
        await expect(auth.authenticate(req('ftp', 'grace-user', 'old custom secret'))).resolves.toEqual({
          ok: false,
          reason: 'bad_secret',
        });
      } finally {
        nowSpy.mockRestore();
      }
    });
  });

  describe('warm cache', () => {
    it('a second identical call does not hit the repository', async () => {
      const { repo, auth } = setup();
      const { record, secret } = withGenerated(repo, 'ftp');
      await expect(auth.authenticate(req('ftp', record.credential.username, secret))).resolves.toMatchObject({
        ok: true,
      });
      expect(repo.calls).toBe(1);
      await expect(auth.authenticate(req('ftp', record.credential.username, secret))).resolves.toMatchObject({
        ok: true,
      });
      expect(repo.calls).toBe(1);
    });

    it('a different secret for the same user is not served from the cache', async () => {
      const { repo, auth } = setup();
      const { record, secret } = withGenerated(repo, 'ftp');
      await auth.authenticate(req('ftp', record.credential.username, secret));
      await expect(auth.authenticate(req('ftp', record.credential.username, generateSecret('ftp')))).resolves.toEqual({
        ok: false,
        reason: 'bad_secret',
      });
      expect(repo.calls).toBe(2);
    });

    it('a credential.changed event drops the cached verdict; the next call hits the repository', async () => {
      const { repo, auth, notifier } = setup();
      const { record, secret } = withGenerated(repo, 'ftp');
      await auth.authenticate(req('ftp', record.credential.username, secret));
      await auth.authenticate(req('ftp', record.credential.username, secret));
      expect(repo.calls).toBe(1);
      await notifier.publish({ type: 'credential.changed', credentialId: record.credential.id, endSessions: false });
      await expect(auth.authenticate(req('ftp', record.credential.username, secret))).resolves.toMatchObject({
        ok: true,
      });
      expect(repo.calls).toBe(2);
    });

    it('a change event for another credential keeps the cached verdict', async () => {
      const { repo, auth, notifier } = setup();
      const { record, secret } = withGenerated(repo, 'ftp');
      await auth.authenticate(req('ftp', record.credential.username, secret));
      await notifier.publish({ type: 'credential.changed', credentialId: newId(), endSessions: true });
      await auth.authenticate(req('ftp', record.credential.username, secret));
      expect(repo.calls).toBe(1);
    });

    it('after a block event the new state is seen at once', async () => {
      const { repo, auth, notifier } = setup();
      const { record, secret } = withGenerated(repo, 'rest');
      await expect(auth.authenticate(req('rest', null, secret))).resolves.toMatchObject({ ok: true });
      record.credential.enabled = false;
      await notifier.publish({ type: 'credential.changed', credentialId: record.credential.id, endSessions: true });
      await expect(auth.authenticate(req('rest', null, secret))).resolves.toMatchObject({
        ok: false,
        reason: 'disabled',
      });
    });

    it('an account.changed event drops the verdicts of every listed credential', async () => {
      const { repo, auth, notifier } = setup();
      const { record, secret } = withGenerated(repo, 'rest');
      await auth.authenticate(req('rest', null, secret));
      record.accountActive = false;
      await notifier.publish({
        type: 'account.changed',
        accountId: 'acc-1',
        credentialIds: [record.credential.id],
        endSessions: true,
      });
      await expect(auth.authenticate(req('rest', null, secret))).resolves.toMatchObject({
        ok: false,
        reason: 'account_suspended',
      });
      expect(repo.calls).toBe(2);
    });

    it('onModuleDestroy unsubscribes from change events', async () => {
      const { repo, auth, notifier } = setup();
      const { record, secret } = withGenerated(repo, 'rest');
      await auth.authenticate(req('rest', null, secret));
      auth.onModuleDestroy();
      await notifier.publish({ type: 'credential.changed', credentialId: record.credential.id, endSessions: true });
      await auth.authenticate(req('rest', null, secret));
      expect(repo.calls).toBe(1);
    });
  });

  describe('request log', () => {
    it('a failed login is logged even for an off-the-record credential; a successful one is not', async () => {
      const { repo, auth, requestLog, usage } = setup();
      const { record, secret } = withGenerated(repo, 'http', { offTheRecord: true });
      const u = record.credential.username;

      await expect(auth.authenticate(req('http', u, generateSecret('http')))).resolves.toMatchObject({ ok: false });
      expect(requestLog.record).toHaveBeenCalledTimes(1);
      expect(requestLog.record).toHaveBeenCalledWith(
        expect.objectContaining({ outcome: 'bad_secret', credentialId: record.credential.id }),
      );

      requestLog.record.mockClear();
      await expect(auth.authenticate(req('http', u, secret))).resolves.toMatchObject({
        ok: true,
        credential: { offTheRecord: true },
      });
      expect(requestLog.record).not.toHaveBeenCalled();
      expect(usage.used).toHaveBeenCalledWith(record.credential.id);
    });

    it('a state failure of an off-the-record credential is logged', async () => {
      const { repo, auth, requestLog } = setup();
      const { record, secret } = withGenerated(repo, 'http', { offTheRecord: true, enabled: false });
      await auth.authenticate(req('http', record.credential.username, secret));
      expect(requestLog.record).toHaveBeenCalledWith(expect.objectContaining({ outcome: 'disabled' }));
    });

    it('logSuccess:false suppresses the success row but not failure rows', async () => {
      const { repo, auth, requestLog, usage } = setup();
      const { record, secret } = withGenerated(repo, 'rest');
      await expect(auth.authenticate(req('rest', null, secret, { logSuccess: false }))).resolves.toMatchObject({
        ok: true,
      });
      expect(requestLog.record).not.toHaveBeenCalled();
      expect(usage.used).toHaveBeenCalledWith(record.credential.id);

      await auth.authenticate(req('rest', null, generateSecret('rest'), { logSuccess: false }));
      expect(requestLog.record).toHaveBeenCalledWith(expect.objectContaining({ outcome: 'unknown_credential' }));
    });

    it('never writes the secret into the log row', async () => {
      const { repo, auth, requestLog } = setup();
      const { record, secret } = withGenerated(repo, 'ftp');
      await auth.authenticate(req('ftp', record.credential.username, secret));
      await auth.authenticate(req('ftp', record.credential.username, secret + 'x'));
      await auth.authenticate(req('ftp', 'nobody', secret));
      expect(requestLog.record).toHaveBeenCalledTimes(3);
      for (const [row] of requestLog.record.mock.calls) expect(JSON.stringify(row)).not.toContain(secret);
    });
  });

  describe('timing', () => {
    it('unknown username + non-generated-shape secret burns a bcrypt (slow=true)', async () => {
      const { auth } = setup();
      const burn = jest.spyOn(hasher, 'burn');
      try {
        await expect(auth.authenticate(req('ftp', 'nobody', 'a custom-looking password'))).resolves.toMatchObject({
          reason: 'unknown_credential',
        });
        expect(burn).toHaveBeenCalledTimes(1);
        expect(burn).toHaveBeenCalledWith(true, 'a custom-looking password');
      } finally {
        burn.mockRestore();
      }
    });

    it('unknown username + generated-shape secret burns only an HMAC (slow=false)', async () => {
      const { auth } = setup();
      const secret = generateSecret('ftp');
      const burn = jest.spyOn(hasher, 'burn');
      try {
        await auth.authenticate(req('ftp', 'nobody', secret));
        expect(burn).toHaveBeenCalledTimes(1);
        expect(burn).toHaveBeenCalledWith(false, secret);
      } finally {
        burn.mockRestore();
      }
    });

    it('a generated-shape secret of ANOTHER channel counts as non-generated: slow burn', async () => {
      const { auth } = setup();
      const secret = generateSecret('rest');
      const burn = jest.spyOn(hasher, 'burn');
      try {
        await auth.authenticate(req('ftp', 'nobody', secret));
        expect(burn).toHaveBeenCalledWith(true, secret);
      } finally {
        burn.mockRestore();
      }
    });

    it('known user with only a generated secret + custom-shaped guess also spends one bcrypt', async () => {
      const { repo, auth } = setup();
      const { record } = withGenerated(repo, 'ftp');
      const burn = jest.spyOn(hasher, 'burn');
      try {
        await expect(
          auth.authenticate(req('ftp', record.credential.username, 'custom guess 123')),
        ).resolves.toMatchObject({
          reason: 'bad_secret',
        });
        expect(burn).toHaveBeenCalledWith(true, 'custom guess 123');
      } finally {
        burn.mockRestore();
      }
    });

    it('known user with a custom secret + wrong custom guess verifies bcrypt instead of burning', async () => {
      const { repo, auth } = setup();
      const credential = credentialOf('ftp', { username: 'custom-user' });
      repo.add({ credential, secrets: [await customSecretRow(credential.id, 'the real secret')], accountActive: true });
      const burn = jest.spyOn(hasher, 'burn');
      const verify = jest.spyOn(hasher, 'verify');
      try {
        await auth.authenticate(req('ftp', 'custom-user', 'not the real secret'));
        expect(verify).toHaveBeenCalledTimes(1);
        expect(burn).not.toHaveBeenCalled();
      } finally {
        burn.mockRestore();
        verify.mockRestore();
      }
    });
  });

  describe('equal work (unknown users, wrong secrets and imported hashes cost the same)', () => {
    const COST = 6;

    async function importedRow(credentialId: string, secret: string, cost: number): Promise<CredentialSecret> {
      const hash = (await bcrypt.hash(secret, cost)).replace(/^\$2b\$/, '$2y$');
      return { id: newId(), credentialId, hash, lookupKey: null, expiresAt: null, createdAt: new Date() };
    }

    it('every slow path spends exactly the work of one compare at the configured cost', async () => {
      const h = new WorkCountingHasher(PEPPER, COST);
      const { repo, auth } = setup(undefined, h);
      const custom = credentialOf('ftp', { username: 'custom-user' });
      repo.add({
        credential: custom,
        secrets: [await customSecretRowWith(h, custom.id, 'the real secret')],
        accountActive: true,
      });
      const imported = credentialOf('ftp', { username: 'imported-user' });
      repo.add({
        credential: imported,
        secrets: [await importedRow(imported.id, 'imported secret', 4)],
        accountActive: true,
      });
      const generated = withGenerated(repo, 'ftp');

      const cases: Array<[string, AuthRequest]> = [
        ['unknown user', req('ftp', 'nobody', 'some password 1')],
        ['wrong custom secret', req('ftp', 'custom-user', 'some password 2')],
        ['wrong secret for an imported cost-4 hash', req('ftp', 'imported-user', 'some password 3')],
        [
          'custom-shaped guess at a generated credential',
          req('ftp', generated.record.credential.username, 'guess 4 guess'),
        ],
      ];
      for (const [label, request] of cases) {
        h.reset();
        await expect(auth.authenticate(request)).resolves.toMatchObject({ ok: false });
        expect({ label, work: h.work }).toEqual({ label, work: 2 ** COST });
      }
      // and a right password for the imported hash costs the same: 2^4 + 2^4 + 2^5 = 2^6
      h.reset();
      await expect(auth.authenticate(req('ftp', 'imported-user', 'imported secret'))).resolves.toMatchObject({
        ok: true,
      });
      expect(h.work).toBe(2 ** COST);
    });

    it('an imported hash costing more than allowed (stored before the cap) is never compared', async () => {
      const h = new WorkCountingHasher(PEPPER, 4);
      const { repo, auth } = setup(undefined, h);
      const credential = credentialOf('email', { username: 'too-costly' });
      repo.add({ credential, secrets: [await importedRow(credential.id, 'imported secret', 6)], accountActive: true });
      h.reset();
      await expect(auth.authenticate(req('email', 'too-costly', 'imported secret'))).resolves.toMatchObject({
        reason: 'bad_secret',
      });
      expect(h.work).toBe(2 ** 4); // the dummy at the allowed cost, not the stored 2^6
    });

    it('an imported hash is re-hashed to the current scheme and cost at its first successful login', async () => {
      const h = new WorkCountingHasher(PEPPER, COST);
      const { repo, auth, upgrader } = setup(undefined, h);
      const credential = credentialOf('http', { username: 'php-user' });
      const row = await importedRow(credential.id, 'imported secret', 4);
      const record = repo.add({ credential, secrets: [row], accountActive: true });
      await expect(auth.authenticate(req('http', 'php-user', 'wrong password'))).resolves.toMatchObject({ ok: false });
      await upgrader.drain();
      expect(record.secrets[0].hash).toBe(row.hash); // a failed login changes nothing
      await expect(auth.authenticate(req('http', 'php-user', 'imported secret'))).resolves.toMatchObject({ ok: true });
      await upgrader.drain();
      const upgraded = record.secrets[0].hash;
      expect(upgraded.startsWith('bcrypt-hmac$')).toBe(true);
      expect(bcryptCostOf(upgraded)).toBe(COST);
      auth.cache.clear();
      await expect(auth.authenticate(req('http', 'php-user', 'imported secret'))).resolves.toMatchObject({ ok: true });
      await expect(auth.authenticate(req('http', 'php-user', 'wrong password'))).resolves.toMatchObject({
        reason: 'bad_secret',
      });
    });

    it('a custom secret hashed under another cost is re-hashed at the current one', async () => {
      const h = new SecretHasher(PEPPER, 5);
      const { repo, auth, upgrader } = setup(undefined, h);
      const credential = credentialOf('ftp', { username: 'old-cost' });
      const record = repo.add({
        credential,
        secrets: [await customSecretRow(credential.id, 'the real secret')], // made at cost 4
        accountActive: true,
      });
      await expect(auth.authenticate(req('ftp', 'old-cost', 'the real secret'))).resolves.toMatchObject({ ok: true });
      await upgrader.drain();
      expect(bcryptCostOf(record.secrets[0].hash)).toBe(5);
    });
  });

  describe('concurrent cold checks', () => {
    it('fifty concurrent first logins with one custom secret share one bcrypt', async () => {
      const h = new WorkCountingHasher(PEPPER, 4);
      const { repo, auth } = setup(undefined, h);
      const credential = credentialOf('http', { username: 'herd' });
      repo.add({
        credential,
        secrets: [await customSecretRowWith(h, credential.id, 'the real secret')],
        accountActive: true,
      });
      h.reset();
      const results = await Promise.all(
        Array.from({ length: 50 }, () => auth.authenticate(req('http', 'herd', 'the real secret'))),
      );
      expect(results.every((r) => r.ok)).toBe(true);
      expect(h.compares).toBe(1);
      expect(repo.calls).toBe(1);
    });

    it('concurrent wrong guesses share the compare but each one is scored', async () => {
      const h = new WorkCountingHasher(PEPPER, 4);
      const { repo, auth } = setup({ threshold: 10, seconds: 60, windowSeconds: 60 }, h);
      const credential = credentialOf('http', { username: 'herd' });
      repo.add({
        credential,
        secrets: [await customSecretRowWith(h, credential.id, 'the real secret')],
        accountActive: true,
      });
      h.reset();
      const results = await Promise.all(
        Array.from({ length: 10 }, () => auth.authenticate(req('http', 'herd', 'wrong one!'))),
      );
      expect(results.every((r) => !r.ok && r.reason === 'bad_secret')).toBe(true);
      expect(h.compares).toBe(1);
      await expect(auth.authenticate(req('http', 'herd', 'the real secret'))).resolves.toMatchObject({
        reason: 'banned',
      });
    });

    it('different secrets are not shared', async () => {
      const h = new WorkCountingHasher(PEPPER, 4);
      const { repo, auth } = setup(undefined, h);
      const credential = credentialOf('http', { username: 'herd' });
      repo.add({
        credential,
        secrets: [await customSecretRowWith(h, credential.id, 'the real secret')],
        accountActive: true,
      });
      h.reset();
      await Promise.all([
        auth.authenticate(req('http', 'herd', 'the real secret')),
        auth.authenticate(req('http', 'herd', 'another secret')),
      ]);
      expect(h.compares).toBe(2);
    });
  });

  describe('ban subjects', () => {
    it('an IPv6 peer is banned with its whole /64', async () => {
      const { auth } = setup({ threshold: 4, seconds: 60, windowSeconds: 60 });
      await auth.authenticate(req('ftp', 'nobody', generateSecret('ftp'), { peer: '2001:db8:1:2::1' }));
      await auth.authenticate(req('ftp', 'nobody', generateSecret('ftp'), { peer: '2001:db8:1:2::2' }));
      await expect(
        auth.authenticate(req('ftp', 'nobody', generateSecret('ftp'), { peer: '2001:db8:1:2:abcd::99' })),
      ).resolves.toMatchObject({ reason: 'banned' });
      await expect(
        auth.authenticate(req('ftp', 'nobody', generateSecret('ftp'), { peer: '2001:db8:1:3::1' })),
      ).resolves.toMatchObject({ reason: 'unknown_credential' });
    });

    it('failures scored against another subject never ban the peer', async () => {
      const { repo, auth } = setup({ threshold: 2, seconds: 60, windowSeconds: 60 });
      const { record, secret } = withGenerated(repo, 'ftp');
      for (let i = 0; i < 3; i++) {
        await auth.authenticate(req('ftp', 'nobody', generateSecret('ftp'), { banSubject: 'admin-token:t1' }));
      }
      await expect(
        auth.authenticate(req('ftp', record.credential.username, secret, { banSubject: 'admin-token:t1' })),
      ).resolves.toMatchObject({ reason: 'banned' });
      await expect(auth.authenticate(req('ftp', record.credential.username, secret))).resolves.toMatchObject({
        ok: true,
      });
    });
  });
});
