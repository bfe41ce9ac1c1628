import { useEffect } from 'react';
import { Loading, LoadError } from '../components/ui';
import { loadAccounts } from '../lib/accounts';
import { useLoad } from '../lib/hooks';
import { navigate } from '../router';
import { homeOf, useSignedIn } from '../session';

/** Root starts at the accounts; an account's token at its own account (found through the list it may see). */
export function Home() {
  const session = useSignedIn();
  const accounts = useLoad(`home:${session.isRoot}`, (signal) =>
    session.isRoot ? Promise.resolve([]) : loadAccounts(signal),
  );
  const home = session.isRoot ? null : accounts.data ? homeOf(accounts.data) : undefined;

  useEffect(() => {
    if (session.isRoot) navigate('/accounts', { replace: true });
    else if (home) navigate(`/accounts/${encodeURIComponent(home.id)}/keys`, { replace: true });
  }, [session.isRoot, home]);

  if (accounts.error) return <LoadError error={accounts.error} retry={accounts.reload} />;
  if (home === null) {
    return (
      <section>
        <h1>No account</h1>
        <p>This token sees no account.</p>
      </section>
    );
  }
  return <Loading what="your account" />;
}
