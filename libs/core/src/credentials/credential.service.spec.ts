import * as bcrypt from 'bcrypt';
import { loadConfig } from '@gatehouse/config';
import { Actor } from '../access/actor';
import { Account } from '../accounts/account.model';
import { newId } from '../common/ids';
import { RecipientGroup } from '../groups/group.model';
import { GroupService } from '../groups/group.service';
import { AuditLogService } from '../logs/audit-log.service';
import { generateSecret, looksGenerated } from '../secrets/secret-format';
import { SecretHasher } from '../secrets/secret-hasher';
import {
  accountRepositoryMock,
  auditLogRepositoryMock,
  changeNotifierMock,
  credentialRepositoryMock,
  expectDomainError,
  groupRepositoryMock,
  passThroughUnitOfWork,
} from '../testing';
import { Credential, CredentialSecret } from './credential.model';
import { CredentialService, MAX_GRACE_SECONDS } from './credential.service';

const PEPPER = 'credential-service-spec-pepper-0123456789';
const ROOT: Actor = { type: 'root' };
const CTX = { actor: ROOT, peer: '127.0.0.1' };

const ACCOUNT: Account = {
  id: 'acc-1',
  kind: 'master',
  parentId: null,
  tenantId: 'acc-1',
  name: 'Acme',
  externalId: null,
  status: 'active',
  createdAt: new Date('2024-01-01T00:00:00Z'),
  updatedAt: new Date('2024-01-01T00:00:00Z'),
};

function group(slug: string): RecipientGroup {
  const now = new Date();
  return {
    id: `grp-${slug}`,
    accountId: ACCOUNT.id,
    tenantId: ACCOUNT.tenantId,
    slug,
    name: slug,
    createdAt: now,
    updatedAt: now,
  };
}

function setup() {
  const repo = credentialRepositoryMock();
  const accounts = accountRepositoryMock();
  accounts.findById.mockResolvedValue(ACCOUNT);
  const groupRepo = groupRepositoryMock();
  groupRepo.findBySlugs.mockImplementation((_accountId, slugs) =>
    Promise.resolve(slugs.filter((s) => ['vip', 'staff'].includes(s)).map(group)),
  );
  const auditRepo = auditLogRepositoryMock();
  const uow = passThroughUnitOfWork();
  const changes = changeNotifierMock();
  const hasher = new SecretHasher(PEPPER, 4);
  const config = loadConfig({ GATEHOUSE_DATA_DIR: '/tmp', GATEHOUSE_BCRYPT_COST: '4' });
  const audit = new AuditLogService(auditRepo);
  const groups = new GroupService(groupRepo, accounts, repo, uow, changes, audit);
  const service = new CredentialService(repo, accounts, uow, changes, hasher, config, groups, audit);
  return { service, repo, accounts, groupRepo, auditRepo, changes, hasher };
}

function storedCredential(overrides: Partial<Credential> = {}): Credential {
  const created = new Date('2024-02-01T00:00:00Z');
  return {
    id: newId(),
    accountId: ACCOUNT.id,
    tenantId: ACCOUNT.tenantId,
    channel: 'ftp',
    name: 'uploader',
    username: 'ftp_abcdefghijkl',
    enabled: true,
    expiresAt: null,
    allowedCidrs: [],
    postbackUrl: null,
    postbackSalt: 'salt',
    offTheRecord: false,
    scope: 'all',
    groups: [],
    rateLimit: null,
    secretHint: 'abcd',
    hasAvatar: false,
    createdAt: created,
    updatedAt: created,
    rotatedAt: null,
    lastUsedAt: null,
    ...overrides,
  };
}

function secretRow(credentialId: string, expiresAt: Date | null): CredentialSecret {
  return { id: newId(), credentialId, hash: 'hmac-sha256$00', lookupKey: '00', expiresAt, createdAt: new Date() };
}

describe('CredentialService.create', () => {
  it('issues a generated REST key: gkr_ secret, HMAC-hashed with lookup key, generated username', async () => {
    const { service, repo, hasher, auditRepo } = setup();
    const issued = await service.create(CTX, ACCOUNT.id, { channel: 'rest', name: '  Main key  ' });
    expect(issued.secret).toMatch(/^gkr_[0-9A-Za-z]{60}$/);
    expect(issued.credential).toMatchObject({
      accountId: ACCOUNT.id,
      tenantId: ACCOUNT.tenantId,
      channel: 'rest',
      name: 'Main key',
      enabled: true,
      scope: 'all',
      groups: [],
      allowedCidrs: [],
      secretHint: issued.secret!.slice(-4),
    });
    expect(issued.credential.username).toMatch(/^rest_[0-9a-z]{12}$/);
    expect(issued.postbackSigningSecret).toMatch(/^whsec_/);

    expect(repo.insert).toHaveBeenCalledTimes(1);
    const [credential, secrets] = repo.insert.mock.calls[0];
    expect(credential).toBe(issued.credential);
    expect(secrets).toHaveLength(1);
    expect(secrets[0].credentialId).toBe(credential.id);
    expect(secrets[0].lookupKey).toBe(hasher.lookupKey(issued.secret!));
    await expect(hasher.verify(secrets[0].hash, issued.secret!)).resolves.toBe(true);
    expect(auditRepo.insert).toHaveBeenCalledWith(
      expect.objectContaining({ action: 'credential.create', targetId: credential.id }),
    );
    expect(JSON.stringify(auditRepo.insert.mock.calls)).not.toContain(issued.secret);
  });

  it('canonicalises allowedCidrs on save', async () => {
    const { service } = setup();
    const issued = await service.create(CTX, ACCOUNT.id, {
      channel: 'http',
      name: 'k',
      allowedCidrs: ['10.1.2.3/8', '10.0.0.0/8', '2001:DB8::1/32'],
    });
    expect(issued.credential.allowedCidrs).toEqual(['10.0.0.0/8', '2001:db8::/32']);
  });

  it('refuses invalid allowedCidrs naming them, and stores nothing', async () => {
    const { service, repo } = setup();
    await expectDomainError(
      service.create(CTX, ACCOUNT.id, { channel: 'http', name: 'k', allowedCidrs: ['10.0.0.0/8', 'nope'] }),
      { kind: 'validation', details: { field: 'allowedCidrs', invalid: ['nope'] } },
    );
    expect(repo.insert).not.toHaveBeenCalled();
  });

  it('refuses a private postback URL (config default) and accepts a public one', async () => {
    const { service } = setup();
    await expectDomainError(
      service.create(CTX, ACCOUNT.id, { channel: 'rest', name: 'k', postbackUrl: 'http://127.0.0.1/hook' }),
      { kind: 'validation', details: { field: 'postbackUrl' } },
    );
    const ok = await service.create(CTX, ACCOUNT.id, {
      channel: 'rest',
      name: 'k',
      postbackUrl: 'https://example.com/hook',
    });
    expect(ok.credential.postbackUrl).toBe('https://example.com/hook');
  });

  it.each(['', '   ', 'x'.repeat(101)])('refuses the name %p', async (name) => {
    const { service } = setup();
    await expectDomainError(service.create(CTX, ACCOUNT.id, { channel: 'rest', name }), {
      kind: 'validation',
      details: { field: 'name' },
    });
  });

  it('404s for an account the actor cannot see', async () => {
    const { service, accounts } = setup();
    accounts.findById.mockResolvedValue(null);
    await expectDomainError(service.create(CTX, 'other', { channel: 'rest', name: 'k' }), { kind: 'not_found' });
  });

  describe('custom username / secret', () => {
    it('a custom username on rest is a validation error', async () => {
      const { service, repo } = setup();
      await expectDomainError(
        service.create(CTX, ACCOUNT.id, { channel: 'rest', name: 'k', username: 'my-rest-user' }),
        {
          kind: 'validation',
          details: { field: 'username' },
        },
      );
      expect(repo.insert).not.toHaveBeenCalled();
    });

    it('a custom secret on rest is a validation error', async () => {
      const { service } = setup();
      await expectDomainError(
        service.create(CTX, ACCOUNT.id, { channel: 'rest', name: 'k', secret: 'a long custom secret' }),
        {
          kind: 'validation',
          details: { field: 'secret' },
        },
      );
    });

    it('an imported hash on rest is a validation error', async () => {
      const { service } = setup();
      const hash = await bcrypt.hash('imported secret', 4);
      await expectDomainError(service.create(CTX, ACCOUNT.id, { channel: 'rest', name: 'k', secretHash: hash }), {
        kind: 'validation',
        details: { field: 'secretHash' },
      });
    });

    it('a custom username elsewhere is kept, lower-cased', async () => {
      const { service } = setup();
      const issued = await service.create(CTX, ACCOUNT.id, {
        channel: 'ftp',
        name: 'k',
        username: 'Legacy.Uploader@Acme',
      });
      expect(issued.credential.username).toBe('legacy.uploader@acme');
    });

    it.each(['ab', 'has space', 'x'.repeat(65), 'semi;colon'])('refuses the username %p', async (username) => {
      const { service } = setup();
      await expectDomainError(service.create(CTX, ACCOUNT.id, { channel: 'ftp', name: 'k', username }), {
        kind: 'validation',
        details: { field: 'username' },
      });
    });

    it('a taken username is a conflict', async () => {
      const { service, repo } = setup();
      repo.isUsernameTaken.mockResolvedValue(true);
      await expectDomainError(service.create(CTX, ACCOUNT.id, { channel: 'ftp', name: 'k', username: 'taken' }), {
        kind: 'conflict',
        code: 'username_taken',
      });
      expect(repo.isUsernameTaken).toHaveBeenCalledWith('ftp', 'taken');
      expect(repo.insert).not.toHaveBeenCalled();
    });

    it.each([11, 129])('refuses a custom secret of %i characters', async (length) => {
      const { service, repo } = setup();
      await expectDomainError(
        service.create(CTX, ACCOUNT.id, { channel: 'ftp', name: 'k', secret: 's'.repeat(length) }),
        {
          kind: 'validation',
          details: { field: 'secret' },
        },
      );
      expect(repo.insert).not.toHaveBeenCalled();
    });

    it.each([12, 128])('accepts a custom secret of %i characters, stored as bcrypt-hmac', async (length) => {
      const { service, repo, hasher } = setup();
      const secret = 'c'.repeat(length - 1) + 'Z';
      const issued = await service.create(CTX, ACCOUNT.id, { channel: 'ftp', name: 'k', secret });
      expect(issued.secret).toBe(secret);
      expect(issued.credential.secretHint).toBeNull(); // a password's last characters are not shown
      const [, rows] = repo.insert.mock.calls[0];
      expect(rows[0].hash.startsWith('bcrypt-hmac$')).toBe(true);
      expect(rows[0].lookupKey).toBeNull();
      await expect(hasher.verify(rows[0].hash, secret)).resolves.toBe(true);
    });

    it.each(['ftp', 'http', 'rest'] as const)(
      'refuses a custom secret that looks like a generated %s key',
      async (ch) => {
        const { service } = setup();
        const lookalike = generateSecret(ch);
        expect(looksGenerated(lookalike)).toBe(true);
        await expectDomainError(service.create(CTX, ACCOUNT.id, { channel: 'ftp', name: 'k', secret: lookalike }), {
          kind: 'validation',
          details: { field: 'secret' },
        });
      },
    );

    it('imports a bcrypt hash: no secret is returned, the hash is stored as given', async () => {
      const { service, repo } = setup();
      const hash = (await bcrypt.hash('imported secret', 4)).replace(/^\$2b\$/, '$2y$');
      const issued = await service.create(CTX, ACCOUNT.id, { channel: 'email', name: 'k', secretHash: hash });
      expect(issued.secret).toBeNull();
      const [, rows] = repo.insert.mock.calls[0];
      expect(rows[0].hash).toBe(hash);
      expect(issued.credential.secretHint).toBeNull();
    });

    it('refuses an imported hash that costs more than GATEHOUSE_BCRYPT_COST (422 hash_cost_too_high)', async () => {
      const { service, repo } = setup(); // cost 4
      // A hash's cost is in its text: no need to spend 2^31 rounds making one.
      const hash = (await bcrypt.hash('imported secret', 5)).replace(/^\$2b\$05\$/, '$2y$31$');
      await expectDomainError(service.create(CTX, ACCOUNT.id, { channel: 'email', name: 'k', secretHash: hash }), {
        kind: 'unprocessable',
        code: 'hash_cost_too_high',
        details: { field: 'secretHash', cost: 31, maxCost: 4 },
      });
      const five = await bcrypt.hash('imported secret', 5);
      await expectDomainError(service.create(CTX, ACCOUNT.id, { channel: 'email', name: 'k', secretHash: five }), {
        code: 'hash_cost_too_high',
      });
      expect(repo.insert).not.toHaveBeenCalled();
    });

    it.each([' '.repeat(12), '\t'.repeat(20), 'a'.repeat(12), '€'.repeat(16), '🔑'.repeat(12)])(
      'refuses a blank or one-character-repeated custom secret (%j)',
      async (secret) => {
        const { service, repo } = setup();
        await expectDomainError(service.create(CTX, ACCOUNT.id, { channel: 'ftp', name: 'k', secret }), {
          kind: 'validation',
          details: { field: 'secret' },
        });
        expect(repo.insert).not.toHaveBeenCalled();
      },
    );

    it('refuses a junk imported hash, and secret + secretHash together', async () => {
      const { service } = setup();
      await expectDomainError(service.create(CTX, ACCOUNT.id, { channel: 'email', name: 'k', secretHash: 'md5:abc' }), {
        kind: 'validation',
        details: { field: 'secretHash' },
      });
      const hash = await bcrypt.hash('x', 4);
      await expectDomainError(
        service.create(CTX, ACCOUNT.id, { channel: 'email', name: 'k', secret: 'custom secret 1', secretHash: hash }),
        { kind: 'validation' },
      );
    });
  });

  describe('scope', () => {
    it("scope 'groups' with no groups is a validation error", async () => {
      const { service } = setup();
      await expectDomainError(service.create(CTX, ACCOUNT.id, { channel: 'rest', name: 'k', scope: 'groups' }), {
        kind: 'validation',
        details: { field: 'groups' },
      });
      await expectDomainError(
        service.create(CTX, ACCOUNT.id, { channel: 'rest', name: 'k', scope: 'groups', groups: [] }),
        {
          kind: 'validation',
          details: { field: 'groups' },
        },
      );
    });

    it("scope 'all' (explicit or default) with groups is a validation error", async () => {
      const { service } = setup();
      await expectDomainError(
        service.create(CTX, ACCOUNT.id, { channel: 'rest', name: 'k', scope: 'all', groups: ['vip'] }),
        { kind: 'validation', details: { field: 'groups' } },
      );
      await expectDomainError(service.create(CTX, ACCOUNT.id, { channel: 'rest', name: 'k', groups: ['vip'] }), {
        kind: 'validation',
        details: { field: 'groups' },
      });
    });

    it("scope 'groups' resolves the slugs to group refs", async () => {
      const { service, groupRepo } = setup();
      const issued = await service.create(CTX, ACCOUNT.id, {
        channel: 'rest',
        name: 'k',
        scope: 'groups',
        groups: ['vip', 'staff', 'vip'],
      });
      expect(issued.credential.scope).toBe('groups');
      expect(issued.credential.groups).toEqual([
        { id: 'grp-vip', slug: 'vip' },
        { id: 'grp-staff', slug: 'staff' },
      ]);
      expect(groupRepo.findBySlugs).toHaveBeenCalledWith(ACCOUNT.id, ['vip', 'staff']);
    });

    it('unknown group slugs are a 422 unknown_group listing them', async () => {
      const { service } = setup();
      await expectDomainError(
        service.create(CTX, ACCOUNT.id, {
          channel: 'rest',
          name: 'k',
          scope: 'groups',
          groups: ['vip', 'ghost', 'nope'],
        }),
        { kind: 'unprocessable', code: 'unknown_group', details: { groups: ['ghost', 'nope'] } },
      );
    });
  });
});

describe('CredentialService.rotate', () => {
  function rotating(overrides: Partial<Credential> = {}) {
    const ctx = setup();
    const current = storedCredential(overrides);
    const oldActive = secretRow(current.id, null);
    const olderInGrace = secretRow(current.id, new Date(Date.now() + 3_600_000));
    ctx.repo.findById.mockResolvedValue(current);
    ctx.repo.listSecrets.mockResolvedValue([olderInGrace, oldActive]);
    return { ...ctx, current, oldActive, olderInGrace };
  }

  it('without grace: deletes every previous secret, inserts a new one, publishes endSessions true', async () => {
    const { service, repo, changes, current, oldActive, olderInGrace, hasher } = rotating();
    const issued = await service.rotate(CTX, current.id, {});
    expect(issued.secret).toMatch(/^gkf_[0-9A-Za-z]{60}$/);
    expect(repo.deleteSecrets).toHaveBeenCalledWith([olderInGrace.id, oldActive.id]);
    expect(repo.setSecretExpiry).not.toHaveBeenCalled();
    expect(repo.insertSecret).toHaveBeenCalledTimes(1);
    const row = repo.insertSecret.mock.calls[0][0];
    expect(row.credentialId).toBe(current.id);
    expect(row.expiresAt).toBeNull();
    await expect(hasher.verify(row.hash, issued.secret!)).resolves.toBe(true);
    expect(issued.credential.secretHint).toBe(issued.secret!.slice(-4));
    expect(issued.credential.rotatedAt).toBeInstanceOf(Date);
    expect(repo.update).toHaveBeenCalledWith(issued.credential);
    expect(changes.publish).toHaveBeenCalledWith({
      type: 'credential.changed',
      credentialId: current.id,
      endSessions: true,
      reason: 'credential_rotated',
    });
  });

  it('graceSeconds 0 is the same as no grace', async () => {
    const { service, repo, changes, current, oldActive, olderInGrace } = rotating();
    await service.rotate(CTX, current.id, { graceSeconds: 0 });
    expect(repo.deleteSecrets).toHaveBeenCalledWith([olderInGrace.id, oldActive.id]);
    expect(repo.setSecretExpiry).not.toHaveBeenCalled();
    expect(changes.publish).toHaveBeenCalledWith(expect.objectContaining({ endSessions: true }));
  });

  it('with grace N: the active secret expires ≈ now+N, nothing is deleted, sessions stay', async () => {
    const { service, repo, changes, current, oldActive } = rotating();
    const before = Date.now();
    await service.rotate(CTX, current.id, { graceSeconds: 3600 });
    const after = Date.now();
    expect(repo.deleteSecrets).not.toHaveBeenCalled();
    expect(repo.setSecretExpiry).toHaveBeenCalledTimes(1);
    const [ids, expiresAt] = repo.setSecretExpiry.mock.calls[0];
    // Only the secret that was current gets grace; the older one keeps its own deadline.
    expect(ids).toEqual([oldActive.id]);
    expect(expiresAt.getTime()).toBeGreaterThanOrEqual(before + 3600_000);
    expect(expiresAt.getTime()).toBeLessThanOrEqual(after + 3600_000);
    expect(repo.insertSecret).toHaveBeenCalledTimes(1);
    expect(changes.publish).toHaveBeenCalledWith({
      type: 'credential.changed',
      credentialId: current.id,
      endSessions: false,
    });
  });

  it(`accepts the maximum grace ${MAX_GRACE_SECONDS}`, async () => {
    const { service, repo, current } = rotating();
    expect(MAX_GRACE_SECONDS).toBe(604_800);
    await service.rotate(CTX, current.id, { graceSeconds: 604_800 });
    expect(repo.setSecretExpiry).toHaveBeenCalledTimes(1);
  });

  it.each([604_801, -1, 1.5, Number.NaN])('refuses graceSeconds %p and changes nothing', async (graceSeconds) => {
    const { service, repo, changes, current } = rotating();
    await expectDomainError(service.rotate(CTX, current.id, { graceSeconds }), {
      kind: 'validation',
      details: { field: 'graceSeconds' },
    });
    expect(repo.insertSecret).not.toHaveBeenCalled();
    expect(repo.deleteSecrets).not.toHaveBeenCalled();
    expect(changes.publish).not.toHaveBeenCalled();
  });

  it('a custom secret on rotate follows the same rules', async () => {
    const { service, current } = rotating();
    await expectDomainError(service.rotate(CTX, current.id, { secret: 'short' }), { kind: 'validation' });
    await expectDomainError(service.rotate(CTX, current.id, { secret: generateSecret('ftp') }), { kind: 'validation' });
    const issued = await service.rotate(CTX, current.id, { secret: 'a brand new custom secret' });
    expect(issued.secret).toBe('a brand new custom secret');
  });

  it('rest keys cannot be rotated to a custom secret or username', async () => {
    const { service, current } = rotating({ channel: 'rest', username: 'rest_abcdefghijkl' });
    await expectDomainError(service.rotate(CTX, current.id, { secret: 'a brand new custom secret' }), {
      kind: 'validation',
      details: { field: 'secret' },
    });
    await expectDomainError(service.rotate(CTX, current.id, { username: 'newname' }), {
      kind: 'validation',
      details: { field: 'username' },
    });
    const issued = await service.rotate(CTX, current.id, {});
    expect(issued.secret).toMatch(/^gkr_/);
  });

  it('a new username is checked for collisions', async () => {
    const { service, repo, current } = rotating();
    repo.isUsernameTaken.mockResolvedValue(true);
    await expectDomainError(service.rotate(CTX, current.id, { username: 'Taken-Name' }), {
      kind: 'conflict',
      code: 'username_taken',
    });
    expect(repo.isUsernameTaken).toHaveBeenCalledWith('ftp', 'taken-name', current.id);
    expect(repo.insertSecret).not.toHaveBeenCalled();
  });

  it('404s for an unknown credential', async () => {
    const { service, repo } = setup();
    repo.findById.mockResolvedValue(null);
    await expectDomainError(service.rotate(CTX, 'nope', {}), { kind: 'not_found' });
  });
});

describe('CredentialService.update / delete change events', () => {
  function updating(overrides: Partial<Credential> = {}) {
    const ctx = setup();
    const current = storedCredential(overrides);
    ctx.repo.findById.mockResolvedValue(current);
    return { ...ctx, current };
  }

  it('blocking publishes endSessions true and audits credential.block', async () => {
    const { service, repo, changes, auditRepo, current } = updating();
    const next = await service.update(CTX, current.id, { enabled: false });
    expect(next.enabled).toBe(false);
    expect(repo.update).toHaveBeenCalledWith(expect.objectContaining({ id: current.id, enabled: false }));
    expect(changes.publish).toHaveBeenCalledWith({
      type: 'credential.changed',
      credentialId: current.id,
      endSessions: true,
      reason: 'credential_blocked',
    });
    expect(auditRepo.insert).toHaveBeenCalledWith(expect.objectContaining({ action: 'credential.block' }));
  });

  it('renaming publishes endSessions false', async () => {
    const { service, changes, current } = updating();
    const next = await service.update(CTX, current.id, { name: 'renamed' });
    expect(next.name).toBe('renamed');
    expect(changes.publish).toHaveBeenCalledWith({
      type: 'credential.changed',
      credentialId: current.id,
      endSessions: false,
    });
  });

  it('unblocking publishes endSessions false', async () => {
    const { service, changes, current } = updating({ enabled: false });
    await service.update(CTX, current.id, { enabled: true });
    expect(changes.publish).toHaveBeenCalledWith({
      type: 'credential.changed',
      credentialId: current.id,
      endSessions: false,
    });
  });

  it('an update that changes nothing writes and publishes nothing', async () => {
    const { service, repo, changes, current } = updating();
    await service.update(CTX, current.id, { name: current.name, enabled: true });
    expect(repo.update).not.toHaveBeenCalled();
    expect(changes.publish).not.toHaveBeenCalled();
  });

  it('changing scope to groups needs groups; back to all clears them', async () => {
    const { service, current } = updating();
    await expectDomainError(service.update(CTX, current.id, { scope: 'groups' }), {
      kind: 'validation',
      details: { field: 'groups' },
    });
    const scoped = await service.update(CTX, current.id, { scope: 'groups', groups: ['vip'] });
    expect(scoped.groups).toEqual([{ id: 'grp-vip', slug: 'vip' }]);

    const { service: s2, current: c2 } = updating({ scope: 'groups', groups: [{ id: 'grp-vip', slug: 'vip' }] });
    const all = await s2.update(CTX, c2.id, { scope: 'all' });
    expect(all).toMatchObject({ scope: 'all', groups: [] });
  });

  it('deleting publishes endSessions true', async () => {
    const { service, repo, changes, current } = updating();
    await service.delete(CTX, current.id);
    expect(repo.delete).toHaveBeenCalledWith(current.id);
    expect(changes.publish).toHaveBeenCalledWith({
      type: 'credential.changed',
      credentialId: current.id,
      endSessions: true,
      reason: 'credential_deleted',
    });
  });

  it('deleting an unknown credential is a 404 and publishes nothing', async () => {
    const { service, repo, changes } = setup();
    repo.findById.mockResolvedValue(null);
    await expectDomainError(service.delete(CTX, 'nope'), { kind: 'not_found' });
    expect(changes.publish).not.toHaveBeenCalled();
  });
});
