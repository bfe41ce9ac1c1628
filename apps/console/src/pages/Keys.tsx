import { memo, useDeferredValue, useEffect, useMemo, useState, type FormEvent } from 'react';
import { allPages, api, CHANNEL_LABELS, CHANNELS, ok, type Channel, type Credential } from '../api/client';
import { AccountHeader, useAccount } from '../components/AccountNav';
import { KeyAvatar } from '../components/Avatar';
import { ConfirmDialog, ModalDialog, ViewOnceDialog, type Revealed } from '../components/dialogs';
import { Empty, FormError, Loading, LoadError, SelectField, TextField, VisuallyHidden } from '../components/ui';
import { useFlash } from '../flash';
import { splitErrors, useAction, useLoad } from '../lib/hooks';
import { formatAgo, formatTime } from '../lib/text';
import { navigate, queryString, useLocation } from '../router';
import { KeyFormDialog, type Issued } from './KeyForm';

/** Rows a page of the table shows: 1 000 keys load in five requests and render 50 at a time. */
const PAGE_SIZE = 50;

type Action =
  | { kind: 'create' }
  | { kind: 'edit'; credential: Credential }
  | { kind: 'rotate'; credential: Credential }
  | { kind: 'block'; credential: Credential }
  | { kind: 'delete'; credential: Credential };

interface Shown {
  title: string;
  intro: string;
  secrets: Revealed[];
  warning?: string | null;
}

/**
 * The seeds' Keys page: one row per key (avatar with a red dot when blocked, name, channel,
 * username, secret hint, allowed CIDRs, last used), a Filter box by name, + Create API Key,
 * and per key Edit (pencil), Rotate, Block/Unblock and Delete.
 */
export function KeysPage({ accountId }: { accountId: string }) {
  const account = useAccount(accountId);
  const { search } = useLocation();
  const channel = (CHANNELS as readonly string[]).includes(search.get('channel') ?? '')
    ? (search.get('channel') as Channel)
    : undefined;
  const [partial, setPartial] = useState<{ key: string; rows: Credential[] } | null>(null);
  const loadKey = `keys:${accountId}`;
  const keys = useLoad(loadKey, (signal) =>
    allPages(
      (cursor) =>
        ok(
          api.GET('/admin/v1/accounts/{accountId}/credentials', {
            params: { path: { accountId }, query: { limit: 200, cursor } },
            signal,
          }),
        ),
      (rows) => {
        if (!signal.aborted) setPartial({ key: loadKey, rows });
      },
    ),
  );
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
  const rows = keys.data ?? (partial?.key === loadKey ? partial.rows : undefined);
  const complete = keys.data !== undefined;
  const hasRows = rows !== undefined;

  // User Timing marks (ms since navigation): the browser test reads them for the first-load figures.
  useEffect(() => {
    if (hasRows) performance.mark('gatehouse:keys-first-rows');
  }, [hasRows, loadKey]);
  useEffect(() => {
    if (complete) performance.mark('gatehouse:keys-loaded');
  }, [complete, loadKey]);

  const [filter, setFilter] = useState('');
  const deferredFilter = useDeferredValue(filter);
  const [page, setPage] = useState(0);
  const [action, setAction] = useState<Action | null>(null);
  const [shown, setShown] = useState<Shown | null>(null);
  const flash = useFlash();

  const filtered = useMemo(() => {
    if (!rows) return [];
    const needle = deferredFilter.trim().toLowerCase();
    return rows.filter(
      (c) => (!channel || c.channel === channel) && (!needle || c.name.toLowerCase().includes(needle)),
    );
  }, [rows, deferredFilter, channel]);
  const pages = Math.max(1, Math.ceil(filtered.length / PAGE_SIZE));
  const current = Math.min(page, pages - 1);
  const visible = filtered.slice(current * PAGE_SIZE, (current + 1) * PAGE_SIZE);

  const replace = (credential: Credential): void =>
    keys.update((list) => list.map((c) => (c.id === credential.id ? credential : c)));
  const close = (): void => setAction(null);

  const onCreated = (issued: Issued): void => {
    setAction(null);
    keys.update((list) => [...list, issued.credential]);
    setPartial((p) => (p && p.key === loadKey ? { ...p, rows: [...p.rows, issued.credential] } : p));
    const secrets: Revealed[] = [];
    if (issued.secret) {
      secrets.push({
        label: 'API key secret',
        value: issued.secret,
        hint: `Username: ${issued.credential.username}`,
      });
    }
    if (issued.postbackSigningSecret) {
      secrets.push({
        label: 'Postback signing secret',
        value: issued.postbackSigningSecret,
        hint: 'Verifies the signature of the POSTbacks this key triggers.',
      });
    }
    flash.success(`API key “${issued.credential.name}” created.`);
    if (secrets.length > 0 || issued.avatarError) {
      setShown({
        title: 'Save the new API key',
        intro: `${CHANNEL_LABELS[issued.credential.channel]} key “${issued.credential.name}” is ready. Copy its secret now.`,
        secrets,
        warning: issued.avatarError ?? null,
      });
    }
  };

  return (
    <section aria-busy={!complete}>
      <AccountHeader
        accountId={accountId}
        account={account.data}
        title="API Keys"
        actions={
          <button type="button" className="button-primary" onClick={() => setAction({ kind: 'create' })}>
            + Create API Key
          </button>
        }
      />

      <div className="toolbar" role="search">
        <TextField
          label="Filter"
          type="search"
          placeholder="Key name contains…"
          value={filter}
          onChange={(e) => {
            setFilter(e.target.value);
            setPage(0);
          }}
          autoComplete="off"
        />
        <SelectField
          label="Channel"
          value={channel ?? ''}
          onChange={(value) => {
            setPage(0);
            navigate(`/accounts/${encodeURIComponent(accountId)}/keys${queryString({ channel: value })}`, {
              replace: true,
            });
          }}
          options={[
            { value: '', label: 'All channels' },
            ...CHANNELS.map((c) => ({ value: c, label: CHANNEL_LABELS[c] })),
          ]}
        />
      </div>

      {keys.error ? (
        <LoadError error={keys.error} retry={keys.reload} />
      ) : !rows ? (
        <Loading what="API keys" />
      ) : rows.length === 0 && complete ? (
        <Empty>
          <p>This account has no API keys yet.</p>
          <p>Use + Create API Key to issue one for FTP, REST, HTTP, Web Service or Email.</p>
        </Empty>
      ) : (
        <>
          <p className="table-summary" role="status" aria-live="polite" data-testid="keys-summary">
            {filtered.length === 0
              ? 'No key matches the filter.'
              : `Showing ${current * PAGE_SIZE + 1}–${current * PAGE_SIZE + visible.length} of ${filtered.length} ${
                  filtered.length === 1 ? 'key' : 'keys'
                }${filtered.length !== rows.length ? ` (${rows.length} in all)` : ''}`}
            {!complete && ' · loading more…'}
          </p>
          {visible.length > 0 && (
            <div className="table-wrap">
              <table className="table keys-table" data-testid="keys-table">
                <caption className="visually-hidden">API keys</caption>
                <thead>
                  <tr>
                    <th scope="col">
                      <VisuallyHidden>Avatar</VisuallyHidden>
                    </th>
                    <th scope="col">Name</th>
                    <th scope="col">Channel</th>
                    <th scope="col">Username</th>
                    <th scope="col">Secret</th>
                    <th scope="col">Allowed CIDRs</th>
                    <th scope="col">Last used</th>
                    <th scope="col">
                      <VisuallyHidden>Actions</VisuallyHidden>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {visible.map((c) => (
                    <KeyRow key={c.id} credential={c} onAction={setAction} />
                  ))}
                </tbody>
              </table>
            </div>
          )}
          {pages > 1 && (
            <nav className="pager" aria-label="Pages of API keys">
              <button type="button" onClick={() => setPage(current - 1)} disabled={current === 0}>
                ← Previous
              </button>
              <span>
                Page {current + 1} of {pages}
              </span>
              <button type="button" onClick={() => setPage(current + 1)} disabled={current >= pages - 1}>
                Next →
              </button>
            </nav>
          )}
        </>
      )}

      {(action?.kind === 'create' || action?.kind === 'edit') && (
        <KeyFormDialog
          accountId={accountId}
          editing={action.kind === 'edit' ? action.credential : null}
          groups={groups.data}
          onClose={close}
          onCreated={onCreated}
          onSaved={(saved) => {
            close();
            replace(saved);
            flash.success(`API key “${saved.name}” saved.`);
          }}
        />
      )}
      {action?.kind === 'rotate' && (
        <RotateDialog
          credential={action.credential}
          onClose={close}
          onRotated={(credential, secret) => {
            close();
            replace(credential);
            flash.success(`The secret of “${credential.name}” was rotated.`);
            if (secret) {
              setShown({
                title: 'Save the new secret',
                intro: `“${credential.name}” has a new secret. Copy it now.`,
                secrets: [{ label: 'New secret', value: secret, hint: `Username: ${credential.username}` }],
              });
            }
          }}
        />
      )}
      {action?.kind === 'block' && (
        <ConfirmDialog
          title={action.credential.enabled ? `Block ${action.credential.name}?` : `Unblock ${action.credential.name}?`}
          confirmLabel={action.credential.enabled ? 'Block' : 'Unblock'}
          destructive={action.credential.enabled}
          isOpen
          onClose={close}
          onConfirm={async () => {
            const c = action.credential;
            const updated = await ok(
              api.PATCH('/admin/v1/credentials/{id}', {
                params: { path: { id: c.id } },
                body: { enabled: !c.enabled },
              }),
            );
            close();
            replace(updated);
            flash.success(
              updated.enabled ? `API key “${updated.name}” unblocked.` : `API key “${updated.name}” blocked.`,
            );
          }}
        >
          {action.credential.enabled ? (
            <p>Every login with this key fails and its open sessions end, until you unblock it.</p>
          ) : (
            <p>The key authenticates again.</p>
          )}
        </ConfirmDialog>
      )}
      {action?.kind === 'delete' && (
        <ConfirmDialog
          title={`Delete ${action.credential.name}?`}
          confirmLabel="Delete"
          destructive
          isOpen
          onClose={close}
          onConfirm={async () => {
            const c = action.credential;
            await ok(api.DELETE('/admin/v1/credentials/{id}', { params: { path: { id: c.id } } }));
            close();
            keys.update((list) => list.filter((k) => k.id !== c.id));
            flash.success(`API key “${c.name}” deleted.`);
          }}
        >
          <p>
            The key stops working at once and cannot be restored. Clients using{' '}
            <span className="mono">{action.credential.username}</span> will be refused.
          </p>
        </ConfirmDialog>
      )}
      {shown && (
        <ViewOnceDialog
          title={shown.title}
          intro={shown.intro}
          secrets={shown.secrets}
          warning={shown.warning}
          onClose={() => setShown(null)}
        />
      )}
    </section>
  );
}

/** Memoised: while further pages of keys arrive, the rows already shown are not rendered again. */
const KeyRow = memo(function KeyRow({
  credential: c,
  onAction,
}: {
  credential: Credential;
  onAction: (a: Action) => void;
}) {
  const cidrs = c.allowedCidrs;
  return (
    <tr className={c.enabled ? undefined : 'row-blocked'} data-key-id={c.id} data-key-name={c.name}>
      <td className="cell-avatar">
        <KeyAvatar credential={c} />
      </td>
      <th scope="row" className="cell-name">
        <span className="key-name">{c.name}</span>
        {!c.enabled && <span className="badge badge-blocked">Blocked</span>}
      </th>
      <td data-label="Channel">{CHANNEL_LABELS[c.channel]}</td>
      <td data-label="Username" className="mono cell-username">
        {c.username}
      </td>
      <td data-label="Secret" className="mono">
        {c.secretHint ? (
          <span title="The last four characters of the generated secret">…{c.secretHint}</span>
        ) : (
          <span className="muted">own secret</span>
        )}
      </td>
      <td data-label="Allowed CIDRs">
        {cidrs.length === 0 ? (
          <span className="muted">Any address</span>
        ) : (
          <span className="cidr-list" title={cidrs.join(', ')}>
            {cidrs.slice(0, 3).join(', ')}
            {cidrs.length > 3 && ` +${cidrs.length - 3} more`}
          </span>
        )}
      </td>
      <td data-label="Last used" title={c.lastUsedAt ? formatTime(c.lastUsedAt) : undefined}>
        {formatAgo(c.lastUsedAt)}
      </td>
      <td className="cell-actions">
        <div className="row-actions">
          <button
            type="button"
            className="icon-button"
            aria-label={`Edit ${c.name}`}
            title="Edit"
            onClick={() => onAction({ kind: 'edit', credential: c })}
          >
            <PencilIcon />
          </button>
          <button
            type="button"
            onClick={() => onAction({ kind: 'rotate', credential: c })}
            aria-label={`Rotate ${c.name}`}
          >
            Rotate
          </button>
          <button
            type="button"
            onClick={() => onAction({ kind: 'block', credential: c })}
            aria-label={`${c.enabled ? 'Block' : 'Unblock'} ${c.name}`}
          >
            {c.enabled ? 'Block' : 'Unblock'}
          </button>
          <button
            type="button"
            className="button-danger-quiet"
            onClick={() => onAction({ kind: 'delete', credential: c })}
            aria-label={`Delete ${c.name}`}
          >
            Delete
          </button>
        </div>
      </td>
    </tr>
  );
});

function PencilIcon() {
  return (
    <svg viewBox="0 0 20 20" width="16" height="16" aria-hidden="true" focusable="false">
      <path
        d="M13.6 2.6a2 2 0 0 1 2.8 0l1 1a2 2 0 0 1 0 2.8L7.2 16.6 3 17l.4-4.2L13.6 2.6zM12.5 5.5l2 2"
        fill="none"
        stroke="currentColor"
        strokeWidth="1.6"
        strokeLinejoin="round"
      />
    </svg>
  );
}

const GRACE_OPTIONS = [
  { value: '0', label: 'None: the old secret stops working now' },
  { value: '3600', label: '1 hour' },
  { value: '86400', label: '1 day' },
  { value: '604800', label: '7 days (the longest)' },
];

/** Rotate: a new secret (generated, or your own where the channel allows), optional grace for the old one. */
function RotateDialog({
  credential,
  onClose,
  onRotated,
}: {
  credential: Credential;
  onClose: () => void;
  onRotated: (credential: Credential, secret: string | null) => void;
}) {
  const [grace, setGrace] = useState('0');
  const [own, setOwn] = useState(false);
  const [secret, setSecret] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const { pending, run } = useAction();
  const customAllowed = credential.channel !== 'rest';

  const submit = (event: FormEvent): void => {
    event.preventDefault();
    if (own && (Array.from(secret).length < 12 || Array.from(secret).length > 128)) {
      setErrors({ secret: 'Your own secret must be 12–128 characters.' });
      return;
    }
    void run(async () => {
      try {
        const rotated = await ok(
          api.POST('/admin/v1/credentials/{id}/rotate', {
            params: { path: { id: credential.id } },
            body: { graceSeconds: Number(grace), ...(own && customAllowed ? { secret } : {}) },
          }),
        );
        setSecret('');
        onRotated(rotated.credential, rotated.secret ?? null);
      } catch (err) {
        const { fields, form } = splitErrors(err, ['graceSeconds', 'secret', 'username']);
        setErrors(fields);
        setFormError(form);
      }
    });
  };

  return (
    <ModalDialog title={`Rotate ${credential.name}?`} isOpen onClose={onClose}>
      <form onSubmit={submit} noValidate>
        <FormError error={formError} />
        <p>A new secret replaces the current one. It is shown once.</p>
        <SelectField
          label="Grace period for the old secret"
          value={grace}
          onChange={setGrace}
          options={GRACE_OPTIONS}
          error={errors['graceSeconds']}
        />
        {customAllowed && (
          <div className="check-row">
            <input id="rotate-own" type="checkbox" checked={own} onChange={(e) => setOwn(e.target.checked)} />
            <label htmlFor="rotate-own">Set my own new secret instead of a generated one</label>
          </div>
        )}
        {own && customAllowed && (
          <TextField
            label="New secret"
            type="password"
            value={secret}
            onChange={(e) => {
              setSecret(e.target.value);
              setErrors({});
            }}
            error={errors['secret']}
            hint="12–128 characters."
            autoComplete="new-password"
          />
        )}
        <div className="dialog-actions">
          <button type="button" onClick={onClose} disabled={pending}>
            Cancel
          </button>
          <button type="submit" className="button-primary" disabled={pending} aria-busy={pending}>
            {pending ? 'Rotating…' : 'Rotate'}
          </button>
        </div>
      </form>
    </ModalDialog>
  );
}
