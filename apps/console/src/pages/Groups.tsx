import { useState, type FormEvent } from 'react';
import { allPages, api, ok, type Group } from '../api/client';
import { AccountHeader, useAccount } from '../components/AccountNav';
import { ConfirmDialog, ModalDialog } from '../components/dialogs';
import { Empty, FormError, Loading, LoadError, TextField } from '../components/ui';
import { useFlash } from '../flash';
import { splitErrors, useAction, useLoad } from '../lib/hooks';
import { codePoints, formatTime, NAME_MAX, nameProblem } from '../lib/text';

const SLUG = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** Recipient groups of an account: create (slug + name), rename, delete. */
export function GroupsPage({ accountId }: { accountId: string }) {
  const account = useAccount(accountId);
  const groups = useLoad(`groups:${accountId}`, (signal) =>
    allPages((cursor) =>
      ok(
        api.GET('/admin/v1/accounts/{accountId}/groups', {
          params: { path: { accountId }, query: { limit: 200, cursor } },
          signal,
        }),
      ),
    ),
  );
  const [editing, setEditing] = useState<Group | 'new' | null>(null);
  const [deleting, setDeleting] = useState<Group | null>(null);
  const flash = useFlash();

  return (
    <section aria-busy={groups.loading}>
      <AccountHeader
        accountId={accountId}
        account={account.data}
        title="Recipient groups"
        actions={
          <button type="button" className="button-primary" onClick={() => setEditing('new')}>
            + Create group
          </button>
        }
      />
      <p className="muted">A key scoped to groups may send only to the groups it names.</p>
      {groups.error ? (
        <LoadError error={groups.error} retry={groups.reload} />
      ) : !groups.data ? (
        <Loading what="groups" />
      ) : groups.data.length === 0 ? (
        <Empty>No recipient groups yet.</Empty>
      ) : (
        <div className="table-wrap">
          <table className="table">
            <caption className="visually-hidden">Recipient groups</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Slug</th>
                <th scope="col">Created</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {groups.data.map((g) => (
                <tr key={g.slug} data-group={g.slug}>
                  <th scope="row">{g.name}</th>
                  <td data-label="Slug" className="mono">
                    {g.slug}
                  </td>
                  <td data-label="Created">{formatTime(g.createdAt)}</td>
                  <td className="cell-actions">
                    <div className="row-actions">
                      <button type="button" onClick={() => setEditing(g)} aria-label={`Rename ${g.name}`}>
                        Rename
                      </button>
                      <button
                        type="button"
                        className="button-danger-quiet"
                        onClick={() => setDeleting(g)}
                        aria-label={`Delete ${g.name}`}
                      >
                        Delete
                      </button>
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {editing && (
        <GroupDialog
          accountId={accountId}
          group={editing === 'new' ? null : editing}
          onClose={() => setEditing(null)}
          onSaved={(g, created) => {
            setEditing(null);
            groups.update((list) => (created ? [...list, g] : list.map((x) => (x.slug === g.slug ? g : x))));
            flash.success(created ? `Group “${g.name}” created.` : `Group “${g.name}” renamed.`);
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
            const g = deleting;
            await ok(
              api.DELETE('/admin/v1/accounts/{accountId}/groups/{slug}', {
                params: { path: { accountId, slug: g.slug } },
              }),
            );
            setDeleting(null);
            groups.update((list) => list.filter((x) => x.slug !== g.slug));
            flash.success(`Group “${g.name}” deleted.`);
          }}
        >
          <p>
            Submissions can no longer target <span className="mono">{deleting.slug}</span>. A group that keys are scoped
            to cannot be deleted.
          </p>
        </ConfirmDialog>
      )}
    </section>
  );
}

function GroupDialog({
  accountId,
  group,
  onClose,
  onSaved,
}: {
  accountId: string;
  group: Group | null;
  onClose: () => void;
  onSaved: (group: Group, created: boolean) => void;
}) {
  const [slug, setSlug] = useState(group?.slug ?? '');
  const [name, setName] = useState(group?.name ?? '');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const { pending, run } = useAction();

  const submit = (event: FormEvent): void => {
    event.preventDefault();
    const found: Record<string, string> = {};
    const nameIssue = nameProblem(name);
    if (nameIssue) found['name'] = nameIssue;
    if (!group && !SLUG.test(slug))
      found['slug'] = 'Lower-case letters, digits and hyphens, starting with a letter or digit (at most 63).';
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    void run(async () => {
      try {
        const saved = group
          ? await ok(
              api.PATCH('/admin/v1/accounts/{accountId}/groups/{slug}', {
                params: { path: { accountId, slug: group.slug } },
                body: { name: name.trim() },
              }),
            )
          : await ok(
              api.POST('/admin/v1/accounts/{accountId}/groups', {
                params: { path: { accountId } },
                body: { slug, name: name.trim() },
              }),
            );
        onSaved(saved, !group);
      } catch (err) {
        const split = splitErrors(err, ['slug', 'name']);
        setErrors(split.fields);
        setFormError(split.form);
      }
    });
  };

  return (
    <ModalDialog title={group ? `Rename ${group.name}` : 'New recipient group'} isOpen onClose={onClose}>
      <form onSubmit={submit} noValidate>
        <FormError error={formError} />
        {!group && (
          <TextField
            label="Slug"
            value={slug}
            onChange={(e) => {
              setSlug(e.target.value);
              setErrors((x) => ({ ...x, slug: '' }));
            }}
            error={errors['slug']}
            hint="How submissions name it, e.g. vip-customers."
            autoFocus
            spellCheck={false}
            autoComplete="off"
          />
        )}
        <TextField
          label="Name"
          value={name}
          onChange={(e) => {
            setName(e.target.value);
            setErrors((x) => ({ ...x, name: '' }));
          }}
          error={errors['name']}
          counter={`${codePoints(name.trim())} / ${NAME_MAX}`}
          autoFocus={!!group}
          autoComplete="off"
        />
        <div className="dialog-actions">
          <button type="button" onClick={onClose} disabled={pending}>
            Cancel
          </button>
          <button type="submit" className="button-primary" disabled={pending}>
            {pending ? 'Saving…' : group ? 'Save' : 'Create'}
          </button>
        </div>
      </form>
    </ModalDialog>
  );
}
