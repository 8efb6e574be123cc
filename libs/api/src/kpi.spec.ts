import { buildTopology, loadCity, type RouteNode } from '@ioc/city';
import {
  activeIncidentsByDomain,
  binsEmptiedOnTime,
  cameraUptime,
  devicesOfType,
  floodSensorsOverWarning,
  shiftsDueIn,
} from './kpi';

const topology = buildTopology(loadCity());
const MIN = 60_000;
// Local (UTC+7) midnight of 2026-11-21.
const DAY = Date.parse('2026-11-21T00:00:00+07:00');
const local = (hhmm: string, day = DAY) => day + (Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3))) * MIN;
const route: RouteNode = {
  id: 'R-X',
  truckId: 'truck-x',
  ward: 'ward-p1',
  binIds: ['b1', 'b2', 'b3', 'b4'],
  shifts: [
    { startMin: 270, deadlineMin: 480 },
    { startMin: 22 * 60, deadlineMin: 60 },
  ],
};

describe('KPI definitions', () => {
  it('counts active incidents by domain and severity', () => {
    const r = activeIncidentsByDomain([
      { type: 'urban-flooding', severity: 'major', count: 2 },
      { type: 'bin-fire', severity: 'critical', count: 1 },
      { type: 'device-offline', severity: 'minor', count: 3 },
    ]);
    expect(r).toEqual({
      total: 6,
      byDomain: { flood: 2, waste: 1, traffic: 0, 'cross-domain': 0, 'device-health': 3 },
      bySeverity: { minor: 3, moderate: 0, major: 2, critical: 1 },
    });
  });

  it('finds the shifts whose deadline falls in the window, a night shift ending after midnight included', () => {
    const due = shiftsDueIn(route, DAY, DAY + 24 * 60 * MIN, 420);
    expect(due).toEqual([
      { start: local('22:00', DAY - 24 * 60 * MIN), deadline: local('01:00') },
      { start: local('04:30'), deadline: local('08:00') },
    ]);
    expect(shiftsDueIn(route, local('08:00'), local('12:00'), 420)).toEqual([]);
  });

  it('counts a bin on time only when picked up between its shift start and deadline', () => {
    const pickups = [
      { binId: 'b1', at: local('05:00') },
      { binId: 'b2', at: local('08:00') }, // at the deadline: on time
      { binId: 'b3', at: local('08:01') }, // late
      { binId: 'b4', at: local('04:00') }, // before the shift
      { binId: 'b1', at: local('23:00', DAY - 24 * 60 * MIN) }, // the night shift before
    ];
    const observed = local('00:00', DAY - 2 * 24 * 60 * MIN); // trucks have reported for days
    const r = binsEmptiedOnTime([route], pickups, local('00:00'), local('12:00'), 420, observed);
    // Night shift (deadline 01:00) and morning shift (deadline 08:00): 2 × 4 scheduled; b1 twice and b2 once on time.
    expect(r).toEqual({ scheduled: 8, onTime: 3, ratio: 3 / 8, target: 0.995, meetsTarget: false });
    expect(binsEmptiedOnTime([route], [], local('09:00'), local('12:00'), 420, observed)).toMatchObject({
      scheduled: 0,
      ratio: null,
      meetsTarget: null,
    });
  });

  it('judges only the shifts that began once collection data was coming in (a fresh IOC shows nothing, not 0 %)', () => {
    const pickups = [{ binId: 'b1', at: local('05:00') }];
    // No truck has reported yet: nothing can be judged.
    expect(binsEmptiedOnTime([route], pickups, local('00:00'), local('12:00'), 420, null)).toMatchObject({
      scheduled: 0,
      ratio: null,
    });
    // Data since 02:00: the night shift (started the evening before) is unknown; the morning shift counts.
    expect(binsEmptiedOnTime([route], pickups, local('00:00'), local('12:00'), 420, local('02:00'))).toMatchObject({
      scheduled: 4,
      onTime: 1,
    });
  });

  it('counts flood sensors at or over their catchment warning level, only with a fresh reading', () => {
    const sensors = devicesOfType(topology, 'water-level-sensor');
    const [a, b, c] = sensors;
    const warn = (id: string) => topology.zones.get(topology.devices.get(id)!.catchment)!.warningLevelCm!;
    const now = DAY;
    const latest = new Map([
      [a.id, { at: now - MIN, levelCm: warn(a.id) }], // at the warning level
      [b.id, { at: now - MIN, levelCm: warn(b.id) - 1 }],
      [c.id, { at: now - 31 * MIN, levelCm: warn(c.id) + 50 }], // stale
    ]);
    expect(floodSensorsOverWarning(topology, latest, now)).toEqual({
      over: 1,
      reporting: 2,
      total: sensors.length,
      freshWithinS: 1800,
      deviceIds: [a.id],
    });
  });

  it('counts cameras seen within 6 minutes', () => {
    const now = DAY;
    const r = cameraUptime(
      new Set(['c1', 'c2', 'c3', 'c4']),
      new Map([
        ['c1', now - 6 * MIN],
        ['c2', now - 6 * MIN - 1],
        ['c3', now],
      ]),
      now,
    );
    expect(r).toEqual({ online: 2, total: 4, ratio: 0.5, seenWithinS: 360 });
    expect(cameraUptime(new Set(), new Map(), now).ratio).toBeNull();
  });
});
