import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import {
  INCIDENT_DOMAIN_NAMES,
  INCIDENT_STATES,
  SEVERITIES,
  type IncidentDomain,
  type IncidentState,
} from '@ioc/domain';
import type { CityModel } from '../city/city-model';
import { formatTime } from '../format';
import type { IncidentFilter, IncidentView } from './incident-store';

interface Props {
  readonly incidents: readonly IncidentView[];
  /** Before filtering by state: the counts per severity and state are shown on the filters. */
  readonly filter: IncidentFilter;
  readonly onFilter: (f: IncidentFilter) => void;
  readonly selectedId?: string;
  readonly onSelect: (id: string) => void;
  readonly city: CityModel;
  readonly wardOf: (i: IncidentView) => string | undefined;
  readonly total: number;
}

/** The live list: severity then time, filters by state, domain and ward, counts per severity. */
export function IncidentList({ incidents, filter, onFilter, selectedId, onSelect, city, wardOf, total }: Props) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language === 'en' ? 'en' : 'vi';
  const bySeverity = (s: string) => incidents.filter((i) => i.severity === s).length;
  return (
    <section className="incident-list" data-testid="incident-list">
      <div className="filters">
        <select
          aria-label="state"
          value={filter.state}
          onChange={(e) => onFilter({ ...filter, state: e.target.value as IncidentFilter['state'] })}
          data-testid="filter-state"
        >
          <option value="active">{t('list.active')}</option>
          <option value="all">{t('list.allStates')}</option>
          {INCIDENT_STATES.filter((s) => s !== 'closed').map((s: IncidentState) => (
            <option key={s} value={s}>
              {t(`state.${s}`)}
            </option>
          ))}
        </select>
        <select
          aria-label="domain"
          value={filter.domain ?? ''}
          onChange={(e) => onFilter({ ...filter, domain: (e.target.value || undefined) as IncidentDomain | undefined })}
          data-testid="filter-domain"
        >
          <option value="">{t('list.allDomains')}</option>
          {INCIDENT_DOMAIN_NAMES.map((d) => (
            <option key={d} value={d}>
              {t(`domain.${d}`)}
            </option>
          ))}
        </select>
        <select
          aria-label="ward"
          value={filter.ward ?? ''}
          onChange={(e) => onFilter({ ...filter, ward: e.target.value || undefined })}
          data-testid="filter-ward"
        >
          <option value="">{t('list.allWards')}</option>
          {city.wards.map((w) => (
            <option key={String(w.properties.id)} value={String(w.properties.id)}>
              {String(w.properties.name)}
            </option>
          ))}
        </select>
      </div>
      <div className="counts" data-testid="incident-counts">
        <span className="count-total">{t('list.count', { count: incidents.length })}</span>
        {incidents.length !== total ? <span className="count-of"> / {total}</span> : null}
        {[...SEVERITIES].reverse().map((s) => (
          <span key={s} className={`count-chip sev-${s}`} title={t(`severity.${s}`)}>
            {bySeverity(s)}
          </span>
        ))}
      </div>
      {incidents.length === 0 ? <p className="empty">{t('list.empty')}</p> : null}
      <ol className="incidents">
        {incidents.map((i) => {
          const ward = wardOf(i);
          return (
            <li key={i.id}>
              <IncidentRow incident={i} selected={i.id === selectedId} onSelect={() => onSelect(i.id)}>
                {t(`incidentType.${i.type}`)}
                {ward ? ` · ${city.wardName(ward)}` : ''} · {t('list.opened', { time: formatTime(i.openedAt, lang) })}
              </IncidentRow>
            </li>
          );
        })}
      </ol>
    </section>
  );
}

/** One incident in a list: severity, title, a line of details (the children), state; a click selects it. */
export function IncidentRow({
  incident: i,
  selected,
  onSelect,
  className = '',
  testId,
  children,
}: {
  readonly incident: IncidentView;
  readonly selected: boolean;
  readonly onSelect: () => void;
  readonly className?: string;
  readonly testId?: string;
  readonly children: ReactNode;
}) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language === 'en' ? 'en' : 'vi';
  return (
    <button
      type="button"
      className={`incident-row ${className} sev-${i.severity} state-${i.state}${selected ? ' selected' : ''}`}
      onClick={onSelect}
      data-testid={testId}
      data-incident-id={i.id}
      data-severity={i.severity}
      data-state={i.state}
      data-type={i.type}
      data-zone={i.zone.id}
    >
      <span className={`sev-badge sev-${i.severity}`}>{t(`severity.${i.severity}`)}</span>
      <span className="row-main">
        <span className="row-title">{i.title[lang]}</span>
        <span className="row-meta">{children}</span>
      </span>
      <span className={`state-badge state-${i.state}`} data-testid="incident-state">
        {t(`state.${i.state}`)}
      </span>
    </button>
  );
}
