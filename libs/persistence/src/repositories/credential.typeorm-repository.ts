import { In } from 'typeorm';
import {
  AccessScope,
  Avatar,
  Channel,
  ChannelCount,
  Credential,
  CredentialAuthRecord,
  CredentialListFilter,
  CredentialRepository,
  CredentialSecret,
  GroupRef,
  Page,
  PageRequest,
  toPage,
} from '@gatehouse/core';
import { AccountEntity } from '../entities/account.entity';
import {
  AvatarChunkEntity,
  CredentialEntity,
  CredentialGroupEntity,
  CredentialSecretEntity,
} from '../entities/credential.entity';
import { RecipientGroupEntity } from '../entities/group.entity';
import { TypeOrmUnitOfWork } from '../unit-of-work.typeorm';
import { applyPage, applyScope, containsPattern } from './query-helpers';

const AVATAR_CHUNK_BYTES = 48 * 1024;

export class TypeOrmCredentialRepository implements CredentialRepository {
  constructor(private readonly uow: TypeOrmUnitOfWork) {}

  private get em() {
    return this.uow.manager();
  }
  private get credentials() {
    return this.em.getRepository(CredentialEntity);
  }
  private get secrets() {
    return this.em.getRepository(CredentialSecretEntity);
  }

  async insert(credential: Credential, secrets: CredentialSecret[]): Promise<void> {
    await this.credentials.insert(toEntity(credential));
    if (secrets.length > 0) await this.secrets.insert(secrets.map(secretToEntity));
    await this.writeGroups(credential.id, credential.groups);
  }

  async update(credential: Credential): Promise<void> {
    const { id, ...rest } = toEntity(credential);
    await this.credentials.update({ id }, { ...rest, createdAt: undefined, lastUsedAt: undefined });
    await this.em.getRepository(CredentialGroupEntity).delete({ credentialId: id });
    await this.writeGroups(id, credential.groups);
  }

  async findById(scope: AccessScope, id: string): Promise<Credential | null> {
    const qb = this.credentials.createQueryBuilder('c').where('c.id = :id', { id });
    const row = await applyScope(qb, 'c', scope).getOne();
    return row ? (await this.hydrate([row]))[0] : null;
  }

  async list(
    scope: AccessScope,
    accountId: string,
    filter: CredentialListFilter,
    page: PageRequest,
  ): Promise<Page<Credential>> {
    const qb = applyScope(this.credentials.createQueryBuilder('c'), 'c', scope).andWhere('c.account_id = :accountId', {
      accountId,
    });
    if (filter.channel) qb.andWhere('c.channel = :channel', { channel: filter.channel });
    if (filter.enabled !== undefined) qb.andWhere('c.enabled = :enabled', { enabled: filter.enabled });
    if (filter.q) qb.andWhere("LOWER(c.name) LIKE :q ESCAPE '!'", { q: containsPattern(filter.q) });
    const rows = await applyPage(qb, 'c', page).getMany();
    return toPage(await this.hydrate(rows), page.limit);
  }

  async isUsernameTaken(channel: Channel, username: string, exceptCredentialId?: string): Promise<boolean> {
    const row = await this.credentials.findOne({ select: { id: true }, where: { channel, username } });
    return row !== null && row.id !== exceptCredentialId;
  }

  async delete(id: string): Promise<void> {
    await this.secrets.delete({ credentialId: id });
    await this.em.getRepository(CredentialGroupEntity).delete({ credentialId: id });
    await this.em.getRepository(AvatarChunkEntity).delete({ credentialId: id });
    await this.credentials.delete({ id });
  }

  async countByChannel(accountId: string): Promise<ChannelCount[]> {
    const rows = await this.credentials
      .createQueryBuilder('c')
      .select('c.channel', 'channel')
      .addSelect('COUNT(*)', 'total')
      .addSelect('SUM(CASE WHEN c.enabled = :yes THEN 1 ELSE 0 END)', 'enabled')
      .where('c.account_id = :accountId', { accountId, yes: true })
      .groupBy('c.channel')
      .getRawMany<{ channel: Channel; total: string | number; enabled: string | number | null }>();
    return rows.map((r) => ({ channel: r.channel, total: Number(r.total), enabled: Number(r.enabled ?? 0) }));
  }

  countUsingGroup(groupId: string): Promise<number> {
    return this.em.getRepository(CredentialGroupEntity).count({ where: { groupId } });
  }

  async listSecrets(credentialId: string): Promise<CredentialSecret[]> {
    return (await this.secrets.find({ where: { credentialId } })).map(secretToModel);
  }

  async insertSecret(secret: CredentialSecret): Promise<void> {
    await this.secrets.insert(secretToEntity(secret));
  }

  async deleteSecrets(ids: string[]): Promise<void> {
    if (ids.length > 0) await this.secrets.delete({ id: In(ids) });
  }

  async setSecretExpiry(ids: string[], expiresAt: Date): Promise<void> {
    if (ids.length > 0) await this.secrets.update({ id: In(ids) }, { expiresAt });
  }

  async findAuthByUsername(channel: Channel, username: string): Promise<CredentialAuthRecord | null> {
    const row = await this.credentials.findOne({ where: { channel, username } });
    return row ? this.authRecord(row) : null;
  }

  async findAuthByLookupKey(lookupKey: string): Promise<CredentialAuthRecord | null> {
    const secret = await this.secrets.findOne({ select: { credentialId: true }, where: { lookupKey } });
    if (!secret) return null;
    const row = await this.credentials.findOne({ where: { id: secret.credentialId } });
    return row ? this.authRecord(row) : null;
  }

  async listIdsByAccountTree(accountId: string): Promise<string[]> {
    const rows = await this.credentials
      .createQueryBuilder('c')
      .select('c.id', 'id')
      .where('c.account_id = :accountId OR c.tenant_id = :accountId', { accountId })
      .getRawMany<{ id: string }>();
    return rows.map((r) => r.id);
  }

  async touchLastUsed(ids: string[], at: Date): Promise<void> {
    if (ids.length > 0) await this.credentials.update({ id: In(ids) }, { lastUsedAt: at });
  }

  async getAvatar(credentialId: string): Promise<Avatar | null> {
    const rows = await this.em
      .getRepository(AvatarChunkEntity)
      .find({ where: { credentialId }, order: { seq: 'ASC' } });
    if (rows.length === 0) return null;
    return {
      contentType: rows[0].contentType as Avatar['contentType'],
      data: Buffer.concat(rows.map((r) => Buffer.from(r.data))),
      updatedAt: rows[0].updatedAt,
    };
  }

  async putAvatar(credentialId: string, avatar: Avatar): Promise<void> {
    const repo = this.em.getRepository(AvatarChunkEntity);
    await repo.delete({ credentialId });
    const rows: AvatarChunkEntity[] = [];
    for (let seq = 0, offset = 0; offset < avatar.data.length; seq++, offset += AVATAR_CHUNK_BYTES) {
      rows.push({
        credentialId,
        seq,
        contentType: avatar.contentType,
        data: avatar.data.subarray(offset, offset + AVATAR_CHUNK_BYTES),
        updatedAt: avatar.updatedAt,
      });
    }
    for (const row of rows) await repo.insert(row);
  }

  async deleteAvatar(credentialId: string): Promise<boolean> {
    const result = await this.em.getRepository(AvatarChunkEntity).delete({ credentialId });
    return (result.affected ?? 0) > 0;
  }

  private async authRecord(row: CredentialEntity): Promise<CredentialAuthRecord> {
    const [credential] = await this.hydrate([row], false);
    const secrets = await this.listSecrets(row.id);
    const accountIds = [...new Set([row.accountId, row.tenantId])];
    const accounts = await this.em
      .getRepository(AccountEntity)
      .find({ select: { id: true, status: true }, where: { id: In(accountIds) } });
    const accountActive = accountIds.every((id) => accounts.some((a) => a.id === id && a.status === 'active'));
    return { credential: credential, secrets, accountActive };
  }

  /** Adds group refs and the avatar flag to a batch of rows with two queries. */
  private async hydrate(rows: CredentialEntity[], withAvatar = true): Promise<Credential[]> {
    if (rows.length === 0) return [];
    const ids = rows.map((r) => r.id);
    const links = await this.em
      .getRepository(CredentialGroupEntity)
      .createQueryBuilder('l')
      .innerJoin(RecipientGroupEntity, 'g', 'g.id = l.group_id')
      .select('l.credential_id', 'credentialId')
      .addSelect('g.id', 'id')
      .addSelect('g.slug', 'slug')
      .where('l.credential_id IN (:...ids)', { ids })
      .orderBy('g.slug', 'ASC')
      .getRawMany<{ credentialId: string; id: string; slug: string }>();
    const avatarOwners = withAvatar
      ? new Set(
          (
            await this.em
              .getRepository(AvatarChunkEntity)
              .find({ select: { credentialId: true }, where: { credentialId: In(ids), seq: 0 } })
          ).map((a) => a.credentialId),
        )
      : new Set<string>();
    return rows.map((r) =>
      toModel(
        r,
        links.filter((l) => l.credentialId === r.id).map((l) => ({ id: l.id, slug: l.slug })),
        avatarOwners.has(r.id),
      ),
    );
  }

  private async writeGroups(credentialId: string, groups: GroupRef[]): Promise<void> {
    if (groups.length === 0) return;
    await this.em.getRepository(CredentialGroupEntity).insert(groups.map((g) => ({ credentialId, groupId: g.id })));
  }
}

function toModel(e: CredentialEntity, groups: GroupRef[], hasAvatar: boolean): Credential {
  return {
    id: e.id,
    accountId: e.accountId,
    tenantId: e.tenantId,
    channel: e.channel as Channel,
    name: e.name,
    username: e.username,
    enabled: Boolean(e.enabled),
    expiresAt: e.expiresAt,
    allowedCidrs: e.allowedCidrs,
    postbackUrl: e.postbackUrl,
    postbackSalt: e.postbackSalt,
    offTheRecord: Boolean(e.offTheRecord),
    scope: e.scope as Credential['scope'],
    groups,
    secretHint: e.secretHint,
    hasAvatar,
    createdAt: e.createdAt,
    updatedAt: e.updatedAt,
    rotatedAt: e.rotatedAt,
    lastUsedAt: e.lastUsedAt,
  };
}

function toEntity(c: Credential): CredentialEntity {
  return {
    id: c.id,
    accountId: c.accountId,
    tenantId: c.tenantId,
    channel: c.channel,
    name: c.name,
    username: c.username,
    enabled: c.enabled,
    expiresAt: c.expiresAt,
    allowedCidrs: c.allowedCidrs,
    postbackUrl: c.postbackUrl,
    postbackSalt: c.postbackSalt,
    offTheRecord: c.offTheRecord,
    scope: c.scope,
    secretHint: c.secretHint,
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
    rotatedAt: c.rotatedAt,
    lastUsedAt: c.lastUsedAt,
  };
}

function secretToEntity(s: CredentialSecret): CredentialSecretEntity {
  return { ...s };
}

function secretToModel(e: CredentialSecretEntity): CredentialSecret {
  return {
    id: e.id,
    credentialId: e.credentialId,
    hash: e.hash,
    lookupKey: e.lookupKey,
    expiresAt: e.expiresAt,
    createdAt: e.createdAt,
  };
}
