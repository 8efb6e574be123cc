import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../api/http-client';
import { IocApi } from '../api/ioc-api';
import { LanguageSwitch } from '../language-switch';
import { ErrorNote } from '../error-note';
import { saveSession, type Session } from './session';

export function LoginPage({
  onLogin,
  sessionEnded = false,
}: {
  readonly onLogin: (s: Session) => void;
  readonly sessionEnded?: boolean;
}) {
  const { t } = useTranslation();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      onLogin(saveSession(await IocApi.login(username.trim(), password)));
    } catch (err) {
      setError(
        err instanceof ApiError && (err.status === 401 || err.status === 400)
          ? t('login.failed')
          : t('login.unavailable'),
      );
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="login">
      <form className="login-card" onSubmit={(e) => void submit(e)} data-testid="login-form">
        <div className="login-top">
          <div className="brand">IOC</div>
          <LanguageSwitch />
        </div>
        <h1>{t('app.title')}</h1>
        <h2>{t('login.heading')}</h2>
        {sessionEnded && (
          <p className="notice" role="status" data-testid="session-ended">
            {t('login.sessionEnded')}
          </p>
        )}
        <label>
          {t('login.username')}
          <input
            name="username"
            autoComplete="username"
            value={username}
            onChange={(e) => setUsername(e.target.value)}
            required
            autoFocus
          />
        </label>
        <label>
          {t('login.password')}
          <input
            name="password"
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            required
          />
        </label>
        <ErrorNote error={error} />
        <button type="submit" className="primary" disabled={busy}>
          {t('login.submit')}
        </button>
      </form>
    </main>
  );
}
