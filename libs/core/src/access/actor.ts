import { AccountKind } from '../accounts/account.model';

/** Who is calling the admin API. */
export type Actor =
  { type: 'root' } | { type: 'admin'; tokenId: string; accountId: string; accountKind: AccountKind; tenantId: string };

/**
 * The rows an actor may see. `tenant` is a master and all its subs (every row carries
 * the tenant id of its master), `account` is a single sub-account.
 */
export type AccessScope =
  { type: 'all' } | { type: 'tenant'; tenantId: string } | { type: 'account'; accountId: string };

export function scopeOf(actor: Actor): AccessScope {
  if (actor.type === 'root') return { type: 'all' };
  return actor.accountKind === 'master'
    ? { type: 'tenant', tenantId: actor.tenantId }
    : { type: 'account', accountId: actor.accountId };
}

export function actorLabel(actor: Actor): { actorType: 'root' | 'admin_token'; actorId: string } {
  return actor.type === 'root'
    ? { actorType: 'root', actorId: 'root' }
    : { actorType: 'admin_token', actorId: actor.tokenId };
}

/** In-memory check of the same rule the repositories apply in SQL. */
export function scopeAllows(scope: AccessScope, row: { accountId: string; tenantId: string }): boolean {
  switch (scope.type) {
    case 'all':
      return true;
    case 'tenant':
      return row.tenantId === scope.tenantId;
    case 'account':
      return row.accountId === scope.accountId;
  }
}
