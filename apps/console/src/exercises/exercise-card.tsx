import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ExerciseDto } from '@ioc/contracts';
import { failureReason } from '../api/http-client';
import type { IocApi } from '../api/ioc-api';
import { ErrorNote } from '../error-note';
import { formatPercent, formatTime } from '../format';
import { drillClock } from '../clock/running-clock';
import { useClockReading } from '../clock/use-running-clock';
import { cityLocalInput } from '../silences/silence-form';
import { EXERCISE_CONTROL_SPEEDS, exerciseProgress, parseSeek } from './exercise-model';

/** A control of a running exercise, as `IocApi.steerExercise` takes it after the exercise's id. */
export type SteerCommand = Parameters<IocApi['steerExercise']> extends [string, ...infer R] ? R : never;

/**
 * One exercise (a running one, or the latest): what is replayed, its drill clock, how fast, how far, its controls and
 * Stop. Several run at once: each has its card, and the trainer picks the one to watch (its incidents are listed).
 */
export function ExerciseCard({
  exercise: e,
  canStop,
  watched,
  onWatch,
  clockSpeed,
  onStop,
  onSteer,
}: {
  readonly exercise: ExerciseDto;
  readonly canStop: boolean;
  /** This is the exercise whose incidents the tab lists. */
  readonly watched: boolean;
  /** Watch this one instead (offered while several exercises are shown). */
  readonly onWatch?: () => void;
  /** The IOC's clock speed (a scenario clock runs the drill clock that much faster too); 1 when unknown. */
  readonly clockSpeed?: number;
  readonly onStop: () => Promise<void>;
  readonly onSteer: (...c: SteerCommand) => Promise<void>;
}) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language === 'en' ? 'en' : 'vi';
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const progress = exerciseProgress(e);
  const time = (iso: string) => formatTime(Date.parse(iso), lang, true);
  const [seekTo, setSeekTo] = useState('');
  // The drill clock runs on between two reads at the exercise's speed (still while paused), from when this read came.
  const { status, paused, speed, drillTime, to } = e;
  const drill = useMemo(
    () => drillClock({ status, paused, speed, drillTime, to }, Date.now(), clockSpeed),
    [status, paused, speed, drillTime, to, clockSpeed],
  );
  const drillNow = useClockReading(drill) ?? Date.parse(drillTime);
  const act = async (f: () => Promise<void>) => {
    setBusy(true);
    setError(undefined);
    try {
      await f();
    } catch (err) {
      setError(t('exercises.control.failed', { reason: failureReason(err) }));
    } finally {
      setBusy(false);
    }
  };
  const seek = () => {
    const to = parseSeek(seekTo, e);
    if (!to) return setError(t('exercises.control.seekInvalid'));
    void act(() => onSteer('seek', { to }));
  };
  const stop = async () => {
    setBusy(true);
    setError(undefined);
    try {
      await onStop();
    } catch (err) {
      setError(t('exercises.stopFailed', { reason: failureReason(err) }));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div
      className={`exercise-card exercise-${e.status}${watched ? ' exercise-watched' : ''}`}
      data-testid="exercise-status"
      data-status={e.status}
      data-exercise-id={e.id}
      data-watched={watched}
      aria-current={watched ? 'true' : undefined}
    >
      <div className="exercise-card-top">
        <span className={`exercise-status-badge exercise-status-${e.status}`}>{t(`exercises.status.${e.status}`)}</span>
        <strong className="exercise-name">{e.recordingName}</strong>
        <span className="exercise-speed" data-testid="exercise-speed-shown">
          {e.speed === 'max' ? t('exercises.speedMax') : t('exercises.speed', { speed: e.speed })}
        </span>
        {e.paused ? <span className="exercise-status-badge">{t('exercises.paused')}</span> : null}
        {onWatch ? (
          watched ? (
            <span className="exercise-watching" data-testid="exercise-watching">
              {t('exercises.watching')}
            </span>
          ) : (
            <button type="button" className="exercise-watch" onClick={onWatch} data-testid="exercise-watch">
              {t('exercises.watch')}
            </button>
          )
        ) : null}
      </div>
      <div
        className="exercise-drill-clock"
        data-testid="exercise-drill-clock"
        data-drill-time={Math.floor(drillNow)}
        data-running={drill.rate > 0}
      >
        {t('exercises.drillClock', { time: formatTime(drillNow, lang, true) })}
        {e.run > 0 ? ` · ${t('exercises.run', { run: e.run + 1 })}` : null}
      </div>
      <div
        className="exercise-progress"
        role="progressbar"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={Math.round(progress * 100)}
        data-testid="exercise-progress"
      >
        <div className="exercise-progress-bar" style={{ width: `${(progress * 100).toFixed(1)}%` }} />
      </div>
      <div className="exercise-meta">
        <span>
          {e.replayedTo ? t('exercises.progress', { time: time(e.replayedTo) }) : t('exercises.notStarted')} ·{' '}
          {formatPercent(progress, lang)}
        </span>
        {/* Its incidents' key prefix: tells apart exercises of one recording run at once. */}
        <span className="exercise-key" data-testid="exercise-key">
          {e.keyPrefix.replace(/\/$/, '')}
        </span>
        <span data-testid="exercise-signals">{t('exercises.signals', { count: e.signalsApplied })}</span>
        {e.status === 'running' && e.endsAt ? <span>{t('exercises.endsAt', { time: time(e.endsAt) })}</span> : null}
        <span>
          {t('exercises.startedBy', { name: e.startedByName ?? e.startedBy.slice(0, 8), time: time(e.startedAt) })}
        </span>
        {e.endedAt ? (
          <span>
            {e.endedBy
              ? t('exercises.stoppedBy', { name: e.endedByName ?? e.endedBy.slice(0, 8), time: time(e.endedAt) })
              : t('exercises.endedAt', { time: time(e.endedAt) })}
          </span>
        ) : null}
        {e.error ? <span className="error">{t('exercises.error', { error: e.error })}</span> : null}
      </div>
      {canStop && e.status === 'running' ? (
        <div className="exercise-controls" data-testid="exercise-controls">
          <button
            type="button"
            disabled={busy}
            onClick={() => void act(() => onSteer(e.paused ? 'resume' : 'pause'))}
            data-testid="exercise-pause"
          >
            {e.paused ? t('exercises.control.resume') : t('exercises.control.pause')}
          </button>
          <select
            value={String(e.speed)}
            disabled={busy}
            aria-label={t('exercises.start.speed')}
            onChange={(ev) => {
              const v = ev.target.value;
              void act(() => onSteer('speed', { speed: v === 'max' ? 'max' : Number(v) }));
            }}
            data-testid="exercise-speed-control"
          >
            {[...new Set([...EXERCISE_CONTROL_SPEEDS, e.speed])].map((s) => (
              <option key={s} value={String(s)}>
                {s === 'max' ? t('exercises.speedMax') : t('exercises.speed', { speed: s })}
              </option>
            ))}
          </select>
          <input
            type="datetime-local"
            step={1}
            value={seekTo}
            min={cityLocalInput(Date.parse(e.from))}
            max={cityLocalInput(Date.parse(e.to))}
            onChange={(ev) => setSeekTo(ev.target.value)}
            aria-label={t('exercises.control.seekTo')}
            data-testid="exercise-seek-to"
          />
          <button type="button" disabled={busy || !seekTo} onClick={seek} data-testid="exercise-seek">
            {t('exercises.control.seek')}
          </button>
        </div>
      ) : null}
      {canStop && e.status === 'running' ? (
        <button
          type="button"
          className="exercise-stop"
          disabled={busy}
          onClick={() => void stop()}
          data-testid="exercise-stop"
        >
          {t('exercises.stop')}
        </button>
      ) : null}
      <ErrorNote error={error} />
    </div>
  );
}
