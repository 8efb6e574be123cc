import type { IncidentType, ZoneKind } from '@ioc/domain';
import type { EngineEvent, FieldReportBody } from './event';
import type { PredicateContext } from './predicates';
import type { NumOrRef } from './rule.types';
import type { DeviceNode, Topology } from '@ioc/city';

const RAIN_KEEP_MS = 12 * 3_600_000;
const REPORT_KEEP_MS = 24 * 3_600_000;

export interface FieldReport extends FieldReportBody {
  readonly at: number;
  readonly zones: Readonly<Partial<Record<ZoneKind, string>>>;
}

interface ZoneIncidentState {
  active: number;
  clearedAt: number;
}

/** Latest (time, value) per device, updated in place (no allocation per reading). */
export function setLatest(map: Map<string, { t: number; v: number }>, id: string, t: number, v: number): void {
  const x = map.get(id);
  if (x) {
    x.t = t;
    x.v = v;
  } else map.set(id, { t, v });
}

export function median(values: number[], n: number): number {
  if (n === 0) return NaN;
  // Insertion sort: the zones hold ten-odd sensors.
  for (let i = 1; i < n; i++) {
    const v = values[i];
    let j = i - 1;
    while (j >= 0 && values[j] > v) {
      values[j + 1] = values[j];
      j--;
    }
    values[j + 1] = v;
  }
  return n % 2 ? values[(n - 1) >> 1] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

/**
 * Facts shared by every rule, updated once per event before the rules run: when each device was last heard, the
 * latest water and river levels, rain per catchment, camera detections, field reports, and which incidents are
 * active on which zone (for joins, inhibition and absorption).
 */
export class World implements PredicateContext {
  now = 0;
  readonly lastSeen = new Map<string, number>();
  private readonly water = new Map<string, { t: number; v: number }>();
  private readonly tide = new Map<string, { t: number; v: number }>();
  private readonly rain = new Map<string, Array<{ t: number; mm: number }>>();
  private readonly detections = new Map<string, Map<string, number>>();
  readonly reports: FieldReport[] = [];
  private readonly zoneIncidents = new Map<string, Map<string, ZoneIncidentState>>();
  private readonly flagged = new Map<string, Map<string, number>>();
  private readonly scratch: number[] = [];

  constructor(readonly topology: Topology) {}

  observe(e: EngineEvent, device: DeviceNode | undefined): void {
    if (device) this.lastSeen.set(device.id, Math.max(this.lastSeen.get(device.id) ?? -Infinity, e.ts));
    const b = e.body;
    switch (e.kind) {
      case 'water-level':
        if (typeof b.levelCm === 'number') setLatest(this.water, e.deviceId, e.ts, b.levelCm);
        break;
      case 'tide':
        if (typeof b.levelCm === 'number') setLatest(this.tide, e.deviceId, e.ts, b.levelCm);
        break;
      case 'rain': {
        if (typeof b.rainMm !== 'number') break;
        let list = this.rain.get(e.deviceId);
        if (!list) this.rain.set(e.deviceId, (list = []));
        list.push({ t: e.ts, mm: b.rainMm });
        while (list.length && list[0].t < e.ts - RAIN_KEEP_MS) list.shift();
        break;
      }
      case 'camera-detection': {
        let m = this.detections.get(e.deviceId);
        if (!m) this.detections.set(e.deviceId, (m = new Map()));
        m.set(String(b.eventType), e.ts);
        break;
      }
      case 'field-report': {
        const r = b as unknown as FieldReportBody;
        if (typeof r.lat !== 'number' || typeof r.lon !== 'number') break;
        this.reports.push({ ...r, at: e.ts, zones: this.topology.locate(r.lat, r.lon) });
        while (this.reports.length && this.reports[0].at < e.ts - REPORT_KEEP_MS) this.reports.shift();
        break;
      }
      default:
        break;
    }
  }

  /** A late message still proves its device alive (its values come too late to use). */
  heartbeat(deviceId: string, at: number): void {
    if (this.topology.devices.has(deviceId))
      this.lastSeen.set(deviceId, Math.max(this.lastSeen.get(deviceId) ?? -Infinity, at));
  }

  // ---------------------------------------------------------------- predicate context

  rainSince(zoneId: string, sinceMs: number): number {
    let best = 0;
    for (const d of this.topology.membersOfType(zoneId, 'rain-gauge')) {
      const list = this.rain.get(d.id);
      if (!list) continue;
      let sum = 0;
      for (let i = list.length - 1; i >= 0 && list[i].t > sinceMs; i--) if (list[i].t <= this.now) sum += list[i].mm;
      if (sum > best) best = sum;
    }
    return best;
  }

  riverLevel(staleMs: number): number {
    let n = 0;
    for (const x of this.tide.values()) if (this.now - x.t <= staleMs) this.scratch[n++] = x.v;
    return median(this.scratch, n);
  }

  lastDetection(deviceId: string, eventType: string): number {
    return this.detections.get(deviceId)?.get(eventType) ?? -Infinity;
  }

  /** Median water level of a zone's sensors, leaving out sensors flagged by the given data-quality types. */
  zoneWaterLevel(zoneId: string, staleMs: number, exclude: readonly IncidentType[] = [], minReporting = 1): number {
    let n = 0;
    for (const d of this.topology.membersOfType(zoneId, 'water-level-sensor')) {
      const x = this.water.get(d.id);
      if (!x || this.now - x.t > staleMs) continue;
      if (exclude.length && this.isSuspect(exclude, d.id, zoneId)) continue;
      this.scratch[n++] = x.v;
    }
    return n >= minReporting ? median(this.scratch, n) : NaN;
  }

  latestWater(deviceId: string): { t: number; v: number } | undefined {
    return this.water.get(deviceId);
  }

  private readonly refParts = new Map<string, [ZoneKind, string]>();

  resolve(level: NumOrRef, zoneIds: Readonly<Partial<Record<ZoneKind, string>>>): number {
    if (typeof level === 'number') return level;
    let parts = this.refParts.get(level.ref);
    if (!parts) this.refParts.set(level.ref, (parts = level.ref.split('.') as [ZoneKind, string]));
    const [kind, attr] = parts;
    const zone = zoneIds[kind] ? this.topology.zones.get(zoneIds[kind]!) : undefined;
    let base = NaN;
    if (zone) {
      if (attr === 'capacityDensity')
        base = zone.capacityPersons && zone.areaM2 ? zone.capacityPersons / zone.areaM2 : NaN;
      else base = (zone as unknown as Record<string, number | undefined>)[attr] ?? NaN;
    }
    return base * (level.times ?? 1) + (level.plus ?? 0);
  }

  // ---------------------------------------------------------------- incidents on zones, flagged devices

  zoneActive(type: IncidentType, zoneId: string): boolean {
    return (this.zoneIncidents.get(type)?.get(zoneId)?.active ?? 0) > 0;
  }

  /** Active, or cleared less than `holdMs` ago. */
  zoneActiveOrHeld(type: IncidentType, zoneId: string, holdMs: number): boolean {
    const s = this.zoneIncidents.get(type)?.get(zoneId);
    return !!s && (s.active > 0 || this.now - s.clearedAt < holdMs);
  }

  setZoneIncident(type: IncidentType, zoneId: string, active: boolean): void {
    let byZone = this.zoneIncidents.get(type);
    if (!byZone) this.zoneIncidents.set(type, (byZone = new Map()));
    let s = byZone.get(zoneId);
    if (!s) byZone.set(zoneId, (s = { active: 0, clearedAt: -Infinity }));
    if (active) s.active++;
    else if (s.active > 0 && --s.active === 0) s.clearedAt = this.now;
  }

  /** A device counts as a member of a condition of `type` (tampered camera, stuck sensor…), raised or not yet. */
  flag(type: IncidentType, deviceId: string, on: boolean): void {
    let m = this.flagged.get(type);
    if (!m) this.flagged.set(type, (m = new Map()));
    const n = (m.get(deviceId) ?? 0) + (on ? 1 : -1);
    if (n > 0) m.set(deviceId, n);
    else m.delete(deviceId);
  }

  isFlagged(type: IncidentType, deviceId: string): boolean {
    return this.flagged.get(type)?.has(deviceId) ?? false;
  }

  /**
   * A sensor to leave out of a zone's aggregate: a member of a data-quality condition whose incident is raised on
   * that zone (a first sensor seeing water is not suspect just because its neighbours have not seen it yet).
   */
  isSuspect(types: readonly IncidentType[], deviceId: string, zoneId: string): boolean {
    for (const t of types) if (this.flagged.get(t)?.has(deviceId) && this.zoneActive(t, zoneId)) return true;
    return false;
  }

  isFlaggedAny(types: readonly IncidentType[], deviceId: string): boolean {
    for (const t of types) if (this.flagged.get(t)?.has(deviceId)) return true;
    return false;
  }
}
