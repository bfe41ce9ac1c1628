import { AccessScope } from '../access/actor';
import { Page, PageRequest } from '../common/page';
import { Account, AccountKind, AccountStatus } from './account.model';

export interface AccountListFilter {
  kind?: AccountKind;
  parentId?: string;
  status?: AccountStatus;
}

export interface AccountRepository {
  insert(account: Account): Promise<void>;
  update(account: Account): Promise<void>;
  findById(scope: AccessScope, id: string): Promise<Account | null>;
  /**
   * External ids (from provisioning systems, case-insensitive) are unique among masters
   * (`parentId` null) and, separately, among the subs of one master: a tenant can never
   * take an id that root's provisioning will use for a master.
   */
  findByExternalId(parentId: string | null, externalId: string): Promise<Account | null>;
  /** `findByExternalId` for many ids of one namespace at once (imports); any number of ids. */
  findByExternalIds(parentId: string | null, externalIds: string[]): Promise<Account[]>;
  insertMany(accounts: Account[]): Promise<void>;
  list(scope: AccessScope, filter: AccountListFilter, page: PageRequest): Promise<Page<Account>>;
  countSubAccounts(masterId: string): Promise<number>;
  /** Deletes the account with its credentials, groups, avatars and admin tokens. Logs stay. */
  deleteCascade(id: string): Promise<void>;
}
export const ACCOUNT_REPOSITORY = Symbol('AccountRepository');
