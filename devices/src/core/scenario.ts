import type { DeviceType } from '@ioc/domain';
import type { LandUseKind, LonLat } from '@ioc/city';
import { parseTime } from './time';

/** A scenario file (seeds/scenarios/*.json), as written by a trainer. Times are RFC 3339 with +07:00. */
export interface ScenarioFile {
  name: string;
  description: string;
  start: string;
  /** "24h", "90m", "3600s". */
  duration: string;
  weather?: { rainCells?: RainCellSpec[]; showers?: { perDay: number; peakMmH: number; radiusKm?: number } };
  tide?: { seasonalBoostCm?: number; kingTideBoostCm?: number };
  traffic?: { demandFactor?: number };
  waste?: { surge?: Array<{ landUse: LandUseKind[]; factor: number }>; holiday?: string };
  festival?: FestivalSpec;
  cameras?: {
    falsePositivesPerCamH?: number;
    dumping?: Array<{ camera: string; perH: number; from?: string; to?: string }>;
  };
  faults?: FaultSpec[];
  expectedIncidents: ExpectedIncident[];
}

export interface RainCellSpec {
  id: string;
  from: string;
  to: string;
  peakMmH: number;
  radiusKm: number;
  /** The cell's centre moves along this path (lon, lat) between `from` and `to`. */
  path: LonLat[];
}

export interface FestivalSpec {
  name: string;
  from: string;
  to: string;
  sites: string[];
  /** People at all sites together at the peak. */
  peakPersons: number;
  trafficFactor?: number;
  litteringPerCamH?: number;
}

export const FAULT_TYPES = [
  'offline',
  'power-cut',
  'stuck',
  'drift',
  'battery-low',
  'clock-skew',
  'late',
  'out-of-order',
  'duplicate',
  'malformed',
  'pump-failure',
  'gate-failure',
  'truck-breakdown',
  'bin-fire',
  'camera-tamper',
] as const;
export type FaultType = (typeof FAULT_TYPES)[number];

export interface FaultSpec {
  type: FaultType;
  /** Which devices: any combination of explicit ids, a ward (`ward-p3`), a catchment and device types. */
  devices?: string[];
  ward?: string;
  catchment?: string;
  deviceTypes?: DeviceType[];
  from: string;
  to: string;
  /** stuck: —; drift: ratePerH; battery-low: value; clock-skew: skewS; late: delayS; out-of-order: windowS; duplicate/malformed: probability. */
  params?: {
    ratePerH?: number;
    value?: number;
    skewS?: number;
    delayS?: number;
    windowS?: number;
    probability?: number;
  };
  note?: string;
}

export interface ExpectedIncident {
  type: string;
  zone: string;
  from: string;
  to: string;
  note?: string;
}

/** A scenario with its times resolved to epoch ms. */
export interface Scenario {
  readonly file: ScenarioFile;
  readonly name: string;
  readonly startMs: number;
  readonly durationS: number;
}

export function parseDuration(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(h|m|s|d)$/.exec(text);
  if (!m) throw new Error(`duration must look like 24h, 90m, 3600s or 2d, not "${text}"`);
  return Number(m[1]) * { s: 1, m: 60, h: 3600, d: 86400 }[m[2] as 's']!;
}

/** Checks a parsed scenario file and resolves its times; fails with every problem listed. */
export function resolveScenario(file: ScenarioFile): Scenario {
  const problems: string[] = [];
  const time = (label: string, v: string | undefined) => {
    try {
      if (v !== undefined) parseTime(v);
    } catch (e) {
      problems.push(`${label}: ${(e as Error).message}`);
    }
  };
  if (!file.name) problems.push('name is required');
  time('start', file.start);
  for (const c of file.weather?.rainCells ?? []) {
    time(`rain cell ${c.id} from`, c.from);
    time(`rain cell ${c.id} to`, c.to);
  }
  for (const [i, f] of (file.faults ?? []).entries()) {
    if (!(FAULT_TYPES as readonly string[]).includes(f.type)) problems.push(`faults[${i}]: unknown type "${f.type}"`);
    time(`faults[${i}].from`, f.from);
    time(`faults[${i}].to`, f.to);
  }
  if (!Array.isArray(file.expectedIncidents)) problems.push('expectedIncidents must be a list (possibly empty)');
  for (const [i, x] of (file.expectedIncidents ?? []).entries()) {
    time(`expectedIncidents[${i}].from`, x.from);
    time(`expectedIncidents[${i}].to`, x.to);
  }
  let durationS = 0;
  try {
    durationS = parseDuration(file.duration);
  } catch (e) {
    problems.push((e as Error).message);
  }
  if (problems.length) throw new Error(`scenario "${file.name}": ${problems.join('; ')}`);
  return { file, name: file.name, startMs: parseTime(file.start), durationS };
}
