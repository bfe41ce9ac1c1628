import { useState } from 'react';
import { allPages, api, CHANNEL_LABELS, ok, type Account } from '../api/client';
import { AccountHeader, useAccount } from '../components/AccountNav';
import { Empty, Loading, LoadError, StatusBadge } from '../components/ui';
import { useFlash } from '../flash';
import { useLoad } from '../lib/hooks';
import { formatTime } from '../lib/text';
import { Link } from '../router';
import { useSignedIn } from '../session';
import { CreateAccountDialog, SuspendDialog } from './Accounts';

/** One account: its five channels (active or not, how many keys), its sub-accounts, suspend/reactivate. */
export function AccountPage({ accountId }: { accountId: string }) {
  const session = useSignedIn();
  const account = useAccount(accountId);
  const channels = useLoad(`channels:${accountId}`, (signal) =>
    ok(api.GET('/admin/v1/accounts/{id}/channels', { params: { path: { id: accountId } }, signal })),
  );
  const a = account.data;
  const subs = useLoad(`subs:${accountId}:${a?.kind ?? ''}`, (signal) =>
    a?.kind === 'master'
      ? allPages((cursor) =>
          ok(
            api.GET('/admin/v1/accounts', {
              params: { query: { parentId: accountId, kind: 'sub', limit: 200, cursor } },
              signal,
            }),
          ),
        )
      : Promise.resolve([] as Account[]),
  );
  const [creatingSub, setCreatingSub] = useState(false);
  const [toggling, setToggling] = useState(false);
  const flash = useFlash();
  const keysBase = `/accounts/${encodeURIComponent(accountId)}/keys`;
  // Status changes: root, or the master of a sub (the API decides; this only hides a button that would fail).
  const canToggle = !!a && (session.isRoot || a.kind === 'sub');

  if (account.error) return <LoadError error={account.error} retry={account.reload} />;
  return (
    <section aria-busy={account.loading || channels.loading}>
      <AccountHeader
        accountId={accountId}
        account={a}
        title="Overview"
        actions={
          canToggle && a ? (
            <button type="button" onClick={() => setToggling(true)}>
              {a.status === 'active' ? 'Suspend account' : 'Reactivate account'}
            </button>
          ) : undefined
        }
      />
      {a && (
        <dl className="facts">
          <div>
            <dt>Status</dt>
            <dd>
              <StatusBadge status={a.status} />
            </dd>
          </div>
          <div>
            <dt>Created</dt>
            <dd title={a.createdAt}>{formatTime(a.createdAt)}</dd>
          </div>
          <div>
            <dt>External id</dt>
            <dd>{a.externalId ?? '—'}</dd>
          </div>
          <div>
            <dt>Account id</dt>
            <dd className="mono">{a.id}</dd>
          </div>
        </dl>
      )}

      <h2>Channels</h2>
      {channels.error ? (
        <LoadError error={channels.error} retry={channels.reload} />
      ) : !channels.data ? (
        <Loading what="channels" />
      ) : (
        <table className="table channels-table">
          <caption className="visually-hidden">Channels of this account</caption>
          <thead>
            <tr>
              <th scope="col">Channel</th>
              <th scope="col">State</th>
              <th scope="col">API keys</th>
            </tr>
          </thead>
          <tbody>
            {(channels.data.data ?? []).map((c) => (
              <tr key={c.channel} data-channel={c.channel}>
                <th scope="row">{CHANNEL_LABELS[c.channel]}</th>
                <td>
                  <span className={`badge ${c.active ? 'badge-active' : 'badge-inactive'}`}>
                    {c.active ? 'Active' : 'Inactive'}
                  </span>
                </td>
                <td>
                  <Link to={`${keysBase}?channel=${c.channel}`}>
                    {c.credentials} {c.credentials === 1 ? 'key' : 'keys'}
                  </Link>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <p className="muted">A channel is active while it has at least one enabled key.</p>

      {a?.kind === 'master' && (
        <>
          <div className="section-head">
            <h2>Sub-accounts</h2>
            <button type="button" onClick={() => setCreatingSub(true)}>
              + Create sub-account
            </button>
          </div>
          {subs.error ? (
            <LoadError error={subs.error} retry={subs.reload} />
          ) : !subs.data ? (
            <Loading what="sub-accounts" />
          ) : subs.data.length === 0 ? (
            <Empty>No sub-accounts.</Empty>
          ) : (
            <ul className="plain-list">
              {subs.data.map((s) => (
                <li key={s.id}>
                  <Link to={`/accounts/${encodeURIComponent(s.id)}`}>{s.name}</Link> <StatusBadge status={s.status} />
                </li>
              ))}
            </ul>
          )}
        </>
      )}

      {creatingSub && a && (
        <CreateAccountDialog
          parent={a}
          onClose={() => setCreatingSub(false)}
          onCreated={(sub) => {
            setCreatingSub(false);
            subs.update((list) => [...list, sub]);
            flash.success(`Sub-account “${sub.name}” created.`);
          }}
        />
      )}
      {toggling && a && (
        <SuspendDialog
          account={a}
          onClose={() => setToggling(false)}
          onDone={(updated) => {
            setToggling(false);
            account.update(() => updated);
            flash.success(
              updated.status === 'suspended' ? `“${updated.name}” suspended.` : `“${updated.name}” reactivated.`,
            );
          }}
        />
      )}
    </section>
  );
}
