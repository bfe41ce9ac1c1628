import { timingSafeEqual } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { GATEHOUSE_CONFIG, GatehouseConfig } from '@gatehouse/config';
import { Actor, scopeOf } from '../access/actor';
import { ACCOUNT_REPOSITORY, AccountRepository } from '../accounts/account.repository';
import { checkName } from '../common/checks';
import { DomainError } from '../common/domain-error';
import { newId } from '../common/ids';
import { Page, PageRequest } from '../common/page';
import { UNIT_OF_WORK, UnitOfWork } from '../common/unit-of-work';
import { AdminContext } from '../logs/audit-log';
import { AuditLogService } from '../logs/audit-log.service';
import { randomBase62 } from '../secrets/random-string';
import { SecretHasher } from '../secrets/secret-hasher';
import { SECRET_HASHER } from '../secrets/secret-hasher.token';
import { AdminToken } from './admin-token.model';
import {
  ADMIN_TOKEN_REPOSITORY,
  AdminTokenRepository,
  SETTINGS_REPOSITORY,
  SettingsRepository,
} from './admin-token.repository';

const ADMIN_TOKEN_PREFIX = 'gka_';
const ROOT_TOKEN_PREFIX = 'gkroot_';
const ROOT_HASH_KEY = 'root_token_hash';
const TOKEN_SHAPE = /^gka_[0-9A-Za-z]{60}$/;

/**
 * How long a root token digest read from the database is trusted: another node (or
 * `gatehouse root-token rotate` next to running MySQL nodes) may replace it, and every node
 * follows within this long, at the cost of one settings read per interval, not one per request.
 */
export const ROOT_DIGEST_REFRESH_MS = 5_000;

/** A new root token (`gkroot_` + 60 base62 characters) and the digest stored for it. */
export function newRootToken(hasher: SecretHasher): { token: string; digest: string } {
  const token = ROOT_TOKEN_PREFIX + randomBase62(60);
  return { token, digest: hasher.lookupKey(token) };
}

/**
 * Replaces the stored root token with a new one and returns its text (to show once). Used by
 * `gatehouse root-token rotate`; running nodes pick it up within ROOT_DIGEST_REFRESH_MS. The
 * caller makes sure the token does not come from GATEHOUSE_ROOT_TOKEN, which wins over the database.
 */
export async function rotateStoredRootToken(settings: SettingsRepository, hasher: SecretHasher): Promise<string> {
  const { token, digest } = newRootToken(hasher);
  await settings.set(ROOT_HASH_KEY, digest);
  return token;
}

@Injectable()
export class AdminTokenService {
  private rootDigest: Buffer | null = null;
  /** When the digest was last read from the settings row; 0 while it is not from the database. */
  private rootDigestReadAt = 0;
  private rootDigestReading: Promise<void> | null = null;

  constructor(
    @Inject(ADMIN_TOKEN_REPOSITORY) private readonly tokens: AdminTokenRepository,
    @Inject(ACCOUNT_REPOSITORY) private readonly accounts: AccountRepository,
    @Inject(SETTINGS_REPOSITORY) private readonly settings: SettingsRepository,
    @Inject(UNIT_OF_WORK) private readonly uow: UnitOfWork,
    @Inject(SECRET_HASHER) private readonly hasher: SecretHasher,
    @Inject(GATEHOUSE_CONFIG) private readonly config: GatehouseConfig,
    private readonly audit: AuditLogService,
  ) {}

  /**
   * Loads the root token's digest: from GATEHOUSE_ROOT_TOKEN, else the stored hash, else a new
   * token whose hash is stored. Returns the new token's text so start-up can print it once.
   */
  async initRootToken(): Promise<{ generated: string | null }> {
    if (this.config.rootToken) {
      this.rootDigest = Buffer.from(this.hasher.lookupKey(this.config.rootToken), 'hex');
      return { generated: null };
    }
    const stored = await this.settings.get(ROOT_HASH_KEY);
    this.rootDigestReadAt = Date.now();
    if (stored) {
      this.rootDigest = Buffer.from(stored, 'hex');
      return { generated: null };
    }
    const { token, digest } = newRootToken(this.hasher);
    // Another node may have won the race at first start; then its token is the one.
    const inserted = await this.settings.insertIfAbsent(ROOT_HASH_KEY, digest);
    this.rootDigest = Buffer.from(inserted ? digest : ((await this.settings.get(ROOT_HASH_KEY)) ?? digest), 'hex');
    return { generated: inserted ? token : null };
  }

  /** Bearer token → who is calling, or null (401). Suspended accounts' tokens do not work. */
  async authenticate(bearer: string): Promise<Actor | null> {
    const digest = Buffer.from(this.hasher.lookupKey(bearer), 'hex');
    if (!this.config.rootToken && Date.now() - this.rootDigestReadAt >= ROOT_DIGEST_REFRESH_MS) {
      await this.refreshRootDigest();
    }
    if (this.rootDigest && timingSafeEqual(digest, this.rootDigest)) return { type: 'root' };
    if (!TOKEN_SHAPE.test(bearer)) return null;
    const found = await this.tokens.findByLookupKey(digest.toString('hex'));
    if (!found) return null;
    const { token, account, master } = found;
    if (account.status !== 'active' || (master && master.status !== 'active')) return null;
    // lastUsedAt is informational: one write per token per minute, not one per request.
    const now = new Date();
    if (!token.lastUsedAt || now.getTime() - token.lastUsedAt.getTime() > 60_000) {
      await this.tokens.touchLastUsed(token.id, now);
    }
    return {
      type: 'admin',
      tokenId: token.id,
      accountId: account.id,
      accountKind: account.kind,
      tenantId: account.tenantId,
    };
  }

  /**
   * Re-reads the stored root digest (a rotation elsewhere); concurrent callers share one read. A
   * failed read keeps the digest there was and is tried again after the same interval.
   */
  private refreshRootDigest(): Promise<void> {
    this.rootDigestReading ??= this.readStoredRootDigest().finally(() => (this.rootDigestReading = null));
    return this.rootDigestReading;
  }

  private async readStoredRootDigest(): Promise<void> {
    try {
      const stored = await this.settings.get(ROOT_HASH_KEY);
      if (stored) this.rootDigest = Buffer.from(stored, 'hex');
    } catch {
      // The database is unreachable: keep the digest; the admin-token lookup that follows reports it.
    } finally {
      this.rootDigestReadAt = Date.now();
    }
  }

  async create(
    ctx: AdminContext,
    accountId: string,
    input: { name: string },
  ): Promise<{ adminToken: AdminToken; token: string }> {
    const account = await this.accounts.findById(scopeOf(ctx.actor), accountId);
    if (!account) throw DomainError.notFound('account');
    const token = ADMIN_TOKEN_PREFIX + randomBase62(60);
    const adminToken: AdminToken = {
      id: newId(),
      accountId: account.id,
      tenantId: account.tenantId,
      name: checkName(input.name),
      tokenHint: token.slice(-4),
      createdAt: new Date(),
      lastUsedAt: null,
    };
    await this.uow.transaction(async () => {
      await this.tokens.insert(adminToken, this.hasher.lookupKey(token));
      await this.audit.record(ctx, {
        action: 'admin_token.create',
        targetType: 'admin_token',
        targetId: adminToken.id,
        accountId: account.id,
        tenantId: account.tenantId,
      });
    });
    return { adminToken, token };
  }

  async list(actor: Actor, accountId: string, page: PageRequest): Promise<Page<AdminToken>> {
    const account = await this.accounts.findById(scopeOf(actor), accountId);
    if (!account) throw DomainError.notFound('account');
    return this.tokens.list(accountId, page);
  }

  async delete(ctx: AdminContext, id: string): Promise<void> {
    const token = await this.tokens.findById(scopeOf(ctx.actor), id);
    if (!token) throw DomainError.notFound('admin token');
    await this.uow.transaction(async () => {
      await this.tokens.delete(id);
      await this.audit.record(ctx, {
        action: 'admin_token.delete',
        targetType: 'admin_token',
        targetId: id,
        accountId: token.accountId,
        tenantId: token.tenantId,
      });
    });
  }
}
