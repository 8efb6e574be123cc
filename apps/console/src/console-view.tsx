import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  EXERCISE_READ_ROLES,
  EXERCISE_WRITE_ROLES,
  INCIDENT_ACT_ROLES,
  REALTIME_WATCH_ROLES,
  REGISTRY_ROLES,
  roleMay,
  SILENCE_READ_ROLES,
  SILENCE_WRITE_ROLES,
  USER_READ_ROLES,
} from '@ioc/contracts';
import { AlarmBell } from './alarm/alarm-bell';
import { HeaderClock } from './clock/header-clock';
import { IocApi } from './api/ioc-api';
import type { Session } from './auth/session';
import type { CityModel } from './city/city-model';
import { UsersView } from './users/users-view';
import { DeviceHealthView } from './devices/device-health-view';
import { useDeviceRows } from './devices/use-devices';
import { ExercisesView } from './exercises/exercises-view';
import { useExerciseMap } from './exercises/use-exercise-map';
import { useRunningExercise } from './exercises/use-exercises';
import { IncidentList } from './incidents/incident-list';
import { IncidentPanel } from './incidents/incident-panel';
import type { IncidentFilter, IncidentView } from './incidents/incident-store';
import { useIncidentPlaces, useListedIncidents } from './incidents/use-incident-places';
import { useIncidentSelection } from './incidents/use-incident-selection';
import { useLiveIncidents } from './incidents/use-live-incidents';
import { KpiTiles } from './kpi/kpi-tiles';
import { LanguageSwitch } from './language-switch';
import { CityMap } from './map/city-map';
import { useCityModel } from './map/use-city-model';
import { RegistryView } from './registry/registry-view';
import { activeSilences } from './silences/silence-form';
import { SilencesView, type SilencePrefill } from './silences/silences-view';
import { useSilences } from './silences/use-silences';

type Tab = 'incidents' | 'devices' | 'silences' | 'users' | 'exercises';
/** The console's pages: operations (map, incidents and the tabs) and the device registry (integrators, admins). */
type Page = 'operations' | 'registry';

/** `onLogout(true)`: the server refused the session (REST 401, socket handshake); false: the user signed out. */
export function ConsoleView({
  session,
  onLogout,
}: {
  readonly session: Session;
  readonly onLogout: (byServer: boolean) => void;
}) {
  const city = useCityModel();
  if (!city.data) return <div className="loading">{city.error?.message ?? '…'}</div>;
  const role = session.user.role;
  // An integrator may not watch the city (no incident feed, no KPIs): the registry is their whole console.
  if (!roleMay(role, REALTIME_WATCH_ROLES) && roleMay(role, REGISTRY_ROLES))
    return <RegistryConsole session={session} onLogout={onLogout} city={city.data} />;
  return <Console session={session} onLogout={onLogout} city={city.data} />;
}

/** The REST client of the session; a refused token signs it out. */
function useIocApi(session: Session, onLogout: (byServer: boolean) => void): IocApi {
  return useMemo(
    () =>
      new IocApi(
        () => session.token,
        () => onLogout(true),
      ),
    [session.token, onLogout],
  );
}

/** The integrators' console: the header and the device registry, nothing of the live city. */
function RegistryConsole({
  session,
  onLogout,
  city,
}: {
  readonly session: Session;
  readonly onLogout: (byServer: boolean) => void;
  readonly city: CityModel;
}) {
  const { t } = useTranslation();
  const api = useIocApi(session, onLogout);
  return (
    <div className="console registry-console">
      <header className="topbar">
        <div className="brand">IOC</div>
        <h1>{t('app.title')}</h1>
        <PageNav pages={['registry']} page="registry" onPage={() => undefined} />
        <SessionControls session={session} onLogout={onLogout} />
      </header>
      <main className="page">
        <RegistryView api={api} city={city} />
      </main>
    </div>
  );
}

/** The pages this user may open, as links in the header. */
function PageNav({
  pages,
  page,
  onPage,
}: {
  readonly pages: readonly Page[];
  readonly page: Page;
  readonly onPage: (page: Page) => void;
}) {
  const { t } = useTranslation();
  return (
    <nav className="page-nav" aria-label={t('nav.label')}>
      {pages.map((p) => (
        <button
          key={p}
          type="button"
          className={p === page ? 'on' : ''}
          aria-current={p === page ? 'page' : undefined}
          onClick={() => onPage(p)}
          data-testid={`nav-${p}`}
        >
          {t(`nav.${p}`)}
        </button>
      ))}
    </nav>
  );
}

/** Language, who is signed in, and signing out. */
function SessionControls({
  session,
  onLogout,
}: {
  readonly session: Session;
  readonly onLogout: (byServer: boolean) => void;
}) {
  const { t } = useTranslation();
  return (
    <>
      <LanguageSwitch />
      <span className="user" data-testid="user">
        {session.user.displayName} <small>({session.user.role})</small>
      </span>
      <button type="button" className="logout" onClick={() => onLogout(false)}>
        {t('header.logout')}
      </button>
    </>
  );
}

/**
 * The console's shell: the header, the live feed, the map with the incident panel, and the tabs. Each tab reads its
 * own data; the shell reads only what the header and the map show (devices, silences in force, a running exercise).
 */
function Console({
  session,
  onLogout,
  city,
}: {
  readonly session: Session;
  readonly onLogout: (byServer: boolean) => void;
  readonly city: CityModel;
}) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language === 'en' ? 'en' : 'vi';
  const api = useIocApi(session, onLogout);
  const { alarm, live, snap } = useLiveIncidents(api, session, onLogout);

  const role = session.user.role;
  const canReadSilences = roleMay(role, SILENCE_READ_ROLES);
  const canSilence = roleMay(role, SILENCE_WRITE_ROLES);
  const canReadUsers = roleMay(role, USER_READ_ROLES);
  const canActOnIncidents = roleMay(role, INCIDENT_ACT_ROLES);
  const canReadExercises = roleMay(role, EXERCISE_READ_ROLES);
  const canRunExercises = roleMay(role, EXERCISE_WRITE_ROLES);
  const canUseRegistry = roleMay(role, REGISTRY_ROLES);

  const [page, setPage] = useState<Page>('operations');
  const [tab, setTabOnly] = useState<Tab>('incidents');
  // What leads to an incident or a tab (the header's banners and indicators) leads back to the operations page.
  const setTab = (next: Tab) => {
    setPage('operations');
    setTabOnly(next);
  };
  const [filter, setFilter] = useState<IncidentFilter>({ state: 'active' });
  // The silence form is opened from the Silences tab, or from the panel's "Silence similar" with a prefill.
  const [silenceForm, setSilenceForm] = useState<{
    readonly open: boolean;
    readonly key: number;
    readonly prefill?: SilencePrefill;
  }>({ open: false, key: 0 });
  const { selectedId, select, selectExercise, selected } = useIncidentSelection(api, snap.incidents);
  /** From the header's banners: the incident on the map, whichever page was open. */
  const showIncident = (id: string) => {
    setPage('operations');
    select(id);
  };

  const deviceRows = useDeviceRows(api, city);
  const places = useIncidentPlaces(city, deviceRows);
  const { liveIncidents, listed, placed } = useListedIncidents(snap.incidents, filter, places);
  // On the Exercises tab the map shows the watched exercise's incidents instead of the live ones.
  const [watchedRun, setWatchedRun] = useState<string>();
  const exercisePlaced = useExerciseMap(api, tab === 'exercises' ? watchedRun : undefined, places.placeOf);
  const silences = useSilences(api, canReadSilences);
  const runningExercise = useRunningExercise(api, canReadExercises);

  const criticalOpen = liveIncidents.filter((i) => i.severity === 'critical' && i.state === 'open');
  const silencedNow = activeSilences(silences, Date.now()).length;
  const silenceSimilar = (i: IncidentView) => {
    setSilenceForm((f) => ({ open: true, key: f.key + 1, prefill: { type: i.type, zoneId: i.zone.id } }));
    setTab('silences');
  };

  return (
    <div
      className={`console${criticalOpen.length ? ' has-critical' : ''}`}
      data-feed={snap.status}
      data-last-seq={snap.lastSeq}
    >
      <header className="topbar">
        <div className="brand">IOC</div>
        <h1>{t('app.title')}</h1>
        {canUseRegistry ? <PageNav pages={['operations', 'registry']} page={page} onPage={setPage} /> : null}
        <span className={`feed feed-${snap.status}`} data-testid="feed-status">
          {snap.status === 'live'
            ? t('header.live')
            : snap.status === 'connecting'
              ? t('header.reconnecting')
              : t('header.offline')}
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
        <HeaderClock api={api} />
        <SessionControls session={session} onLogout={onLogout} />
      </header>
      {criticalOpen.length ? (
        <div
          className="critical-banner"
          role="alert"
          data-testid="critical-banner"
          onClick={() => showIncident(criticalOpen[0].id)}
        >
          ⚠ {t('list.criticalBanner', { count: criticalOpen.length })}:{' '}
          {criticalOpen.map((i) => i.title[lang]).join(' · ')}
        </div>
      ) : null}
      {snap.notifications.length ? (
        <div className="escalation-banner" role="status" data-testid="escalation-banner">
          {snap.notifications.slice(0, 3).map((n) => {
            const inc = snap.incidents.find((i) => i.id === n.incidentId);
            return (
              <button type="button" key={n.id} className="escalation" onClick={() => showIncident(n.incidentId)}>
                ▲ {t('escalation.notice', { level: n.level, kind: t(`escalation.kind.${n.kind}`) })}:{' '}
                {inc ? inc.title[lang] : n.incidentId}
              </button>
            );
          })}
          <button type="button" className="dismiss" onClick={() => live.dismissNotifications()}>
            {t('escalation.dismiss')}
          </button>
        </div>
      ) : null}
      {page === 'registry' ? (
        <main className="page">
          <RegistryView api={api} city={city} />
        </main>
      ) : (
        <>
          <KpiTiles api={api} live={live} />
          <div className="main">
            <div className="map-area">
              <CityMap
                city={city}
                devices={places.mapDevices}
                incidents={exercisePlaced ?? placed}
                selectedId={selectedId}
                onSelect={(id) => {
                  const drill = exercisePlaced?.find((p) => p.incident.id === id)?.incident;
                  if (drill) selectExercise(drill);
                  else select(id);
                }}
              />
              {selected ? (
                <IncidentPanel
                  key={selected.id}
                  incident={selected}
                  api={api}
                  city={city}
                  wardOf={places.wardOf}
                  zoneDevices={places.zoneDevices}
                  canAct={canActOnIncidents}
                  onClose={() => select(undefined)}
                  onChanged={selected.exercise ? undefined : (id) => live.refresh(id)}
                  onSilenceSimilar={canSilence && !selected.exercise ? silenceSimilar : undefined}
                />
              ) : null}
            </div>
            <div className="sidebar">
              <nav className="tabs">
                <button
                  type="button"
                  className={tab === 'incidents' ? 'on' : ''}
                  onClick={() => setTab('incidents')}
                  data-testid="tab-incidents"
                >
                  {t('tabs.incidents')}{' '}
                  <span className="tab-count">{liveIncidents.filter((i) => i.state !== 'resolved').length}</span>
                </button>
                <button
                  type="button"
                  className={tab === 'devices' ? 'on' : ''}
                  onClick={() => setTab('devices')}
                  data-testid="tab-devices"
                >
                  {t('tabs.devices')}
                </button>
                {canReadSilences ? (
                  <button
                    type="button"
                    className={tab === 'silences' ? 'on' : ''}
                    onClick={() => setTab('silences')}
                    data-testid="tab-silences"
                  >
                    {t('tabs.silences')} {silencedNow ? <span className="tab-count">{silencedNow}</span> : null}
                  </button>
                ) : null}
                {canReadUsers ? (
                  <button
                    type="button"
                    className={tab === 'users' ? 'on' : ''}
                    onClick={() => setTab('users')}
                    data-testid="tab-users"
                  >
                    {t('tabs.users')}
                  </button>
                ) : null}
                {canReadExercises ? (
                  <button
                    type="button"
                    className={tab === 'exercises' ? 'on' : ''}
                    onClick={() => setTab('exercises')}
                    data-testid="tab-exercises"
                  >
                    {t('tabs.exercises')}
                  </button>
                ) : null}
              </nav>
              {tab === 'incidents' ? (
                <IncidentList
                  incidents={listed}
                  total={liveIncidents.length}
                  filter={filter}
                  onFilter={setFilter}
                  selectedId={selectedId}
                  onSelect={select}
                  city={city}
                  wardOf={places.wardOf}
                />
              ) : tab === 'devices' ? (
                <DeviceHealthView api={api} city={city} />
              ) : tab === 'users' ? (
                <UsersView api={api} canManage={session.user.role === 'admin'} selfId={session.user.userId} />
              ) : tab === 'exercises' ? (
                <ExercisesView
                  api={api}
                  canAct={canRunExercises}
                  selectedId={selectedId}
                  onSelectIncident={selectExercise}
                  onWatch={setWatchedRun}
                />
              ) : (
                <SilencesView
                  api={api}
                  city={city}
                  canAct={canSilence}
                  formOpen={silenceForm.open}
                  formKey={silenceForm.key}
                  prefill={silenceForm.prefill}
                  onOpenForm={() => setSilenceForm((f) => ({ open: true, key: f.key + 1 }))}
                  onCloseForm={() => setSilenceForm((f) => ({ ...f, open: false, prefill: undefined }))}
                />
              )}
            </div>
          </div>
        </>
      )}
    </div>
  );
}

/** A bell struck through with a pause: alerts held back. Drawn, like the bell. */
function SilencedIcon() {
  return (
    <svg
      width="16"
      height="16"
      viewBox="0 0 24 24"
      aria-hidden="true"
      fill="none"
      stroke="currentColor"
      strokeWidth="2"
      strokeLinecap="round"
      strokeLinejoin="round"
    >
      <path d="M11 5 6 9H2v6h4l5 4V5z" />
      <path d="M22 9l-6 6" />
      <path d="M16 9l6 6" />
    </svg>
  );
}
