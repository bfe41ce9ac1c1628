import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';
import { useLocation } from './router';

/**
 * The message at the top of the page after an action ("API key created"). It belongs to the
 * page it was given on, so it is gone once the admin moves elsewhere.
 */
interface Flash {
  kind: 'success' | 'error';
  text: string;
  path: string;
  id: number;
}

interface FlashContextValue {
  success: (text: string) => void;
  error: (text: string) => void;
  clear: () => void;
  current: Flash | null;
}

const FlashContext = createContext<FlashContextValue | null>(null);

let nextId = 1;

export function FlashProvider({ children }: { children: ReactNode }) {
  const [current, setCurrent] = useState<Flash | null>(null);
  const show = useCallback((kind: Flash['kind'], text: string) => {
    const path = window.location.pathname;
    setCurrent({ kind, text, path, id: nextId++ });
  }, []);
  const value = useMemo(
    () => ({
      current,
      success: (text: string) => show('success', text),
      error: (text: string) => show('error', text),
      clear: () => setCurrent(null),
    }),
    [current, show],
  );
  return <FlashContext.Provider value={value}>{children}</FlashContext.Provider>;
}

export function useFlash(): FlashContextValue {
  const value = useContext(FlashContext);
  if (!value) throw new Error('useFlash outside FlashProvider');
  return value;
}

/** The live regions exist before any message, so screen readers announce each one. */
export function FlashBanner() {
  const { current, clear } = useFlash();
  useLocation(); // re-render on navigation: a message stays with its page
  const shown = current && current.path === window.location.pathname ? current : null;
  return (
    <div className="flash-area">
      <div role="status" aria-live="polite" aria-atomic="true">
        {shown?.kind === 'success' && (
          <div className="flash flash-success" key={shown.id} data-testid="flash-success">
            <span className="flash-text">{shown.text}</span>
            <button type="button" className="button-quiet" onClick={clear} aria-label="Dismiss message">
              ×
            </button>
          </div>
        )}
      </div>
      <div role="alert" aria-atomic="true">
        {shown?.kind === 'error' && (
          <div className="flash flash-error" key={shown.id} data-testid="flash-error">
            <span className="flash-text">{shown.text}</span>
            <button type="button" className="button-quiet" onClick={clear} aria-label="Dismiss message">
              ×
            </button>
          </div>
        )}
      </div>
    </div>
  );
}
