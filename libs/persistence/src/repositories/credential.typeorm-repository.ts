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
  RateLimit,
  toPage,
} from '@gatehouse/core';
import {
  AvatarChunkEntity,
  CredentialEntity,
  CredentialGroupEntity,
  CredentialSecretEntity,
} from '../entities/credential.entity';
import { RecipientGroupEntity } from '../entities/group.entity';
import { bulkInsert } from '../bulk-insert';
import { chunked } from '../sql-limits';
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

  async insertMany(items: { credential: Credential; secrets: CredentialSecret[] }[]): Promise<void> {
    await bulkInsert(
      this.uow,
      CredentialEntity,
      items.map((i) => toEntity(i.credential)),
    );
    await bulkInsert(
      this.uow,
      CredentialSecretEntity,
      items.flatMap((i) => i.secrets.map(secretToEntity)),
    );
    const links = items.flatMap((i) =>
      i.credential.groups.map((g) => ({ credentialId: i.credential.id, groupId: g.id })),
    );
    await bulkInsert(this.uow, CredentialGroupEntity, links);
  }

  async listByAccounts(accountIds: string[]): Promise<Credential[]> {
    const found: Credential[] = [];
    for (const chunk of chunked(accountIds)) {
      found.push(...(await this.hydrate(await this.credentials.find({ where: { accountId: In(chunk) } }))));
    }
    return found;
  }

  async findUsernameOwners(channel: Channel, usernames: string[]): Promise<{ username: string; accountId: string }[]> {
    const found: { username: string; accountId: string }[] = [];
    for (const chunk of chunked(usernames)) {
      const rows = await this.credentials.find({
        select: { username: true, accountId: true },
        where: { channel, username: In(chunk) },
      });
      found.push(...rows.map((r) => ({ username: r.username, accountId: r.accountId })));
    }
    return found;
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

  async listIdsUsingGroup(groupId: string): Promise<string[]> {
    const links = await this.em.getRepository(CredentialGroupEntity).find({ where: { groupId } });
    return links.map((l) => l.credentialId);
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

  async replaceSecretHash(secretId: string, previousHash: string, nextHash: string): Promise<boolean> {
    const result = await this.secrets.update({ id: secretId, hash: previousHash }, { hash: nextHash });
    return (result.affected ?? 0) > 0;
  }

  // The authenticator's cold path: one joined read for the credential and its accounts' state,
  // one for its secrets, and the group links only for a groups-scoped key. Raw SQL: the query
  // builder cost more than the reads themselves.
  findAuthByUsername(channel: Channel, username: string): Promise<CredentialAuthRecord | null> {
    // Compared again in JS: a MySQL `_ci` collation matches `K` (Kelvin sign) or `é` to `k`/`e`,
    // and usernames are equal only byte for byte (they are stored ASCII lower-case).
    return this.authRecord('c.channel = ? AND c.username = ?', [channel, username], (row) => row.username === username);
  }

  findAuthById(credentialId: string): Promise<CredentialAuthRecord | null> {
    return this.authRecord('c.id = ?', [credentialId]);
  }

  findAuthByLookupKey(lookupKey: string): Promise<CredentialAuthRecord | null> {
    return this.authRecord('c.id = (SELECT s.credential_id FROM credential_secrets s WHERE s.lookup_key = ?)', [
      lookupKey,
    ]);
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
    // Any number of ids (a usage flush after an outage can hold many): one UPDATE per slice.
    for (const slice of chunked(ids)) await this.credentials.update({ id: In(slice) }, { lastUsedAt: at });
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

  private async authRecord(
    where: string,
    params: string[],
    accept: (row: AuthRow) => boolean = () => true,
  ): Promise<CredentialAuthRecord | null> {
    const rows = await this.uow.sql<AuthRow>(`${AUTH_SELECT} WHERE ${where}`, params);
    const row = rows.find(accept);
    if (!row) return null;
    const secretRows = await this.uow.sql<SecretRow>(
      'SELECT id, credential_id, hash, lookup_key, expires_at, created_at FROM credential_secrets WHERE credential_id = ?',
      [row.id],
    );
    const groups =
      row.scope === 'groups'
        ? await this.uow.sql<GroupRef>(
            'SELECT g.id AS id, g.slug AS slug FROM credential_groups l JOIN recipient_groups g ON g.id = l.group_id ' +
              'WHERE l.credential_id = ? ORDER BY g.slug',
            [row.id],
          )
        : [];
    return {
      credential: authRowToModel(row, groups),
      secrets: secretRows.map((r) => ({
        id: r.id,
        credentialId: r.credential_id,
        hash: r.hash,
        lookupKey: r.lookup_key,
        expiresAt: epoch(r.expires_at),
        createdAt: epoch(r.created_at)!,
      })),
      accountActive: row.account_status === 'active' && (row.master_status ?? 'active') === 'active',
    };
  }

  /** Adds group refs and the avatar flag to a batch of rows with two queries. */
  private async hydrate(rows: CredentialEntity[]): Promise<Credential[]> {
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
    const avatarOwners = new Set(
      (
        await this.em
          .getRepository(AvatarChunkEntity)
          .find({ select: { credentialId: true }, where: { credentialId: In(ids), seq: 0 } })
      ).map((a) => a.credentialId),
    );
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

const AUTH_SELECT =
  'SELECT c.id, c.account_id, c.tenant_id, c.channel, c.name, c.username, c.enabled, c.expires_at, ' +
  'c.allowed_cidrs, c.postback_url, c.postback_salt, c.off_the_record, c.scope, c.rate_limit_requests, ' +
  'c.rate_limit_seconds, c.secret_hint, c.created_at, ' +
  'c.updated_at, c.rotated_at, c.last_used_at, a.status AS account_status, m.status AS master_status ' +
  'FROM credentials c JOIN accounts a ON a.id = c.account_id LEFT JOIN accounts m ON m.id = c.tenant_id';

type Epoch = string | number | null;

interface AuthRow {
  id: string;
  account_id: string;
  tenant_id: string;
  channel: string;
  name: string;
  username: string;
  enabled: number | boolean;
  expires_at: Epoch;
  allowed_cidrs: string;
  postback_url: string | null;
  postback_salt: string;
  off_the_record: number | boolean;
  scope: string;
  rate_limit_requests: number | string | null;
  rate_limit_seconds: number | string | null;
  secret_hint: string;
  created_at: Epoch;
  updated_at: Epoch;
  rotated_at: Epoch;
  last_used_at: Epoch;
  account_status: string;
  master_status: string | null;
}

interface SecretRow {
  id: string;
  credential_id: string;
  hash: string;
  lookup_key: string | null;
  expires_at: Epoch;
  created_at: Epoch;
}

/** Both columns set, or no limit. (Integers may arrive as strings from MySQL.) */
function rateLimitOf(requests: number | string | null, seconds: number | string | null): RateLimit | null {
  return requests === null || seconds === null ? null : { requests: Number(requests), perSeconds: Number(seconds) };
}

/** BIGINT epoch milliseconds arrive as numbers (SQLite) or strings (MySQL). */
function epoch(value: Epoch): Date | null {
  return value === null ? null : new Date(Number(value));
}

function authRowToModel(r: AuthRow, groups: GroupRef[]): Credential {
  return {
    id: r.id,
    accountId: r.account_id,
    tenantId: r.tenant_id,
    channel: r.channel as Channel,
    name: r.name,
    username: r.username,
    enabled: Boolean(Number(r.enabled)),
    expiresAt: epoch(r.expires_at),
    allowedCidrs: JSON.parse(r.allowed_cidrs) as string[],
    postbackUrl: r.postback_url,
    postbackSalt: r.postback_salt,
    offTheRecord: Boolean(Number(r.off_the_record)),
    scope: r.scope as Credential['scope'],
    groups,
    rateLimit: rateLimitOf(r.rate_limit_requests, r.rate_limit_seconds),
    secretHint: r.secret_hint,
    hasAvatar: false, // not needed to authenticate
    createdAt: epoch(r.created_at)!,
    updatedAt: epoch(r.updated_at)!,
    rotatedAt: epoch(r.rotated_at),
    lastUsedAt: epoch(r.last_used_at),
  };
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
    rateLimit: rateLimitOf(e.rateLimitRequests, e.rateLimitSeconds),
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
    rateLimitRequests: c.rateLimit?.requests ?? null,
    rateLimitSeconds: c.rateLimit?.perSeconds ?? null,
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
