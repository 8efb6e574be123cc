import { incidentDomainOf, INCIDENT_DOMAIN_NAMES, isIncidentType, SEVERITIES } from '@ioc/domain';
import type { DeviceNode, RouteNode, Topology } from '@ioc/city';

/** The 99.5 % collection target of the provincial resolution. */
export const BINS_ON_TIME_TARGET = 0.995;
/** A camera counts as up when heard from within this (its health period is 60 s; the offline rule allows 6 min). */
export const CAMERA_SEEN_WITHIN_MS = 6 * 60_000;
/** A water-level reading older than this is not "the current level" (sensors report every minute or faster). */
export const FLOOD_READING_FRESH_MS = 30 * 60_000;

const DAY_MS = 86_400_000;

export function activeIncidentsByDomain(rows: ReadonlyArray<{ type: string; severity: string; count: number }>) {
  const byDomain: Record<string, number> = Object.fromEntries(INCIDENT_DOMAIN_NAMES.map((d) => [d, 0]));
  const bySeverity: Record<string, number> = Object.fromEntries(SEVERITIES.map((s) => [s, 0]));
  let total = 0;
  for (const r of rows) {
    total += r.count;
    bySeverity[r.severity] = (bySeverity[r.severity] ?? 0) + r.count;
    const domain = isIncidentType(r.type) ? incidentDomainOf(r.type) : 'other';
    byDomain[domain] = (byDomain[domain] ?? 0) + r.count;
  }
  return { total, byDomain, bySeverity };
}

/**
 * Street water-level sensors of the city model whose latest level, read within `freshMs`, is at or above the warning
 * level of their catchment. `reporting` counts those with a fresh reading.
 */
export function floodSensorsOverWarning(
  topology: Topology,
  latestLevel: ReadonlyMap<string, { readonly at: number; readonly levelCm: number }>,
  now: number,
  freshMs = FLOOD_READING_FRESH_MS,
) {
  const sensors = [...topology.devices.values()].filter((d) => d.type === 'water-level-sensor');
  const overIds: string[] = [];
  let reporting = 0;
  for (const s of sensors) {
    const r = latestLevel.get(s.id);
    if (!r || now - r.at > freshMs) continue;
    reporting++;
    const warning = topology.zones.get(s.zones.catchment ?? s.catchment)?.warningLevelCm;
    if (warning !== undefined && r.levelCm >= warning) overIds.push(s.id);
  }
  return {
    over: overIds.length,
    reporting,
    total: sensors.length,
    freshWithinS: freshMs / 1000,
    deviceIds: overIds.sort(),
  };
}

/** Cameras (of the city model and of the registry) heard from within `withinMs`. */
export function cameraUptime(
  cameraIds: ReadonlySet<string>,
  lastSeen: ReadonlyMap<string, number>,
  now: number,
  withinMs = CAMERA_SEEN_WITHIN_MS,
) {
  let online = 0;
  for (const id of cameraIds) {
    const t = lastSeen.get(id);
    if (t !== undefined && now - t <= withinMs) online++;
  }
  const total = cameraIds.size;
  return { online, total, ratio: total ? online / total : null, seenWithinS: withinMs / 1000 };
}

/** The shift occurrences of a route whose deadline falls in (from, to]: [start, deadline] in epoch ms. */
export function shiftsDueIn(
  route: RouteNode,
  from: number,
  to: number,
  utcOffsetMin: number,
): Array<{ start: number; deadline: number }> {
  const off = utcOffsetMin * 60_000;
  const out: Array<{ start: number; deadline: number }> = [];
  // Local days from the one before `from` (a shift may end after midnight) to the one of `to`.
  for (let day = Math.floor((from + off) / DAY_MS) * DAY_MS - off - DAY_MS; day <= to; day += DAY_MS) {
    for (const s of route.shifts) {
      const start = day + s.startMin * 60_000;
      const deadline = day + (s.deadlineMin < s.startMin ? s.deadlineMin + 24 * 60 : s.deadlineMin) * 60_000;
      if (deadline > from && deadline <= to) out.push({ start, deadline });
    }
  }
  return out;
}

/**
 * Bins emptied on time: every (route shift whose deadline fell in the window) × (bin of the route) is one scheduled
 * collection, on time when a truck-pickup event for that bin lies between the shift's start and its deadline.
 * Only shifts that began once the IOC was receiving collection data (`observedFrom`: its first truck report) count:
 * a shift before that is unknown, not missed. No such shift: ratio null (nothing to judge yet).
 */
export function binsEmptiedOnTime(
  routes: Iterable<RouteNode>,
  pickups: ReadonlyArray<{ readonly binId: string; readonly at: number }>,
  from: number,
  to: number,
  utcOffsetMin: number,
  observedFrom: number | null,
  target = BINS_ON_TIME_TARGET,
) {
  const byBin = new Map<string, number[]>();
  for (const p of pickups) {
    let list = byBin.get(p.binId);
    if (!list) byBin.set(p.binId, (list = []));
    list.push(p.at);
  }
  let scheduled = 0;
  let onTime = 0;
  for (const route of routes) {
    for (const shift of shiftsDueIn(route, from, to, utcOffsetMin)) {
      if (observedFrom === null || shift.start < observedFrom) continue;
      for (const bin of route.binIds) {
        scheduled++;
        if (byBin.get(bin)?.some((t) => t >= shift.start && t <= shift.deadline)) onTime++;
      }
    }
  }
  const ratio = scheduled ? onTime / scheduled : null;
  return { scheduled, onTime, ratio, target, meetsTarget: ratio === null ? null : ratio >= target };
}

export function devicesOfType(topology: Topology, type: DeviceNode['type']): DeviceNode[] {
  return [...topology.devices.values()].filter((d) => d.type === type);
}
