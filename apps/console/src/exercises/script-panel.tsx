import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ExerciseDto } from '@ioc/contracts';
import { failureReason } from '../api/http-client';
import type { IocApi } from '../api/ioc-api';
import { ErrorNote } from '../error-note';
import { formatTime } from '../format';
import { EXERCISE_SPEEDS, parseSpeed } from './exercise-model';
import { useDeleteScript, useExerciseScripts, useSaveScript, useStartScript } from './use-injects';

interface Props {
  readonly api: IocApi;
  /** Supervisors and trainers save, start and delete scripts. */
  readonly canAct: boolean;
  /** The exercise on screen (running or ended): it can be saved as a script. */
  readonly exercise?: ExerciseDto;
}

const NAME_MIN = 3;
const NAME_MAX = 120;

/**
 * Scripts: a drill saved (its recording and its injects at their drill times) to be run again, by any trainer, exactly
 * as it was injected. Saves the exercise on screen; lists the scripts with Start (at a speed) and Delete.
 */
export function ScriptPanel({ api, canAct, exercise }: Props) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language === 'en' ? 'en' : 'vi';
  const { data: scripts, error: loadError } = useExerciseScripts(api);
  const save = useSaveScript(api);
  const start = useStartScript(api);
  const remove = useDeleteScript(api);
  const [name, setName] = useState('');
  const [speed, setSpeed] = useState('60');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  if (!canAct) return null;

  const act = async (f: () => Promise<unknown>, failed: string) => {
    setBusy(true);
    setError(undefined);
    try {
      await f();
      return true;
    } catch (err) {
      setError(t(failed, { reason: failureReason(err) }));
      return false;
    } finally {
      setBusy(false);
    }
  };
  const parsedSpeed = parseSpeed(speed);
  const trimmed = name.trim();

  return (
    <section className="exercise-form script-panel" data-testid="script-panel">
      <h3>{t('scripts.heading')}</h3>
      <p className="muted">{t('scripts.intro')}</p>
      {exercise ? (
        <form
          className="exercise-form script-save"
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            if (trimmed.length < NAME_MIN || trimmed.length > NAME_MAX) {
              setError(t('scripts.nameInvalid', { min: NAME_MIN, max: NAME_MAX }));
              return;
            }
            void act(() => save.mutateAsync([exercise.id, trimmed]), 'scripts.saveFailed').then(
              (ok) => ok && setName(''),
            );
          }}
        >
          <label>
            <span>{t('scripts.name')}</span>
            <input
              value={name}
              maxLength={NAME_MAX}
              placeholder={exercise.recordingName}
              data-testid="script-name"
              onChange={(e) => setName(e.target.value)}
            />
          </label>
          <button type="submit" disabled={busy} data-testid="script-save">
            {t('scripts.save')}
          </button>
        </form>
      ) : null}
      <label className="script-speed">
        <span>{t('exercises.start.speed')}</span>
        <select value={speed} onChange={(e) => setSpeed(e.target.value)}>
          {EXERCISE_SPEEDS.map((s) => (
            <option key={s} value={s}>
              ×{s}
            </option>
          ))}
        </select>
      </label>
      <ErrorNote error={error} />
      <ErrorNote error={loadError ? t('scripts.loadFailed', { reason: failureReason(loadError) }) : undefined} />
      {scripts && scripts.length ? (
        <ul className="script-list" data-testid="script-list">
          {scripts.map((s) => (
            <li key={s.id}>
              <strong>{s.name}</strong>{' '}
              <span className="muted">
                {t('scripts.summary', {
                  recording: s.recordingName ?? t('scripts.recordingGone'),
                  count: s.injects.length,
                  by: s.createdByName ?? s.createdBy,
                  at: formatTime(Date.parse(s.createdAt), lang, true),
                })}
              </span>{' '}
              <button
                type="button"
                disabled={busy || !s.recordingId || parsedSpeed === undefined}
                data-testid="script-start"
                onClick={() => void act(() => start.mutateAsync([s.id, parsedSpeed!]), 'scripts.startFailed')}
              >
                {t('scripts.start')}
              </button>{' '}
              <button
                type="button"
                disabled={busy}
                onClick={() => void act(() => remove.mutateAsync(s.id), 'scripts.deleteFailed')}
              >
                {t('scripts.delete')}
              </button>
            </li>
          ))}
        </ul>
      ) : scripts ? (
        <p className="empty">{t('scripts.none')}</p>
      ) : null}
    </section>
  );
}
