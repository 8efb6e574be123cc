import {
  centreOf,
  type City,
  type CollectionRoute,
  type DeviceSite,
  type LandUse,
  type LandUseKind,
  type LonLat,
} from '@ioc/city';
import type { MessageKind } from '@ioc/domain';
import { r1, type CatchmentRt, type DeviceWorld, type Festival, type SimDevice } from './device-model';
import { createDeviceModels, type DeviceModels } from './device-models';
import { gateShouldClose, outfallFactor, pumpShouldRun, stepCatchment } from './flood.model';
import { selectFleet } from './fleet';
import { SlotHeap } from './heap';
import { chance, createRng, uniform, type Rng } from './rng';
import type { FaultSpec, FaultType, Scenario } from './scenario';
import { tideLevelCm } from './tide.model';
import { formatTs, parseTime } from './time';
import { cellsFromScenario, rainRateMmH, type RainCell } from './weather.model';

export { REPORT_INTERVAL_S, type SimDevice } from './device-model';

/** One message as a device would send it, with its simulated event and delivery times (seconds since start). */
export interface SimMessage {
  readonly deviceId: string;
  readonly kind: MessageKind;
  /** Event time (what `ts` says, before any clock-skew fault). */
  readonly t: number;
  /** When the device delivers it (later than `t` for late / out-of-order faults). */
  readonly sendT: number;
  /** The payload object (per-device topic); a gateway adds `deviceId` and `kind`. */
  readonly body: Record<string, unknown>;
  /** Set by the malformed fault when the payload is not even JSON: the bytes to publish on a per-device topic. */
  readonly raw?: string;
  /** Set when a fault deliberately broke the contract (the IOC must quarantine it). */
  readonly malformed?: boolean;
  readonly duplicate?: boolean;
}

export interface SimulationOptions {
  readonly city: City;
  readonly scenario: Scenario;
  readonly seed: number | string;
  /** Fleet size; default: the registry as it is. */
  readonly devices?: number;
  /** Every device reports at this interval (s) instead of its type's own: the benchmark's 1 msg/s. */
  readonly reportIntervalS?: number;
  /** Shift of every `ts` (ms): replay a scenario at another date without changing its physics. */
  readonly tsOffsetMs?: number;
  /** Step of the world model (rain, tide, water, trucks), s. */
  readonly physicsStepS?: number;
}

const PRIMARY: Partial<Record<MessageKind, string>> = {
  'water-level': 'levelCm',
  tide: 'levelCm',
  rain: 'rainMm',
  'bin-fill': 'fillPct',
  pump: 'flowM3h',
};

interface ActiveFault {
  readonly spec: FaultSpec;
  readonly index: number;
  readonly fromT: number;
  readonly toT: number;
  readonly frozen: Map<number, number>;
}

/**
 * The simulated city. A deterministic function of (city, scenario, seed, options): `advanceTo(t)` runs the world
 * model in fixed steps and returns every message devices send up to simulated second `t`, in delivery order. State is
 * updated in place (10 000 devices at 1 msg/s leave no room for copying), but nothing outside the arguments is read:
 * no wall clock, no Math.random. The world (weather, tide, catchments with their pumps and gates, festival, waste
 * surge, faults) is stepped here; what each device senses and sends is its type's model (device-models.ts).
 */
export class Simulation implements DeviceWorld {
  readonly startMs: number;
  readonly durationS: number;
  readonly devices: readonly SimDevice[];
  readonly catchments: ReadonlyMap<string, CatchmentRt>;
  readonly routes: readonly CollectionRoute[];
  readonly rainCells: readonly RainCell[];
  readonly festival: Festival | undefined;
  readonly physicsStepS: number;
  readonly reportIntervalS: number | undefined;
  private readonly models: DeviceModels;
  private readonly byId = new Map<string, SimDevice>();
  private readonly sites: ReadonlyMap<string, LandUse>;
  /** Devices whose model has state of its own to step (rain gauges, trucks), in fleet order. */
  private readonly stepping: readonly SimDevice[];
  private readonly heap = new SlotHeap();
  private readonly pending: SimMessage[] = [];
  private readonly faults: ActiveFault[];
  private readonly faultsOf: ActiveFault[][];
  private readonly faultRng = new Map<string, Rng>();
  private readonly worldRng: Rng;
  private readonly tsOffsetMs: number;
  private readonly surge: Partial<Record<LandUseKind, number>> = {};
  private physT = 0;
  private out: SimMessage[] = [];
  /** River level at the centre gauge now, cm above datum. */
  tideCm = 0;
  t = 0;

  constructor(private readonly opts: SimulationOptions) {
    const { city, scenario, seed } = opts;
    const file = scenario.file;
    this.startMs = scenario.startMs;
    this.durationS = scenario.durationS;
    this.physicsStepS = opts.physicsStepS ?? 10;
    this.reportIntervalS = opts.reportIntervalS;
    this.tsOffsetMs = opts.tsOffsetMs ?? 0;
    this.worldRng = createRng(seed, `world/${scenario.name}`);
    const fleet = selectFleet(city.devices, city.routes, opts.devices, createRng(seed, 'fleet'));
    this.routes = fleet.routes;
    const cityCentre: LonLat = [105.973, 9.6032];
    this.rainCells = cellsFromScenario(file, this.startMs, this.durationS, cityCentre, this.worldRng);
    const toT = (s: string) => (parseTime(s) - this.startMs) / 1000;

    const catchments = new Map<string, CatchmentRt>();
    for (const c of city.catchments)
      catchments.set(c.id, {
        c,
        centre: centreOf(c.ring),
        state: { waterMm: 0, depthCm: 0, pumpsRunning: 0 },
        rainMmH: 0,
        pumps: [],
        gate: undefined,
      });
    this.catchments = catchments;
    this.sites = new Map(city.landUse.map((l) => [l.id, l]));
    if (file.festival) {
      const f = file.festival;
      const sites = f.sites.map((s) => this.sites.get(s)).filter((s): s is LandUse => !!s);
      this.festival = {
        fromT: toT(f.from),
        toT: toT(f.to),
        sites,
        peak: f.peakPersons,
        traffic: f.trafficFactor ?? 1.8,
        littering: f.litteringPerCamH ?? 3,
      };
    }
    for (const s of file.waste?.surge ?? []) for (const lu of s.landUse) this.surge[lu] = s.factor;

    this.devices = fleet.devices.map((site, idx) => {
      const rng = createRng(seed, `device/${site.id}`);
      // Drawn for every device in this order, whatever its type uses: each device's random stream stays its own.
      const d: SimDevice = {
        site,
        idx,
        rng,
        seq: 0,
        battery: uniform(rng, 55, 100),
        catchment: catchments.get(site.catchment),
        factor: uniform(rng, 0.7, 1.3),
        tilt: r1(uniform(rng, 0, 4)),
        landUse: (site.landUse ?? 'residential') as LandUseKind,
      };
      this.byId.set(site.id, d);
      return d;
    });
    // Each catchment's pumps and (one) sluice gate, which its control runs as the world steps.
    for (const d of this.devices) {
      if (d.site.type === 'pump') d.catchment?.pumps.push({ device: d, running: false });
      if (d.site.type === 'sluice-gate' && d.catchment) d.catchment.gate = { device: d, closed: false };
    }
    this.faults = (file.faults ?? []).map((spec, index) => ({
      spec,
      index,
      fromT: toT(spec.from),
      toT: toT(spec.to),
      frozen: new Map(),
    }));
    this.faultsOf = this.devices.map(() => []);
    for (const f of this.faults) {
      for (const d of this.devices) if (matches(f.spec, d.site)) this.faultsOf[d.idx].push(f);
    }

    this.models = createDeviceModels(this);
    for (const d of this.devices) this.models[d.site.type].add?.(d);
    for (const m of Object.values(this.models)) m.start?.();
    this.stepping = this.devices.filter((d) => this.models[d.site.type].step);

    // Stagger first reports over one interval so the fleet does not speak in unison.
    for (const d of this.devices)
      this.models[d.site.type].channelIntervalsS.forEach((iv, ch) =>
        this.heap.push({ t: Math.floor(d.rng.next() * (this.reportIntervalS ?? iv)), dev: d.idx, ch }),
      );
    this.stepWorld(0);
  }

  /** Is fault `type` active on this device at simulated second t? */
  faultActive(deviceId: string, type: FaultType, t = this.t): boolean {
    const d = this.byId.get(deviceId);
    return !!d && !!this.fault(d, type, t);
  }

  device(id: string): SimDevice | undefined {
    return this.byId.get(id);
  }

  site(id: string): LandUse | undefined {
    return this.sites.get(id);
  }

  get scenario() {
    return this.opts.scenario.file;
  }

  /** Bin fill now (%), brought up to the current time. */
  binFill(id: string): number {
    const d = this.byId.get(id);
    if (!d) throw new Error(`no bin ${id}`);
    return this.models.bin.fillAt(d, this.t);
  }

  get done(): boolean {
    return this.t >= this.durationS;
  }

  /** Runs the city up to simulated second `target` (capped at the duration) and returns the messages delivered. */
  advanceTo(target: number): SimMessage[] {
    const end = Math.min(target, this.durationS);
    this.out = [];
    for (;;) {
      const slot = this.heap.peek();
      const nextPhys = this.physT + this.physicsStepS;
      if (nextPhys <= end && (!slot || nextPhys <= slot.t)) {
        this.physT = nextPhys;
        this.t = nextPhys;
        this.stepWorld(this.physicsStepS);
        continue;
      }
      if (!slot || slot.t > end) break;
      this.heap.pop();
      this.t = slot.t;
      const next = this.report(this.devices[slot.dev], slot.ch);
      this.heap.push({ t: slot.t + next, dev: slot.dev, ch: slot.ch });
    }
    this.t = Math.max(this.t, end);
    return this.deliver(end);
  }

  festivalCrowd(t: number): number {
    const f = this.festival;
    if (!f || t < f.fromT || t >= f.toT) return 0;
    const up = Math.min(1, (t - f.fromT) / 5400);
    const down = Math.min(1, (f.toT - t) / 3600);
    return Math.sin((Math.PI / 2) * Math.min(up, down));
  }

  surgeOf(landUse: LandUseKind): number {
    return this.surge[landUse] ?? 1;
  }

  fault(d: SimDevice, type: FaultType, t: number): ActiveFault | undefined {
    const fs = this.faultsOf[d.idx];
    for (let i = 0; i < fs.length; i++) if (fs[i].spec.type === type && t >= fs[i].fromT && t < fs[i].toT) return fs[i];
    return undefined;
  }

  // ---------------------------------------------------------------- world

  private stepWorld(dtS: number): void {
    const t = this.physT;
    const ms = this.startMs + t * 1000;
    const tide = this.opts.scenario.file.tide ?? {};
    this.tideCm = tideLevelCm(ms, tide);
    for (const c of this.catchments.values()) {
      c.rainMmH = rainRateMmH(this.rainCells, c.centre, ms);
      let pumpMmH = 0;
      let running = 0;
      for (const p of c.pumps) {
        p.running = !this.fault(p.device, 'pump-failure', t) && pumpShouldRun(c.c, c.state, p.running);
        if (p.running) {
          pumpMmH += p.device.site.capacityMmH ?? 18;
          running++;
        }
      }
      let gate: 'none' | 'open' | 'closed' | 'failed-open' = 'none';
      if (c.gate) {
        if (this.fault(c.gate.device, 'gate-failure', t)) gate = 'failed-open';
        else {
          c.gate.closed = gateShouldClose(c.c, this.tideCm, c.gate.closed);
          gate = c.gate.closed ? 'closed' : 'open';
        }
      }
      if (dtS > 0)
        c.state = stepCatchment(c.c, c.state, { rainMmH: c.rainMmH, tideCm: this.tideCm, pumpMmH, gate }, dtS);
      c.state.pumpsRunning = running;
    }
    if (dtS > 0) for (const d of this.stepping) this.models[d.site.type].step!(d, t, dtS);
  }

  // ---------------------------------------------------------------- reports

  /** One scheduled report of device d; returns the seconds until its next one. */
  private report(d: SimDevice, ch: number): number {
    const iv = this.reportIntervalS ?? this.models[d.site.type].channelIntervalsS[0];
    d.battery = Math.max(0, d.battery - iv / 86400 / 2);
    return this.models[d.site.type].report(d, ch, this.t, iv);
  }

  // ---------------------------------------------------------------- faults and delivery

  private rngFor(f: ActiveFault, d: SimDevice): Rng {
    const key = `${f.index}/${d.site.id}`;
    let r = this.faultRng.get(key);
    if (!r) this.faultRng.set(key, (r = createRng(this.opts.seed, `fault/${key}`)));
    return r;
  }

  /** Applies the device's transmission faults to one message and queues it for delivery. */
  emit(d: SimDevice, kind: MessageKind, t: number, fields: Record<string, unknown>): void {
    const faults = this.faultsOf[d.idx];
    let skewS = 0;
    let delayS = 0;
    let dup = false;
    let malformed: Rng | undefined;
    for (let i = 0; i < faults.length; i++) {
      const f = faults[i];
      if (t < f.fromT || t >= f.toT) continue;
      const p = f.spec.params ?? {};
      const key = PRIMARY[kind];
      switch (f.spec.type) {
        case 'offline':
        case 'power-cut':
          return;
        case 'stuck':
          if (key) {
            if (!f.frozen.has(d.idx)) f.frozen.set(d.idx, fields[key] as number);
            fields[key] = f.frozen.get(d.idx);
          }
          break;
        case 'drift':
          if (key && typeof fields[key] === 'number')
            fields[key] = r1(clampFor(kind, (fields[key] as number) + ((p.ratePerH ?? 5) * (t - f.fromT)) / 3600));
          break;
        case 'battery-low':
          if ('batteryPct' in fields) fields.batteryPct = Math.min(fields.batteryPct as number, p.value ?? 7);
          break;
        case 'clock-skew':
          skewS += p.skewS ?? 3600;
          break;
        case 'late':
          delayS += p.delayS ?? 600;
          break;
        case 'out-of-order':
          delayS += Math.floor(this.rngFor(f, d).next() * (p.windowS ?? 300));
          break;
        case 'duplicate':
          if (chance(this.rngFor(f, d), p.probability ?? 1)) dup = true;
          break;
        case 'malformed':
          if (chance(this.rngFor(f, d), p.probability ?? 0.5)) malformed = this.rngFor(f, d);
          break;
        default:
          break;
      }
    }
    d.seq++;
    const body: Record<string, unknown> = {
      msgId: String(d.seq),
      ts: formatTs(this.startMs + this.tsOffsetMs + (t + skewS) * 1000),
      ...fields,
    };
    let msg: SimMessage = { deviceId: d.site.id, kind, t, sendT: t + delayS, body };
    if (malformed) msg = corrupt(msg, malformed);
    this.queue(msg);
    if (dup) this.queue({ ...msg, sendT: msg.sendT + 1, duplicate: true });
  }

  private queue(m: SimMessage): void {
    if (m.sendT <= this.t) this.out.push(m);
    else this.pending.push(m);
  }

  private deliver(end: number): SimMessage[] {
    if (!this.pending.length) return this.out;
    const due: SimMessage[] = [];
    for (let i = 0; i < this.pending.length;) {
      if (this.pending[i].sendT <= end) due.push(...this.pending.splice(i, 1));
      else i++;
    }
    if (!due.length) return this.out;
    // Stable sort by delivery time: generation order breaks ties, so the stream stays deterministic.
    return [...this.out, ...due]
      .map((m, i) => ({ m, i }))
      .sort((a, b) => a.m.sendT - b.m.sendT || a.i - b.i)
      .map((x) => x.m);
  }
}

function matches(f: FaultSpec, d: DeviceSite): boolean {
  if (f.devices && !f.devices.includes(d.id)) return false;
  if (f.ward && d.ward !== f.ward) return false;
  if (f.catchment && d.catchment !== f.catchment) return false;
  if (f.deviceTypes && !f.deviceTypes.includes(d.type)) return false;
  return !!(f.devices || f.ward || f.catchment || f.deviceTypes);
}

function clampFor(kind: MessageKind, v: number): number {
  if (kind === 'bin-fill') return Math.min(100, Math.max(0, v));
  if (kind === 'water-level') return Math.min(500, Math.max(-50, v));
  if (kind === 'rain') return Math.min(500, Math.max(0, v));
  return v;
}

/** Breaks a message the way faulty firmware does; the IOC must quarantine every one of these. */
function corrupt(m: SimMessage, rng: Rng): SimMessage {
  const body = { ...m.body };
  const key = PRIMARY[m.kind] ?? Object.keys(body).find((k) => k !== 'msgId' && k !== 'ts')!;
  switch (Math.floor(rng.next() * 4)) {
    case 0:
      body[key] = String(body[key]); // a number sent as text
      return { ...m, body, malformed: true };
    case 1:
      delete body[key]; // a required field missing
      return { ...m, body, malformed: true };
    case 2:
      body.ts = String(body.ts).slice(0, 19).replace('T', ' '); // local time, no offset
      return { ...m, body, malformed: true };
    default: {
      // Cut off mid-payload (a per-device topic gets the broken bytes; a gateway cannot, so it sends text for the number).
      body[key] = String(body[key]);
      const text = JSON.stringify(m.body);
      return { ...m, body, raw: text.slice(0, Math.max(1, Math.floor(text.length / 2))), malformed: true };
    }
  }
}

export { outfallFactor };
