import type { ReactNode } from 'react';
import { api, ok, type Account } from '../api/client';
import { useLoad, type Loaded } from '../lib/hooks';
import { Link, useLocation } from '../router';
import { StatusBadge } from './ui';

export function useAccount(accountId: string): Loaded<Account> {
  return useLoad(`account:${accountId}`, (signal) =>
    ok(api.GET('/admin/v1/accounts/{id}', { params: { path: { id: accountId } }, signal })),
  );
}

/** The account's name and status above its pages, and the pages: overview, keys, groups, tokens, logs. */
export function AccountHeader({
  accountId,
  account,
  title,
  actions,
}: {
  accountId: string;
  account: Account | undefined;
  title: string;
  actions?: ReactNode;
}) {
  const { path } = useLocation();
  const base = `/accounts/${encodeURIComponent(accountId)}`;
  const tabs: [string, string][] = [
    [base, 'Overview'],
    [`${base}/keys`, 'API Keys'],
    [`${base}/groups`, 'Recipient groups'],
    [`${base}/tokens`, 'Admin tokens'],
  ];
  const logQuery = `?accountId=${encodeURIComponent(accountId)}`;
  return (
    <>
      <p className="breadcrumbs">
        <Link to="/accounts">Accounts</Link>
        {account?.parentId && (
          <>
            {' / '}
            <Link to={`/accounts/${encodeURIComponent(account.parentId)}`}>Master account</Link>
          </>
        )}
        {' / '}
        <span>{account?.name ?? '…'}</span>
      </p>
      <div className="page-head">
        <div>
          <h1>{title}</h1>
          {account && (
            <p className="page-sub">
              {account.name} · {account.kind === 'master' ? 'Master account' : 'Sub-account'}{' '}
              <StatusBadge status={account.status} />
            </p>
          )}
        </div>
        {actions}
      </div>
      <nav className="tabs" aria-label="Account">
        {tabs.map(([to, label]) => (
          <Link key={to} to={to} aria-current={path === to ? 'page' : undefined}>
            {label}
          </Link>
        ))}
        <Link to={`/request-log${logQuery}`}>Request log</Link>
        <Link to={`/audit-log${logQuery}`}>Audit log</Link>
      </nav>
    </>
  );
}
