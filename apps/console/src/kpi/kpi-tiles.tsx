import { useTranslation } from 'react-i18next';
import { INCIDENT_DOMAIN_NAMES } from '@ioc/domain';
import type { IocApi } from '../api/ioc-api';
import { formatDuration, formatPercent } from '../format';
import type { LiveIncidents } from '../incidents/live-incidents';
import { useKpis } from './use-kpis';

/** The KPI strip: every figure is the server's (`GET /api/v1/kpis`), refreshed periodically and as incidents change. */
export function KpiTiles({ api, live }: { readonly api: IocApi; readonly live: LiveIncidents }) {
  const { t, i18n } = useTranslation();
  const kpi = useKpis(api, live);
  const lang = i18n.language;
  const none = t('kpi.none');
  const bins = kpi?.binsEmptiedOnTime;
  return (
    <section className="kpis" aria-label={t('kpi.heading')} data-testid="kpis">
      <div className="kpi kpi-active" data-kpi="active">
        <div className="kpi-label">{t('kpi.active')}</div>
        <div className="kpi-value">{kpi ? kpi.activeIncidents.total : none}</div>
        <div className="kpi-domains">
          {INCIDENT_DOMAIN_NAMES.map((d) => (
            <span key={d} className={`kpi-domain domain-${d}`} title={t(`domain.${d}`)}>
              {t(`domain.${d}`)} <b>{kpi?.activeIncidents.byDomain[d] ?? 0}</b>
            </span>
          ))}
        </div>
      </div>
      <div
        className={`kpi ${bins?.meetsTarget === false ? 'kpi-bad' : bins?.meetsTarget ? 'kpi-good' : ''}`}
        data-kpi="bins"
      >
        <div className="kpi-label">{t('kpi.binsOnTime')}</div>
        <div className="kpi-value">{bins ? formatPercent(bins.ratio, lang) : none}</div>
        <div className="kpi-sub">
          {bins ? `${bins.onTime}/${bins.scheduled} · ` : ''}
          {t('kpi.target', { target: formatPercent(bins?.target ?? 0.995, lang) })}
        </div>
      </div>
      <div className={`kpi ${kpi && kpi.floodSensorsOverWarning.over > 0 ? 'kpi-bad' : ''}`} data-kpi="flood">
        <div className="kpi-label">{t('kpi.floodOverWarning')}</div>
        <div className="kpi-value">{kpi ? kpi.floodSensorsOverWarning.over : none}</div>
        <div className="kpi-sub">{kpi ? `/ ${kpi.floodSensorsOverWarning.reporting}` : ''}</div>
      </div>
      <div className="kpi" data-kpi="cameras">
        <div className="kpi-label">{t('kpi.cameraUptime')}</div>
        <div className="kpi-value">{kpi ? formatPercent(kpi.cameraUptime.ratio, lang) : none}</div>
        <div className="kpi-sub">{kpi ? `${kpi.cameraUptime.online}/${kpi.cameraUptime.total}` : ''}</div>
      </div>
      <div className="kpi" data-kpi="mtta">
        <div className="kpi-label">{t('kpi.mtta')}</div>
        <div className="kpi-value">{kpi?.mtta.ms != null ? formatDuration(kpi.mtta.ms, t) : none}</div>
        <div className="kpi-sub">{kpi ? `${kpi.mtta.acknowledged}/${kpi.mtta.opened}` : ''}</div>
      </div>
      <div className="kpi" data-kpi="mttr">
        <div className="kpi-label">{t('kpi.mttr')}</div>
        <div className="kpi-value">{kpi?.mttr.ms != null ? formatDuration(kpi.mttr.ms, t) : none}</div>
        <div className="kpi-sub">{kpi ? `${kpi.mttr.resolved}/${kpi.mttr.opened}` : ''}</div>
      </div>
    </section>
  );
}
