import { Inject, Injectable } from '@nestjs/common';
import { Actor, scopeOf } from '../access/actor';
import { ACCOUNT_REPOSITORY, AccountRepository } from '../accounts/account.repository';
import { checkName } from '../common/checks';
import { DomainError } from '../common/domain-error';
import { newId } from '../common/ids';
import { Page, PageRequest } from '../common/page';
import { UNIT_OF_WORK, UnitOfWork } from '../common/unit-of-work';
import { CREDENTIAL_REPOSITORY, CredentialRepository } from '../credentials/credential.repository';
import { CHANGE_NOTIFIER, ChangeNotifier } from '../events/change-notifier';
import { AdminContext } from '../logs/audit-log';
import { AuditLogService } from '../logs/audit-log.service';
import { GROUP_SLUG_PATTERN, RecipientGroup } from './group.model';
import { GROUP_REPOSITORY, GroupRepository } from './group.repository';

@Injectable()
export class GroupService {
  constructor(
    @Inject(GROUP_REPOSITORY) private readonly groups: GroupRepository,
    @Inject(ACCOUNT_REPOSITORY) private readonly accounts: AccountRepository,
    @Inject(CREDENTIAL_REPOSITORY) private readonly credentials: CredentialRepository,
    @Inject(UNIT_OF_WORK) private readonly uow: UnitOfWork,
    @Inject(CHANGE_NOTIFIER) private readonly changes: ChangeNotifier,
    private readonly audit: AuditLogService,
  ) {}

  async create(ctx: AdminContext, accountId: string, input: { slug: string; name: string }): Promise<RecipientGroup> {
    const account = await this.loadAccount(ctx.actor, accountId);
    const now = new Date();
    const group: RecipientGroup = {
      id: newId(),
      accountId: account.id,
      tenantId: account.tenantId,
      slug: checkSlug(input.slug),
      name: checkName(input.name),
      createdAt: now,
      updatedAt: now,
    };
    await this.uow.transaction(async () => {
      if (await this.groups.findBySlug(account.id, group.slug)) throw slugTaken(group.slug);
      await this.groups.insert(group);
      await this.audit.record(ctx, this.auditOf(group, 'group.create', { slug: group.slug }));
    });
    return group;
  }

  async list(actor: Actor, accountId: string, page: PageRequest): Promise<Page<RecipientGroup>> {
    await this.loadAccount(actor, accountId);
    return this.groups.list(accountId, page);
  }

  async get(actor: Actor, accountId: string, slug: string): Promise<RecipientGroup> {
    await this.loadAccount(actor, accountId);
    const group = await this.groups.findBySlug(accountId, slug);
    if (!group) throw DomainError.notFound('group');
    return group;
  }

  async update(
    ctx: AdminContext,
    accountId: string,
    slug: string,
    input: { slug?: string; name?: string },
  ): Promise<RecipientGroup> {
    const group = await this.get(ctx.actor, accountId, slug);
    const next: RecipientGroup = {
      ...group,
      slug: input.slug !== undefined ? checkSlug(input.slug) : group.slug,
      name: input.name !== undefined ? checkName(input.name) : group.name,
      updatedAt: new Date(),
    };
    await this.uow.transaction(async () => {
      if (next.slug !== group.slug && (await this.groups.findBySlug(accountId, next.slug))) throw slugTaken(next.slug);
      await this.groups.update(next);
      await this.audit.record(ctx, this.auditOf(next, 'group.update', { slug: next.slug, previousSlug: group.slug }));
    });
    if (next.slug !== group.slug) {
      // Cached verdicts carry the keys' group slugs: drop them, so the next login reads the new one.
      const credentialIds = await this.credentials.listIdsUsingGroup(group.id);
      await this.changes.publish({ type: 'group.changed', groupId: group.id, credentialIds, endSessions: false });
    }
    return next;
  }

  /** Refused while a key is scoped to the group: silently widening or emptying a key's scope would surprise. */
  async delete(ctx: AdminContext, accountId: string, slug: string): Promise<void> {
    const group = await this.get(ctx.actor, accountId, slug);
    await this.uow.transaction(async () => {
      const users = await this.credentials.countUsingGroup(group.id);
      if (users > 0) {
        throw DomainError.conflict('group_in_use', `${users} credential(s) are scoped to group "${slug}"`, {
          credentials: users,
        });
      }
      await this.groups.delete(group.id);
      await this.audit.record(ctx, this.auditOf(group, 'group.delete', { slug }));
    });
  }

  /** Slugs → groups of the account; unknown slugs are a 422 naming them. */
  async resolve(accountId: string, slugs: string[]): Promise<RecipientGroup[]> {
    const wanted = [...new Set(slugs)];
    const found = wanted.length > 0 ? await this.groups.findBySlugs(accountId, wanted) : [];
    const unknown = wanted.filter((s) => !found.some((g) => g.slug === s));
    if (unknown.length > 0) {
      throw new DomainError('unprocessable', 'unknown_group', `unknown group(s): ${unknown.join(', ')}`, {
        groups: unknown,
      });
    }
    return wanted.map((s) => found.find((g) => g.slug === s)!);
  }

  private async loadAccount(actor: Actor, accountId: string) {
    const account = await this.accounts.findById(scopeOf(actor), accountId);
    if (!account) throw DomainError.notFound('account');
    return account;
  }

  private auditOf(g: RecipientGroup, action: string, details: Record<string, unknown>) {
    return {
      action,
      targetType: 'group' as const,
      targetId: g.id,
      accountId: g.accountId,
      tenantId: g.tenantId,
      details,
    };
  }
}

function checkSlug(slug: string): string {
  if (!GROUP_SLUG_PATTERN.test(slug)) {
    throw DomainError.validation('slug', 'must match ^[a-z0-9][a-z0-9-]{0,62}$');
  }
  return slug;
}

function slugTaken(slug: string): DomainError {
  return DomainError.conflict('slug_taken', `group slug "${slug}" already exists in this account`, { field: 'slug' });
}
