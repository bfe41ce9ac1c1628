import { loadConfig } from '@gatehouse/config';
import { Actor } from '../access/actor';
import { Channel, SECRET_PREFIX } from '../channels/channel';
import { CredentialService } from '../credentials/credential.service';
import { GroupService } from '../groups/group.service';
import { AuditLogService } from '../logs/audit-log.service';
import { SecretHasher } from '../secrets/secret-hasher';
import {
  accountRepositoryMock,
  auditLogRepositoryMock,
  changeNotifierMock,
  credentialRepositoryMock,
  expectDomainError,
  passThroughUnitOfWork,
} from '../testing';
import { Account } from './account.model';
import { AccountService } from './account.service';

const PEPPER = 'account-service-spec-pepper-0123456789abc';
const ROOT: Actor = { type: 'root' };

const MASTER: Account = {
  id: 'master-1',
  kind: 'master',
  parentId: null,
  tenantId: 'master-1',
  name: 'Acme',
  externalId: null,
  status: 'active',
  createdAt: new Date('2024-01-01T00:00:00Z'),
  updatedAt: new Date('2024-01-01T00:00:00Z'),
};
const MASTER_ADMIN: Actor = {
  type: 'admin',
  tokenId: 'tok-1',
  accountId: MASTER.id,
  accountKind: 'master',
  tenantId: MASTER.id,
};

function setup(env: Record<string, string> = {}) {
  const accounts = accountRepositoryMock();
  accounts.findById.mockImplementation((_scope, id) => Promise.resolve(id === MASTER.id ? MASTER : null));
  const credentialRepo = credentialRepositoryMock();
  const auditRepo = auditLogRepositoryMock();
  const uow = passThroughUnitOfWork();
  const changes = changeNotifierMock();
  const config = loadConfig({ GATEHOUSE_DATA_DIR: '/tmp', GATEHOUSE_BCRYPT_COST: '4', ...env });
  const hasher = new SecretHasher(PEPPER, 4);
  const audit = new AuditLogService(auditRepo);
  const credentials = new CredentialService(
    credentialRepo,
    accounts,
    uow,
    changes,
    hasher,
    config,
    {} as GroupService, // never consulted for legacy credentials
    audit,
  );
  const service = new AccountService(accounts, credentialRepo, uow, changes, config, credentials, audit);
  return { service, accounts, credentialRepo, auditRepo, hasher };
}

const ctx = (actor: Actor) => ({ actor, peer: '127.0.0.1' });

describe('AccountService.create — legacy rule', () => {
  it('a root-created master created just before the cutoff gets exactly four legacy credentials', async () => {
    const { service, accounts, credentialRepo, hasher, auditRepo } = setup();
    const created = await service.create(ctx(ROOT), {
      name: 'Old Corp',
      createdAt: new Date('2023-06-05T23:59:59Z'),
    });
    expect(created.account).toMatchObject({ kind: 'master', parentId: null, name: 'Old Corp' });
    expect(created.account.tenantId).toBe(created.account.id);
    expect(created.account.createdAt.toISOString()).toBe('2023-06-05T23:59:59.000Z');
    expect(accounts.insert).toHaveBeenCalledWith(created.account);

    const channels = created.credentials.map((c) => c.credential.channel);
    expect(channels).toHaveLength(4);
    expect([...channels].sort()).toEqual(['email', 'ftp', 'http', 'webservice']);

    for (const issued of created.credentials) {
      const channel: Channel = issued.credential.channel;
      expect(issued.secret).toMatch(new RegExp(`^${SECRET_PREFIX[channel]}[0-9A-Za-z]{60}$`));
      expect(issued.credential).toMatchObject({
        accountId: created.account.id,
        tenantId: created.account.id,
        enabled: true,
        scope: 'all',
        secretHint: issued.secret!.slice(-4),
      });
    }
    expect(new Set(created.credentials.map((c) => c.secret)).size).toBe(4);

    // Every issued credential is written with a secret that verifies.
    expect(credentialRepo.insert).toHaveBeenCalledTimes(4);
    for (const [credential, secrets] of credentialRepo.insert.mock.calls) {
      const issued = created.credentials.find((c) => c.credential.id === credential.id)!;
      expect(issued).toBeDefined();
      expect(secrets).toHaveLength(1);
      await expect(hasher.verify(secrets[0].hash, issued.secret!)).resolves.toBe(true);
      expect(secrets[0].lookupKey).toBe(hasher.lookupKey(issued.secret!));
    }
    expect(auditRepo.insert).toHaveBeenCalledWith(
      expect.objectContaining({ action: 'account.create', details: expect.objectContaining({ legacy: true }) }),
    );
    expect(JSON.stringify(auditRepo.insert.mock.calls)).not.toContain(created.credentials[0].secret);
  });

  it('a master created exactly at the cutoff gets none', async () => {
    const { service, credentialRepo } = setup();
    const created = await service.create(ctx(ROOT), { name: 'New Corp', createdAt: new Date('2023-06-06T00:00:00Z') });
    expect(created.account.kind).toBe('master');
    expect(created.credentials).toEqual([]);
    expect(credentialRepo.insert).not.toHaveBeenCalled();
  });

  it('a master created now (no createdAt) gets none', async () => {
    const { service, credentialRepo } = setup();
    const created = await service.create(ctx(ROOT), { name: 'Today Corp' });
    expect(created.credentials).toEqual([]);
    expect(credentialRepo.insert).not.toHaveBeenCalled();
  });

  it('the cutoff is configurable', async () => {
    const { service } = setup({ GATEHOUSE_LEGACY_CUTOFF: '2025-01-01' });
    const created = await service.create(ctx(ROOT), { name: 'Corp', createdAt: new Date('2024-12-31T23:59:59Z') });
    expect(created.credentials).toHaveLength(4);
  });

  it('a sub-account never gets legacy credentials, whoever creates it and whenever', async () => {
    const { service, credentialRepo } = setup();
    const byRoot = await service.create(ctx(ROOT), {
      name: 'Old sub',
      kind: 'sub',
      parentId: MASTER.id,
      createdAt: new Date('2020-01-01T00:00:00Z'),
    });
    expect(byRoot.account).toMatchObject({ kind: 'sub', parentId: MASTER.id, tenantId: MASTER.id });
    expect(byRoot.credentials).toEqual([]);

    const byMaster = await service.create(ctx(MASTER_ADMIN), { name: 'Sub of master' });
    expect(byMaster.account).toMatchObject({ kind: 'sub', parentId: MASTER.id });
    expect(byMaster.credentials).toEqual([]);
    expect(credentialRepo.insert).not.toHaveBeenCalled();
  });

  it('a non-root actor setting createdAt is forbidden and nothing is written', async () => {
    const { service, accounts, credentialRepo } = setup();
    await expectDomainError(
      service.create(ctx(MASTER_ADMIN), { name: 'Sneaky', createdAt: new Date('2020-01-01T00:00:00Z') }),
      { kind: 'forbidden' },
    );
    expect(accounts.insert).not.toHaveBeenCalled();
    expect(credentialRepo.insert).not.toHaveBeenCalled();
  });
});

describe('AccountService.create — placement', () => {
  it('only root may create a master', async () => {
    const { service } = setup();
    await expectDomainError(service.create(ctx(MASTER_ADMIN), { name: 'x', kind: 'master' }), { kind: 'forbidden' });
  });

  it('a sub-account admin cannot create accounts', async () => {
    const { service } = setup();
    const subAdmin: Actor = {
      type: 'admin',
      tokenId: 't',
      accountId: 'sub-1',
      accountKind: 'sub',
      tenantId: MASTER.id,
    };
    await expectDomainError(service.create(ctx(subAdmin), { name: 'x' }), { kind: 'forbidden' });
  });

  it('a sub-account cannot be the parent of another', async () => {
    const { service, accounts } = setup();
    accounts.findById.mockResolvedValue({ ...MASTER, id: 'sub-1', kind: 'sub', parentId: MASTER.id });
    await expectDomainError(service.create(ctx(ROOT), { name: 'x', parentId: 'sub-1' }), {
      kind: 'validation',
      details: { field: 'parentId' },
    });
  });
});
