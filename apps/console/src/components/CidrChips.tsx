import { useId, useState, type KeyboardEvent } from 'react';
import { canonicalCidr, MAX_ALLOWED_CIDRS } from '../lib/cidr';

/**
 * Allowed CIDRs as chips: type one, **+** (or Enter) adds it, **×** removes it. An entry the
 * server would refuse is named inline and not added; entries the server refused anyway
 * (`invalid`, from its `validation_failed` details) are marked on their chips, and its message
 * (`error`) is shown at the field.
 */
export function CidrChips({
  value,
  onChange,
  error,
  invalid = [],
  onEdited,
}: {
  value: string[];
  onChange: (value: string[]) => void;
  error?: string | null;
  invalid?: string[];
  onEdited?: () => void;
}) {
  const id = useId();
  const [draft, setDraft] = useState('');
  const [problem, setProblem] = useState<string | null>(null);

  const add = (): void => {
    const entry = draft.trim();
    if (!entry) {
      setProblem('Type an IPv4 or IPv6 address or CIDR first, e.g. 203.0.113.0/24.');
      return;
    }
    const canonical = canonicalCidr(entry);
    if (canonical === null) {
      setProblem(`“${entry}” is not an IPv4/IPv6 address or CIDR (e.g. 203.0.113.7 or 2001:db8::/32).`);
      return;
    }
    if (value.includes(canonical)) {
      setProblem(`${canonical} is already in the list.`);
      return;
    }
    if (value.length >= MAX_ALLOWED_CIDRS) {
      setProblem(`At most ${MAX_ALLOWED_CIDRS} entries.`);
      return;
    }
    onChange([...value, canonical]);
    setDraft('');
    setProblem(null);
    onEdited?.();
  };

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>): void => {
    if (event.key === 'Enter') {
      event.preventDefault(); // adds the chip instead of submitting the form
      add();
    }
  };

  const shown = problem ?? error ?? null;
  return (
    <fieldset className="field cidr-field">
      <legend>Allowed CIDRs</legend>
      <p className="field-hint" id={`${id}-hint`}>
        Addresses or ranges allowed to log in with this key. None: any address.
      </p>
      {value.length > 0 && (
        <ul className="chips" aria-label="Allowed CIDRs">
          {value.map((cidr) => {
            const bad = invalid.includes(cidr);
            return (
              <li key={cidr} className={bad ? 'chip chip-invalid' : 'chip'} data-cidr={cidr}>
                <span>{cidr}</span>
                {bad && <span className="visually-hidden"> (refused)</span>}
                <button
                  type="button"
                  className="chip-remove"
                  aria-label={`Remove ${cidr}`}
                  onClick={() => {
                    onChange(value.filter((c) => c !== cidr));
                    onEdited?.();
                  }}
                >
                  ×
                </button>
              </li>
            );
          })}
        </ul>
      )}
      <div className="chip-input-row">
        <label htmlFor={id} className="visually-hidden">
          Add an allowed CIDR
        </label>
        <input
          id={id}
          value={draft}
          placeholder="203.0.113.0/24"
          spellCheck={false}
          autoComplete="off"
          inputMode="text"
          onChange={(e) => {
            setDraft(e.target.value);
            setProblem(null);
          }}
          onKeyDown={onKeyDown}
          aria-invalid={shown ? true : undefined}
          aria-describedby={`${id}-hint${shown ? ` ${id}-error` : ''}`}
        />
        <button type="button" onClick={add} aria-label="Add CIDR">
          +
        </button>
      </div>
      {shown && (
        <p className="field-error" id={`${id}-error`} role="alert">
          {shown}
        </p>
      )}
    </fieldset>
  );
}
