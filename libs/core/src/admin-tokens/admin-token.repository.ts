import { AccessScope } from '../access/actor';
import { Account } from '../accounts/account.model';
import { Page, PageRequest } from '../common/page';
import { AdminToken } from './admin-token.model';

export interface AdminTokenRepository {
  insert(token: AdminToken, lookupKey: string): Promise<void>;
  findById(scope: AccessScope, id: string): Promise<AdminToken | null>;
  /** The token with its account and, for a sub-account, the master (to check both are active). */
  findByLookupKey(lookupKey: string): Promise<{ token: AdminToken; account: Account; master: Account | null } | null>;
  list(accountId: string, page: PageRequest): Promise<Page<AdminToken>>;
  delete(id: string): Promise<void>;
  touchLastUsed(id: string, at: Date): Promise<void>;
}
export const ADMIN_TOKEN_REPOSITORY = Symbol('AdminTokenRepository');

/** Process-wide settings that live in the database (the root token's hash). */
export interface SettingsRepository {
  get(key: string): Promise<string | null>;
  /** Inserts unless the key exists; returns whether this call inserted it. */
  insertIfAbsent(key: string, value: string): Promise<boolean>;
  /** Inserts or replaces. */
  set(key: string, value: string): Promise<void>;
}
export const SETTINGS_REPOSITORY = Symbol('SettingsRepository');
