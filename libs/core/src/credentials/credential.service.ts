import { Inject, Injectable } from '@nestjs/common';
import { GATEHOUSE_CONFIG, GatehouseConfig } from '@gatehouse/config';
import { Actor, scopeOf } from '../access/actor';
import { Account } from '../accounts/account.model';
import { ACCOUNT_REPOSITORY, AccountRepository } from '../accounts/account.repository';
import { Channel, allowsCustomSecret } from '../channels/channel';
import { asciiLower } from '../common/ascii';
import { checkName } from '../common/checks';
import { DomainError } from '../common/domain-error';
import { newId } from '../common/ids';
import { Page, PageRequest } from '../common/page';
import { UNIT_OF_WORK, UnitOfWork } from '../common/unit-of-work';
import { CHANGE_NOTIFIER, ChangeNotifier } from '../events/change-notifier';
import { GroupService } from '../groups/group.service';
import { AdminContext } from '../logs/audit-log';
import { AuditLogService, AuditRecord } from '../logs/audit-log.service';
import { canonicalCidrList } from '../network/cidr-allowlist';
import { randomBase62 } from '../secrets/random-string';
import {
  CUSTOM_SECRET_MAX,
  CUSTOM_SECRET_MIN,
  USERNAME_PATTERN,
  generateSecret,
  generateUsername,
  looksGenerated,
  secretHint,
} from '../secrets/secret-format';
import { SecretHasher, bcryptCostOf } from '../secrets/secret-hasher';
import { SECRET_HASHER } from '../secrets/secret-hasher.token';
import { checkAvatar } from './avatar-content';
import { Avatar, Credential, CredentialScope, CredentialSecret, GroupRef, RateLimit } from './credential.model';
import { CREDENTIAL_REPOSITORY, CredentialListFilter, CredentialRepository } from './credential.repository';
import { validatePostbackUrl } from './postback-url';
import { checkRateLimit } from './rate-limit';

export interface CreateCredentialInput {
  channel: Channel;
  name: string;
  username?: string;
  /** Custom secret (not on `rest`). */
  secret?: string;
  /** Imported bcrypt hash (`$2a$`/`$2b$`/`$2y$`), instead of a secret (not on `rest`). */
  secretHash?: string;
  enabled?: boolean;
  expiresAt?: Date | null;
  allowedCidrs?: string[];
  postbackUrl?: string | null;
  offTheRecord?: boolean;
  scope?: CredentialScope;
  groups?: string[];
  /** At most `requests` per `perSeconds`; null or absent for none. */
  rateLimit?: RateLimit | null;
}

export type UpdateCredentialInput = Partial<
  Pick<
    CreateCredentialInput,
    | 'name'
    | 'enabled'
    | 'expiresAt'
    | 'allowedCidrs'
    | 'postbackUrl'
    | 'offTheRecord'
    | 'scope'
    | 'groups'
    | 'rateLimit'
  >
>;

export interface RotateCredentialInput {
  secret?: string;
  username?: string;
  /** Seconds the previous secret keeps working (0–604800); 0 ends it now. */
  graceSeconds?: number;
}

/** A credential with its secret, as returned once by create and rotate. */
export interface IssuedCredential {
  credential: Credential;
  /** Null only for an imported bcrypt hash: Gatehouse never saw that secret. */
  secret: string | null;
  postbackSigningSecret?: string;
}

/** A validated new credential with its secret rows, not yet written. */
export interface PreparedCredential {
  credential: Credential;
  secrets: CredentialSecret[];
  issued: IssuedCredential;
}

export const MAX_GRACE_SECONDS = 604_800;

/** Stands in for a custom secret's hash in a dry run, which writes nothing. */
const UNHASHED = 'unhashed:dry-run';

@Injectable()
export class CredentialService {
  constructor(
    @Inject(CREDENTIAL_REPOSITORY) private readonly repo: CredentialRepository,
    @Inject(ACCOUNT_REPOSITORY) private readonly accounts: AccountRepository,
    @Inject(UNIT_OF_WORK) private readonly uow: UnitOfWork,
    @Inject(CHANGE_NOTIFIER) private readonly changes: ChangeNotifier,
    @Inject(SECRET_HASHER) private readonly hasher: SecretHasher,
    @Inject(GATEHOUSE_CONFIG) private readonly config: GatehouseConfig,
    private readonly groups: GroupService,
    private readonly audit: AuditLogService,
  ) {}

  async create(ctx: AdminContext, accountId: string, input: CreateCredentialInput): Promise<IssuedCredential> {
    const account = await this.loadAccount(ctx.actor, accountId);
    const { credential, secrets, issued } = await this.prepareNew(account, input, new Date());
    issued.postbackSigningSecret = this.postbackSigningSecret(credential);
    await this.uow.transaction(async () => {
      if (await this.repo.isUsernameTaken(credential.channel, credential.username)) {
        throw usernameTaken(credential.username);
      }
      await this.repo.insert(credential, secrets);
      await this.audit.record(ctx, this.creationAudit(credential, !!input.secretHash));
    });
    return issued;
  }

  /**
   * A new credential of `account`, validated, its secret hashed (`issued` without the postback
   * signing secret; see postbackSigningSecret): nothing is written, and the
   * username is not checked for uniqueness (the caller does, with the insert). `hash: false`
   * (dry runs) checks a custom secret's rules without paying for bcrypt; such a result must
   * never be written.
   */
  async prepareNew(
    account: Account,
    input: CreateCredentialInput,
    now: Date,
    options: { hash: boolean } = { hash: true },
  ): Promise<PreparedCredential> {
    const channel = input.channel;
    const name = checkName(input.name);
    const username = input.username !== undefined ? this.checkCustomUsername(channel, input.username) : null;
    const scope = input.scope ?? 'all';
    const groupRefs = await this.resolveScope(account.id, scope, input.groups);
    const { secret, secretRow, hint } = await this.newSecret(channel, input.secret, input.secretHash, now, {
      hash: options.hash,
    });
    const credential: Credential = {
      id: secretRow.credentialId,
      accountId: account.id,
      tenantId: account.tenantId,
      channel,
      name,
      username: username ?? generateUsername(channel),
      enabled: input.enabled ?? true,
      expiresAt: input.expiresAt ?? null,
      allowedCidrs: canonicalCidrList(input.allowedCidrs ?? []),
      postbackUrl: this.checkPostbackUrl(input.postbackUrl),
      postbackSalt: randomBase62(32),
      offTheRecord: input.offTheRecord ?? false,
      scope,
      groups: groupRefs,
      rateLimit: checkRateLimit(input.rateLimit),
      secretHint: hint,
      hasAvatar: false,
      createdAt: now,
      updatedAt: now,
      rotatedAt: null,
      lastUsedAt: null,
    };
    // The postback signing secret (an HMAC) is left to callers that show it.
    return { credential, secrets: [secretRow], issued: { credential, secret } };
  }

  /** The audit entry of a created credential (imports write many at once). */
  creationAudit(credential: Credential, imported: boolean): AuditRecord {
    return this.auditOf(credential, 'credential.create', { channel: credential.channel, imported });
  }

  /** One of the four generated credentials a legacy master starts with; written by AccountService. */
  prepareLegacy(account: Account, channel: Channel, now: Date): PreparedCredential {
    const id = newId();
    const secret = generateSecret(channel);
    const { hash, lookupKey } = this.hasher.hashGenerated(secret);
    const credential: Credential = {
      id,
      accountId: account.id,
      tenantId: account.tenantId,
      channel,
      name: `Legacy ${channel}`,
      username: generateUsername(channel),
      enabled: true,
      expiresAt: null,
      allowedCidrs: [],
      postbackUrl: null,
      postbackSalt: randomBase62(32),
      offTheRecord: false,
      scope: 'all',
      groups: [],
      rateLimit: null,
      secretHint: secretHint(secret),
      hasAvatar: false,
      createdAt: now,
      updatedAt: now,
      rotatedAt: null,
      lastUsedAt: null,
    };
    const row: CredentialSecret = { id: newId(), credentialId: id, hash, lookupKey, expiresAt: null, createdAt: now };
    return {
      credential,
      secrets: [row],
      issued: { credential, secret, postbackSigningSecret: this.postbackSigningSecret(credential) },
    };
  }

  async get(actor: Actor, id: string): Promise<Credential> {
    const credential = await this.repo.findById(scopeOf(actor), id);
    if (!credential) throw DomainError.notFound('credential');
    return credential;
  }

  async list(
    actor: Actor,
    accountId: string,
    filter: CredentialListFilter,
    page: PageRequest,
  ): Promise<Page<Credential>> {
    await this.loadAccount(actor, accountId);
    return this.repo.list(scopeOf(actor), accountId, filter, page);
  }

  async update(ctx: AdminContext, id: string, input: UpdateCredentialInput): Promise<Credential> {
    const current = await this.get(ctx.actor, id);
    const next: Credential = { ...current };
    const changed: string[] = [];
    const set = <K extends keyof Credential>(key: K, value: Credential[K]): void => {
      if (JSON.stringify(value) !== JSON.stringify(current[key])) {
        next[key] = value;
        changed.push(key);
      }
    };
    if (input.name !== undefined) set('name', checkName(input.name));
    if (input.enabled !== undefined) set('enabled', input.enabled);
    if (input.expiresAt !== undefined) set('expiresAt', input.expiresAt);
    if (input.allowedCidrs !== undefined) set('allowedCidrs', canonicalCidrList(input.allowedCidrs));
    if (input.postbackUrl !== undefined) set('postbackUrl', this.checkPostbackUrl(input.postbackUrl));
    if (input.offTheRecord !== undefined) set('offTheRecord', input.offTheRecord);
    if (input.rateLimit !== undefined) set('rateLimit', checkRateLimit(input.rateLimit));
    if (input.scope !== undefined || input.groups !== undefined) {
      const scope = input.scope ?? current.scope;
      const slugs = input.groups ?? (scope === 'groups' ? current.groups.map((g) => g.slug) : undefined);
      set('scope', scope);
      set('groups', await this.resolveScope(current.accountId, scope, slugs));
    }
    if (changed.length === 0) return current;
    next.updatedAt = new Date();
    await this.uow.transaction(async () => {
      await this.repo.update(next);
      const action = changed.includes('enabled')
        ? next.enabled
          ? 'credential.enable'
          : 'credential.block'
        : 'credential.update';
      await this.audit.record(ctx, this.auditOf(next, action, { changed }));
    });
    // Blocking ends open sessions; any other change only drops cached verdicts.
    const blocked = changed.includes('enabled') && !next.enabled;
    await this.changes.publish({
      type: 'credential.changed',
      credentialId: id,
      endSessions: blocked,
      ...(blocked ? { reason: 'credential_blocked' as const } : {}),
    });
    return next;
  }

  async rotate(ctx: AdminContext, id: string, input: RotateCredentialInput): Promise<IssuedCredential> {
    const current = await this.get(ctx.actor, id);
    const grace = input.graceSeconds ?? 0;
    if (!Number.isInteger(grace) || grace < 0 || grace > MAX_GRACE_SECONDS) {
      throw DomainError.validation('graceSeconds', `must be an integer 0-${MAX_GRACE_SECONDS}`);
    }
    const username =
      input.username !== undefined ? this.checkCustomUsername(current.channel, input.username) : current.username;
    const now = new Date();
    const { secret, secretRow, hint } = await this.newSecret(current.channel, input.secret, undefined, now, {
      credentialId: id,
    });
    const next: Credential = { ...current, username, secretHint: hint, rotatedAt: now, updatedAt: now };
    await this.uow.transaction(async () => {
      if (username !== current.username && (await this.repo.isUsernameTaken(current.channel, username, id))) {
        throw usernameTaken(username);
      }
      const previous = await this.repo.listSecrets(id);
      if (grace === 0) {
        await this.repo.deleteSecrets(previous.map((s) => s.id));
      } else {
        // Only the secret current until now gets grace; older grace periods run out as they were.
        const active = previous.filter((s) => s.expiresAt === null).map((s) => s.id);
        await this.repo.setSecretExpiry(active, new Date(now.getTime() + grace * 1000));
      }
      await this.repo.insertSecret(secretRow);
      await this.repo.update(next);
      await this.audit.record(
        ctx,
        this.auditOf(next, 'credential.rotate', {
          graceSeconds: grace,
          usernameChanged: username !== current.username,
        }),
      );
    });
    await this.changes.publish({
      type: 'credential.changed',
      credentialId: id,
      endSessions: grace === 0,
      ...(grace === 0 ? { reason: 'credential_rotated' as const } : {}),
    });
    return { credential: next, secret };
  }

  async delete(ctx: AdminContext, id: string): Promise<void> {
    const current = await this.get(ctx.actor, id);
    await this.uow.transaction(async () => {
      await this.repo.delete(id);
      await this.audit.record(ctx, this.auditOf(current, 'credential.delete', {}));
    });
    await this.changes.publish({
      type: 'credential.changed',
      credentialId: id,
      endSessions: true,
      reason: 'credential_deleted',
    });
  }

  async putAvatar(ctx: AdminContext, id: string, data: Buffer): Promise<Credential> {
    const current = await this.get(ctx.actor, id);
    const contentType = checkAvatar(data);
    const updatedAt = new Date();
    await this.uow.transaction(async () => {
      await this.repo.putAvatar(id, { contentType, data, updatedAt });
      await this.audit.record(ctx, this.auditOf(current, 'credential.avatar.put', { contentType, bytes: data.length }));
    });
    return { ...current, hasAvatar: true };
  }

  async getAvatar(actor: Actor, id: string): Promise<Avatar> {
    await this.get(actor, id);
    const avatar = await this.repo.getAvatar(id);
    if (!avatar) throw DomainError.notFound('avatar');
    return avatar;
  }

  async deleteAvatar(ctx: AdminContext, id: string): Promise<void> {
    const current = await this.get(ctx.actor, id);
    await this.uow.transaction(async () => {
      if (!(await this.repo.deleteAvatar(id))) throw DomainError.notFound('avatar');
      await this.audit.record(ctx, this.auditOf(current, 'credential.avatar.delete', {}));
    });
  }

  /** Derived, not stored: HMAC(pepper, salt). Shown once at create; used to sign postbacks. */
  postbackSigningSecret(credential: Pick<Credential, 'postbackSalt'>): string {
    return `whsec_${this.hasher.digest('postback-signing', credential.postbackSalt)}`;
  }

  private async newSecret(
    channel: Channel,
    custom: string | undefined,
    importedHash: string | undefined,
    now: Date,
    { hash: hashIt = true, credentialId = newId() }: { hash?: boolean; credentialId?: string } = {},
  ): Promise<{ secret: string | null; secretRow: CredentialSecret; hint: string | null }> {
    if (custom !== undefined && importedHash !== undefined) {
      throw DomainError.validation('secret', 'give either secret or secretHash, not both');
    }
    const row = (hash: string, lookupKey: string | null): CredentialSecret => ({
      id: newId(),
      credentialId,
      hash,
      lookupKey,
      expiresAt: null,
      createdAt: now,
    });
    if (importedHash !== undefined) {
      if (!allowsCustomSecret(channel)) throw DomainError.validation('secretHash', 'REST keys are always generated');
      if (!SecretHasher.isImportableHash(importedHash)) {
        throw DomainError.validation('secretHash', 'must be a bcrypt hash ($2a$, $2b$ or $2y$)');
      }
      // Every login attempt against a hash pays its cost: above ours, it is a lever to stall the service.
      const cost = bcryptCostOf(importedHash);
      if (cost > this.config.bcryptCost) {
        throw new DomainError(
          'unprocessable',
          'hash_cost_too_high',
          `secretHash: bcrypt cost ${cost} is above the ${this.config.bcryptCost} this service allows (GATEHOUSE_BCRYPT_COST)`,
          { field: 'secretHash', cost, maxCost: this.config.bcryptCost },
        );
      }
      return { secret: null, secretRow: row(importedHash, null), hint: null };
    }
    if (custom !== undefined) {
      if (!allowsCustomSecret(channel)) throw DomainError.validation('secret', 'REST keys are always generated');
      if (custom.length < CUSTOM_SECRET_MIN || custom.length > CUSTOM_SECRET_MAX) {
        throw DomainError.validation('secret', `must be ${CUSTOM_SECRET_MIN}-${CUSTOM_SECRET_MAX} characters`);
      }
      if (looksGenerated(custom)) {
        throw DomainError.validation('secret', 'must not look like a generated key; omit it to have one generated');
      }
      if (isTrivialSecret(custom)) {
        throw DomainError.validation('secret', 'must not be blank or one character repeated');
      }
      // No hint: a custom secret is somebody's password, and its last characters are part of it.
      const hashed = hashIt ? await this.hasher.hashCustom(custom) : UNHASHED;
      return { secret: custom, secretRow: row(hashed, null), hint: null };
    }
    const secret = generateSecret(channel);
    const { hash, lookupKey } = this.hasher.hashGenerated(secret);
    return { secret, secretRow: row(hash, lookupKey), hint: secretHint(secret) };
  }

  private checkCustomUsername(channel: Channel, value: string): string {
    if (channel === 'rest') throw DomainError.validation('username', 'REST usernames are always generated');
    if (!USERNAME_PATTERN.test(value)) {
      throw DomainError.validation('username', 'must be 3-64 characters of A-Z a-z 0-9 . _ @ + -');
    }
    return asciiLower(value);
  }

  private checkPostbackUrl(value: string | null | undefined): string | null {
    if (value === undefined || value === null) return null;
    return validatePostbackUrl(value, this.config.allowPrivatePostbacks);
  }

  private async resolveScope(
    accountId: string,
    scope: CredentialScope,
    slugs: string[] | undefined,
  ): Promise<GroupRef[]> {
    if (scope === 'all') {
      if (slugs !== undefined && slugs.length > 0) {
        throw DomainError.validation('groups', 'only a key with scope "groups" has groups');
      }
      return [];
    }
    if (!slugs || slugs.length === 0)
      throw DomainError.validation('groups', 'a key with scope "groups" needs at least one group');
    const groups = await this.groups.resolve(accountId, slugs);
    return groups.map((g) => ({ id: g.id, slug: g.slug }));
  }

  private async loadAccount(actor: Actor, accountId: string): Promise<Account> {
    const account = await this.accounts.findById(scopeOf(actor), accountId);
    if (!account) throw DomainError.notFound('account');
    return account;
  }

  private auditOf(c: Credential, action: string, details: Record<string, unknown>): AuditRecord {
    return {
      action,
      targetType: 'credential' as const,
      targetId: c.id,
      accountId: c.accountId,
      tenantId: c.tenantId,
      details: { channel: c.channel, ...details },
    };
  }
}

/** Blank, or one character repeated (`            `, `aaaaaaaaaaaa`): 12 characters, no secret. */
function isTrivialSecret(secret: string): boolean {
  if (secret.trim() === '') return true;
  const chars = [...secret];
  return chars.every((c) => c === chars[0]);
}

function usernameTaken(username: string): DomainError {
  return DomainError.conflict('username_taken', `username "${username}" is already used on this channel`, {
    field: 'username',
  });
}
