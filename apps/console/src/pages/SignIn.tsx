import { useState, type FormEvent } from 'react';
import { ApiError } from '../api/client';
import { TextField } from '../components/ui';
import { useAction } from '../lib/hooks';
import { useSession } from '../session';

export function SignIn() {
  const { signIn, notice } = useSession();
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | null>(null);
  const { pending, run } = useAction();

  const submit = (event: FormEvent): void => {
    event.preventDefault();
    const value = token.trim();
    if (!value) {
      setError('Enter a token.');
      return;
    }
    void run(async () => {
      try {
        await signIn(value);
        setToken('');
      } catch (err) {
        setError(
          err instanceof ApiError && err.status === 401
            ? 'This token was refused: it is unknown, deleted or mistyped.'
            : err instanceof Error
              ? err.message
              : String(err),
        );
      }
    });
  };

  return (
    <section className="signin">
      <h1>Sign in to Gatehouse</h1>
      {notice && (
        <p className="notice" role="status">
          {notice}
        </p>
      )}
      <form onSubmit={submit} noValidate>
        <TextField
          label="Admin token"
          type="password"
          name="token"
          autoComplete="off"
          spellCheck={false}
          value={token}
          onChange={(e) => {
            setToken(e.target.value);
            setError(null);
          }}
          error={error}
          hint="The root token the server printed at its first start, or an account's admin token. It is kept in this tab's session storage only; signing out forgets it."
          autoFocus
        />
        <button type="submit" className="button-primary" disabled={pending}>
          {pending ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </section>
  );
}
