import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { api, ok, setApiToken, setUnauthorizedHandler, type Account } from './api/client';
import { clearAvatarCache } from './components/Avatar';

/**
 * The signed-in admin token. Kept in sessionStorage (this tab only, gone when it closes), never
 * in localStorage or a cookie; signing out, or a 401 from the API, forgets it.
 */
const STORAGE_KEY = 'gatehouse.console.token';

export interface Session {
  token: string;
  /** Root sees every account; an account's admin token sees what its API scope allows. */
  isRoot: boolean;
}

interface SessionContextValue {
  session: Session | null;
  /** Why the last session ended, for the sign-in page (never stored). */
  notice: string | null;
  signIn: (token: string) => Promise<void>;
  signOut: (notice?: string) => void;
}

const SessionContext = createContext<SessionContextValue | null>(null);

function storedToken(): string | null {
  try {
    return window.sessionStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}

/** Admin tokens carry the `gka_` prefix; anything else the API accepts is the root token. */
function sessionOf(token: string): Session {
  return { token, isRoot: !token.startsWith('gka_') };
}

const initialToken = storedToken();
setApiToken(initialToken);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [session, setSession] = useState<Session | null>(() => (initialToken ? sessionOf(initialToken) : null));
  const [notice, setNotice] = useState<string | null>(null);

  const signOut = useCallback((why?: string) => {
    try {
      window.sessionStorage.removeItem(STORAGE_KEY);
    } catch {
      // storage unavailable: nothing was kept
    }
    setApiToken(null);
    clearAvatarCache();
    setSession(null);
    setNotice(why ?? null);
  }, []);

  const signIn = useCallback(async (token: string) => {
    // One cheap call proves the token before anything is kept.
    await ok(
      api.GET('/admin/v1/accounts', {
        params: { query: { limit: 1 } },
        headers: { Authorization: `Bearer ${token}` },
      }),
    );
    try {
      window.sessionStorage.setItem(STORAGE_KEY, token);
    } catch {
      // storage unavailable: the session lasts as long as this page
    }
    setApiToken(token);
    setNotice(null);
    setSession(sessionOf(token));
  }, []);

  useEffect(() => {
    setUnauthorizedHandler((message) => signOut(message));
    return () => setUnauthorizedHandler(null);
  }, [signOut]);

  const value = useMemo(() => ({ session, notice, signIn, signOut }), [session, notice, signIn, signOut]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionContextValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession outside SessionProvider');
  return value;
}

/** The signed-in session; only for pages rendered behind the sign-in. */
export function useSignedIn(): Session {
  const { session } = useSession();
  if (!session) throw new Error('not signed in');
  return session;
}

/**
 * Where an account token starts: the accounts it may see are its own and, for a master, its
 * subs; the master among them (or the one sub) is its home.
 */
export function homeOf(accounts: Account[]): Account | null {
  return accounts.find((a) => a.kind === 'master') ?? accounts[0] ?? null;
}
