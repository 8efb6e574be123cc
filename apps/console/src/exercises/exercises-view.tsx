import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ExerciseDto, RecordingDto } from '@ioc/contracts';
import { failureReason } from '../api/http-client';
import type { IocApi } from '../api/ioc-api';
import { ErrorNote } from '../error-note';
import { formatTime } from '../format';
import { IncidentRow } from '../incidents/incident-list';
import { bySeverityThenTime, type IncidentView } from '../incidents/incident-store';
import {
  buildRecordingRequest,
  emptyRecordingDraft,
  EXERCISE_SPEED_MAX,
  EXERCISE_SPEED_MIN,
  EXERCISE_SPEEDS,
  exerciseCards,
  incidentsOf,
  parseSpeed,
  RECORDING_NAME_MAX,
  type RecordingBody,
  type RecordingDraft,
  type RecordingFormError,
  watchedExercise,
} from './exercise-model';
import { useIocClock } from '../clock/use-running-clock';
import { ExerciseCard } from './exercise-card';
import { RecordingExportButton, RecordingImport } from './recording-transfer-buttons';
import { useCheckedForm } from '../forms/use-checked-form';
import { InjectPanel } from './inject-panel';
import { ScriptPanel } from './script-panel';
import { ExerciseReportView } from './report-view';
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
import { TraineesPanel } from './trainees-panel';
import { ScoreboardPanel } from './scoreboard-panel';

interface Props {
  readonly api: IocApi;
  /** Supervisors and trainers record, start, stop and delete; operators watch and handle the incidents. */
  readonly canAct: boolean;
  readonly selectedId?: string;
  /** Opens an exercise incident in the incident panel. */
  readonly onSelectIncident: (incident: IncidentView) => void;
  /** Told the run prefix of the exercise watched (undefined: none, or the tab closed), so the map shows its incidents. */
  readonly onWatch?: (runPrefix: string | undefined) => void;
}

/**
 * The Exercises tab (trainers): the running (or latest) exercise with its progress and its incidents, the form to
 * start one from a recording, the recordings (create, delete), and the exercises before it.
 */
export function ExercisesView({ api, canAct, selectedId, onSelectIncident, onWatch }: Props) {
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

  // Several exercises may run at once: the trainer watches one (its incidents are listed), the latest by default.
  const [watchedId, setWatchedId] = useState<string>();
  const current = watchedExercise(exercises, watchedId);
  const running = current?.status === 'running' ? current : undefined;
  const cards = exerciseCards(exercises, current);
  const iocClock = useIocClock(api);
  const past = (exercises ?? []).filter((e) => e.status !== 'running');
  const watchedPrefix = current?.runPrefix;
  useEffect(() => {
    onWatch?.(watchedPrefix);
    return () => onWatch?.(undefined);
  }, [onWatch, watchedPrefix]);

  return (
    <section className="exercises" data-testid="exercises-view">
      <h2>{t('exercises.heading')}</h2>
      <p className="muted exercises-intro">{t('exercises.intro')}</p>
      {!exercises ? (
        <p className="muted">{t('exercises.loading')}</p>
      ) : !current ? (
        <p className="empty">{t('exercises.none')}</p>
      ) : null}
      {cards.length > 1 ? (
        <p className="muted exercises-hint">{t('exercises.several', { count: cards.length })}</p>
      ) : null}
      {cards.map((e) => (
        <ExerciseCard
          key={e.id}
          exercise={e}
          canStop={canAct}
          watched={e.id === current?.id}
          onWatch={cards.length > 1 ? () => setWatchedId(e.id) : undefined}
          clockSpeed={iocClock?.speed}
          onStop={async () => {
            await stop.mutateAsync(e.id);
          }}
          onSteer={async (op, body) => {
            await steer.mutateAsync([e.id, op, body]);
          }}
        />
      ))}
      {current ? (
        <>
          <ExerciseIncidents
            api={api}
            keyPrefix={current.runPrefix}
            selectedId={selectedId}
            onSelect={onSelectIncident}
          />
          <InjectPanel api={api} exercise={current} canAct={canAct} />
          <TraineesPanel api={api} exercise={current} canAct={canAct} />
          <ScoreboardPanel api={api} exercise={current} canAct={canAct} />
        </>
      ) : null}
      <ScriptPanel api={api} canAct={canAct} exercise={current} />
      {canAct ? (
        <StartForm
          recordings={recordings}
          running={!!running}
          onStart={async (body) => {
            // The exercise just started is the one the trainer wants to watch.
            setWatchedId((await start.mutateAsync(body)).id);
          }}
        />
      ) : null}
      <Recordings
        api={api}
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
      {canAct ? <ExerciseReportView api={api} exercises={past} /> : null}
    </section>
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

/** Pick a recording and a speed, Start. Several may run (up to the server's EXERCISES_MAX_RUNNING; beyond, it refuses). */
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
        <button type="submit" className="primary" disabled={busy || !chosen} data-testid="exercise-start">
          {t('exercises.start.submit')}
        </button>
      </div>
    </form>
  );
}

interface RecordingsProps {
  readonly api: IocApi;
  readonly recordings?: readonly RecordingDto[];
  readonly error?: string;
  readonly canAct: boolean;
  /** Throw the server's refusal. */
  readonly onCreate: (body: RecordingBody) => Promise<void>;
  readonly onDelete: (id: string) => Promise<void>;
}

/** The recordings (newest first): name, window, messages and field reports, who made it; a form for a new one; delete, confirmed. */
function Recordings({ api, recordings, error, canAct, onCreate, onDelete }: RecordingsProps) {
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
      {canAct ? <RecordingImport api={api} /> : null}
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
            {canAct ? <RecordingExportButton api={api} recording={r} /> : null}
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
