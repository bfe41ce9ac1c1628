import { useId, useState, type ReactNode } from 'react';
import { Dialog, Heading, Modal, ModalOverlay } from 'react-aria-components';
import { messageOf } from '../api/client';
import { useAction } from '../lib/hooks';

/**
 * A modal dialog (react-aria: focus kept inside, restored on close, background inert). Not
 * dismissed by a click outside: forms must not lose what was typed by a stray click.
 */
export function ModalDialog({
  title,
  isOpen,
  onClose,
  children,
  role = 'dialog',
  dismissable = true,
  wide = false,
}: {
  title: string;
  isOpen: boolean;
  onClose: () => void;
  children: ReactNode;
  role?: 'dialog' | 'alertdialog';
  /** Escape closes it; false for the view-once dialog, which only its Close button may end. */
  dismissable?: boolean;
  wide?: boolean;
}) {
  return (
    <ModalOverlay
      className="modal-overlay"
      isOpen={isOpen}
      onOpenChange={(open) => {
        if (!open) onClose();
      }}
      isDismissable={false}
      isKeyboardDismissDisabled={!dismissable}
    >
      <Modal className={wide ? 'modal modal-wide' : 'modal'}>
        <Dialog className="dialog" role={role}>
          <Heading slot="title" className="dialog-title">
            {title}
          </Heading>
          {children}
        </Dialog>
      </Modal>
    </ModalOverlay>
  );
}

/**
 * "Are you sure?" for Block, Unblock, Delete, Suspend…: the action runs once (the button is
 * disabled while it is pending) and its error is shown in the dialog, which then stays open.
 */
export function ConfirmDialog({
  title,
  children,
  confirmLabel,
  destructive = false,
  isOpen,
  onClose,
  onConfirm,
}: {
  title: string;
  children: ReactNode;
  confirmLabel: string;
  destructive?: boolean;
  isOpen: boolean;
  onClose: () => void;
  onConfirm: () => Promise<void>;
}) {
  const { pending, run } = useAction();
  const [error, setError] = useState<string | null>(null);
  const close = (): void => {
    setError(null);
    onClose();
  };
  const confirm = (): void => {
    void run(async () => {
      try {
        await onConfirm();
        setError(null);
      } catch (err) {
        setError(messageOf(err));
      }
    });
  };
  return (
    <ModalDialog title={title} isOpen={isOpen} onClose={close} role="alertdialog">
      <div className="dialog-body">{children}</div>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      <div className="dialog-actions">
        <button type="button" onClick={close} disabled={pending}>
          Cancel
        </button>
        <button
          type="button"
          className={destructive ? 'button-danger' : 'button-primary'}
          onClick={confirm}
          disabled={pending}
          aria-busy={pending}
        >
          {pending ? `${confirmLabel}…` : confirmLabel}
        </button>
      </div>
    </ModalDialog>
  );
}

export interface Revealed {
  label: string;
  value: string;
  hint?: string;
}

/**
 * The one time a secret is shown: after Create or Rotate of a key (and its postback signing
 * secret), after creating an admin token. It lives only in this dialog's props: never in
 * storage, the URL or a log. Copy puts it on the clipboard; Close stays disabled until
 * "I have saved this secret" is ticked, and Escape does not close it.
 */
export function ViewOnceDialog({
  title,
  intro,
  secrets,
  confirmText = 'I have saved this secret',
  warning,
  onClose,
}: {
  title: string;
  intro: ReactNode;
  secrets: Revealed[];
  confirmText?: string;
  warning?: string | null;
  onClose: () => void;
}) {
  const [saved, setSaved] = useState(false);
  const checkId = useId();
  return (
    <ModalDialog title={title} isOpen onClose={onClose} dismissable={false} wide>
      <div className="dialog-body">
        <p>{intro}</p>
        {warning && (
          <p className="form-error" role="alert">
            {warning}
          </p>
        )}
        {secrets.map((s) => (
          <SecretField key={s.label} secret={s} />
        ))}
        <p className="view-once-note">This is the only time it is shown. Gatehouse keeps only a hash of it.</p>
        <div className="check-row">
          <input id={checkId} type="checkbox" checked={saved} onChange={(e) => setSaved(e.target.checked)} />
          <label htmlFor={checkId}>{confirmText}</label>
        </div>
      </div>
      <div className="dialog-actions">
        <button type="button" className="button-primary" onClick={onClose} disabled={!saved}>
          Close
        </button>
      </div>
    </ModalDialog>
  );
}

function SecretField({ secret }: { secret: Revealed }) {
  const id = useId();
  const [copied, setCopied] = useState<'yes' | 'no' | null>(null);
  const copy = async (): Promise<void> => {
    try {
      await navigator.clipboard.writeText(secret.value);
      setCopied('yes');
    } catch {
      // No clipboard permission: select the text so Ctrl+C copies it.
      const input = document.getElementById(id);
      if (input instanceof HTMLInputElement) input.select();
      setCopied('no');
    }
  };
  return (
    <div className="field">
      <label htmlFor={id}>{secret.label}</label>
      <div className="secret-row">
        <input
          id={id}
          className="secret-value"
          readOnly
          value={secret.value}
          spellCheck={false}
          autoComplete="off"
          data-secret
          onFocus={(e) => e.target.select()}
          aria-describedby={secret.hint ? `${id}-hint` : undefined}
        />
        <button type="button" onClick={() => void copy()} aria-label={`Copy ${secret.label}`}>
          Copy
        </button>
      </div>
      {secret.hint && (
        <p className="field-hint" id={`${id}-hint`}>
          {secret.hint}
        </p>
      )}
      <p className="field-hint" aria-live="polite">
        {copied === 'yes' ? 'Copied to the clipboard.' : copied === 'no' ? 'Selected: press Ctrl+C (⌘C) to copy.' : ''}
      </p>
    </div>
  );
}
