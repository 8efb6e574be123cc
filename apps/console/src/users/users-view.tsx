import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiUserRole } from '@ioc/contracts';
import { failureReason } from '../api/http-client';
import type { IocApi } from '../api/ioc-api';
import { ErrorNote } from '../error-note';
import { useUserChanges, useUsers } from './use-users';

const ROLES: readonly ApiUserRole[] = ['operator', 'supervisor', 'trainer', 'integrator', 'admin'];

interface Props {
  readonly api: IocApi;
  /** Admins create, change, disable and set passwords; supervisors only read. */
  readonly canManage: boolean;
  /** The signed-in user: an admin is not offered to disable themselves. */
  readonly selfId: string;
}

/**
 * The users tab (supervisor: the list; admin: user management): create a user, change a role, disable or enable,
 * set a password. Every change is the REST API's (`/api/v1/users`), whose rules (the last active admin stays, passwords
 * of at least 10 characters) come back as the reason shown.
 */
export function UsersView({ api, canManage, selfId }: Props) {
  const { t } = useTranslation();
  const { data: users, error: readError } = useUsers(api);
  const change = useUserChanges(api);
  const [actionError, setActionError] = useState<string>();
  const [notice, setNotice] = useState<string>();
  const [draft, setDraft] = useState({ username: '', displayName: '', role: 'operator' as ApiUserRole, password: '' });
  const [passwordFor, setPasswordFor] = useState<{ id: string; password: string }>();
  const error = actionError ?? (readError ? failureReason(readError) : undefined);

  const run = async (action: () => Promise<unknown>, done: string) => {
    setActionError(undefined);
    setNotice(undefined);
    try {
      await action();
      setNotice(done);
      return true;
    } catch (err) {
      setActionError(t('users.failed', { reason: failureReason(err) }));
      return false;
    }
  };

  const create = async (e: React.FormEvent) => {
    e.preventDefault();
    const body = { ...draft, username: draft.username.trim().toLowerCase(), displayName: draft.displayName.trim() };
    if (await run(() => change.create.mutateAsync(body), t('users.created', { username: body.username }))) {
      setDraft({ username: '', displayName: '', role: 'operator', password: '' });
    }
  };

  return (
    <div className="users-view" data-testid="users-view">
      {canManage ? (
        <form className="user-form" onSubmit={(e) => void create(e)} data-testid="user-form">
          <h3>{t('users.new')}</h3>
          <label>
            {t('users.username')}
            <input
              name="new-username"
              value={draft.username}
              onChange={(e) => setDraft({ ...draft, username: e.target.value })}
              required
              autoComplete="off"
            />
          </label>
          <label>
            {t('users.name')}
            <input
              name="new-name"
              value={draft.displayName}
              onChange={(e) => setDraft({ ...draft, displayName: e.target.value })}
              required
            />
          </label>
          <label>
            {t('users.role')}
            <select
              name="new-role"
              value={draft.role}
              onChange={(e) => setDraft({ ...draft, role: e.target.value as ApiUserRole })}
            >
              {ROLES.map((r) => (
                <option key={r} value={r}>
                  {t(`users.roles.${r}`)}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('users.password')}
            <input
              name="new-password"
              type="password"
              value={draft.password}
              onChange={(e) => setDraft({ ...draft, password: e.target.value })}
              required
              minLength={10}
              autoComplete="new-password"
            />
          </label>
          <button type="submit" className="primary" data-testid="user-create">
            {t('users.create')}
          </button>
        </form>
      ) : null}
      <ErrorNote error={error} />
      {notice ? (
        <p className="notice" role="status" data-testid="users-notice">
          {notice}
        </p>
      ) : null}
      <table className="user-table">
        <thead>
          <tr>
            <th>{t('users.username')}</th>
            <th>{t('users.role')}</th>
            <th>{t('users.status')}</th>
          </tr>
        </thead>
        <tbody>
          {(users ?? []).map((u) => (
            <tr
              key={u.userId}
              data-username={u.username}
              data-disabled={u.disabled}
              className={u.disabled ? 'disabled' : ''}
            >
              <td>
                <span className="user-name">{u.username}</span>
                <span className="user-display">{u.displayName}</span>
              </td>
              <td>
                {canManage ? (
                  <select
                    aria-label={t('users.role')}
                    value={u.role}
                    data-testid="user-role"
                    onChange={(e) =>
                      void run(
                        () =>
                          change.update.mutateAsync({ id: u.userId, changes: { role: e.target.value as ApiUserRole } }),
                        t('users.changed', { username: u.username }),
                      )
                    }
                  >
                    {ROLES.map((r) => (
                      <option key={r} value={r}>
                        {t(`users.roles.${r}`)}
                      </option>
                    ))}
                  </select>
                ) : (
                  t(`users.roles.${u.role}`)
                )}
              </td>
              <td>
                <span className={`user-status ${u.disabled ? 'off' : 'on'}`}>
                  {u.disabled ? t('users.disabled') : t('users.active')}
                </span>
                {canManage && u.userId !== selfId ? (
                  <button
                    type="button"
                    data-testid="user-toggle"
                    onClick={() =>
                      void run(
                        () => change.update.mutateAsync({ id: u.userId, changes: { disabled: !u.disabled } }),
                        t(u.disabled ? 'users.enabledNote' : 'users.disabledNote', { username: u.username }),
                      )
                    }
                  >
                    {u.disabled ? t('users.enable') : t('users.disable')}
                  </button>
                ) : null}
                {canManage ? (
                  passwordFor?.id === u.userId ? (
                    <form
                      className="user-password"
                      onSubmit={(e) => {
                        e.preventDefault();
                        void run(
                          () => change.setPassword.mutateAsync({ id: u.userId, password: passwordFor.password }),
                          t('users.passwordSet', { username: u.username }),
                        ).then((ok) => ok && setPasswordFor(undefined));
                      }}
                    >
                      <input
                        type="password"
                        aria-label={t('users.password')}
                        value={passwordFor.password}
                        onChange={(e) => setPasswordFor({ id: u.userId, password: e.target.value })}
                        minLength={10}
                        required
                        autoComplete="new-password"
                      />
                      <button type="submit">{t('users.save')}</button>
                    </form>
                  ) : (
                    <button
                      type="button"
                      data-testid="user-password"
                      onClick={() => setPasswordFor({ id: u.userId, password: '' })}
                    >
                      {t('users.setPassword')}
                    </button>
                  )
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
