import { useState } from 'react';
import { clearSession, loadSession, type Session } from './auth/session';
import { LoginPage } from './auth/login-page';
import { ConsoleView } from './console-view';

export function App() {
  const [session, setSession] = useState<Session | undefined>(() => loadSession());
  if (!session) return <LoginPage onLogin={setSession} />;
  return (
    <ConsoleView
      key={session.token}
      session={session}
      onLogout={() => {
        clearSession();
        setSession(undefined);
      }}
    />
  );
}
