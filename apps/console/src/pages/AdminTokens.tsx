import { useState, type FormEvent } from 'react';
import { allPages, api, ok, type AdminToken } from '../api/client';
import { AccountHeader, useAccount } from '../components/AccountNav';
import { ConfirmDialog, ModalDialog, ViewOnceDialog } from '../components/dialogs';
import { Empty, FormError, Loading, LoadError, TextField } from '../components/ui';
import { useFlash } from '../flash';
import { splitErrors, useAction, useLoad } from '../lib/hooks';
import { codePoints, formatAgo, formatTime, NAME_MAX, nameProblem } from '../lib/text';

/** Admin tokens of an account: create (the token shown once), list, delete. */
export function AdminTokensPage({ accountId }: { accountId: string }) {
  const account = useAccount(accountId);
  const tokens = useLoad(`tokens:${accountId}`, (signal) =>
    allPages((cursor) =>
      ok(
        api.GET('/admin/v1/accounts/{accountId}/admin-tokens', {
          params: { path: { accountId }, query: { limit: 200, cursor } },
          signal,
        }),
      ),
    ),
  );
  const [creating, setCreating] = useState(false);
  const [deleting, setDeleting] = useState<AdminToken | null>(null);
  const [shown, setShown] = useState<{ name: string; token: string } | null>(null);
  const flash = useFlash();

  return (
    <section aria-busy={tokens.loading}>
      <AccountHeader
        accountId={accountId}
        account={account.data}
        title="Admin tokens"
        actions={
          <button type="button" className="button-primary" onClick={() => setCreating(true)}>
            + Create admin token
          </button>
        }
      />
      <p className="muted">
        An admin token manages this account through the admin API and this console
        {account.data?.kind === 'master' ? ', and its sub-accounts' : ''}.
      </p>
      {tokens.error ? (
        <LoadError error={tokens.error} retry={tokens.reload} />
      ) : !tokens.data ? (
        <Loading what="admin tokens" />
      ) : tokens.data.length === 0 ? (
        <Empty>No admin tokens.</Empty>
      ) : (
        <div className="table-wrap">
          <table className="table">
            <caption className="visually-hidden">Admin tokens</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Token</th>
                <th scope="col">Created</th>
                <th scope="col">Last used</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {tokens.data.map((t) => (
                <tr key={t.id}>
                  <th scope="row">{t.name}</th>
                  <td data-label="Token" className="mono">
                    …{t.tokenHint}
                  </td>
                  <td data-label="Created">{formatTime(t.createdAt)}</td>
                  <td data-label="Last used">{formatAgo(t.lastUsedAt)}</td>
                  <td className="cell-actions">
                    <button
                      type="button"
                      className="button-danger-quiet"
                      onClick={() => setDeleting(t)}
                      aria-label={`Delete ${t.name}`}
                    >
                      Delete
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {creating && (
        <CreateTokenDialog
          accountId={accountId}
          onClose={() => setCreating(false)}
          onCreated={(adminToken, token) => {
            setCreating(false);
            tokens.update((list) => [...list, adminToken]);
            flash.success(`Admin token “${adminToken.name}” created.`);
            setShown({ name: adminToken.name, token });
          }}
        />
      )}
      {deleting && (
        <ConfirmDialog
          title={`Delete ${deleting.name}?`}
          confirmLabel="Delete"
          destructive
          isOpen
          onClose={() => setDeleting(null)}
          onConfirm={async () => {
            const t = deleting;
            await ok(api.DELETE('/admin/v1/admin-tokens/{id}', { params: { path: { id: t.id } } }));
            setDeleting(null);
            tokens.update((list) => list.filter((x) => x.id !== t.id));
            flash.success(`Admin token “${t.name}” deleted.`);
          }}
        >
          <p>Scripts and people using it are refused from now on. If it is your own token, you are signed out.</p>
        </ConfirmDialog>
      )}
      {shown && (
        <ViewOnceDialog
          title="Save the new admin token"
          intro={`Admin token “${shown.name}” is ready. Copy it now.`}
          secrets={[{ label: 'Admin token', value: shown.token }]}
          confirmText="I have saved this token"
          onClose={() => setShown(null)}
        />
      )}
    </section>
  );
}

function CreateTokenDialog({
  accountId,
  onClose,
  onCreated,
}: {
  accountId: string;
  onClose: () => void;
  onCreated: (adminToken: AdminToken, token: string) => void;
}) {
  const [name, setName] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [formError, setFormError] = useState<string | null>(null);
  const { pending, run } = useAction();
  const submit = (event: FormEvent): void => {
    event.preventDefault();
    const problem = nameProblem(name);
    if (problem) {
      setError(problem);
      return;
    }
    void run(async () => {
      try {
        const created = await ok(
          api.POST('/admin/v1/accounts/{accountId}/admin-tokens', {
            params: { path: { accountId } },
            body: { name: name.trim() },
          }),
        );
        onCreated(created.adminToken, created.token);
      } catch (err) {
        const split = splitErrors(err, ['name']);
        setError(split.fields['name'] ?? null);
        setFormError(split.form);
      }
    });
  };
  return (
    <ModalDialog title="New admin token" isOpen onClose={onClose}>
      <form onSubmit={submit} noValidate>
        <FormError error={formError} />
        <TextField
          label="Name"
          value={name}
          onChange={(e) => {
            setName(e.target.value);
            setError(null);
          }}
          error={error}
          counter={`${codePoints(name.trim())} / ${NAME_MAX}`}
          hint="Who or what uses it, e.g. provisioning script."
          autoFocus
          autoComplete="off"
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
