import { useState } from 'react';
import { QueryClientProvider, type QueryClient } from '@tanstack/react-query';
import { createQueryClient } from './api/query-client';
import { clearSession, loadSession, type Session } from './auth/session';
import { LoginPage } from './auth/login-page';
import { ConsoleView } from './console-view';

/** A signed-in session and its query cache: what one user read is never shown to the next. */
interface SignedIn {
  readonly session: Session;
  readonly queries: QueryClient;
}

const signedIn = (session: Session | undefined): SignedIn | undefined =>
  session ? { session, queries: createQueryClient() } : undefined;

export function App() {
  const [current, setCurrent] = useState<SignedIn | undefined>(() => signedIn(loadSession()));
  /** Whether the last session was ended by the server (a refused token), not by its user: the login page says so. */
  const [ended, setEnded] = useState(false);
  if (!current) return <LoginPage onLogin={(session) => setCurrent(signedIn(session))} sessionEnded={ended} />;
  const { session, queries } = current;
  return (
    <QueryClientProvider client={queries}>
      <ConsoleView
        key={session.token}
        session={session}
        onLogout={(byServer) => {
          clearSession();
          queries.clear();
          setEnded(byServer);
          setCurrent(undefined);
        }}
      />
    </QueryClientProvider>
  );
}
