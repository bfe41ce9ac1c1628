import { useState, type FormEvent } from 'react';
import { api, ok, type Account } from '../api/client';
import { ConfirmDialog, ModalDialog } from '../components/dialogs';
import { Empty, FormError, Loading, LoadError, StatusBadge, TextField } from '../components/ui';
import { useFlash } from '../flash';
import { accountTree, loadAccounts } from '../lib/accounts';
import { splitErrors, useAction, useLoad } from '../lib/hooks';
import { codePoints, formatTime, NAME_MAX, nameProblem } from '../lib/text';
import { Link } from '../router';
import { useSignedIn } from '../session';

/** Masters with their sub-accounts; create (master: root; sub: under a master), suspend, reactivate. */
export function AccountsPage() {
  const session = useSignedIn();
  const accounts = useLoad('accounts', loadAccounts);
  const [creating, setCreating] = useState<{ parent: Account | null } | null>(null);
  const [toggling, setToggling] = useState<Account | null>(null);
  const flash = useFlash();

  const tree = accounts.data ? accountTree(accounts.data) : [];
  const canCreateSub = (a: Account): boolean => a.kind === 'master';

  return (
    <section aria-busy={accounts.loading}>
      <div className="page-head">
        <h1>Accounts</h1>
        {session.isRoot && (
          <button type="button" className="button-primary" onClick={() => setCreating({ parent: null })}>
            + Create master account
          </button>
        )}
      </div>
      {accounts.error ? (
        <LoadError error={accounts.error} retry={accounts.reload} />
      ) : !accounts.data ? (
        <Loading what="accounts" />
      ) : tree.length === 0 ? (
        <Empty>
          <p>No accounts yet.</p>
          {session.isRoot && <p>Create a master account to issue its first API keys.</p>}
        </Empty>
      ) : (
        <ul className="account-tree">
          {tree.map(({ account, subs }) => (
            <li key={account.id} className="account-node">
              <AccountRow
                account={account}
                canToggle={
                  session.isRoot || (account.kind === 'sub' && !!accounts.data?.some((a) => a.id === account.parentId))
                }
                onToggle={() => setToggling(account)}
                onAddSub={canCreateSub(account) ? () => setCreating({ parent: account }) : undefined}
              />
              {subs.length > 0 && (
                <ul className="account-subs" aria-label={`Sub-accounts of ${account.name}`}>
                  {subs.map((sub) => (
                    <li key={sub.id}>
                      <AccountRow account={sub} canToggle onToggle={() => setToggling(sub)} />
                    </li>
                  ))}
                </ul>
              )}
            </li>
          ))}
        </ul>
      )}

      {creating && (
        <CreateAccountDialog
          parent={creating.parent}
          onClose={() => setCreating(null)}
          onCreated={(account) => {
            setCreating(null);
            accounts.update((list) => [...list, account]);
            flash.success(
              account.kind === 'master'
                ? `Master account “${account.name}” created.`
                : `Sub-account “${account.name}” created.`,
            );
          }}
        />
      )}
      {toggling && (
        <SuspendDialog
          account={toggling}
          onClose={() => setToggling(null)}
          onDone={(updated) => {
            setToggling(null);
            accounts.update((list) => list.map((a) => (a.id === updated.id ? updated : a)));
            flash.success(
              updated.status === 'suspended'
                ? `“${updated.name}” suspended: its keys no longer authenticate.`
                : `“${updated.name}” reactivated.`,
            );
          }}
        />
      )}
    </section>
  );
}

function AccountRow({
  account,
  canToggle,
  onToggle,
  onAddSub,
}: {
  account: Account;
  canToggle: boolean;
  onToggle: () => void;
  onAddSub?: () => void;
}) {
  const base = `/accounts/${encodeURIComponent(account.id)}`;
  return (
    <div className="account-row">
      <div className="account-main">
        <Link to={base} className="account-name">
          {account.name}
        </Link>
        <span className="account-kind">{account.kind === 'master' ? 'Master' : 'Sub-account'}</span>
        <StatusBadge status={account.status} />
        <span className="muted" title={account.createdAt}>
          Created {formatTime(account.createdAt)}
        </span>
      </div>
      <div className="row-actions">
        <Link to={`${base}/keys`} className="button-link" aria-label={`API keys of ${account.name}`}>
          API keys
        </Link>
        {onAddSub && (
          <button type="button" onClick={onAddSub} aria-label={`Add a sub-account to ${account.name}`}>
            + Sub-account
          </button>
        )}
        {canToggle && (
          <button
            type="button"
            onClick={onToggle}
            aria-label={`${account.status === 'active' ? 'Suspend' : 'Reactivate'} ${account.name}`}
          >
            {account.status === 'active' ? 'Suspend' : 'Reactivate'}
          </button>
        )}
      </div>
    </div>
  );
}

export function CreateAccountDialog({
  parent,
  onClose,
  onCreated,
}: {
  parent: Account | null;
  onClose: () => void;
  onCreated: (account: Account) => void;
}) {
  const [name, setName] = useState('');
  const [externalId, setExternalId] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const { pending, run } = useAction();

  const submit = (event: FormEvent): void => {
    event.preventDefault();
    const problem = nameProblem(name);
    if (problem) {
      setErrors({ name: problem });
      return;
    }
    void run(async () => {
      try {
        const created = await ok(
          api.POST('/admin/v1/accounts', {
            body: {
              name: name.trim(),
              ...(parent ? { kind: 'sub' as const, parentId: parent.id } : { kind: 'master' as const }),
              ...(externalId.trim() ? { externalId: externalId.trim() } : {}),
            },
          }),
        );
        onCreated(created.account);
      } catch (err) {
        const { fields, form } = splitErrors(err, ['name', 'externalId', 'parentId', 'kind']);
        setErrors(fields);
        setFormError(form);
      }
    });
  };

  return (
    <ModalDialog title={parent ? `New sub-account of ${parent.name}` : 'New master account'} isOpen onClose={onClose}>
      <form onSubmit={submit} noValidate>
        <FormError error={formError} />
        <TextField
          label="Name"
          value={name}
          onChange={(e) => {
            setName(e.target.value);
            setErrors((x) => ({ ...x, name: '' }));
          }}
          error={errors['name']}
          counter={`${codePoints(name.trim())} / ${NAME_MAX}`}
          autoFocus
        />
        <TextField
          label="External id (optional)"
          value={externalId}
          onChange={(e) => setExternalId(e.target.value)}
          error={errors['externalId']}
          hint="The id your provisioning system knows this account by."
        />
        <div className="dialog-actions">
          <button type="button" onClick={onClose} disabled={pending}>
            Cancel
          </button>
          <button type="submit" className="button-primary" disabled={pending}>
            {pending ? 'Creating…' : 'Create'}
          </button>
        </div>
      </form>
    </ModalDialog>
  );
}

export function SuspendDialog({
  account,
  onClose,
  onDone,
}: {
  account: Account;
  onClose: () => void;
  onDone: (account: Account) => void;
}) {
  const suspend = account.status === 'active';
  return (
    <ConfirmDialog
      title={suspend ? `Suspend ${account.name}?` : `Reactivate ${account.name}?`}
      confirmLabel={suspend ? 'Suspend' : 'Reactivate'}
      destructive={suspend}
      isOpen
      onClose={onClose}
      onConfirm={async () => {
        const updated = await ok(
          api.PATCH('/admin/v1/accounts/{id}', {
            params: { path: { id: account.id } },
            body: { status: suspend ? 'suspended' : 'active' },
          }),
        );
        onDone(updated);
      }}
    >
      {suspend ? (
        <p>Every API key of this account stops authenticating until it is reactivated. Nothing is deleted.</p>
      ) : (
        <p>Its enabled API keys authenticate again.</p>
      )}
    </ConfirmDialog>
  );
}
