import { In } from 'typeorm';
import {
  AccessScope,
  Account,
  AdminToken,
  AdminTokenRepository,
  Page,
  PageRequest,
  SettingsRepository,
  toPage,
} from '@gatehouse/core';
import { AccountEntity } from '../entities/account.entity';
import { AdminTokenEntity, SettingEntity } from '../entities/admin-token.entity';
import { TypeOrmUnitOfWork } from '../unit-of-work.typeorm';
import { toModel as accountToModel } from './account.typeorm-repository';
import { applyPage, applyScope } from './query-helpers';

export class TypeOrmAdminTokenRepository implements AdminTokenRepository {
  constructor(private readonly uow: TypeOrmUnitOfWork) {}

  private get repo() {
    return this.uow.manager().getRepository(AdminTokenEntity);
  }

  async insert(token: AdminToken, lookupKey: string): Promise<void> {
    await this.repo.insert({ ...token, lookupKey });
  }

  async findById(scope: AccessScope, id: string): Promise<AdminToken | null> {
    const row = await applyScope(this.repo.createQueryBuilder('t').where('t.id = :id', { id }), 't', scope).getOne();
    return row ? toModel(row) : null;
  }

  async findByLookupKey(
    lookupKey: string,
  ): Promise<{ token: AdminToken; account: Account; master: Account | null } | null> {
    const row = await this.repo.findOne({ where: { lookupKey } });
    if (!row) return null;
    const accounts = await this.uow
      .manager()
      .getRepository(AccountEntity)
      .find({ where: { id: In([...new Set([row.accountId, row.tenantId])]) } });
    const account = accounts.find((a) => a.id === row.accountId);
    if (!account) return null;
    const master = row.tenantId !== row.accountId ? accounts.find((a) => a.id === row.tenantId) : undefined;
    return { token: toModel(row), account: accountToModel(account), master: master ? accountToModel(master) : null };
  }

  async list(accountId: string, page: PageRequest): Promise<Page<AdminToken>> {
    const qb = this.repo.createQueryBuilder('t').where('t.account_id = :accountId', { accountId });
    return toPage((await applyPage(qb, 't', page).getMany()).map(toModel), page.limit);
  }

  async delete(id: string): Promise<void> {
    await this.repo.delete({ id });
  }

  async touchLastUsed(id: string, at: Date): Promise<void> {
    await this.repo.update({ id }, { lastUsedAt: at });
  }
}

function toModel(e: AdminTokenEntity): AdminToken {
  return {
    id: e.id,
    accountId: e.accountId,
    tenantId: e.tenantId,
    name: e.name,
    tokenHint: e.tokenHint,
    createdAt: e.createdAt,
    lastUsedAt: e.lastUsedAt,
  };
}

export class TypeOrmSettingsRepository implements SettingsRepository {
  constructor(private readonly uow: TypeOrmUnitOfWork) {}

  async get(key: string): Promise<string | null> {
    const row = await this.uow.manager().getRepository(SettingEntity).findOne({ where: { key } });
    return row?.value ?? null;
  }

  async insertIfAbsent(key: string, value: string): Promise<boolean> {
    try {
      await this.uow.manager().getRepository(SettingEntity).insert({ key, value });
      return true;
    } catch (err) {
      if ((await this.get(key)) !== null) return false; // lost the race: the key is there now
      throw err;
    }
  }

  async set(key: string, value: string): Promise<void> {
    await this.uow.manager().getRepository(SettingEntity).upsert({ key, value }, ['key']);
  }
}
