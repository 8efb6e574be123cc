import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ExerciseDto, RecordingDto } from '@ioc/contracts';
import { failureReason } from '../api/http-client';
import type { IocApi } from '../api/ioc-api';
import { ErrorNote } from '../error-note';
import { formatPercent, formatTime } from '../format';
import { cityLocalInput } from '../silences/silence-form';
import { IncidentRow } from '../incidents/incident-list';
import { bySeverityThenTime, type IncidentView } from '../incidents/incident-store';
import {
  buildRecordingRequest,
  currentExercise,
  emptyRecordingDraft,
  EXERCISE_SPEED_MAX,
  EXERCISE_SPEED_MIN,
  EXERCISE_SPEEDS,
  exerciseProgress,
  incidentsOf,
  parseSpeed,
  parseSeek,
  EXERCISE_CONTROL_SPEEDS,
  RECORDING_NAME_MAX,
  type RecordingBody,
  type RecordingDraft,
  type RecordingFormError,
} from './exercise-model';
import { useCheckedForm } from '../forms/use-checked-form';
import { InjectPanel } from './inject-panel';
import { ScriptPanel } from './script-panel';
import {
  useCreateRecording,
  useDeleteRecording,
  useExerciseIncidents,
  useExercises,
  useRecordings,
  useStartExercise,
  useStopExercise,
  useSteerExercise,
} from './use-exercises';

interface Props {
  readonly api: IocApi;
  /** Supervisors and trainers record, start, stop and delete; operators watch and handle the incidents. */
  readonly canAct: boolean;
  readonly selectedId?: string;
  /** Opens an exercise incident in the incident panel. */
  readonly onSelectIncident: (incident: IncidentView) => void;
}

/**
 * The Exercises tab (trainers): the running (or latest) exercise with its progress and its incidents, the form to
 * start one from a recording, the recordings (create, delete), and the exercises before it.
 */
export function ExercisesView({ api, canAct, selectedId, onSelectIncident }: Props) {
  const { t } = useTranslation();
  const exercises = useExercises(api);
  const { data: recordings, error: recordingsFailure } = useRecordings(api);
  const recordingsError = recordingsFailure
    ? t('exercises.loadFailed', { reason: failureReason(recordingsFailure) })
    : undefined;
  const start = useStartExercise(api);
  const stop = useStopExercise(api);
  const steer = useSteerExercise(api);
  const createRecording = useCreateRecording(api);
  const deleteRecording = useDeleteRecording(api);

  const current = currentExercise(exercises);
  const running = current?.status === 'running' ? current : undefined;
  const past = (exercises ?? []).filter((e) => e.status !== 'running');

  return (
    <section className="exercises" data-testid="exercises-view">
      <h2>{t('exercises.heading')}</h2>
      <p className="muted exercises-intro">{t('exercises.intro')}</p>
      {!exercises ? (
        <p className="muted">{t('exercises.loading')}</p>
      ) : !current ? (
        <p className="empty">{t('exercises.none')}</p>
      ) : null}
      {current ? (
        <>
          <ExerciseCard
            exercise={current}
            canStop={canAct}
            onStop={async () => {
              await stop.mutateAsync(current.id);
            }}
            onSteer={async (op, body) => {
              await steer.mutateAsync([current.id, op, body]);
            }}
          />
          <ExerciseIncidents
            api={api}
            keyPrefix={current.runPrefix}
            selectedId={selectedId}
            onSelect={onSelectIncident}
          />
          <InjectPanel api={api} exercise={current} canAct={canAct} />
        </>
      ) : null}
      <ScriptPanel api={api} canAct={canAct} exercise={current} />
      {canAct ? (
        <StartForm
          recordings={recordings}
          running={!!running}
          onStart={async (body) => {
            await start.mutateAsync(body);
          }}
        />
      ) : null}
      <Recordings
        recordings={recordings}
        error={recordingsError}
        canAct={canAct}
        onCreate={async (body) => {
          await createRecording.mutateAsync(body);
        }}
        onDelete={async (id) => {
          await deleteRecording.mutateAsync(id);
        }}
      />
      <History exercises={past} />
    </section>
  );
}

/** The running (or latest) exercise: what is replayed, how fast, how far, and Stop. */
function ExerciseCard({
  exercise: e,
  canStop,
  onStop,
  onSteer,
}: {
  readonly exercise: ExerciseDto;
  readonly canStop: boolean;
  readonly onStop: () => Promise<void>;
  readonly onSteer: (
    ...c: Parameters<IocApi['steerExercise']> extends [string, ...infer R] ? R : never
  ) => Promise<void>;
}) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language === 'en' ? 'en' : 'vi';
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const progress = exerciseProgress(e);
  const time = (iso: string) => formatTime(Date.parse(iso), lang, true);
  const [seekTo, setSeekTo] = useState('');
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
      className={`exercise-card exercise-${e.status}`}
      data-testid="exercise-status"
      data-status={e.status}
      data-exercise-id={e.id}
    >
      <div className="exercise-card-top">
        <span className={`exercise-status-badge exercise-status-${e.status}`}>{t(`exercises.status.${e.status}`)}</span>
        <strong className="exercise-name">{e.recordingName}</strong>
        <span className="exercise-speed" data-testid="exercise-speed-shown">
          {e.speed === 'max' ? t('exercises.speedMax') : t('exercises.speed', { speed: e.speed })}
        </span>
        {e.paused ? <span className="exercise-status-badge">{t('exercises.paused')}</span> : null}
      </div>
      <div className="exercise-drill-clock" data-testid="exercise-drill-clock">
        {t('exercises.drillClock', { time: time(e.drillTime) })}
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

/** The exercise's incidents, polled over REST while the tab is open; a click opens one in the incident panel. */
function ExerciseIncidents({
  api,
  keyPrefix,
  selectedId,
  onSelect,
}: {
  readonly api: IocApi;
  readonly keyPrefix: string;
  readonly selectedId?: string;
  readonly onSelect: (i: IncidentView) => void;
}) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language === 'en' ? 'en' : 'vi';
  const all = useExerciseIncidents(api);
  const incidents = useMemo(() => incidentsOf(all ?? [], keyPrefix).sort(bySeverityThenTime), [all, keyPrefix]);
  return (
    <section className="exercise-incidents" data-testid="exercise-incidents">
      <h3>
        {t('exercises.incidents')} <span className="tab-count">{incidents.length}</span>
      </h3>
      {!all ? (
        <p className="muted">{t('exercises.loading')}</p>
      ) : incidents.length === 0 ? (
        <p className="empty">{t('exercises.incidentsEmpty')}</p>
      ) : (
        <p className="muted exercises-hint">{t('exercises.incidentsHint')}</p>
      )}
      <ol className="incidents">
        {incidents.map((i) => (
          <li key={i.id}>
            <IncidentRow
              incident={i}
              selected={i.id === selectedId}
              onSelect={() => onSelect(i)}
              className="exercise-row"
              testId="exercise-incident"
            >
              <span className="exercise-badge">{t('exercises.badge')}</span>{' '}
              {t('list.opened', { time: formatTime(i.openedAt, lang) })}
            </IncidentRow>
          </li>
        ))}
      </ol>
    </section>
  );
}

/** Pick a recording and a speed, Start. One exercise at a time: while one runs the form waits. */
function StartForm({
  recordings,
  running,
  onStart,
}: {
  readonly recordings?: readonly RecordingDto[];
  readonly running: boolean;
  readonly onStart: (body: { recordingId: string; speed: number }) => Promise<void>;
}) {
  const { t } = useTranslation();
  const [recordingId, setRecordingId] = useState('');
  const [speed, setSpeed] = useState('60');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  // The newest recording until another is picked (or the picked one is deleted).
  const chosen = recordings?.some((r) => r.id === recordingId) ? recordingId : (recordings?.[0]?.id ?? '');
  const parsedSpeed = parseSpeed(speed);

  const submit = async () => {
    if (parsedSpeed === undefined) {
      setError(t('exercises.start.speedInvalid'));
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      await onStart({ recordingId: chosen, speed: parsedSpeed });
    } catch (err) {
      setError(t('exercises.start.failed', { reason: failureReason(err) }));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form
      className="exercise-form"
      data-testid="exercise-form"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <h3>{t('exercises.start.heading')}</h3>
      <label>
        <span>{t('exercises.start.recording')}</span>
        <select
          value={chosen}
          onChange={(e) => setRecordingId(e.target.value)}
          disabled={!recordings?.length}
          data-testid="exercise-recording"
        >
          {recordings?.length ? null : <option value="">—</option>}
          {(recordings ?? []).map((r) => (
            <option key={r.id} value={r.id}>
              {r.name}
            </option>
          ))}
        </select>
      </label>
      <label>
        <span>{t('exercises.start.speed')}</span>
        <span className="speed-picker">
          {EXERCISE_SPEEDS.map((s) => (
            <button
              type="button"
              key={s}
              className={parsedSpeed === s ? 'on' : ''}
              onClick={() => {
                setSpeed(String(s));
                setError(undefined);
              }}
              data-speed={s}
            >
              ×{s}
            </button>
          ))}
          <input
            type="number"
            min={EXERCISE_SPEED_MIN}
            max={EXERCISE_SPEED_MAX}
            step={1}
            value={speed}
            onChange={(e) => {
              setSpeed(e.target.value);
              setError(undefined);
            }}
            aria-label={t('exercises.start.speed')}
            data-testid="exercise-speed"
          />
        </span>
      </label>
      <p className="muted form-hint">{t('exercises.start.speedHint')}</p>
      {recordings && recordings.length === 0 ? (
        <p className="muted form-hint">{t('exercises.start.noRecording')}</p>
      ) : null}
      {running ? <p className="muted form-hint">{t('exercises.start.running')}</p> : null}
      {error ? (
        <p className="error" role="alert" data-testid="exercise-form-error">
          {error}
        </p>
      ) : null}
      <div className="form-buttons">
        <button type="submit" className="primary" disabled={busy || running || !chosen} data-testid="exercise-start">
          {t('exercises.start.submit')}
        </button>
      </div>
    </form>
  );
}

interface RecordingsProps {
  readonly recordings?: readonly RecordingDto[];
  readonly error?: string;
  readonly canAct: boolean;
  /** Throw the server's refusal. */
  readonly onCreate: (body: RecordingBody) => Promise<void>;
  readonly onDelete: (id: string) => Promise<void>;
}

/** The recordings (newest first): name, window, messages and field reports, who made it; a form for a new one; delete, confirmed. */
function Recordings({ recordings, error, canAct, onCreate, onDelete }: RecordingsProps) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language === 'en' ? 'en' : 'vi';
  const [formOpen, setFormOpen] = useState(false);
  const [confirmId, setConfirmId] = useState<string>();
  const [busyId, setBusyId] = useState<string>();
  const [deleteError, setDeleteError] = useState<string>();
  const time = (iso: string) => formatTime(Date.parse(iso), lang, true);
  const count = (n: number) => new Intl.NumberFormat(lang === 'vi' ? 'vi-VN' : 'en-GB').format(n);

  const remove = async (id: string) => {
    setBusyId(id);
    setDeleteError(undefined);
    try {
      await onDelete(id);
      setConfirmId(undefined);
    } catch (err) {
      setDeleteError(t('exercises.recordings.deleteFailed', { reason: failureReason(err) }));
    } finally {
      setBusyId(undefined);
    }
  };

  return (
    <section className="recordings" data-testid="recordings">
      <div className="exercises-subhead">
        <h3>{t('exercises.recordings.heading')}</h3>
        {canAct && !formOpen ? (
          <button type="button" className="primary" onClick={() => setFormOpen(true)} data-testid="recording-new">
            + {t('exercises.recordings.new')}
          </button>
        ) : null}
      </div>
      {canAct && formOpen ? (
        <RecordingForm
          onCancel={() => setFormOpen(false)}
          onCreate={async (body) => {
            await onCreate(body);
            setFormOpen(false);
          }}
        />
      ) : null}
      <ErrorNote error={error ?? deleteError} />
      {!recordings ? null : recordings.length === 0 ? <p className="empty">{t('exercises.recordings.empty')}</p> : null}
      <ol className="recording-list">
        {(recordings ?? []).map((r) => (
          <li key={r.id} className="recording-item" data-recording-id={r.id} data-testid="recording">
            <div className="recording-top">
              <strong className="recording-name">{r.name}</strong>
              <span className="recording-messages">
                {t('exercises.recordings.messages', { n: count(r.messages) })}
                {r.reports > 0 ? ` · ${t('exercises.recordings.reports', { n: count(r.reports) })}` : null}
              </span>
            </div>
            <div className="recording-meta">
              <span className="time">{t('exercises.recordings.window', { from: time(r.from), to: time(r.to) })}</span>
              <span>
                {t('exercises.recordings.createdBy', {
                  name: r.createdByName ?? r.createdBy.slice(0, 8),
                  time: time(r.createdAt),
                })}
              </span>
            </div>
            {canAct ? (
              confirmId === r.id ? (
                <div className="recording-confirm">
                  <span>{t('exercises.recordings.confirmDelete')}</span>
                  <button
                    type="button"
                    className="danger"
                    disabled={busyId === r.id}
                    onClick={() => void remove(r.id)}
                    data-testid="recording-delete-confirm"
                  >
                    {t('exercises.recordings.confirm')}
                  </button>
                  <button type="button" onClick={() => setConfirmId(undefined)}>
                    {t('exercises.recordings.cancel')}
                  </button>
                </div>
              ) : (
                <button
                  type="button"
                  className="recording-delete"
                  onClick={() => setConfirmId(r.id)}
                  data-testid="recording-delete"
                >
                  {t('exercises.recordings.delete')}
                </button>
              )
            ) : null}
          </li>
        ))}
      </ol>
    </section>
  );
}

/** A new recording: name and window in city time, checked as the server checks it. */
function RecordingForm({
  onCancel,
  onCreate,
}: {
  readonly onCancel: () => void;
  readonly onCreate: (body: RecordingBody) => Promise<void>;
}) {
  const { t } = useTranslation();
  const { draft, set, errors, serverError, busy, submit } = useCheckedForm<
    RecordingDraft,
    RecordingBody,
    RecordingFormError
  >(
    () => emptyRecordingDraft(Date.now()),
    buildRecordingRequest,
    onCreate,
    (err) => t('exercises.recordingForm.failed', { reason: failureReason(err) }),
  );

  return (
    <form
      className="exercise-form recording-form"
      data-testid="recording-form"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <h3>{t('exercises.recordingForm.heading')}</h3>
      <p className="muted form-hint">{t('exercises.recordingForm.hint')}</p>
      <label>
        <span>{t('exercises.recordingForm.name')}</span>
        <input
          value={draft.name}
          maxLength={RECORDING_NAME_MAX}
          onChange={(e) => set({ name: e.target.value })}
          placeholder={t('exercises.recordingForm.namePlaceholder')}
          data-testid="recording-name"
        />
      </label>
      <label>
        <span>{t('exercises.recordingForm.from')}</span>
        <input
          type="datetime-local"
          value={draft.from}
          onChange={(e) => set({ from: e.target.value })}
          data-testid="recording-from"
        />
      </label>
      <label>
        <span>{t('exercises.recordingForm.to')}</span>
        <input
          type="datetime-local"
          value={draft.to}
          onChange={(e) => set({ to: e.target.value })}
          data-testid="recording-to"
        />
      </label>
      {errors.length || serverError ? (
        <ul className="error form-errors" role="alert" data-testid="recording-form-error">
          {errors.map((e) => (
            <li key={e}>{t(`exercises.recordingError.${e}`)}</li>
          ))}
          {serverError ? <li>{serverError}</li> : null}
        </ul>
      ) : null}
      <div className="form-buttons">
        <button type="button" onClick={onCancel}>
          {t('exercises.recordingForm.cancel')}
        </button>
        <button type="submit" className="primary" disabled={busy} data-testid="recording-create">
          {t('exercises.recordingForm.submit')}
        </button>
      </div>
    </form>
  );
}

/** The exercises that have ended (the server keeps the last 50): what, how fast, who started and ended them. */
function History({ exercises }: { readonly exercises: readonly ExerciseDto[] }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language === 'en' ? 'en' : 'vi';
  const time = (iso: string) => formatTime(Date.parse(iso), lang, true);
  return (
    <section className="exercise-history" data-testid="exercise-history">
      <h3>{t('exercises.history.heading')}</h3>
      {exercises.length === 0 ? (
        <p className="empty">{t('exercises.history.empty')}</p>
      ) : (
        <table className="exercise-table">
          <thead>
            <tr>
              <th>{t('exercises.history.exercise')}</th>
              <th>{t('exercises.history.started')}</th>
              <th>{t('exercises.history.ended')}</th>
            </tr>
          </thead>
          <tbody>
            {exercises.map((e) => (
              <tr key={e.id} data-exercise-id={e.id} data-status={e.status}>
                <td>
                  <span className={`exercise-status-badge exercise-status-${e.status}`}>
                    {t(`exercises.status.${e.status}`)}
                  </span>
                  <span className="cell-main">{e.recordingName}</span>
                  <span className="cell-sub">
                    {t('exercises.speed', { speed: e.speed })} ·{' '}
                    {t('exercises.history.signals', { count: e.signalsApplied })}
                  </span>
                </td>
                <td>
                  <span className="cell-main">{e.startedByName ?? e.startedBy.slice(0, 8)}</span>
                  <span className="cell-sub time">{time(e.startedAt)}</span>
                </td>
                <td>
                  {e.endedAt ? <span className="cell-sub time">{time(e.endedAt)}</span> : null}
                  {e.endedBy ? <span className="cell-main">{e.endedByName ?? e.endedBy.slice(0, 8)}</span> : null}
                  {e.error ? <span className="cell-sub error">{e.error}</span> : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
