import { AccessScope } from '../access/actor';
import { Channel } from '../channels/channel';
import { Page, PageRequest } from '../common/page';
import { Avatar, Credential, CredentialAuthRecord, CredentialSecret } from './credential.model';

export interface CredentialListFilter {
  channel?: Channel;
  /** Name contains, case-insensitive. */
  q?: string;
  enabled?: boolean;
}

export interface ChannelCount {
  channel: Channel;
  total: number;
  enabled: number;
}

export interface CredentialRepository {
  insert(credential: Credential, secrets: CredentialSecret[]): Promise<void>;
  /** Writes the mutable fields and the group links. */
  update(credential: Credential): Promise<void>;
  findById(scope: AccessScope, id: string): Promise<Credential | null>;
  list(
    scope: AccessScope,
    accountId: string,
    filter: CredentialListFilter,
    page: PageRequest,
  ): Promise<Page<Credential>>;
  isUsernameTaken(channel: Channel, username: string, exceptCredentialId?: string): Promise<boolean>;
  /** Imports: many credentials with their secrets, in as few statements as the database allows. */
  insertMany(items: { credential: Credential; secrets: CredentialSecret[] }[]): Promise<void>;
  /** Every credential of these accounts (imports compare them with the file); any number of ids. */
  listByAccounts(accountIds: string[]): Promise<Credential[]>;
  /** Which of these usernames of `channel` are taken, and by which account. */
  findUsernameOwners(channel: Channel, usernames: string[]): Promise<{ username: string; accountId: string }[]>;
  delete(id: string): Promise<void>;
  countByChannel(accountId: string): Promise<ChannelCount[]>;
  countUsingGroup(groupId: string): Promise<number>;
  listIdsUsingGroup(groupId: string): Promise<string[]>;

  listSecrets(credentialId: string): Promise<CredentialSecret[]>;
  insertSecret(secret: CredentialSecret): Promise<void>;
  deleteSecrets(ids: string[]): Promise<void>;
  setSecretExpiry(ids: string[], expiresAt: Date): Promise<void>;
  /** Swaps a secret row's hash if it still holds `previousHash`; false when it changed meanwhile. */
  replaceSecretHash(secretId: string, previousHash: string, nextHash: string): Promise<boolean>;

  findAuthByUsername(channel: Channel, username: string): Promise<CredentialAuthRecord | null>;
  findAuthByLookupKey(lookupKey: string): Promise<CredentialAuthRecord | null>;
  findAuthById(credentialId: string): Promise<CredentialAuthRecord | null>;
  listIdsByAccountTree(accountId: string): Promise<string[]>;
  /** Sets `lastUsedAt` of every credential in `ids`, however many (the implementation batches them). */
  touchLastUsed(ids: string[], at: Date): Promise<void>;

  getAvatar(credentialId: string): Promise<Avatar | null>;
  putAvatar(credentialId: string, avatar: Avatar): Promise<void>;
  deleteAvatar(credentialId: string): Promise<boolean>;
}
export const CREDENTIAL_REPOSITORY = Symbol('CredentialRepository');
