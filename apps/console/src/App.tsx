import { useEffect, useRef } from 'react';
import { RouterProvider } from 'react-aria-components';
import { FlashBanner, FlashProvider } from './flash';
import { Home } from './pages/Home';
import { AccountsPage } from './pages/Accounts';
import { AccountPage } from './pages/Account';
import { KeysPage } from './pages/Keys';
import { GroupsPage } from './pages/Groups';
import { AdminTokensPage } from './pages/AdminTokens';
import { RequestLogPage } from './pages/RequestLog';
import { AuditLogPage } from './pages/AuditLog';
import { SignIn } from './pages/SignIn';
import { BASE, Link, navigate, useLocation } from './router';
import { SessionProvider, useSession } from './session';

export function App() {
  return (
    <RouterProvider navigate={(to) => navigate(to.startsWith(BASE) ? to.slice(BASE.length) : to)}>
      <SessionProvider>
        <FlashProvider>
          <Shell />
        </FlashProvider>
      </SessionProvider>
    </RouterProvider>
  );
}

function Shell() {
  const { session, signOut } = useSession();
  const { path } = useLocation();
  const main = useRef<HTMLElement>(null);
  const first = useRef(true);

  // After a client-side navigation, focus moves to the new page's heading (as a page load would
  // put a screen reader at the top), not left on a link that may no longer exist.
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    const heading = main.current?.querySelector<HTMLElement>('h1');
    if (heading) {
      heading.tabIndex = -1;
      heading.focus({ preventScroll: false });
    }
  }, [path, session]);

  if (!session) {
    return (
      <div className="layout layout-signed-out">
        <main id="main" ref={main}>
          <SignIn />
        </main>
      </div>
    );
  }

  const section = path.split('/')[1] ?? '';
  return (
    <div className="layout">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <Link to="/" className="brand">
          <img src={`${BASE}/favicon.svg`} alt="" width="24" height="24" />
          Gatehouse
        </Link>
        <nav aria-label="Main" className="topnav">
          <Link to="/accounts" aria-current={section === 'accounts' ? 'page' : undefined}>
            Accounts
          </Link>
          <Link to="/request-log" aria-current={section === 'request-log' ? 'page' : undefined}>
            Request log
          </Link>
          <Link to="/audit-log" aria-current={section === 'audit-log' ? 'page' : undefined}>
            Audit log
          </Link>
        </nav>
        <div className="who">
          <span className="who-label">{session.isRoot ? 'Root' : 'Account admin'}</span>
          <button type="button" onClick={() => signOut('You signed out. The token was forgotten.')}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main" ref={main} tabIndex={-1}>
        <FlashBanner />
        <Page path={path} />
      </main>
    </div>
  );
}

function Page({ path }: { path: string }) {
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  const [section, id, sub] = parts;
  if (parts.length === 0) return <Home />;
  if (section === 'accounts' && id === undefined) return <AccountsPage />;
  if (section === 'accounts' && id !== undefined && parts.length <= 3) {
    switch (sub) {
      case undefined:
        return <AccountPage accountId={id} />;
      case 'keys':
        return <KeysPage accountId={id} />;
      case 'groups':
        return <GroupsPage accountId={id} />;
      case 'tokens':
        return <AdminTokensPage accountId={id} />;
      default:
        break;
    }
  }
  if (section === 'request-log' && parts.length === 1) return <RequestLogPage />;
  if (section === 'audit-log' && parts.length === 1) return <AuditLogPage />;
  return (
    <section>
      <h1>Page not found</h1>
      <p>
        There is no console page at this address. <Link to="/">Go to the start page</Link>.
      </p>
    </section>
  );
}
