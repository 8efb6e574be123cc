import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ExerciseDto } from '@ioc/contracts';
import { failureReason } from '../api/http-client';
import type { IocApi } from '../api/ioc-api';
import { ErrorNote } from '../error-note';
import { DEFAULT_TEAM, draftOf, setTeam, TEAM_MAX, toggle, traineesRequest, type TraineeDraft } from './training-model';
import { useExerciseTrainees, useSetExerciseTrainees, useTraineeCandidates } from './use-training';
import './training.css';

interface Props {
  readonly api: IocApi;
  readonly exercise: ExerciseDto;
  /** Trainers and supervisors assign; a trainee sees the group of their own exercise. */
  readonly canAct: boolean;
}

/**
 * The exercise's trainees (issue 19): who trains, in which team. A trainer picks operators and names their teams; a
 * trainee sees only the exercises they are assigned to, and acts only on those exercises' incidents.
 */
export function TraineesPanel({ api, exercise, canAct }: Props) {
  const { t } = useTranslation();
  const trainees = useExerciseTrainees(api, exercise.id);
  const [editing, setEditing] = useState(false);
  const list = trainees.data ?? [];
  return (
    <section className="training-panel trainees-panel" data-testid="trainees-panel">
      <h3>
        {t('training.trainees.heading')} <span className="tab-count">{list.length}</span>
      </h3>
      {trainees.error ? (
        <ErrorNote error={t('training.loadFailed', { reason: failureReason(trainees.error) })} />
      ) : !trainees.data ? (
        <p className="muted">{t('exercises.loading')}</p>
      ) : list.length === 0 ? (
        <p className="empty">{t('training.trainees.none')}</p>
      ) : (
        <ul className="trainee-list" data-testid="trainee-list">
          {list.map((tr) => (
            <li key={tr.userId} data-user-id={tr.userId} data-team={tr.team}>
              <span className="trainee-team">{tr.team}</span> {tr.displayName}{' '}
              <span className="muted">@{tr.username}</span>
            </li>
          ))}
        </ul>
      )}
      {canAct && !editing ? (
        <button type="button" onClick={() => setEditing(true)} data-testid="trainees-edit">
          {t('training.trainees.edit')}
        </button>
      ) : null}
      {canAct && editing && trainees.data ? (
        <TraineesForm api={api} exercise={exercise} initial={draftOf(trainees.data)} onDone={() => setEditing(false)} />
      ) : null}
    </section>
  );
}

function TraineesForm({
  api,
  exercise,
  initial,
  onDone,
}: {
  readonly api: IocApi;
  readonly exercise: ExerciseDto;
  readonly initial: TraineeDraft;
  readonly onDone: () => void;
}) {
  const { t } = useTranslation();
  const candidates = useTraineeCandidates(api, true);
  const save = useSetExerciseTrainees(api, exercise.id);
  const [draft, setDraft] = useState<TraineeDraft>(initial);
  const [team, setTeamName] = useState(DEFAULT_TEAM);
  const [error, setError] = useState<string>();
  const users = candidates.data ?? [];

  const submit = async () => {
    const body = traineesRequest(draft, users);
    if ('error' in body) return setError(t(`training.trainees.${body.error}`, { max: TEAM_MAX }));
    setError(undefined);
    try {
      await save.mutateAsync(body);
      onDone();
    } catch (err) {
      setError(t('training.trainees.failed', { reason: failureReason(err) }));
    }
  };

  return (
    <form
      className="trainees-form"
      data-testid="trainees-form"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <label className="trainees-team-default">
        <span>{t('training.trainees.teamForNew')}</span>
        <input
          value={team}
          maxLength={TEAM_MAX}
          onChange={(e) => setTeamName(e.target.value)}
          data-testid="trainees-team-default"
        />
      </label>
      {candidates.error ? (
        <ErrorNote error={t('training.loadFailed', { reason: failureReason(candidates.error) })} />
      ) : null}
      <table className="exercise-table trainees-table">
        <thead>
          <tr>
            <th>{t('training.trainees.user')}</th>
            <th>{t('training.trainees.team')}</th>
          </tr>
        </thead>
        <tbody>
          {users.map((u) => (
            <tr key={u.userId} data-username={u.username}>
              <td>
                <label className="trainee-pick">
                  <input
                    type="checkbox"
                    checked={draft.has(u.userId)}
                    onChange={() => setDraft((d) => toggle(d, u.userId, team))}
                    data-testid="trainee-pick"
                  />
                  <span className="cell-main">{u.displayName}</span>
                  <span className="cell-sub">@{u.username}</span>
                </label>
              </td>
              <td>
                {draft.has(u.userId) ? (
                  <input
                    value={draft.get(u.userId)}
                    maxLength={TEAM_MAX + 1}
                    aria-label={t('training.trainees.team')}
                    onChange={(e) => setDraft((d) => setTeam(d, u.userId, e.target.value))}
                    data-testid="trainee-team"
                  />
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <ErrorNote error={error} />
      <div className="form-buttons">
        <button type="button" onClick={onDone}>
          {t('training.trainees.cancel')}
        </button>
        <button type="submit" className="primary" disabled={save.isPending} data-testid="trainees-save">
          {t('training.trainees.save', { count: draft.size })}
        </button>
      </div>
    </form>
  );
}
