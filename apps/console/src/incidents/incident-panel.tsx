import { useMemo, useState } from 'react';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import type { Evidence, StoredIncidentEvent } from '@ioc/domain';
import { failureReason } from '../api/http-client';
import type { IocApi, ReadingDto } from '../api/ioc-api';
import { ReadingsChart, type ChartSeries } from '../charts/readings-chart';
import type { CityModel } from '../city/city-model';
import { formatTime } from '../format';
import { ErrorNote } from '../error-note';
import type { IncidentView } from './incident-store';
import {
  CHART_BEFORE_MS,
  useIncidentAction,
  useIncidentDetail,
  useIncidentReadings,
  type IncidentAction,
} from './use-incident';

interface Props {
  readonly incident: IncidentView;
  readonly api: IocApi;
  readonly city: CityModel;
  readonly wardOf: (i: IncidentView) => string | undefined;
  /** Devices of the incident's zone of the kinds its evidence names (the neighbours behind a zone's median). */
  readonly zoneDevices: (i: IncidentView) => readonly string[];
  /** Whether this user may act on incidents (INCIDENT_ACT_ROLES); trainers and others only read. */
  readonly canAct: boolean;
  readonly onClose: () => void;
  /** After an action on a live incident: take the server's record into the live list now. */
  readonly onChanged?: (id: string) => Promise<void>;
  /** "Silence similar": the silence form, filled with this incident's type and zone (operators and supervisors). */
  readonly onSilenceSimilar?: (i: IncidentView) => void;
}

/** Devices whose readings are fetched (the evidence's first), and lines drawn at most (those with readings). */
const MAX_CHART_DEVICES = 12;
const MAX_CHART_LINES = 6;
/** Until the first answer (and for an exercise incident, which has no chart): no readings. */
const NO_READINGS: Readonly<Record<string, readonly ReadingDto[]>> = {};

/** The incident panel: state and actions, SOP checklist, readings chart, snapshots, evidence and the audit timeline. */
export function IncidentPanel({
  incident,
  api,
  city,
  wardOf,
  zoneDevices,
  canAct,
  onClose,
  onChanged,
  onSilenceSimilar,
}: Props) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language === 'en' ? 'en' : 'vi';
  const { data: detail, error: detailError } = useIncidentDetail(api, incident);
  const action = useIncidentAction(incident, onChanged);
  const busy = action.isPending;
  const error = action.isError
    ? t('panel.actionFailed', { reason: failureReason(action.error) })
    : detailError?.message;
  const [assignee, setAssignee] = useState('');
  const [comment, setComment] = useState('');
  const [resolution, setResolution] = useState('');

  // The evidence's devices first, then their neighbours in the zone; a stable key so polling does not refetch.
  // An exercise incident's readings are its recording's, replayed on the exercise's clock: the devices' live readings
  // would tell another story, so it has no chart (its evidence quotes the recorded values).
  const devicesKey = incident.exercise
    ? ''
    : [
        ...new Set([
          ...incident.evidence.map((e) => e.deviceId).filter((d): d is string => !!d),
          ...zoneDevices(incident),
        ]),
      ]
        .slice(0, MAX_CHART_DEVICES)
        .join(',');
  const devices = useMemo(() => (devicesKey ? devicesKey.split(',') : []), [devicesKey]);
  const readings = useIncidentReadings(api, devices, incident) ?? NO_READINGS;

  const series = useMemo(() => chartSeries(incident.evidence, readings), [incident.evidence, readings]);
  const chartFrom = Math.min(incident.openedAt, Date.now()) - CHART_BEFORE_MS;

  const act = (run: IncidentAction['run'], after?: IncidentAction['after']) => action.mutate({ run, after });

  const actorName = (id: string) => detail?.actors?.[id]?.displayName ?? (id === 'system' ? 'IOC' : id);
  const ward = wardOf(incident);
  const zoneName =
    incident.zone.kind === 'ward'
      ? city.wardName(incident.zone.id)
      : `${city.zoneName(incident.zone.id)}${ward ? ` · ${city.wardName(ward)}` : ''}`;
  const active = incident.state === 'open' || incident.state === 'acknowledged' || incident.state === 'assigned';
  const snapshots = incident.evidence.filter((e) => e.ref);
  const steps = incident.sop?.steps ?? [];
  const progress = new Map((detail?.sop ?? []).map((p) => [p.id, p]));
  const doneCount = steps.filter(
    (s) => progress.get(s.id)?.doneAt !== undefined || incident.sopDone.some((d) => d.stepId === s.id),
  ).length;

  return (
    <aside
      className={`panel sev-${incident.severity}${incident.exercise ? ' exercise' : ''}`}
      data-testid="incident-panel"
      data-incident-id={incident.id}
      data-state={incident.state}
      data-exercise={incident.exercise}
    >
      <header className="panel-head">
        <span className={`sev-badge sev-${incident.severity}`}>{t(`severity.${incident.severity}`)}</span>
        {incident.exercise ? (
          <span className="exercise-badge" data-testid="panel-exercise-badge">
            {t('exercises.badge')}
          </span>
        ) : null}
        <h2>{incident.title[lang]}</h2>
        <button type="button" className="close" onClick={onClose} aria-label={t('panel.close')}>
          ×
        </button>
      </header>
      {incident.exercise ? <p className="exercise-note">{t('panel.exerciseNote')}</p> : null}
      <dl className="facts">
        <dt>{t('panel.state')}</dt>
        <dd>
          <span className={`state-badge state-${incident.state}`} data-testid="panel-state">
            {t(`state.${incident.state}`)}
          </span>
          {incident.acknowledgedBy ? (
            <span data-testid="acknowledged-by"> · {actorName(incident.acknowledgedBy)}</span>
          ) : null}
        </dd>
        <dt>{t('panel.zone')}</dt>
        <dd>{zoneName}</dd>
        <dt>{t('panel.opened')}</dt>
        <dd>{formatTime(incident.openedAt, lang, true)}</dd>
        {incident.assignee ? (
          <>
            <dt>{t('panel.assignee')}</dt>
            <dd>{incident.assignee}</dd>
          </>
        ) : null}
        {incident.escalationLevel > 0 ? (
          <>
            <dt>{t('panel.escalation')}</dt>
            <dd>{incident.escalationLevel}</dd>
          </>
        ) : null}
      </dl>

      {canAct ? (
        <div className="actions">
          {incident.state === 'open' ? (
            <button
              type="button"
              className="primary"
              disabled={busy}
              onClick={() => act(() => api.acknowledge(incident.id))}
              data-testid="action-acknowledge"
            >
              {t('panel.acknowledge')}
            </button>
          ) : null}
          {active ? (
            <form
              className="inline-form"
              onSubmit={(e) => {
                e.preventDefault();
                if (assignee.trim())
                  act(
                    () => api.assign(incident.id, assignee.trim()),
                    () => setAssignee(''),
                  );
              }}
            >
              <input
                value={assignee}
                onChange={(e) => setAssignee(e.target.value)}
                placeholder={t('panel.assignTo')}
                aria-label={t('panel.assignTo')}
                data-testid="assign-input"
              />
              <button type="submit" disabled={busy || !assignee.trim()} data-testid="action-assign">
                {t('panel.assign')}
              </button>
            </form>
          ) : null}
          <form
            className="inline-form"
            onSubmit={(e) => {
              e.preventDefault();
              if (comment.trim())
                act(
                  () => api.comment(incident.id, comment.trim()),
                  () => setComment(''),
                );
            }}
          >
            <input
              value={comment}
              onChange={(e) => setComment(e.target.value)}
              placeholder={t('panel.commentPlaceholder')}
              aria-label={t('panel.comment')}
              data-testid="comment-input"
            />
            <button type="submit" disabled={busy || !comment.trim()} data-testid="action-comment">
              {t('panel.send')}
            </button>
          </form>
          {active ? (
            <form
              className="inline-form"
              onSubmit={(e) => {
                e.preventDefault();
                act(
                  () => api.resolve(incident.id, resolution.trim() || undefined),
                  () => setResolution(''),
                );
              }}
            >
              <input
                value={resolution}
                onChange={(e) => setResolution(e.target.value)}
                placeholder={t('panel.resolution')}
                aria-label={t('panel.resolution')}
                data-testid="resolve-input"
              />
              <button type="submit" className="resolve" disabled={busy} data-testid="action-resolve">
                {t('panel.resolve')}
              </button>
            </form>
          ) : null}
          {incident.state === 'resolved' ? (
            <button
              type="button"
              disabled={busy}
              onClick={() => act(() => api.reopen(incident.id))}
              data-testid="action-reopen"
            >
              {t('panel.reopen')}
            </button>
          ) : null}
          {onSilenceSimilar ? (
            <button
              type="button"
              className="silence-similar"
              onClick={() => onSilenceSimilar(incident)}
              data-testid="action-silence-similar"
            >
              {t('panel.silenceSimilar')}
            </button>
          ) : null}
          <ErrorNote error={error} />
        </div>
      ) : (
        <div className="actions">
          <p className="muted read-only" data-testid="panel-read-only">
            {t('panel.readOnly')}
          </p>
          <ErrorNote error={error} />
        </div>
      )}

      <section className="sop" data-testid="sop">
        <h3>
          {t('panel.sop')}{' '}
          {steps.length ? <small>{t('panel.sopProgress', { done: doneCount, total: steps.length })}</small> : null}
        </h3>
        {steps.length === 0 ? <p className="muted">{t('panel.noSop')}</p> : null}
        <ol>
          {steps.map((s) => {
            const p = progress.get(s.id);
            const done = p?.doneAt !== undefined || incident.sopDone.some((d) => d.stepId === s.id);
            return (
              <li key={s.id} className={`${done ? 'done' : ''}${p?.overdue ? ' overdue' : ''}`} data-step-id={s.id}>
                <label>
                  <input
                    type="checkbox"
                    checked={done}
                    disabled={done || busy || !active || !canAct}
                    onChange={() => act(() => api.completeSopStep(incident.id, s.id))}
                  />
                  <span>{s.text[lang]}</span>
                </label>
                <small>
                  {s.owner}
                  {p ? ` · ${t('panel.sopDue', { time: formatTime(p.dueAt, lang) })}` : ''}
                </small>
              </li>
            );
          })}
        </ol>
      </section>

      <section className="readings">
        <h3>{t('panel.readings')}</h3>
        {series.length ? (
          <ReadingsChart series={series} openedAt={incident.openedAt} from={chartFrom} />
        ) : (
          <p className="muted">
            {incident.exercise
              ? t('panel.exerciseReadings')
              : devices.length
                ? t('panel.loading')
                : t('panel.noReadings')}
          </p>
        )}
      </section>

      <section className="snapshots">
        <h3>{t('panel.snapshots')}</h3>
        {snapshots.length === 0 ? <p className="muted">{t('panel.noSnapshots')}</p> : null}
        <ul>
          {snapshots.map((e, i) => (
            <li key={`${e.msgId ?? i}`}>
              <code>{e.ref}</code>{' '}
              <small>
                {e.deviceId} · {formatTime(e.at, lang)}
              </small>
            </li>
          ))}
        </ul>
      </section>

      <section className="evidence">
        <h3>
          {t('panel.evidence')} <small>({incident.evidenceCount})</small>
        </h3>
        <ul>
          {[...incident.evidence].reverse().map((e, i) => (
            <li key={`${e.deviceId ?? ''}-${e.msgId ?? i}`}>
              <span className="time">{formatTime(e.at, lang)}</span>{' '}
              <span className={`source source-${e.source}`}>{e.source}</span> {e.summary}
            </li>
          ))}
        </ul>
      </section>

      <section className="timeline" data-testid="timeline">
        <h3>{t('panel.timeline')}</h3>
        {!detail ? <p className="muted">{t('panel.loading')}</p> : null}
        <ol>
          {[...(detail?.timeline ?? [])].reverse().map((e) => (
            <li key={e.seq} data-event-type={e.type}>
              <span className="time">{formatTime(e.at, lang)}</span> {eventText(e, t)}{' '}
              <small>{t('event.by', { actor: actorName(e.actor) })}</small>
            </li>
          ))}
        </ol>
      </section>
    </aside>
  );
}

function eventText(e: StoredIncidentEvent, t: TFunction): string {
  switch (e.type) {
    case 'severity-raised':
      return t('event.severity-raised', { from: t(`severity.${e.data.from}`), to: t(`severity.${e.data.to}`) });
    case 'assigned':
      return t('event.assigned', { assignee: e.data.assignee });
    case 'commented':
      return t('event.commented', { text: e.data.text });
    case 'resolved':
      return t('event.resolved', { reason: e.data.reason });
    case 'reopened':
      return t('event.reopened', { reason: e.data.reason });
    case 'closed':
      return t('event.closed', { reason: e.data.reason });
    case 'escalated':
      return t('event.escalated', { level: e.data.level });
    case 'sop-step-completed':
      return t('event.sop-step-completed', { step: e.data.stepId });
    case 'evidence-added':
      return `${t('event.evidence-added')} (${e.data.evidence.length})`;
    default:
      return t(`event.${e.type}`);
  }
}

/**
 * One line per device and measure: the measure is the reading field whose value the evidence quoted (the rule's
 * field, e.g. levelCm for a flood), else the reading's first numeric field.
 */
export function chartSeries(
  evidence: readonly Evidence[],
  readings: Readonly<Record<string, readonly ReadingDto[]>>,
): ChartSeries[] {
  const out: ChartSeries[] = [];
  for (const [deviceId, rows] of Object.entries(readings)) {
    if (rows.length === 0) continue;
    const quoted = evidence.filter((e) => e.deviceId === deviceId && e.value !== undefined);
    const numericKeys = Object.keys(rows[0].values).filter((k) => typeof rows[0].values[k] === 'number');
    const field =
      numericKeys.find((k) => quoted.some((e) => rows.some((r) => r.values[k] === e.value))) ?? numericKeys[0];
    if (!field) continue;
    out.push({
      name: deviceId,
      measure: field,
      unit: quoted[0]?.unit ?? evidence.find((e) => e.kind === rows[0].kind && e.unit)?.unit,
      points: rows
        .filter((r) => typeof r.values[field] === 'number')
        .map((r) => [Date.parse(r.time), r.values[field] as number] as const),
    });
  }
  return out.slice(0, MAX_CHART_LINES);
}
