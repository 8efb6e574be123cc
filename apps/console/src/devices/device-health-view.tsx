import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { DeviceDto, IocApi } from '../api/ioc-api';
import type { CityModel } from '../city/city-model';
import { formatTime } from '../format';
import { HEALTH_COLOURS } from '../map/city-map';
import { HEALTH_ORDER, type DeviceHealth } from './device-health';
import { useDeviceRows } from './use-devices';

export interface DeviceRow {
  readonly device: DeviceDto;
  readonly health: DeviceHealth;
  readonly ward?: string;
}

const SHOWN = 300;

/** Device health: counts per type and health, then the devices that need attention first. */
export function DeviceHealthView({ api, city }: { readonly api: IocApi; readonly city: CityModel }) {
  const { t, i18n } = useTranslation();
  const rows = useDeviceRows(api, city);
  const [filter, setFilter] = useState('');
  const byType = useMemo(() => {
    const m = new Map<string, Record<DeviceHealth, number>>();
    for (const r of rows) {
      const c = m.get(r.device.type) ?? { online: 0, stale: 0, offline: 0, never: 0, disabled: 0 };
      c[r.health] += 1;
      m.set(r.device.type, c);
    }
    return [...m.entries()].sort(([a], [b]) => a.localeCompare(b));
  }, [rows]);
  const shown = useMemo(() => {
    const f = filter.trim().toLowerCase();
    return rows
      .filter(
        (r) => !f || r.device.id.toLowerCase().includes(f) || r.device.type.includes(f) || (r.ward ?? '').includes(f),
      )
      .sort(
        (a, b) =>
          HEALTH_ORDER.indexOf(a.health) - HEALTH_ORDER.indexOf(b.health) || a.device.id.localeCompare(b.device.id),
      )
      .slice(0, SHOWN);
  }, [rows, filter]);
  const total = (h: DeviceHealth) => rows.filter((r) => r.health === h).length;
  return (
    <section className="devices" data-testid="device-health">
      <h2>{t('devices.heading')}</h2>
      <p className="device-summary">
        {t('devices.summary', { online: total('online'), stale: total('stale'), offline: total('offline') })}
      </p>
      <table className="device-types">
        <thead>
          <tr>
            <th>{t('devices.type')}</th>
            {(['online', 'stale', 'offline', 'never'] as const).map((h) => (
              <th key={h}>
                <span className="dot" style={{ background: HEALTH_COLOURS[h] }} /> {t(`devices.${h}`)}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {byType.map(([type, c]) => (
            <tr key={type}>
              <td>{t(`deviceType.${type}`, { defaultValue: type })}</td>
              <td>{c.online}</td>
              <td>{c.stale}</td>
              <td>{c.offline}</td>
              <td>{c.never}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <input
        className="device-filter"
        placeholder={t('devices.filter')}
        value={filter}
        onChange={(e) => setFilter(e.target.value)}
      />
      <table className="device-list">
        <thead>
          <tr>
            <th>{t('devices.id')}</th>
            <th>{t('devices.ward')}</th>
            <th>{t('devices.status')}</th>
            <th>{t('devices.lastSeen')}</th>
          </tr>
        </thead>
        <tbody>
          {shown.map((r) => (
            <tr key={r.device.id} data-device-id={r.device.id} data-health={r.health}>
              <td>{r.device.id}</td>
              <td>{r.ward ? city.wardName(r.ward) : ''}</td>
              <td>
                <span className="dot" style={{ background: HEALTH_COLOURS[r.health] }} /> {t(`devices.${r.health}`)}
              </td>
              <td>{r.device.lastSeenAt ? formatTime(Date.parse(r.device.lastSeenAt), i18n.language, true) : ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
