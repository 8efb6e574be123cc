import { useCallback, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { EXERCISE_READ_ROLES, EXERCISE_WRITE_ROLES, INCIDENT_ACT_ROLES, roleMay, SILENCE_READ_ROLES, SILENCE_WRITE_ROLES, USER_READ_ROLES, type ExerciseDto, type KpiReport, type SilenceDto } from '@ioc/contracts';
import { AlarmBell } from './alarm/alarm-bell';
import { IocApi, type DeviceDto } from './api/ioc-api';
import type { Session } from './auth/session';
import { CityModel } from './city/city-model';
import { UsersView } from './users/users-view';
import { DeviceHealthView, type DeviceRow } from './devices/device-health-view';
import { deviceHealth } from './devices/device-health';
import { newer } from './exercises/exercise-model';
import { ExercisesView } from './exercises/exercises-view';
import { IncidentList } from './incidents/incident-list';
import { IncidentPanel } from './incidents/incident-panel';
import type { IncidentFilter, IncidentView } from './incidents/incident-store';
import { useIncidentPlaces, useListedIncidents } from './incidents/use-incident-places';
import { useLiveIncidents } from './incidents/use-live-incidents';
import { KpiTiles } from './kpi/kpi-tiles';
import { LanguageSwitch } from './language-switch';
import { CityMap } from './map/city-map';
import { activeSilences } from './silences/silence-form';
import { SilencesView, type SilencePrefill } from './silences/silences-view';
import { usePolled } from './use-polled';

const DEVICES_EVERY_MS = 30_000;
const KPIS_EVERY_MS = 15_000;
const SILENCES_EVERY_MS = 15_000;
/** Exercises: every 2 s while their tab is open, else every 5 s for the header's "exercise running". */
const EXERCISES_TAB_EVERY_MS = 2_000;
const EXERCISES_EVERY_MS = 5_000;
/** An exercise incident open in the panel (exercise incidents never come over the socket). */
const EXERCISE_INCIDENT_EVERY_MS = 2_000;

/** `onLogout(true)`: the server refused the session (REST 401, socket handshake); false: the user signed out. */
export function ConsoleView({ session, onLogout }: { readonly session: Session; readonly onLogout: (byServer: boolean) => void }) {
  const [city, setCity] = useState<CityModel>();
  const [cityError, setCityError] = useState<string>();
  useEffect(() => {
    CityModel.load().then(setCity, (e: Error) => setCityError(e.message));
  }, []);
  if (!city) return <div className="loading">{cityError ?? '…'}</div>;
  return <Console session={session} onLogout={onLogout} city={city} />;
}

function Console({ session, onLogout, city }: { readonly session: Session; readonly onLogout: (byServer: boolean) => void; readonly city: CityModel }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language === 'en' ? 'en' : 'vi';
  const api = useMemo(() => new IocApi(() => session.token, () => onLogout(true)), [session.token, onLogout]);
  const { alarm, live, snap } = useLiveIncidents(api, session, onLogout);

  const devices = usePolled(() => api.devices(), DEVICES_EVERY_MS, [api]);
  // The KPIs follow incident changes too (at most every few seconds), so counts move with the list.
  const kpiTick = Math.floor(snap.revision / 5);
  const kpi = usePolled<KpiReport>(() => api.kpis(), KPIS_EVERY_MS, [api, kpiTick]);

  // Silences: polled like the other reads, and read again right after an action (the tick).
  const canReadSilences = roleMay(session.user.role, SILENCE_READ_ROLES);
  const canSilence = roleMay(session.user.role, SILENCE_WRITE_ROLES);
  const canReadUsers = roleMay(session.user.role, USER_READ_ROLES);
  const canActOnIncidents = roleMay(session.user.role, INCIDENT_ACT_ROLES);
  const [silenceTick, setSilenceTick] = useState(0);
  const silences = usePolled<SilenceDto[] | undefined>(() => (canReadSilences ? api.silences() : Promise.resolve(undefined)), SILENCES_EVERY_MS, [api, canReadSilences, silenceTick]);
  const refreshSilences = useCallback(() => setSilenceTick((n) => n + 1), []);
  const [silenceForm, setSilenceForm] = useState<{ readonly open: boolean; readonly key: number; readonly prefill?: SilencePrefill }>({ open: false, key: 0 });

  const [tab, setTab] = useState<'incidents' | 'devices' | 'silences' | 'users' | 'exercises'>('incidents');

  // Exercises: the list (newest first) says whether one runs, for the header; the tab reads it more often.
  const canReadExercises = roleMay(session.user.role, EXERCISE_READ_ROLES);
  const canRunExercises = roleMay(session.user.role, EXERCISE_WRITE_ROLES);
  const [exerciseTick, setExerciseTick] = useState(0);
  const exercises = usePolled<ExerciseDto[] | undefined>(
    () => (canReadExercises ? api.exercises() : Promise.resolve(undefined)),
    tab === 'exercises' ? EXERCISES_TAB_EVERY_MS : EXERCISES_EVERY_MS,
    [api, canReadExercises, exerciseTick],
  );
  const refreshExercises = useCallback(() => setExerciseTick((n) => n + 1), []);
  const runningExercise = exercises?.find((e) => e.status === 'running');
  const silenceSimilar = useCallback((i: IncidentView) => {
    setSilenceForm((f) => ({ open: true, key: f.key + 1, prefill: { type: i.type, zoneId: i.zone.id } }));
    setTab('silences');
  }, []);
  const [filter, setFilter] = useState<IncidentFilter>({ state: 'active' });
  const [selectedId, setSelectedId] = useState<string>();

  const now = Date.now();
  const deviceRows: DeviceRow[] = useMemo(
    () =>
      (devices ?? []).map((d: DeviceDto) => ({
        device: d,
        health: deviceHealth(d, now),
        ward: (d.ward ?? undefined) || (d.lat != null && d.lon != null ? city.wardAt([d.lon, d.lat]) : undefined),
      })),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [devices, city],
  );
  const places = useIncidentPlaces(city, deviceRows);
  const { liveIncidents, listed, placed } = useListedIncidents(snap.incidents, filter, places);
  const criticalOpen = liveIncidents.filter((i) => i.severity === 'critical' && i.state === 'open');
  const silencedNow = activeSilences(silences, now).length;

  // An exercise incident picked in the Exercises tab: not in the live store (the socket feed is live incidents
  // only), so the panel's record is the pick, read again over REST while it is open and after an action.
  const [exercisePick, setExercisePick] = useState<IncidentView>();
  const pickOpen = exercisePick && exercisePick.id === selectedId ? exercisePick.id : undefined;
  const pickPolled = usePolled(() => (pickOpen ? api.incident(pickOpen).then((d) => d.incident) : Promise.resolve(undefined)), EXERCISE_INCIDENT_EVERY_MS, [api, pickOpen]);
  const selectExerciseIncident = useCallback((i: IncidentView) => {
    setExercisePick(i);
    setSelectedId(i.id);
  }, []);
  const selected = selectedId
    ? (snap.incidents.find((i) => i.id === selectedId && !i.exercise) ?? (pickOpen ? newer(exercisePick, pickPolled?.id === pickOpen ? pickPolled : undefined) : undefined))
    : undefined;
  const refresh = useCallback(
    async (id: string) => {
      if (id === pickOpen) setExercisePick((await api.incident(id)).incident);
      else await live.refresh(id);
    },
    [live, api, pickOpen],
  );

  return (
    <div className={`console${criticalOpen.length ? ' has-critical' : ''}`} data-feed={snap.status} data-last-seq={snap.lastSeq}>
      <header className="topbar">
        <div className="brand">IOC</div>
        <h1>{t('app.title')}</h1>
        <span className={`feed feed-${snap.status}`} data-testid="feed-status">
          {snap.status === 'live' ? t('header.live') : snap.status === 'connecting' ? t('header.reconnecting') : t('header.offline')}
        </span>
        <AlarmBell alarm={alarm} criticalOpen={criticalOpen.length} />
        {silencedNow ? (
          <button
            type="button"
            className="silenced"
            onClick={() => setTab('silences')}
            title={t('header.silencedHint', { count: silencedNow })}
            aria-label={t('header.silencedHint', { count: silencedNow })}
            data-testid="silences-indicator"
            data-count={silencedNow}
          >
            <SilencedIcon />
            {t('header.silenced', { count: silencedNow })}
          </button>
        ) : null}
        {runningExercise ? (
          <button
            type="button"
            className="exercise-indicator"
            onClick={() => setTab('exercises')}
            title={t('header.exerciseHint', { name: runningExercise.recordingName, speed: runningExercise.speed })}
            aria-label={t('header.exerciseHint', { name: runningExercise.recordingName, speed: runningExercise.speed })}
            data-testid="exercise-indicator"
            data-exercise-id={runningExercise.id}
          >
            <span className="exercise-dot" aria-hidden="true" />
            {t('header.exercise')}
          </button>
        ) : null}
        <LanguageSwitch />
        <span className="user" data-testid="user">
          {session.user.displayName} <small>({session.user.role})</small>
        </span>
        <button type="button" className="logout" onClick={() => onLogout(false)}>
          {t('header.logout')}
        </button>
      </header>
      {criticalOpen.length ? (
        <div className="critical-banner" role="alert" data-testid="critical-banner" onClick={() => setSelectedId(criticalOpen[0].id)}>
          ⚠ {t('list.criticalBanner', { count: criticalOpen.length })}: {criticalOpen.map((i) => i.title[lang]).join(' · ')}
        </div>
      ) : null}
      {snap.notifications.length ? (
        <div className="escalation-banner" role="status" data-testid="escalation-banner">
          {snap.notifications.slice(0, 3).map((n) => {
            const inc = snap.incidents.find((i) => i.id === n.incidentId);
            return (
              <button type="button" key={n.id} className="escalation" onClick={() => setSelectedId(n.incidentId)}>
                ▲ {t('escalation.notice', { level: n.level, kind: t(`escalation.kind.${n.kind}`) })}: {inc ? inc.title[lang] : n.incidentId}
              </button>
            );
          })}
          <button type="button" className="dismiss" onClick={() => live.dismissNotifications()}>
            {t('escalation.dismiss')}
          </button>
        </div>
      ) : null}
      <KpiTiles kpi={kpi} />
      <div className="main">
        <div className="map-area">
          <CityMap city={city} devices={places.mapDevices} incidents={placed} selectedId={selectedId} onSelect={setSelectedId} />
          {selected ? <IncidentPanel key={selected.id} incident={selected} api={api} city={city} wardOf={places.wardOf} zoneDevices={places.zoneDevices} canAct={canActOnIncidents} onClose={() => setSelectedId(undefined)} onChanged={refresh} onSilenceSimilar={canSilence && !selected.exercise ? silenceSimilar : undefined} /> : null}
        </div>
        <div className="sidebar">
          <nav className="tabs">
            <button type="button" className={tab === 'incidents' ? 'on' : ''} onClick={() => setTab('incidents')} data-testid="tab-incidents">
              {t('tabs.incidents')} <span className="tab-count">{liveIncidents.filter((i) => i.state !== 'resolved').length}</span>
            </button>
            <button type="button" className={tab === 'devices' ? 'on' : ''} onClick={() => setTab('devices')} data-testid="tab-devices">
              {t('tabs.devices')}
            </button>
            {canReadSilences ? (
              <button type="button" className={tab === 'silences' ? 'on' : ''} onClick={() => setTab('silences')} data-testid="tab-silences">
                {t('tabs.silences')} {silencedNow ? <span className="tab-count">{silencedNow}</span> : null}
              </button>
            ) : null}
            {canReadUsers ? (
              <button type="button" className={tab === 'users' ? 'on' : ''} onClick={() => setTab('users')} data-testid="tab-users">
                {t('tabs.users')}
              </button>
            ) : null}
            {canReadExercises ? (
              <button type="button" className={tab === 'exercises' ? 'on' : ''} onClick={() => setTab('exercises')} data-testid="tab-exercises">
                {t('tabs.exercises')}
              </button>
            ) : null}
          </nav>
          {tab === 'incidents' ? (
            <IncidentList incidents={listed} total={liveIncidents.length} filter={filter} onFilter={setFilter} selectedId={selectedId} onSelect={setSelectedId} city={city} wardOf={places.wardOf} />
          ) : tab === 'devices' ? (
            <DeviceHealthView rows={deviceRows} city={city} />
          ) : tab === 'users' ? (
            <UsersView api={api} canManage={session.user.role === 'admin'} selfId={session.user.userId} />
          ) : tab === 'exercises' ? (
            <ExercisesView api={api} exercises={exercises} canAct={canRunExercises} onChanged={refreshExercises} selectedId={selectedId} onSelectIncident={selectExerciseIncident} />
          ) : (
            <SilencesView
              silences={silences}
              api={api}
              city={city}
              canAct={canSilence}
              formOpen={silenceForm.open}
              formKey={silenceForm.key}
              prefill={silenceForm.prefill}
              onOpenForm={() => setSilenceForm((f) => ({ open: true, key: f.key + 1 }))}
              onCloseForm={() => setSilenceForm((f) => ({ ...f, open: false, prefill: undefined }))}
              onChanged={refreshSilences}
            />
          )}
        </div>
      </div>
    </div>
  );
}

/** A bell struck through with a pause: alerts held back. Drawn, like the bell. */
function SilencedIcon() {
  return (
    <svg width="16" height="16" viewBox="0 0 24 24" aria-hidden="true" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round">
      <path d="M11 5 6 9H2v6h4l5 4V5z" />
      <path d="M22 9l-6 6" />
      <path d="M16 9l6 6" />
    </svg>
  );
}
