import { useCallback, useEffect, useEffectEvent, useRef, useState } from 'react';
import { ApiError } from '../api/client';

interface LoadState<T> {
  key: string | null;
  run: string | null;
  data?: T;
  error?: unknown;
}

export interface Loaded<T> {
  /** The last data loaded for this key (kept while a reload runs). */
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload: () => void;
  /** Changes the loaded data in place (after an action whose answer says what changed). */
  update: (change: (data: T) => T) => void;
}

/**
 * Loads data for `key` (a string naming what is loaded: a new key loads again), aborting the
 * previous load; reload() loads the same key again, keeping what is shown until it lands.
 */
export function useLoad<T>(key: string, load: (signal: AbortSignal) => Promise<T>): Loaded<T> {
  const [reloads, setReloads] = useState(0);
  const [state, setState] = useState<LoadState<T>>({ key: null, run: null });
  const run = `${key}#${reloads}`;
  const start = useEffectEvent((signal: AbortSignal) => load(signal));

  useEffect(() => {
    const controller = new AbortController();
    start(controller.signal).then(
      (data) => {
        if (!controller.signal.aborted) setState({ key, run, data });
      },
      (error: unknown) => {
        if (!controller.signal.aborted)
          setState((s) => ({ key, run, error, data: s.key === key ? s.data : undefined }));
      },
    );
    return () => controller.abort();
  }, [key, run]);

  const reload = useCallback(() => setReloads((n) => n + 1), []);
  const update = useCallback(
    (change: (data: T) => T) => setState((s) => (s.data === undefined ? s : { ...s, data: change(s.data) })),
    [],
  );
  const current = state.key === key;
  return {
    data: current ? state.data : undefined,
    error: state.run === run ? state.error : undefined,
    loading: state.run !== run,
    reload,
    update,
  };
}

/**
 * An action that runs at most once at a time: a second click or Enter while the first is
 * pending does nothing, so a double submit never creates twice.
 */
export function useAction(): { pending: boolean; run: <R>(action: () => Promise<R>) => Promise<R | undefined> } {
  const busy = useRef(false);
  const [pending, setPending] = useState(false);
  const run = useCallback(async <R>(action: () => Promise<R>): Promise<R | undefined> => {
    if (busy.current) return undefined;
    busy.current = true;
    setPending(true);
    try {
      return await action();
    } finally {
      busy.current = false;
      setPending(false);
    }
  }, []);
  return { pending, run };
}

/**
 * Field errors of a form: what the API named (`details.field` / `details.fields`) goes to that
 * field; anything else to the form as a whole, so nothing fails silently.
 */
export function splitErrors(
  err: unknown,
  known: readonly string[],
): { fields: Record<string, string>; form: string | null } {
  if (!(err instanceof ApiError)) {
    return { fields: {}, form: err instanceof Error ? err.message : String(err) };
  }
  const named = err.fieldErrors();
  const fields: Record<string, string> = {};
  const leftover: string[] = [];
  for (const [field, message] of Object.entries(named)) {
    const base = known.find((k) => field === k || field.startsWith(`${k}.`));
    if (base) fields[base] = fields[base] ? `${fields[base]}; ${message}` : message;
    else leftover.push(`${field}: ${message}`);
  }
  const form = Object.keys(fields).length === 0 ? err.message : leftover.length > 0 ? leftover.join('; ') : null;
  return { fields, form };
}
