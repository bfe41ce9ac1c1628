import { useId, useState, type FormEvent } from 'react';
import {
  ApiError,
  api,
  CHANNEL_LABELS,
  CHANNELS,
  messageOf,
  ok,
  type Channel,
  type Credential,
  type Group,
} from '../api/client';
import { CidrChips } from '../components/CidrChips';
import { ModalDialog } from '../components/dialogs';
import { CheckField, FieldError, FormError, TextField } from '../components/ui';
import { splitErrors, useAction } from '../lib/hooks';
import { codePoints, NAME_MAX, nameProblem } from '../lib/text';

/** What Create hands to the view-once dialog: the secrets live in memory only, until it closes. */
export interface Issued {
  credential: Credential;
  secret: string | null;
  postbackSigningSecret?: string;
  /** The key was created but its avatar was refused: said in the view-once dialog. */
  avatarError?: string;
}

const AVATAR_MAX = 256 * 1024;
const AVATAR_TYPES = ['image/png', 'image/jpeg', 'image/webp'];
const USERNAME = /^[A-Za-z0-9._@+-]{3,64}$/;
const FIELDS = [
  'channel',
  'name',
  'username',
  'secret',
  'allowedCidrs',
  'postbackUrl',
  'offTheRecord',
  'enabled',
  'scope',
  'groups',
  'avatar',
] as const;

/** Uploads an avatar file as its own body (PNG, JPEG or WebP; the server checks the content). */
export async function uploadAvatar(credentialId: string, file: File): Promise<Credential> {
  return ok(
    api.PUT('/admin/v1/credentials/{id}/avatar', {
      params: { path: { id: credentialId } },
      body: file as unknown as string,
      bodySerializer: (body: unknown) => body as File,
      headers: { 'Content-Type': AVATAR_TYPES.includes(file.type) ? file.type : 'application/octet-stream' },
    }),
  );
}

/**
 * + Create API Key and Edit (pencil): every field of DESIGN.md §7 — channel, name (with its
 * 100-character counter), generated or own credentials (not on REST), allowed CIDRs as chips,
 * POSTback URL, Off the record, Enabled, scope with a group picker, avatar. Errors from the API
 * are shown at the field they name.
 */
export function KeyFormDialog({
  accountId,
  editing,
  groups,
  onClose,
  onCreated,
  onSaved,
}: {
  accountId: string;
  editing: Credential | null;
  groups: Group[] | undefined;
  onClose: () => void;
  onCreated: (issued: Issued) => void;
  onSaved: (credential: Credential) => void;
}) {
  const [channel, setChannel] = useState<Channel>(editing?.channel ?? 'rest');
  const [name, setName] = useState(editing?.name ?? '');
  const [own, setOwn] = useState(false);
  const [username, setUsername] = useState('');
  const [secret, setSecret] = useState('');
  const [cidrs, setCidrs] = useState<string[]>(editing?.allowedCidrs ?? []);
  const [postbackUrl, setPostbackUrl] = useState(editing?.postbackUrl ?? '');
  const [offTheRecord, setOffTheRecord] = useState(editing?.offTheRecord ?? false);
  const [enabled, setEnabled] = useState(editing?.enabled ?? true);
  const [scope, setScope] = useState<'all' | 'groups'>(editing?.scope ?? 'all');
  const [picked, setPicked] = useState<string[]>(editing?.groups ?? []);
  const [avatar, setAvatar] = useState<File | null>(null);
  const [removeAvatar, setRemoveAvatar] = useState(false);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [invalidCidrs, setInvalidCidrs] = useState<string[]>([]);
  const [formError, setFormError] = useState<string | null>(null);
  const { pending, run } = useAction();
  const ids = useId();
  const customAllowed = channel !== 'rest';

  const clear = (field: string): void => setErrors((e) => (e[field] ? { ...e, [field]: '' } : e));

  const check = (): Record<string, string> => {
    const found: Record<string, string> = {};
    const nameIssue = nameProblem(name);
    if (nameIssue) found['name'] = nameIssue;
    if (!editing && own && customAllowed) {
      if (username && !USERNAME.test(username)) found['username'] = '3–64 characters of A–Z a–z 0–9 . _ @ + -';
      const n = codePoints(secret);
      if (n < 12 || n > 128) found['secret'] = 'Your own secret must be 12–128 characters.';
    }
    if (postbackUrl.trim() && !/^https?:\/\/\S+$/i.test(postbackUrl.trim())) {
      found['postbackUrl'] = 'Enter an http:// or https:// URL, or leave it empty.';
    }
    if (scope === 'groups' && picked.length === 0)
      found['groups'] = 'Pick at least one group, or choose All recipients.';
    if (avatar && avatar.size > AVATAR_MAX) found['avatar'] = 'The image is larger than 256 KiB.';
    return found;
  };

  const submit = (event: FormEvent): void => {
    event.preventDefault();
    const found = check();
    setErrors(found);
    setFormError(null);
    if (Object.values(found).some(Boolean)) {
      focusFirstInvalid();
      return;
    }
    void run(async () => {
      try {
        const settings = {
          name: name.trim(),
          allowedCidrs: cidrs,
          offTheRecord,
          enabled,
          scope,
          ...(scope === 'groups' ? { groups: picked } : {}),
        };
        if (editing) {
          let saved = await ok(
            api.PATCH('/admin/v1/credentials/{id}', {
              params: { path: { id: editing.id } },
              body: {
                ...settings,
                postbackUrl: postbackUrl.trim() || null,
                ...(scope === 'all' ? { groups: [] } : {}),
              },
            }),
          );
          if (avatar) saved = await uploadAvatar(editing.id, avatar);
          else if (removeAvatar && editing.hasAvatar) {
            await ok(api.DELETE('/admin/v1/credentials/{id}/avatar', { params: { path: { id: editing.id } } }));
            saved = { ...saved, hasAvatar: false };
          }
          onSaved(saved);
          return;
        }
        const issued = await ok(
          api.POST('/admin/v1/accounts/{accountId}/credentials', {
            params: { path: { accountId } },
            body: {
              channel,
              ...settings,
              ...(postbackUrl.trim() ? { postbackUrl: postbackUrl.trim() } : {}),
              ...(own && customAllowed ? { secret, ...(username ? { username } : {}) } : {}),
            },
          }),
        );
        let credential = issued.credential;
        let avatarError: string | undefined;
        if (avatar) {
          try {
            credential = await uploadAvatar(credential.id, avatar);
          } catch (err) {
            avatarError = `The key was created, but its avatar was refused: ${messageOf(err)}`;
          }
        }
        setSecret('');
        onCreated({
          credential,
          secret: issued.secret ?? null,
          postbackSigningSecret: issued.postbackSigningSecret,
          avatarError,
        });
      } catch (err) {
        const { fields, form } = splitErrors(err, FIELDS);
        setErrors(fields);
        setFormError(form);
        setInvalidCidrs(err instanceof ApiError ? err.invalidEntries() : []);
        focusFirstInvalid();
      }
    });
  };

  return (
    <ModalDialog title={editing ? `Edit ${editing.name}` : 'Create API Key'} isOpen onClose={onClose} wide>
      <form onSubmit={submit} noValidate className="key-form">
        <FormError error={formError} />
        {editing ? (
          <p className="muted">
            {CHANNEL_LABELS[editing.channel]} key · username <span className="mono">{editing.username}</span>
          </p>
        ) : (
          <fieldset className="field">
            <legend>Channel</legend>
            <div className="radio-row">
              {CHANNELS.map((c) => (
                <label key={c} className="radio">
                  <input
                    type="radio"
                    name={`${ids}-channel`}
                    value={c}
                    checked={channel === c}
                    onChange={() => {
                      setChannel(c);
                      clear('channel');
                      if (c === 'rest') setOwn(false);
                    }}
                  />
                  {CHANNEL_LABELS[c]}
                </label>
              ))}
            </div>
            <FieldError id={`${ids}-channel-error`} error={errors['channel']} />
          </fieldset>
        )}

        <TextField
          label="Name"
          name="name"
          value={name}
          onChange={(e) => {
            setName(e.target.value);
            clear('name');
          }}
          error={errors['name']}
          counter={
            <span className={codePoints(name.trim()) > NAME_MAX ? 'over' : undefined}>
              {codePoints(name.trim())} / {NAME_MAX}
            </span>
          }
          autoFocus
          autoComplete="off"
        />

        {!editing && (
          <fieldset className="field">
            <legend>Credentials</legend>
            <div className="radio-row">
              <label className="radio">
                <input
                  type="radio"
                  name={`${ids}-own`}
                  checked={!own}
                  onChange={() => {
                    setOwn(false);
                    setSecret('');
                  }}
                />
                Generate username and secret
              </label>
              <label className="radio">
                <input
                  type="radio"
                  name={`${ids}-own`}
                  checked={own}
                  disabled={!customAllowed}
                  onChange={() => setOwn(true)}
                  aria-describedby={!customAllowed ? `${ids}-rest-note` : undefined}
                />
                Use my own
              </label>
            </div>
            {!customAllowed && (
              <p className="field-hint" id={`${ids}-rest-note`}>
                REST keys are always generated.
              </p>
            )}
            {own && customAllowed && (
              <div className="own-credentials">
                <TextField
                  label="Username (optional)"
                  name="username"
                  value={username}
                  onChange={(e) => {
                    setUsername(e.target.value);
                    clear('username');
                  }}
                  error={errors['username']}
                  hint="3–64 characters of A–Z a–z 0–9 . _ @ + -; generated when empty."
                  autoComplete="off"
                  spellCheck={false}
                />
                <TextField
                  label="Secret"
                  name="secret"
                  type="password"
                  value={secret}
                  onChange={(e) => {
                    setSecret(e.target.value);
                    clear('secret');
                  }}
                  error={errors['secret']}
                  hint="12–128 characters."
                  autoComplete="new-password"
                  spellCheck={false}
                />
              </div>
            )}
          </fieldset>
        )}

        <CidrChips
          value={cidrs}
          onChange={setCidrs}
          error={errors['allowedCidrs']}
          invalid={invalidCidrs}
          onEdited={() => clear('allowedCidrs')}
        />

        <TextField
          label="POSTback URL (optional)"
          name="postbackUrl"
          type="url"
          inputMode="url"
          placeholder="https://example.com/gatehouse/events"
          value={postbackUrl}
          onChange={(e) => {
            setPostbackUrl(e.target.value);
            clear('postbackUrl');
          }}
          error={errors['postbackUrl']}
          hint="Receives this key's delivery receipts and events, signed."
          autoComplete="off"
        />

        <div className="check-grid">
          <CheckField
            label="Off the record"
            checked={offTheRecord}
            onChange={setOffTheRecord}
            hint="Its successful requests are not written to the request log."
          />
          <CheckField
            label="Enabled"
            checked={enabled}
            onChange={setEnabled}
            hint="Unticked: blocked, every login with it fails."
          />
        </div>

        <fieldset className="field">
          <legend>Scope</legend>
          <div className="radio-row">
            <label className="radio">
              <input
                type="radio"
                name={`${ids}-scope`}
                checked={scope === 'all'}
                onChange={() => {
                  setScope('all');
                  clear('groups');
                }}
              />
              All recipients
            </label>
            <label className="radio">
              <input
                type="radio"
                name={`${ids}-scope`}
                checked={scope === 'groups'}
                onChange={() => setScope('groups')}
              />
              Groups
            </label>
          </div>
          {scope === 'groups' && (
            <fieldset className="group-picker" aria-describedby={errors['groups'] ? `${ids}-groups-error` : undefined}>
              <legend className="visually-hidden">Groups this key may send to</legend>
              {!groups ? (
                <p className="muted">Loading groups…</p>
              ) : groups.length === 0 ? (
                <p className="muted">
                  This account has no recipient groups yet: create them on the Recipient groups page.
                </p>
              ) : (
                groups.map((g) => (
                  <label key={g.slug} className="radio">
                    <input
                      type="checkbox"
                      checked={picked.includes(g.slug)}
                      onChange={(e) => {
                        setPicked((p) => (e.target.checked ? [...p, g.slug] : p.filter((s) => s !== g.slug)));
                        clear('groups');
                      }}
                    />
                    {g.name} <span className="muted mono">{g.slug}</span>
                  </label>
                ))
              )}
            </fieldset>
          )}
          <FieldError id={`${ids}-groups-error`} error={errors['groups'] || errors['scope']} />
        </fieldset>

        <AvatarPicker
          file={avatar}
          onFile={(f) => {
            setAvatar(f);
            setRemoveAvatar(false);
            clear('avatar');
          }}
          error={errors['avatar']}
          existing={!!editing?.hasAvatar && !removeAvatar}
          onRemoveExisting={() => setRemoveAvatar(true)}
        />

        <div className="dialog-actions">
          <button type="button" onClick={onClose} disabled={pending}>
            Cancel
          </button>
          <button type="submit" className="button-primary" disabled={pending} aria-busy={pending}>
            {pending ? (editing ? 'Saving…' : 'Creating…') : editing ? 'Save' : 'Create'}
          </button>
        </div>
      </form>
    </ModalDialog>
  );
}

function AvatarPicker({
  file,
  onFile,
  error,
  existing,
  onRemoveExisting,
}: {
  file: File | null;
  onFile: (file: File | null) => void;
  error?: string;
  existing: boolean;
  onRemoveExisting: () => void;
}) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>Avatar (optional)</label>
      <input
        id={id}
        type="file"
        accept="image/png,image/jpeg,image/webp"
        onChange={(e) => onFile(e.target.files?.[0] ?? null)}
        aria-describedby={`${id}-hint${error ? ` ${id}-error` : ''}`}
        aria-invalid={error ? true : undefined}
      />
      <p className="field-hint" id={`${id}-hint`}>
        PNG, JPEG or WebP, at most 256 KiB.{file ? ` Chosen: ${file.name}.` : ''}
      </p>
      {existing && !file && (
        <button type="button" className="button-quiet" onClick={onRemoveExisting}>
          Remove the current avatar
        </button>
      )}
      <FieldError id={`${id}-error`} error={error} />
    </div>
  );
}

function focusFirstInvalid(): void {
  requestAnimationFrame(() => {
    const first = document.querySelector<HTMLElement>('.modal [aria-invalid="true"], .modal .form-error');
    if (first) {
      if (!first.hasAttribute('tabindex') && !(first instanceof HTMLInputElement)) first.tabIndex = -1;
      first.focus();
    }
  });
}
