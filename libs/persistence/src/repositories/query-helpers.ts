import { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { AccessScope, PageRequest } from '@gatehouse/core';

/**
 * Tenant isolation lives here, in SQL, for every scoped read: root sees all, a master's
 * token its tenant (itself and its subs), a sub's token its own account.
 */
export function applyScope<T extends ObjectLiteral>(
  qb: SelectQueryBuilder<T>,
  alias: string,
  scope: AccessScope,
  accountColumn = 'account_id',
): SelectQueryBuilder<T> {
  switch (scope.type) {
    case 'all':
      return qb;
    case 'tenant':
      return qb.andWhere(`${alias}.tenant_id = :scopeTenantId`, { scopeTenantId: scope.tenantId });
    case 'account':
      return qb.andWhere(`${alias}.${accountColumn} = :scopeAccountId`, { scopeAccountId: scope.accountId });
  }
}

/** Keyset pagination over time-ordered ids; fetches one extra row to know if there is more. */
export function applyPage<T extends ObjectLiteral>(
  qb: SelectQueryBuilder<T>,
  alias: string,
  page: PageRequest,
): SelectQueryBuilder<T> {
  if (page.afterId) qb.andWhere(`${alias}.id > :afterId`, { afterId: page.afterId });
  return qb.orderBy(`${alias}.id`, 'ASC').take(page.limit + 1);
}

/**
 * LIKE pattern for "contains", with the user's wildcards taken literally. The escape character
 * is `!`, not a backslash: MySQL/MariaDB read a backslash in a SQL string as escaping the quote.
 * Use with `LIKE :param ESCAPE '!'`.
 */
export function containsPattern(text: string): string {
  return `%${text.toLowerCase().replace(/[!%_]/g, (c) => `!${c}`)}%`;
}
