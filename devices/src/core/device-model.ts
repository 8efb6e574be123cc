import type { Catchment, CollectionRoute, DeviceSite, LandUse, LandUseKind, LonLat } from '@ioc/city';
import type { DeviceType, MessageKind } from '@ioc/domain';
import type { CatchmentState } from './flood.model';
import type { Rng } from './rng';
import type { FaultType, ScenarioFile } from './scenario';
import type { RainCell } from './weather.model';

/**
 * One model per device type: what the device senses of the shared world and reports, as the engine has one detector
 * per rule. The world (weather, tide, catchments with their pumps and gates, festival, waste surge, faults) stays in
 * the Simulation, which schedules reports and delivers what the models emit.
 */
export interface DeviceModel {
  /**
   * Default interval of each report channel, s: the readings on channel 0, then any other (a camera's health on 1).
   * A run that forces one interval for every device (the benchmark's 1 s) overrides them all.
   */
  readonly channelIntervalsS: readonly number[];
  /** Takes in a device of the type, in fleet order, once the fleet and the world are built. */
  add?(d: SimDevice): void;
  /** Called once every device is added (state that spans devices: routes, initial fill). */
  start?(): void;
  /** Advances the device's own state by one physics step ending at simulated second t. */
  step?(d: SimDevice, t: number, dtS: number): void;
  /** One scheduled report on channel `ch` at simulated second t (`intervalS`: channel 0's); returns the seconds until the next one. */
  report(d: SimDevice, ch: number, t: number, intervalS: number): number;
}

/** Default report intervals of the readings, s: what such devices send in the field. */
export const REPORT_INTERVAL_S = {
  'water-level-sensor': 60,
  'rain-gauge': 300,
  'tide-gauge': 300,
  pump: 60,
  'sluice-gate': 60,
  bin: 900,
  truck: 30,
  camera: 60,
} as const satisfies Record<DeviceType, number>;

/** A device as the simulation runs it: where it stands, its own random stream, and what every type shares. */
export interface SimDevice {
  readonly site: DeviceSite;
  readonly idx: number;
  readonly rng: Rng;
  seq: number;
  battery: number;
  readonly catchment: CatchmentRt | undefined;
  /** The device's own variation (a busy corner's bin, a busy road's camera). */
  readonly factor: number;
  readonly tilt: number;
  readonly landUse: LandUseKind;
}

/** A drainage catchment as the world steps it: its water, the rain on it, and the pumps and gate that drain it. */
export interface CatchmentRt {
  readonly c: Catchment;
  readonly centre: LonLat;
  state: CatchmentState;
  rainMmH: number;
  readonly pumps: Array<{ readonly device: SimDevice; running: boolean }>;
  gate: { readonly device: SimDevice; closed: boolean } | undefined;
}

export interface Festival {
  readonly fromT: number;
  readonly toT: number;
  readonly sites: readonly LandUse[];
  readonly peak: number;
  readonly traffic: number;
  readonly littering: number;
}

/** What a device model sees of the world and does through it (the Simulation). Times are simulated seconds. */
export interface DeviceWorld {
  readonly startMs: number;
  readonly scenario: ScenarioFile;
  /** Set when a run forces every device's report interval. */
  readonly reportIntervalS: number | undefined;
  readonly physicsStepS: number;
  readonly rainCells: readonly RainCell[];
  readonly routes: readonly CollectionRoute[];
  readonly festival: Festival | undefined;
  device(id: string): SimDevice | undefined;
  /** A land-use site of the city (market, festival bank) by id. */
  site(id: string): LandUse | undefined;
  /** 0…1: how full the festival sites are at t. */
  festivalCrowd(t: number): number;
  /** The scenario's waste surge factor for a land use (1 without one). */
  surgeOf(landUse: LandUseKind): number;
  /** The fault of this type acting on the device at t, if any (its window tells how long it has lasted). */
  fault(d: SimDevice, type: FaultType, t: number): { readonly fromT: number } | undefined;
  /** Queues one message of the device (the device's transmission faults apply). */
  emit(d: SimDevice, kind: MessageKind, t: number, fields: Record<string, unknown>): void;
}

export const r1 = (x: number): number => Math.round(x * 10) / 10;
export const r5 = (x: number): number => Math.round(x * 1e5) / 1e5;
