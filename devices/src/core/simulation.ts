import { bearingDeg, centreOf, distanceM, pointBetween, type Catchment, type City, type CollectionRoute, type DeviceSite, type LandUse, type LandUseKind, type LonLat } from '@ioc/city';
import type { MessageKind } from '@ioc/domain';
import { outfallFactor, gateShouldClose, pumpShouldRun, stepCatchment, type CatchmentState } from './flood.model';
import { demandShare, floodCapacityFactor, laneCapacity, traffic } from './camera.model';
import { selectFleet } from './fleet';
import { SlotHeap } from './heap';
import { chance, createRng, normal, pick, poisson, uniform, type Rng } from './rng';
import type { FaultSpec, FaultType, Scenario } from './scenario';
import { tideLevelCm } from './tide.model';
import { clockMinutes, formatTs, localHour, localMidnight, localWeekday, parseTime } from './time';
import { fillAfter, fillRatePctH, pickupWeightKg } from './waste.model';
import { cellsFromScenario, rainRateMmH, type RainCell } from './weather.model';

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

/** Default report intervals, s: what such devices send in the field. */
export const REPORT_INTERVAL_S = {
  'water-level-sensor': 60,
  'rain-gauge': 300,
  'tide-gauge': 300,
  pump: 60,
  'sluice-gate': 60,
  bin: 900,
  truck: 30,
  camera: 60,
} as const;
const CAMERA_HEALTH_S = 300;
const TRUCK_IDLE_S = 600;
const TRUCK_SPEED_MS = 5; // 18 km/h between bins
const PICKUP_DWELL_S = 45;
const MODEL_VERSION = 'yolov8s-ioc-2.3';
const PRIMARY: Partial<Record<MessageKind, string>> = { 'water-level': 'levelCm', tide: 'levelCm', rain: 'rainMm', 'bin-fill': 'fillPct', pump: 'flowM3h' };

interface TruckState {
  route: CollectionRoute;
  stops: DeviceRt[];
  mode: 'depot' | 'route' | 'return';
  i: number;
  pos: LonLat;
  dwell: number;
  speedKmh: number;
  heading: number;
  shiftStart: number;
}

interface DeviceRt {
  readonly site: DeviceSite;
  readonly idx: number;
  readonly rng: Rng;
  seq: number;
  battery: number;
  readonly catchment: CatchmentRt | undefined;
  // bins
  fill: number;
  fillT: number;
  readonly factor: number;
  readonly tilt: number;
  readonly landUse: LandUseKind;
  // rain gauges
  rainAcc: number;
  // pumps and gates
  running: boolean;
  closed: boolean;
  // cameras
  readonly festivalSite: LandUse | undefined;
  readonly nearFestival: boolean;
  truck: TruckState | undefined;
}

interface CatchmentRt {
  readonly c: Catchment;
  readonly centre: LonLat;
  state: CatchmentState;
  rainMmH: number;
  pumps: DeviceRt[];
  gate: DeviceRt | undefined;
}

interface ActiveFault {
  readonly spec: FaultSpec;
  readonly index: number;
  readonly fromT: number;
  readonly toT: number;
  readonly frozen: Map<number, number>;
}

const r1 = (x: number) => Math.round(x * 10) / 10;
const r5 = (x: number) => Math.round(x * 1e5) / 1e5;

/**
 * The simulated city. A deterministic function of (city, scenario, seed, options): `advanceTo(t)` runs the world
 * model in fixed steps and returns every message devices send up to simulated second `t`, in delivery order. State is
 * updated in place (10 000 devices at 1 msg/s leave no room for copying), but nothing outside the arguments is read:
 * no wall clock, no Math.random.
 */
export class Simulation {
  readonly startMs: number;
  readonly durationS: number;
  readonly devices: readonly DeviceRt[];
  readonly catchments: ReadonlyMap<string, CatchmentRt>;
  readonly routes: readonly CollectionRoute[];
  readonly rainCells: readonly RainCell[];
  private readonly byId = new Map<string, DeviceRt>();
  private readonly heap = new SlotHeap();
  private readonly pending: SimMessage[] = [];
  private readonly faults: ActiveFault[];
  private readonly faultsOf: ActiveFault[][];
  private readonly faultRng = new Map<string, Rng>();
  private readonly worldRng: Rng;
  private readonly physicsStepS: number;
  private readonly tsOffsetMs: number;
  private readonly fest: { fromT: number; toT: number; sites: LandUse[]; peak: number; traffic: number; littering: number } | undefined;
  private readonly surge: Partial<Record<LandUseKind, number>> = {};
  private readonly dumping: Map<number, Array<{ perH: number; fromT: number; toT: number }>> = new Map();
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
    this.tsOffsetMs = opts.tsOffsetMs ?? 0;
    this.worldRng = createRng(seed, `world/${scenario.name}`);
    const fleet = selectFleet(city.devices, city.routes, opts.devices, createRng(seed, 'fleet'));
    this.routes = fleet.routes;
    const cityCentre: LonLat = [105.973, 9.6032];
    this.rainCells = cellsFromScenario(file, this.startMs, this.durationS, cityCentre, this.worldRng);
    const toT = (s: string) => (parseTime(s) - this.startMs) / 1000;

    const catchments = new Map<string, CatchmentRt>();
    for (const c of city.catchments) catchments.set(c.id, { c, centre: centreOf(c.ring), state: { waterMm: 0, depthCm: 0, pumpsRunning: 0 }, rainMmH: 0, pumps: [], gate: undefined });
    this.catchments = catchments;
    const landUse = new Map(city.landUse.map((l) => [l.id, l]));
    if (file.festival) {
      const f = file.festival;
      const sites = f.sites.map((s) => landUse.get(s)).filter((s): s is LandUse => !!s);
      this.fest = { fromT: toT(f.from), toT: toT(f.to), sites, peak: f.peakPersons, traffic: f.trafficFactor ?? 1.8, littering: f.litteringPerCamH ?? 3 };
    }
    for (const s of file.waste?.surge ?? []) for (const lu of s.landUse) this.surge[lu] = s.factor;

    this.devices = fleet.devices.map((site, idx) => {
      const rng = createRng(seed, `device/${site.id}`);
      const lu = (site.landUse ?? 'residential') as LandUseKind;
      const festivalSite = site.siteId && landUse.get(site.siteId)?.kind === 'festival-bank' ? landUse.get(site.siteId) : undefined;
      const nearFestival = !!this.fest?.sites.some((s) => distanceM([site.lon, site.lat], centreOf(s.ring)) < 1200);
      const d: DeviceRt = {
        site,
        idx,
        rng,
        seq: 0,
        battery: uniform(rng, 55, 100),
        catchment: catchments.get(site.catchment),
        fill: 0,
        fillT: 0,
        factor: uniform(rng, 0.7, 1.3),
        tilt: r1(uniform(rng, 0, 4)),
        landUse: lu,
        rainAcc: 0,
        running: false,
        closed: false,
        festivalSite,
        nearFestival,
        truck: undefined,
      };
      this.byId.set(site.id, d);
      return d;
    });
    for (const d of this.devices) {
      if (d.site.type === 'pump') d.catchment?.pumps.push(d);
      if (d.site.type === 'sluice-gate' && d.catchment) d.catchment.gate = d;
    }
    for (const r of this.routes) {
      const truck = this.byId.get(r.truckId);
      if (!truck) continue;
      const stops = r.binIds.map((b) => this.byId.get(b)).filter((b): b is DeviceRt => !!b);
      truck.truck = { route: r, stops, mode: 'depot', i: 0, pos: r.depot, dwell: 0, speedKmh: 0, heading: 0, shiftStart: 0 };
    }
    this.initialBinFill();
    for (const c of file.cameras?.dumping ?? []) {
      const d = this.byId.get(c.camera);
      if (d) this.dumping.set(d.idx, [...(this.dumping.get(d.idx) ?? []), { perH: c.perH, fromT: c.from ? toT(c.from) : 0, toT: c.to ? toT(c.to) : Infinity }]);
    }

    this.faults = (file.faults ?? []).map((spec, index) => ({ spec, index, fromT: toT(spec.from), toT: toT(spec.to), frozen: new Map() }));
    this.faultsOf = this.devices.map(() => []);
    for (const f of this.faults) {
      for (const d of this.devices) if (matches(f.spec, d.site)) this.faultsOf[d.idx].push(f);
    }

    // Stagger first reports over one interval so the fleet does not speak in unison.
    for (const d of this.devices) {
      const iv = this.intervalOf(d);
      this.heap.push({ t: Math.floor(d.rng.next() * iv), dev: d.idx, ch: 0 });
      if (d.site.type === 'camera') this.heap.push({ t: Math.floor(d.rng.next() * (opts.reportIntervalS ?? CAMERA_HEALTH_S)), dev: d.idx, ch: 1 });
    }
    this.stepWorld(0);
  }

  /** Is fault `type` active on this device at simulated second t? */
  faultActive(deviceId: string, type: FaultType, t = this.t): boolean {
    const d = this.byId.get(deviceId);
    return !!d && this.faultsOf[d.idx].some((f) => f.spec.type === type && t >= f.fromT && t < f.toT);
  }

  device(id: string): DeviceRt | undefined {
    return this.byId.get(id);
  }

  /** Bin fill now (%), brought up to the current time. */
  binFill(id: string): number {
    const d = this.byId.get(id);
    if (!d) throw new Error(`no bin ${id}`);
    this.updateFill(d, this.t);
    return d.fill;
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
      const d = this.devices[slot.dev];
      const next = this.report(d, slot.ch);
      this.heap.push({ t: slot.t + next, dev: slot.dev, ch: slot.ch });
    }
    this.t = Math.max(this.t, end);
    return this.deliver(end);
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
        p.running = !this.modelFault(p, 'pump-failure', t) && pumpShouldRun(c.c, c.state, p.running);
        if (p.running) (pumpMmH += (p.site as { capacityMmH?: number }).capacityMmH ?? 18), running++;
      }
      let gate: 'none' | 'open' | 'closed' | 'failed-open' = 'none';
      if (c.gate) {
        if (this.modelFault(c.gate, 'gate-failure', t)) gate = 'failed-open';
        else {
          c.gate.closed = gateShouldClose(c.c, this.tideCm, c.gate.closed);
          gate = c.gate.closed ? 'closed' : 'open';
        }
      }
      if (dtS > 0) c.state = stepCatchment(c.c, c.state, { rainMmH: c.rainMmH, tideCm: this.tideCm, pumpMmH, gate }, dtS);
      c.state.pumpsRunning = running;
    }
    if (dtS > 0) {
      for (const d of this.devices) {
        if (d.site.type === 'rain-gauge') d.rainAcc += (rainRateMmH(this.rainCells, [d.site.lon, d.site.lat], ms) * dtS) / 3600;
        else if (d.truck) this.stepTruck(d, d.truck, t, dtS);
      }
    }
  }

  private stepTruck(d: DeviceRt, tr: TruckState, t: number, dtS: number): void {
    const ms = this.startMs + t * 1000;
    if (tr.mode === 'depot') {
      const nowMin = localHour(ms) * 60;
      const prevMin = nowMin - dtS / 60;
      const shift = tr.route.shifts.find((s) => {
        const m = clockMinutes(s.start);
        return (prevMin < m && m <= nowMin) || (t === this.physicsStepS && nowMin >= m && nowMin < clockMinutes(s.deadline) - 60);
      });
      if (!shift || !tr.stops.length) return;
      Object.assign(tr, { mode: 'route', i: 0, dwell: 0, shiftStart: t });
    }
    if (this.modelFault(d, 'truck-breakdown', t)) {
      tr.speedKmh = 0;
      return;
    }
    let budget = dtS;
    while (budget > 0 && tr.mode !== 'depot') {
      if (tr.dwell > 0) {
        const used = Math.min(budget, tr.dwell);
        tr.dwell -= used;
        budget -= used;
        tr.speedKmh = 0;
        if (tr.dwell <= 0) this.pickup(d, tr, t);
        continue;
      }
      const target: LonLat = tr.mode === 'route' ? [tr.stops[tr.i].site.lon, tr.stops[tr.i].site.lat] : tr.route.depot;
      const dist = distanceM(tr.pos, target);
      const step = TRUCK_SPEED_MS * budget;
      if (dist > 0) tr.heading = bearingDeg(tr.pos, target);
      if (step < dist) {
        tr.pos = pointBetween(tr.pos, target, step / dist);
        tr.speedKmh = TRUCK_SPEED_MS * 3.6;
        budget = 0;
      } else {
        tr.pos = target;
        budget -= dist / TRUCK_SPEED_MS;
        if (tr.mode === 'route') tr.dwell = PICKUP_DWELL_S;
        else (tr.mode = 'depot'), (tr.speedKmh = 0);
      }
    }
  }

  private pickup(d: DeviceRt, tr: TruckState, t: number): void {
    const bin = tr.stops[tr.i];
    this.updateFill(bin, t);
    const weight = pickupWeightKg(bin.fill);
    bin.fill = r1(uniform(bin.rng, 0, 2));
    this.emit(d, 'truck-pickup', t, { binId: bin.site.id, routeId: tr.route.id, lat: r5(tr.pos[1]), lon: r5(tr.pos[0]), weightKg: weight });
    tr.i++;
    if (tr.i >= tr.stops.length) tr.mode = 'return';
  }

  private festivalCrowd(t: number): number {
    const f = this.fest;
    if (!f || t < f.fromT || t >= f.toT) return 0;
    const up = Math.min(1, (t - f.fromT) / 5400);
    const down = Math.min(1, (f.toT - t) / 3600);
    return Math.sin((Math.PI / 2) * Math.min(up, down));
  }

  private fillContext(ms: number, lu: LandUseKind, t: number) {
    return { localHour: localHour(ms), weekday: localWeekday(ms), surge: this.surge[lu] ?? 1, festivalCrowd: this.festivalCrowd(t) };
  }

  private updateFill(d: DeviceRt, t: number): void {
    // Integrate in ≤ 15-minute pieces so the hourly profile is followed.
    while (d.fillT < t) {
      const step = Math.min(900, t - d.fillT);
      const ms = this.startMs + (d.fillT + step / 2) * 1000;
      d.fill = fillAfter(d.fill, fillRatePctH(d.landUse, d.factor, this.fillContext(ms, d.landUse, d.fillT)), step / 3600);
      d.fillT += step;
    }
  }

  /** Each bin starts as full as the time since its route's last shift made it. */
  private initialBinFill(): void {
    for (const d of this.devices) {
      if (d.site.type !== 'bin') continue;
      const route = this.routes.find((r) => r.id === d.site.routeId);
      let since = 12 * 3600;
      if (route?.shifts.length) {
        const pos = route.binIds.indexOf(d.site.id);
        since = Math.min(
          ...route.shifts.map((s) => {
            const at = localMidnight(this.startMs) + clockMinutes(s.start) * 60_000 + 900_000 + pos * 75_000;
            const ago = (this.startMs - at) / 1000;
            return ago > 0 ? ago : ago + 86400;
          }),
        );
      }
      d.fill = 0;
      d.fillT = -since;
      this.updateFill(d, 0);
    }
  }

  // ---------------------------------------------------------------- reports

  private intervalOf(d: DeviceRt): number {
    return this.opts.reportIntervalS ?? REPORT_INTERVAL_S[d.site.type];
  }

  /** One scheduled report of device d; returns the seconds until its next one. */
  private report(d: DeviceRt, ch: number): number {
    const t = this.t;
    const iv = this.intervalOf(d);
    const rng = d.rng;
    d.battery = Math.max(0, d.battery - iv / 86400 / 2);
    const battery = () => Math.round(d.battery);
    switch (d.site.type) {
      case 'water-level-sensor': {
        const depth = d.catchment?.state.depthCm ?? 0;
        const f = (d.site as { depthFactor?: number }).depthFactor ?? 1;
        const level = Math.max(-2, depth * f + normal(rng, 0, 0.3));
        this.emit(d, 'water-level', t, { levelCm: r1(level), batteryPct: battery() });
        return iv;
      }
      case 'rain-gauge': {
        const mm = Math.round(d.rainAcc * 10) / 10;
        d.rainAcc = 0;
        this.emit(d, 'rain', t, { rainMm: mm, intervalS: Math.max(1, Math.round(iv)), batteryPct: battery() });
        return iv;
      }
      case 'tide-gauge': {
        const k = Number(d.site.id.slice(-1)) || 1;
        const ms = this.startMs + t * 1000 - (k - 1) * 600_000;
        const level = tideLevelCm(ms, this.opts.scenario.file.tide ?? {}) + (k - 2) * 2 + normal(rng, 0, 0.8);
        this.emit(d, 'tide', t, { levelCm: r1(level), batteryPct: battery() });
        return iv;
      }
      case 'pump': {
        const fault = this.modelFault(d, 'pump-failure', t);
        const body: Record<string, unknown> = fault
          ? { status: 'fault', flowM3h: 0, faultCode: 'E21-MOTOR-TRIP' }
          : { status: d.running ? 'running' : 'stopped', flowM3h: d.running ? Math.round(normal(rng, 2400, 40)) : 0 };
        this.emit(d, 'pump', t, body);
        return iv;
      }
      case 'sluice-gate': {
        const fault = this.modelFault(d, 'gate-failure', t);
        this.emit(d, 'sluice-gate', t, fault ? { status: 'fault', openingPct: 100, faultCode: 'G07-ACTUATOR' } : { status: d.closed ? 'closed' : 'open', openingPct: d.closed ? 0 : 100 });
        return iv;
      }
      case 'bin': {
        this.updateFill(d, t);
        const ms = this.startMs + t * 1000;
        const ambient = 27 + 4 * Math.sin(((localHour(ms) - 9) / 24) * 2 * Math.PI);
        const fire = this.faultsOf[d.idx].find((f) => f.spec.type === 'bin-fire' && t >= f.fromT && t < f.toT);
        const temp = ambient + (fire ? Math.min(180, ((t - fire.fromT) / 60) * 4) : 0) + normal(rng, 0, 0.3);
        this.emit(d, 'bin-fill', t, { fillPct: r1(d.fill), temperatureC: r1(temp), tiltDeg: d.tilt, batteryPct: battery() });
        return iv;
      }
      case 'truck': {
        const tr = d.truck;
        if (!tr) {
          this.emit(d, 'truck-position', t, { lat: d.site.lat, lon: d.site.lon, speedKmh: 0 });
          return this.opts.reportIntervalS ?? TRUCK_IDLE_S;
        }
        const onRoute = tr.mode !== 'depot';
        const progress = tr.stops.length ? (100 * tr.i) / tr.stops.length : 100;
        this.emit(d, 'truck-position', t, {
          lat: r5(tr.pos[1]),
          lon: r5(tr.pos[0]),
          speedKmh: r1(tr.speedKmh),
          headingDeg: Math.round(tr.heading) % 360,
          routeId: tr.route.id,
          progressPct: r1(onRoute ? progress : 0),
        });
        return this.opts.reportIntervalS ?? (onRoute ? iv : TRUCK_IDLE_S);
      }
      case 'camera':
        if (ch === 1) {
          const tampered = this.modelFault(d, 'camera-tamper', t);
          this.emit(d, 'camera-health', t, { online: true, tampered, fps: tampered ? 0 : r1(normal(rng, 25, 0.4)) });
          return this.opts.reportIntervalS ?? CAMERA_HEALTH_S;
        }
        this.cameraReport(d, t, iv);
        return iv;
    }
  }

  private cameraReport(d: DeviceRt, t: number, iv: number): void {
    const rng = d.rng;
    const ms = this.startMs + t * 1000;
    const site = d.site;
    const roadClass = site.roadClass ?? 'collector';
    const lanes = Math.max(1, Math.min(16, site.lanes ?? 2));
    const tampered = this.modelFault(d, 'camera-tamper', t);
    const depth = d.catchment?.state.depthCm ?? 0;
    const crowd = this.festivalCrowd(t);
    const demandFactor = (this.opts.scenario.file.traffic?.demandFactor ?? 1) * (d.nearFestival ? 1 + ((this.fest?.traffic ?? 1) - 1) * crowd : 1);
    const weekend = localWeekday(ms) === 0 ? 0.85 : 1;
    const demand = laneCapacity(roadClass) * demandShare(localHour(ms)) * demandFactor * weekend * (0.8 + 0.25 * d.factor - 0.2);
    const tr = traffic(roadClass, demand, floodCapacityFactor(depth));
    const laneData = Array.from({ length: lanes }, (_, i) => ({
      lane: i + 1,
      vehicleCount: tampered ? 0 : poisson(rng, (tr.flowVehHPerLane * iv) / 3600),
      avgSpeedKmh: tampered ? 0 : r1(Math.max(1, tr.speedKmh * (1 + normal(rng, 0, 0.05)))),
    }));
    this.emit(d, 'camera-traffic', t, { intervalS: Math.max(1, Math.min(3600, Math.round(iv))), lanes: laneData, congestion: tampered ? 'free' : tr.congestion });
    if (tampered) return;

    const hours = iv / 3600;
    const detect = (eventType: string, confidence: number, extra: Record<string, unknown> = {}) =>
      this.emit(d, 'camera-detection', t, { eventType, confidence: Math.round(confidence * 1000) / 1000, modelVersion: MODEL_VERSION, snapshotRef: `snap/${site.id}/${d.seq + 1}.jpg`, ...extra });
    if (depth > 5 && chance(rng, Math.min(1, iv / 300))) detect('standing_water', Math.min(0.99, 0.6 + depth / 100));
    if (d.festivalSite && crowd > 0) {
      const persons = this.fest!.peak * crowd * ((d.festivalSite.capacityPersons ?? 1) / this.fest!.sites.reduce((a, s) => a + (s.capacityPersons ?? 1), 0));
      const density = Math.min(20, Math.max(0, (persons / (d.festivalSite.areaM2 ?? 10000)) * (1 + normal(rng, 0, 0.05))));
      if (density > 0.3) detect('crowd_density', uniform(rng, 0.85, 0.97), { densityPerM2: Math.round(density * 100) / 100, count: Math.round(density * 250) });
      for (let i = poisson(rng, this.fest!.littering * crowd * hours); i > 0; i--) detect('littering', uniform(rng, 0.7, 0.95));
    }
    const h = localHour(ms);
    const market = d.landUse === 'market' || d.landUse === 'wholesale-market';
    if (market && h >= 4 && h < 12) {
      for (let i = poisson(rng, 0.6 * hours); i > 0; i--) detect('illegal_parking', uniform(rng, 0.75, 0.95));
      for (let i = poisson(rng, 0.4 * hours); i > 0; i--) detect('sidewalk_encroachment', uniform(rng, 0.7, 0.93));
    }
    let dumpingRate = (site as { hotspot?: string }).hotspot === 'dumping' ? 0.03 : 0;
    for (const x of this.dumping.get(d.idx) ?? []) if (t >= x.fromT && t < x.toT) dumpingRate += x.perH;
    for (let i = poisson(rng, dumpingRate * hours); i > 0; i--) detect('illegal_dumping', uniform(rng, 0.75, 0.96));
    for (let i = poisson(rng, 0.01 * hours); i > 0; i--) detect('littering', uniform(rng, 0.7, 0.9));
    // False positives: the analytics model sees things that are not there, at the configured rate.
    const fp = this.opts.scenario.file.cameras?.falsePositivesPerCamH ?? 0.02;
    for (let i = poisson(rng, fp * hours); i > 0; i--) detect(pick(rng, ['littering', 'illegal_dumping', 'illegal_parking', 'standing_water']), uniform(rng, 0.35, 0.6));
  }

  // ---------------------------------------------------------------- faults and delivery

  private modelFault(d: DeviceRt, type: FaultType, t: number): boolean {
    const fs = this.faultsOf[d.idx];
    for (let i = 0; i < fs.length; i++) if (fs[i].spec.type === type && t >= fs[i].fromT && t < fs[i].toT) return true;
    return false;
  }

  private rngFor(f: ActiveFault, d: DeviceRt): Rng {
    const key = `${f.index}/${d.site.id}`;
    let r = this.faultRng.get(key);
    if (!r) this.faultRng.set(key, (r = createRng(this.opts.seed, `fault/${key}`)));
    return r;
  }

  /** Applies the device's transmission faults to one message and queues it for delivery. */
  private emit(d: DeviceRt, kind: MessageKind, t: number, fields: Record<string, unknown>): void {
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
          if (key && typeof fields[key] === 'number') fields[key] = r1(clampFor(kind, (fields[key] as number) + ((p.ratePerH ?? 5) * (t - f.fromT)) / 3600));
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
    const body: Record<string, unknown> = { msgId: String(d.seq), ts: formatTs(this.startMs + this.tsOffsetMs + (t + skewS) * 1000), ...fields };
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
    for (let i = 0; i < this.pending.length; ) {
      if (this.pending[i].sendT <= end) due.push(...this.pending.splice(i, 1));
      else i++;
    }
    if (!due.length) return this.out;
    // Stable sort by delivery time: generation order breaks ties, so the stream stays deterministic.
    return [...this.out, ...due].map((m, i) => ({ m, i })).sort((a, b) => a.m.sendT - b.m.sendT || a.i - b.i).map((x) => x.m);
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
