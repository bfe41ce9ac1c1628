import { allPages, api, ok, type Account } from '../api/client';

/** Every account the token may see (root: all; a master's token: it and its subs; a sub's: itself). */
export function loadAccounts(signal: AbortSignal): Promise<Account[]> {
  return allPages((cursor) => ok(api.GET('/admin/v1/accounts', { params: { query: { limit: 200, cursor } }, signal })));
}

export interface AccountTree {
  master: Account | null;
  account: Account;
  subs: Account[];
}

/** Masters with their subs; a sub whose master is not visible stands on its own. */
export function accountTree(accounts: Account[]): AccountTree[] {
  const byName = (a: Account, b: Account): number => a.name.localeCompare(b.name);
  const subsOf = new Map<string, Account[]>();
  for (const a of accounts) {
    if (a.kind === 'sub' && a.parentId) subsOf.set(a.parentId, [...(subsOf.get(a.parentId) ?? []), a]);
  }
  const ids = new Set(accounts.map((a) => a.id));
  const roots = accounts.filter((a) => a.kind === 'master' || !a.parentId || !ids.has(a.parentId)).sort(byName);
  return roots.map((account) => ({
    master: account.kind === 'master' ? account : null,
    account,
    subs: (subsOf.get(account.id) ?? []).sort(byName),
  }));
}
