import { AccountRepository } from '../accounts/account.repository';
import { Page } from '../common/page';
import { CredentialRepository } from '../credentials/credential.repository';
import { GroupRepository } from '../groups/group.repository';
import { AuditLogRepository } from '../logs/audit-log';

/**
 * Every method of T as a typed jest mock: calls, `mockResolvedValue` and implementations are
 * checked against the real signatures, and the object can be passed wherever a T is expected.
 */
export type MockOf<T> = {
  [K in keyof T]-?: T[K] extends (...args: infer A) => infer R ? jest.Mock<R, A> : never;
};

type AsyncMethods<T> = { [K in keyof T]: (...args: never[]) => Promise<unknown> };

/**
 * A mock whose methods resolve to `results`. The object must name every method of T, so a
 * method added to the interface fails to compile here until it has a default.
 */
export function resolvingMock<T extends AsyncMethods<T>>(results: {
  [K in keyof T]-?: Awaited<ReturnType<T[K]>>;
}): MockOf<T> {
  const mock: Partial<Record<keyof T, jest.Mock>> = {};
  for (const key of Object.keys(results) as (keyof T)[]) mock[key] = jest.fn().mockResolvedValue(results[key]);
  return mock as MockOf<T>;
}

const emptyPage = <T>(): Page<T> => ({ data: [], nextCursor: null });

/** Finds nothing, writes succeed, names are free. */
export function credentialRepositoryMock(): MockOf<CredentialRepository> {
  return resolvingMock<CredentialRepository>({
    insert: undefined,
    update: undefined,
    findById: null,
    list: emptyPage(),
    isUsernameTaken: false,
    insertMany: undefined,
    listByAccounts: [],
    findUsernameOwners: [],
    delete: undefined,
    countByChannel: [],
    countUsingGroup: 0,
    listIdsUsingGroup: [],
    listSecrets: [],
    insertSecret: undefined,
    deleteSecrets: undefined,
    setSecretExpiry: undefined,
    replaceSecretHash: true,
    findAuthByUsername: null,
    findAuthByLookupKey: null,
    findAuthById: null,
    listIdsByAccountTree: [],
    touchLastUsed: undefined,
    getAvatar: null,
    putAvatar: undefined,
    deleteAvatar: true,
  });
}

/** Finds nothing (set `findById` to the account a test works on), writes succeed. */
export function accountRepositoryMock(): MockOf<AccountRepository> {
  return resolvingMock<AccountRepository>({
    insert: undefined,
    update: undefined,
    findById: null,
    findByExternalId: null,
    findByExternalIds: [],
    insertMany: undefined,
    list: emptyPage(),
    countSubAccounts: 0,
    deleteCascade: undefined,
  });
}

export function groupRepositoryMock(): MockOf<GroupRepository> {
  return resolvingMock<GroupRepository>({
    insert: undefined,
    update: undefined,
    delete: undefined,
    findBySlug: null,
    findBySlugs: [],
    list: emptyPage(),
  });
}

export function auditLogRepositoryMock(): MockOf<AuditLogRepository> {
  return resolvingMock<AuditLogRepository>({ insert: undefined, insertMany: undefined, list: emptyPage() });
}
