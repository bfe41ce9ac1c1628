import { In } from 'typeorm';
import {
  Account,
  AccessScope,
  AccountListFilter,
  AccountRepository,
  Page,
  PageRequest,
  asciiLower,
  toPage,
} from '@gatehouse/core';
import { AccountEntity } from '../entities/account.entity';
import { AdminTokenEntity } from '../entities/admin-token.entity';
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
import { applyPage, applyScope } from './query-helpers';

export class TypeOrmAccountRepository implements AccountRepository {
  constructor(private readonly uow: TypeOrmUnitOfWork) {}

  private get repo() {
    return this.uow.manager().getRepository(AccountEntity);
  }

  async insert(account: Account): Promise<void> {
    await this.repo.insert(toEntity(account));
  }

  async update(account: Account): Promise<void> {
    const { id, ...rest } = toEntity(account);
    await this.repo.update({ id }, rest);
  }

  async findById(scope: AccessScope, id: string): Promise<Account | null> {
    const qb = this.repo.createQueryBuilder('a').where('a.id = :id', { id });
    const row = await applyScope(qb, 'a', scope, 'id').getOne();
    return row ? toModel(row) : null;
  }

  async findByExternalId(parentId: string | null, externalId: string): Promise<Account | null> {
    const row = await this.repo.findOne({ where: { externalNs: parentId ?? '', externalKey: asciiLower(externalId) } });
    return row ? toModel(row) : null;
  }

  async findByExternalIds(parentId: string | null, externalIds: string[]): Promise<Account[]> {
    const found: Account[] = [];
    for (const chunk of chunked([...new Set(externalIds.map(asciiLower))])) {
      const rows = await this.repo.find({ where: { externalNs: parentId ?? '', externalKey: In(chunk) } });
      found.push(...rows.map(toModel));
    }
    return found;
  }

  async insertMany(accounts: Account[]): Promise<void> {
    await bulkInsert(this.uow, AccountEntity, accounts.map(toEntity));
  }

  async list(scope: AccessScope, filter: AccountListFilter, page: PageRequest): Promise<Page<Account>> {
    const qb = applyScope(this.repo.createQueryBuilder('a'), 'a', scope, 'id');
    if (filter.kind) qb.andWhere('a.kind = :kind', { kind: filter.kind });
    if (filter.parentId) qb.andWhere('a.parent_id = :parentId', { parentId: filter.parentId });
    if (filter.status) qb.andWhere('a.status = :status', { status: filter.status });
    const rows = await applyPage(qb, 'a', page).getMany();
    return toPage(rows.map(toModel), page.limit);
  }

  countSubAccounts(masterId: string): Promise<number> {
    return this.repo.count({ where: { parentId: masterId } });
  }

  async deleteCascade(id: string): Promise<void> {
    const em = this.uow.manager();
    const credentialIds = (
      await em.getRepository(CredentialEntity).find({ select: { id: true }, where: { accountId: id } })
    ).map((c) => c.id);
    const groupIds = (
      await em.getRepository(RecipientGroupEntity).find({ select: { id: true }, where: { accountId: id } })
    ).map((g) => g.id);
    for (const chunk of chunked(credentialIds)) {
      await em
        .createQueryBuilder()
        .delete()
        .from(CredentialSecretEntity)
        .where('credential_id IN (:...ids)', { ids: chunk })
        .execute();
      await em
        .createQueryBuilder()
        .delete()
        .from(CredentialGroupEntity)
        .where('credential_id IN (:...ids)', { ids: chunk })
        .execute();
      await em
        .createQueryBuilder()
        .delete()
        .from(AvatarChunkEntity)
        .where('credential_id IN (:...ids)', { ids: chunk })
        .execute();
    }
    for (const chunk of chunked(groupIds)) {
      await em
        .createQueryBuilder()
        .delete()
        .from(CredentialGroupEntity)
        .where('group_id IN (:...ids)', { ids: chunk })
        .execute();
    }
    await em.getRepository(CredentialEntity).delete({ accountId: id });
    await em.getRepository(RecipientGroupEntity).delete({ accountId: id });
    await em.getRepository(AdminTokenEntity).delete({ accountId: id });
    await em.getRepository(AccountEntity).delete({ id });
  }
}

export function toModel(e: AccountEntity): Account {
  return {
    id: e.id,
    kind: e.kind as Account['kind'],
    parentId: e.parentId,
    tenantId: e.tenantId,
    name: e.name,
    externalId: e.externalId,
    status: e.status as Account['status'],
    createdAt: e.createdAt,
    updatedAt: e.updatedAt,
  };
}

function toEntity(a: Account): AccountEntity {
  return {
    id: a.id,
    kind: a.kind,
    parentId: a.parentId,
    tenantId: a.tenantId,
    name: a.name,
    externalId: a.externalId,
    externalKey: a.externalId === null ? null : asciiLower(a.externalId),
    externalNs: a.parentId ?? '',
    status: a.status,
    createdAt: a.createdAt,
    updatedAt: a.updatedAt,
  };
}
