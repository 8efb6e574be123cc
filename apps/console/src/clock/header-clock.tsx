import { useTranslation } from 'react-i18next';
import type { IocApi } from '../api/ioc-api';
import { formatTime } from '../format';
import { useClockReading, useIocClock } from './use-running-clock';

/**
 * The header's clock: the IOC's time, not the browser's. On a scenario clock (IOC_CLOCK_START, IOC_CLOCK_SPEED) it
 * shows the scenario's date and time and its speed, so an operator reads incident and SOP times against the clock
 * the IOC judges them by.
 */
export function HeaderClock({ api }: { readonly api: IocApi }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language === 'en' ? 'en' : 'vi';
  const ioc = useIocClock(api);
  const now = useClockReading(ioc?.clock);
  if (!ioc || now === undefined) return null;
  const hint = ioc.scenario ? t('clock.scenarioHint', { speed: ioc.speed }) : t('clock.systemHint');
  return (
    <span
      className={`ioc-clock${ioc.scenario ? ' scenario' : ''}`}
      title={hint}
      aria-label={`${hint}: ${formatTime(now, lang, true)}`}
      data-testid="ioc-clock"
      data-scenario={ioc.scenario}
      data-speed={ioc.speed}
      data-now={Math.floor(now)}
    >
      {ioc.scenario ? <span className="ioc-clock-label">{t('clock.scenario', { speed: ioc.speed })}</span> : null}
      <time dateTime={new Date(now).toISOString()}>{formatTime(now, lang, ioc.scenario)}</time>
    </span>
  );
}
