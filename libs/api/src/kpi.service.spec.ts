import { buildTopology, loadCity } from '@ioc/city';
import { scaledClock, systemClock, type TimerClock } from '@ioc/platform';
import type { DeviceRepository, KpiRepository, ReadingsRepository } from '@ioc/storage';
import type { ApiCity } from './city';
import { KpiService } from './kpi.service';

const topology = buildTopology(loadCity());

/** The service over empty stores: what is asked here is the clock the report carries, not the KPIs. */
function service(clock: TimerClock, scenario: boolean): KpiService {
  const kpis = {
    activeIncidents: async () => [],
    pickups: async () => [],
    responseTimes: async () => ({ opened: 0, acknowledged: 0, mttaMs: null, resolved: 0, mttrMs: null }),
    firstCollectionReport: async () => null,
  } as unknown as KpiRepository;
  const devices = { list: async () => [] } as unknown as DeviceRepository;
  const readings = { latest: async () => new Map() } as unknown as ReadingsRepository;
  const city: ApiCity = { topology, silenceAfterMs: {} };
  const setting = scenario ? { startMs: 0, speed: clock.speed, anchorMs: 0 } : undefined;
  return new KpiService(kpis, devices, readings, city, clock, { clock: setting });
}

describe('KPI report', () => {
  it('tells the console the IOC’s scenario clock: its time and speed', async () => {
    let real = Date.parse('2026-12-08T03:00:00Z');
    const start = Date.parse('2026-10-28T12:15:00+07:00');
    // The scenario clock read 12:15 ten real seconds ago and runs 60 times as fast: it reads 12:25 now.
    const clock = scaledClock({ startMs: start, speed: 60, anchorMs: real - 10_000 }, () => real);
    const report = await service(clock, true).report();
    expect(report.clock).toEqual({ now: '2026-10-28T05:25:00.000Z', speed: 60, scenario: true });
    expect(report.at).toBe('2026-10-28T05:25:00.000Z');
    real += 1_000;
    expect((await service(clock, true).report()).clock.now).toBe('2026-10-28T05:26:00.000Z');
  });

  it('says the IOC runs on the system clock when no scenario is set', async () => {
    const before = Date.now();
    const { clock } = await service(systemClock, false).report();
    expect(clock.speed).toBe(1);
    expect(clock.scenario).toBe(false);
    expect(Date.parse(clock.now)).toBeGreaterThanOrEqual(before);
    expect(Date.parse(clock.now)).toBeLessThanOrEqual(Date.now());
  });
});
