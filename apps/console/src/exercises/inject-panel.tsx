import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useQuery } from '@tanstack/react-query';
import type { ExerciseDto } from '@ioc/contracts';
import { failureReason } from '../api/http-client';
import type { IocApi } from '../api/ioc-api';
import { queryKeys } from '../api/query-keys';
import { ErrorNote } from '../error-note';
import { formatTime } from '../format';
import {
  buildInjectRequest,
  emptyInjectDraft,
  EXERCISE_INJECT_KINDS,
  FALSE_DETECTION_TYPES,
  hasDuration,
  INJECT_REPORT_CATEGORIES,
  INJECT_TARGETS,
  injectTargetOf,
  wardsOf,
  type ExerciseInjectKind,
  type InjectDraft,
  type InjectFormError,
} from './inject-model';
import { useExerciseInjects, useInject } from './use-injects';

interface Props {
  readonly api: IocApi;
  readonly exercise: ExerciseDto;
  /** Supervisors and trainers inject; operators (trainees) see the log only after the drill. */
  readonly canAct: boolean;
}

/**
 * The trainer's inject panel of the exercise on screen: the form (a kind, its target among the city's devices, wards or
 * gateways, when on the drill clock) while it runs, and its inject log with drill times and the incidents each caused.
 */
export function InjectPanel({ api, exercise, canAct }: Props) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language === 'en' ? 'en' : 'vi';
  const { data: log, error } = useExerciseInjects(api, exercise.id);
  const running = exercise.status === 'running';
  if (!canAct) return null;
  return (
    <section className="inject-panel" data-testid="inject-panel">
      <h3>{t('injects.heading')}</h3>
      <p className="muted">{t('injects.intro')}</p>
      {running ? <InjectForm api={api} exercise={exercise} /> : null}
      <ErrorNote error={error ? t('injects.loadFailed', { reason: failureReason(error) }) : undefined} />
      {log && log.length ? (
        <table className="inject-log" data-testid="inject-log">
          <thead>
            <tr>
              <th>#</th>
              <th>{t('injects.at')}</th>
              <th>{t('injects.kind')}</th>
              <th>{t('injects.target')}</th>
              <th>{t('injects.caused')}</th>
              <th>{t('injects.by')}</th>
            </tr>
          </thead>
          <tbody>
            {log.map((i) => (
              <tr key={i.seq} data-kind={i.kind}>
                <td>{i.seq}</td>
                <td>{formatTime(Date.parse(i.at), lang, true)}</td>
                <td>{t(`injects.kinds.${i.kind}`)}</td>
                <td>{injectTargetOf(i.params)}</td>
                <td>{i.incidentKeys.map((k) => k.slice(exercise.keyPrefix.length)).join(', ') || '—'}</td>
                <td>{i.createdByName ?? i.createdBy}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : log ? (
        <p className="empty">{t('injects.none')}</p>
      ) : null}
    </section>
  );
}

function InjectForm({ api, exercise }: { readonly api: IocApi; readonly exercise: ExerciseDto }) {
  const { t } = useTranslation();
  const inject = useInject(api, exercise.id);
  const { data: devices } = useQuery({ queryKey: queryKeys.devices(), queryFn: () => api.devices() });
  const [draft, setDraft] = useState<InjectDraft>(() => emptyInjectDraft());
  const [errors, setErrors] = useState<readonly InjectFormError[]>([]);
  const [serverError, setServerError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const set = (patch: Partial<InjectDraft>) => {
    setDraft((d) => ({ ...d, ...patch }));
    setErrors([]);
    setServerError(undefined);
  };
  const target = INJECT_TARGETS[draft.kind];
  const choices = useMemo(() => {
    if (target.of === 'ward') return wardsOf(devices ?? []);
    if (target.of === 'device')
      return (devices ?? [])
        .filter((d) => d.type === target.type)
        .map((d) => d.id)
        .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
    return [];
  }, [devices, target]);

  const submit = async () => {
    const r = buildInjectRequest(draft, exercise);
    if (!r.ok) {
      setErrors(r.errors);
      return;
    }
    setBusy(true);
    try {
      await inject.mutateAsync(r.body);
      setDraft((d) => ({ ...emptyInjectDraft(d.kind), target: d.target }));
    } catch (err) {
      setServerError(t('injects.failed', { reason: failureReason(err) }));
    } finally {
      setBusy(false);
    }
  };
  const has = (e: InjectFormError) => errors.includes(e);

  return (
    <form
      className="exercise-form inject-form"
      data-testid="inject-form"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <label>
        <span>{t('injects.kind')}</span>
        <select
          value={draft.kind}
          data-testid="inject-kind"
          onChange={(e) => set({ kind: e.target.value as ExerciseInjectKind, target: '' })}
        >
          {EXERCISE_INJECT_KINDS.map((k) => (
            <option key={k} value={k}>
              {t(`injects.kinds.${k}`)}
            </option>
          ))}
        </select>
      </label>
      <label>
        <span>{t(`injects.targets.${target.of}`)}</span>
        {target.of === 'gateway' ? (
          <input
            value={draft.target}
            placeholder="gw-p3-01"
            data-testid="inject-target"
            aria-invalid={has('target')}
            onChange={(e) => set({ target: e.target.value })}
          />
        ) : (
          <select
            value={draft.target}
            data-testid="inject-target"
            aria-invalid={has('target')}
            onChange={(e) => set({ target: e.target.value })}
          >
            <option value="">—</option>
            {choices.map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
        )}
      </label>
      {draft.kind === 'sensor-drift' ? (
        <label>
          <span>{t('injects.ratePerH')}</span>
          <input
            value={draft.ratePerH}
            inputMode="decimal"
            aria-invalid={has('rate')}
            onChange={(e) => set({ ratePerH: e.target.value })}
          />
        </label>
      ) : null}
      {draft.kind === 'false-detection' ? (
        <>
          <label>
            <span>{t('injects.eventType')}</span>
            <select value={draft.eventType} onChange={(e) => set({ eventType: e.target.value })}>
              {FALSE_DETECTION_TYPES.map((x) => (
                <option key={x} value={x}>
                  {t(`injects.eventTypes.${x}`)}
                </option>
              ))}
            </select>
          </label>
          <label>
            <span>{t('injects.count')}</span>
            <input
              value={draft.count}
              inputMode="numeric"
              aria-invalid={has('count')}
              onChange={(e) => set({ count: e.target.value })}
            />
          </label>
        </>
      ) : null}
      {draft.kind === 'field-report' ? (
        <>
          <label>
            <span>{t('injects.category')}</span>
            <select value={draft.category} onChange={(e) => set({ category: e.target.value })}>
              {INJECT_REPORT_CATEGORIES.map((c) => (
                <option key={c} value={c}>
                  {t(`injects.categories.${c}`)}
                </option>
              ))}
            </select>
          </label>
          <label>
            <span>{t('injects.text')}</span>
            <input value={draft.text} aria-invalid={has('text')} onChange={(e) => set({ text: e.target.value })} />
          </label>
          <label>
            <span>{t('injects.photoRef')}</span>
            <input
              value={draft.photoRef}
              placeholder="photos/2026/ngap-01.jpg"
              aria-invalid={has('photo')}
              onChange={(e) => set({ photoRef: e.target.value })}
            />
          </label>
        </>
      ) : null}
      {hasDuration(draft.kind) ? (
        <label>
          <span>{t('injects.durationMin')}</span>
          <input
            value={draft.durationMin}
            inputMode="numeric"
            placeholder={t('injects.untilEnd')}
            aria-invalid={has('duration')}
            onChange={(e) => set({ durationMin: e.target.value })}
          />
        </label>
      ) : null}
      <label>
        <span>{t('injects.when')}</span>
        <input
          type="datetime-local"
          value={draft.at}
          aria-invalid={has('at')}
          onChange={(e) => set({ at: e.target.value })}
        />
      </label>
      <ErrorNote error={errors.length ? errors.map((e) => t(`injects.errors.${e}`)).join(' · ') : undefined} />
      <ErrorNote error={serverError} />
      <button type="submit" disabled={busy} data-testid="inject-submit">
        {t('injects.submit')}
      </button>
    </form>
  );
}
