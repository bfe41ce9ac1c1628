import { Inject, Injectable } from '@nestjs/common';
import { GATEHOUSE_CONFIG, GatehouseConfig } from '@gatehouse/config';
import { Actor, scopeOf } from '../access/actor';
import { CHANNELS, Channel, LEGACY_CHANNELS } from '../channels/channel';
import { checkName } from '../common/checks';
import { DomainError } from '../common/domain-error';
import { newId } from '../common/ids';
import { Page, PageRequest } from '../common/page';
import { UNIT_OF_WORK, UnitOfWork } from '../common/unit-of-work';
import { CredentialService, IssuedCredential } from '../credentials/credential.service';
import { CHANGE_NOTIFIER, ChangeNotifier } from '../events/change-notifier';
import { AdminContext } from '../logs/audit-log';
import { AuditLogService } from '../logs/audit-log.service';
import { CREDENTIAL_REPOSITORY, CredentialRepository } from '../credentials/credential.repository';
import { Account, AccountKind, AccountStatus } from './account.model';
import { ACCOUNT_REPOSITORY, AccountListFilter, AccountRepository } from './account.repository';

export interface CreateAccountInput {
  name: string;
  kind?: AccountKind;
  parentId?: string;
  externalId?: string | null;
  status?: AccountStatus;
  /** Root only: imports of accounts that existed before Gatehouse. */
  createdAt?: Date;
}

export interface UpdateAccountInput {
  name?: string;
  externalId?: string | null;
  status?: AccountStatus;
}

export interface CreatedAccount {
  account: Account;
  /** Non-empty only for legacy masters: their four generated credentials, secrets shown this once. */
  credentials: IssuedCredential[];
}

export interface ChannelState {
  channel: Channel;
  active: boolean;
  credentials: number;
}

export const EXTERNAL_ID_PATTERN = /^[A-Za-z0-9._:@-]{1,128}$/;

@Injectable()
export class AccountService {
  constructor(
    @Inject(ACCOUNT_REPOSITORY) private readonly accounts: AccountRepository,
    @Inject(CREDENTIAL_REPOSITORY) private readonly credentialRepo: CredentialRepository,
    @Inject(UNIT_OF_WORK) private readonly uow: UnitOfWork,
    @Inject(CHANGE_NOTIFIER) private readonly changes: ChangeNotifier,
    @Inject(GATEHOUSE_CONFIG) private readonly config: GatehouseConfig,
    private readonly credentials: CredentialService,
    private readonly audit: AuditLogService,
  ) {}

  async create(ctx: AdminContext, input: CreateAccountInput): Promise<CreatedAccount> {
    const name = checkName(input.name);
    const externalId = checkExternalId(input.externalId);
    const { kind, parent } = await this.placement(ctx.actor, input);
    if (input.createdAt !== undefined && ctx.actor.type !== 'root') {
      throw DomainError.forbidden('createdAt: only the root token may set createdAt', 'forbidden', {
        field: 'createdAt',
      });
    }
    const now = new Date();
    const account = newAccount(
      { name, kind, parent, externalId, status: input.status, createdAt: input.createdAt },
      now,
    );
    const id = account.id;
    const legacy = this.isLegacy(account);

    // Hash outside the transaction (no slow work while holding it); write everything at once.
    const prepared = legacy
      ? LEGACY_CHANNELS.map((channel) => this.credentials.prepareLegacy(account, channel, now))
      : [];
    await this.uow.transaction(async () => {
      if (externalId !== null && (await this.accounts.findByExternalId(account.parentId, externalId))) {
        throw externalIdTaken(externalId);
      }
      await this.accounts.insert(account);
      for (const p of prepared) await this.credentialRepo.insert(p.credential, p.secrets);
      await this.audit.record(ctx, {
        action: 'account.create',
        targetType: 'account',
        targetId: id,
        accountId: id,
        tenantId: account.tenantId,
        details: { kind, legacy, channels: prepared.map((p) => p.credential.channel) },
      });
    });
    return { account, credentials: prepared.map((p) => p.issued) };
  }

  /**
   * `PUT …/by-external-id/:externalId`: creates once, then converges the mutable fields. The id
   * is looked up where the request places the account: among masters, or among the subs of
   * the given (or calling) master; never across tenants.
   */
  async upsertByExternalId(
    ctx: AdminContext,
    externalId: string,
    input: CreateAccountInput,
  ): Promise<{ created: boolean; result: CreatedAccount }> {
    checkExternalId(externalId);
    if (input.externalId !== undefined && input.externalId !== externalId) {
      throw DomainError.validation('externalId', 'must match the externalId in the path');
    }
    const { kind, parent } = await this.placement(ctx.actor, input);
    const existing = await this.accounts.findByExternalId(parent?.id ?? null, externalId);
    if (!existing) {
      try {
        return { created: true, result: await this.create(ctx, { ...input, externalId }) };
      } catch (err) {
        // Two scripts raced on the same id: the loser converges like any later call.
        if (!(err instanceof DomainError && err.code === 'external_id_taken')) throw err;
        return this.upsertByExternalId(ctx, externalId, input);
      }
    }
    if (
      existing.kind !== kind ||
      existing.parentId !== (parent?.id ?? null) ||
      !(await this.accounts.findById(scopeOf(ctx.actor), existing.id))
    ) {
      throw DomainError.conflict(
        'external_id_conflict',
        `externalId "${externalId}" belongs to an account of another kind or parent`,
        { field: 'externalId' },
      );
    }
    const account = await this.update(ctx, existing.id, { name: input.name, status: input.status });
    return { created: false, result: { account, credentials: [] } };
  }

  /** A master created before the legacy cutoff starts with the four legacy channels. */
  isLegacy(account: Account): boolean {
    return account.kind === 'master' && account.createdAt.getTime() < this.config.legacyCutoff.getTime();
  }

  async get(actor: Actor, id: string): Promise<Account> {
    const account = await this.accounts.findById(scopeOf(actor), id);
    if (!account) throw DomainError.notFound('account');
    return account;
  }

  list(actor: Actor, filter: AccountListFilter, page: PageRequest): Promise<Page<Account>> {
    return this.accounts.list(scopeOf(actor), filter, page);
  }

  async update(ctx: AdminContext, id: string, input: UpdateAccountInput): Promise<Account> {
    const account = await this.get(ctx.actor, id);
    const changed: string[] = [];
    const next: Account = { ...account };
    if (input.name !== undefined && input.name !== account.name) {
      next.name = checkName(input.name);
      changed.push('name');
    }
    if (input.externalId !== undefined && input.externalId !== account.externalId) {
      // Masters' ids are the provisioning system's namespace: only root writes there.
      if (account.kind === 'master' && ctx.actor.type !== 'root') {
        throw DomainError.forbidden("externalId: only the root token sets a master account's externalId", 'forbidden', {
          field: 'externalId',
        });
      }
      next.externalId = checkExternalId(input.externalId);
      changed.push('externalId');
    }
    if (input.status !== undefined && input.status !== account.status) {
      this.requireAbove(ctx.actor, account, 'status');
      next.status = input.status;
      changed.push('status');
    }
    if (changed.length === 0) return account;
    next.updatedAt = new Date();
    await this.uow.transaction(async () => {
      if (changed.includes('externalId') && next.externalId !== null) {
        const holder = await this.accounts.findByExternalId(next.parentId, next.externalId);
        if (holder && holder.id !== id) throw externalIdTaken(next.externalId);
      }
      await this.accounts.update(next);
      await this.audit.record(ctx, {
        action: changed.includes('status')
          ? `account.${next.status === 'suspended' ? 'suspend' : 'reactivate'}`
          : 'account.update',
        targetType: 'account',
        targetId: id,
        accountId: id,
        tenantId: account.tenantId,
        details: { changed },
      });
    });
    if (changed.includes('status')) await this.notifyAccountChanged(id, next.status === 'suspended');
    return next;
  }

  /** Deleting takes the account's credentials, groups and admin tokens; a master with subs is refused. */
  async delete(ctx: AdminContext, id: string): Promise<void> {
    const account = await this.get(ctx.actor, id);
    this.requireAbove(ctx.actor, account, 'delete');
    const credentialIds = await this.credentialRepo.listIdsByAccountTree(id);
    await this.uow.transaction(async () => {
      if (account.kind === 'master' && (await this.accounts.countSubAccounts(id)) > 0) {
        throw DomainError.conflict('account_has_sub_accounts', 'delete the sub-accounts of this master first');
      }
      await this.accounts.deleteCascade(id);
      await this.audit.record(ctx, {
        action: 'account.delete',
        targetType: 'account',
        targetId: id,
        accountId: id,
        tenantId: account.tenantId,
        details: { credentials: credentialIds.length },
      });
    });
    await this.changes.publish({
      type: 'account.changed',
      accountId: id,
      credentialIds,
      endSessions: true,
      reason: 'account_deleted',
    });
  }

  async channels(actor: Actor, id: string): Promise<ChannelState[]> {
    await this.get(actor, id);
    const counts = await this.credentialRepo.countByChannel(id);
    return CHANNELS.map((channel) => {
      const c = counts.find((x) => x.channel === channel);
      return { channel, active: (c?.enabled ?? 0) > 0, credentials: c?.total ?? 0 };
    });
  }

  private async notifyAccountChanged(accountId: string, endSessions: boolean): Promise<void> {
    const credentialIds = await this.credentialRepo.listIdsByAccountTree(accountId);
    await this.changes.publish({
      type: 'account.changed',
      accountId,
      credentialIds,
      endSessions,
      ...(endSessions ? { reason: 'account_suspended' as const } : {}),
    });
  }

  /** Where a new account goes, by who asks: root anywhere, a master under itself, a sub nowhere. */
  private async placement(
    actor: Actor,
    input: CreateAccountInput,
  ): Promise<{ kind: AccountKind; parent: Account | null }> {
    if (actor.type === 'admin' && actor.accountKind === 'sub') {
      throw DomainError.forbidden('a sub-account cannot create accounts');
    }
    const kind: AccountKind = input.kind ?? (input.parentId || actor.type === 'admin' ? 'sub' : 'master');
    if (kind === 'master') {
      if (actor.type !== 'root') throw DomainError.forbidden('only the root token may create master accounts');
      if (input.parentId) throw DomainError.validation('parentId', 'a master account has no parent');
      return { kind, parent: null };
    }
    const parentId = input.parentId ?? (actor.type === 'admin' ? actor.accountId : undefined);
    if (!parentId) throw DomainError.validation('parentId', 'is required for a sub-account');
    const parent = await this.accounts.findById(scopeOf(actor), parentId);
    if (!parent) throw DomainError.notFound('parent account');
    if (parent.kind !== 'master') {
      throw DomainError.validation('parentId', 'must be a master account: sub-accounts have no sub-accounts');
    }
    return { kind, parent };
  }

  /** Status changes and deletion come from above: root, or a master for its own subs. */
  private requireAbove(actor: Actor, account: Account, what: string): void {
    if (actor.type === 'root') return;
    if (actor.accountKind === 'master' && account.parentId === actor.accountId) return;
    throw DomainError.forbidden(`${what}: only the root token or the account's master may do this`);
  }
}

/** A new account from checked fields; nothing is written. */
export function newAccount(
  fields: {
    name: string;
    kind: AccountKind;
    parent: Account | null;
    externalId: string | null;
    status?: AccountStatus;
    createdAt?: Date;
  },
  now: Date,
): Account {
  const id = newId();
  return {
    id,
    kind: fields.kind,
    parentId: fields.parent?.id ?? null,
    tenantId: fields.parent?.id ?? id,
    name: fields.name,
    externalId: fields.externalId,
    status: fields.status ?? 'active',
    createdAt: fields.createdAt ?? now,
    updatedAt: now,
  };
}

export function checkExternalId(value: string | null | undefined): string | null {
  if (value === undefined || value === null) return null;
  if (!EXTERNAL_ID_PATTERN.test(value)) {
    throw DomainError.validation('externalId', 'must be 1-128 characters of A-Z a-z 0-9 . _ : @ -');
  }
  return value;
}

function externalIdTaken(externalId: string): DomainError {
  return DomainError.conflict('external_id_taken', `externalId "${externalId}" is already in use`, {
    field: 'externalId',
  });
}
