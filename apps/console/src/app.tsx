import { useState } from 'react';
import { clearSession, loadSession, type Session } from './auth/session';
import { LoginPage } from './auth/login-page';
import { ConsoleView } from './console-view';

export function App() {
  const [session, setSession] = useState<Session | undefined>(() => loadSession());
  /** Whether the last session was ended by the server (a refused token), not by its user: the login page says so. */
  const [ended, setEnded] = useState(false);
  if (!session) return <LoginPage onLogin={setSession} sessionEnded={ended} />;
  return (
    <ConsoleView
      key={session.token}
      session={session}
      onLogout={(byServer) => {
        clearSession();
        setEnded(byServer);
        setSession(undefined);
      }}
    />
  );
}
