import type { IncidentSignal, IncidentType, ZoneRef } from '@ioc/domain';
import type { Alarm, AlarmBook } from './alarm';
import { CountDetector } from './detectors/count.detector';
import { DisagreementDetector, DriftDetector, StuckDetector } from './detectors/data-quality.detector';
import { FillAbsenceDetector } from './detectors/fill-absence.detector';
import { FloodedWasteDetector } from './detectors/flooded-waste.detector';
import { RouteDeadlineDetector } from './detectors/route-deadline.detector';
import { DeviceSilenceDetector, ZoneSilenceDetector } from './detectors/silence.detector';
import { ThresholdDetector } from './detectors/threshold.detector';
import { TrendDetector } from './detectors/trend.detector';
import { ZoneLevelDetector } from './detectors/zone-level.detector';
import { compareEvents, type EngineEvent, type EngineEventKind } from './event';
import type { Rule, RuleSet } from './rule.types';
import type { Detector, Runtime } from './runtime';
import { TimerHeap, type TimerTarget } from './timer-heap';
import type { Topology } from '@ioc/city';
import { World } from './world';

export interface EngineOptions {
  readonly rules: RuleSet | readonly Rule[];
  readonly topology: Topology;
  /** How late (event time behind the driver's time) an event may arrive and still be used. */
  readonly allowedLatenessMs: number;
  /**
   * When the engine starts watching (absence patterns count silence from here). Default: the first watermark. Set it
   * for replay and tests so the result does not depend on when the first `advanceTo` happens.
   */
  readonly startAt?: number;
  /** How many recent message ids are remembered per device to drop duplicates (default 32). */
  readonly dedupPerDevice?: number;
  /**
   * What happens to an event behind the watermark. `count` (default, event time): counted as late, not applied.
   * `apply` (arrival order, for early firing): applied at the watermark, i.e. when it arrives; the result then depends
   * on the arrival order, so such an engine is never the record (see EarlyFiring).
   */
  readonly lateEvents?: 'count' | 'apply';
  /**
   * The devices whose absence is judged (device offline, zone outage); default every device of the topology. An
   * exercise watches the devices its recording holds: a recording can only say whether those spoke.
   */
  readonly watchedDevices?: ReadonlySet<string>;
}

/** A silence (Alertmanager's): matching incidents are not raised or updated while it lasts; a raise waits for its end. */
export interface Silence {
  readonly id: string;
  readonly matchers: {
    readonly type?: IncidentType;
    readonly zoneId?: string;
    readonly key?: string;
    readonly ruleId?: string;
  };
  readonly startsAt: number;
  readonly endsAt: number;
  readonly comment?: string;
}

export interface EngineStats {
  /** Events handed to `push`. */
  readonly received: number;
  readonly processed: number;
  readonly duplicates: number;
  /** Arrived after the watermark had passed their time: not applied (see docs/correlation.md, Late data), only counted (and taken as a sign of life). */
  readonly late: number;
  readonly lateByKind: Readonly<Record<string, number>>;
  readonly unknownDevices: number;
  readonly pending: number;
  readonly watermark: number;
  readonly timersPending: number;
  readonly signals: { readonly raise: number; readonly update: number; readonly clear: number };
  readonly active: number;
  readonly suppressed: { readonly inhibited: number; readonly silenced: number; readonly absorbed: number };
}

type DetectorFactory = (
  rule: Rule,
  rt: Runtime,
  zoneInhibited: (a: Alarm) => boolean,
) => Detector & { book?: AlarmBook; groups?: { book: AlarmBook } };

const FACTORIES: Record<Rule['detector'], DetectorFactory> = {
  threshold: (r, rt, z) => new ThresholdDetector(r as never, rt, z),
  'zone-level': (r, rt, z) => new ZoneLevelDetector(r as never, rt, z),
  trend: (r, rt, z) => new TrendDetector(r as never, rt, z),
  'device-silence': (r, rt, z) => new DeviceSilenceDetector(r as never, rt, z),
  'zone-silence': (r, rt, z) => new ZoneSilenceDetector(r as never, rt, z),
  'fill-absence': (r, rt, z) => new FillAbsenceDetector(r as never, rt, z),
  'route-deadline': (r, rt, z) => new RouteDeadlineDetector(r as never, rt, z),
  count: (r, rt, z) => new CountDetector(r as never, rt, z),
  stuck: (r, rt, z) => new StuckDetector(r as never, rt, z),
  drift: (r, rt, z) => new DriftDetector(r as never, rt, z),
  disagreement: (r, rt, z) => new DisagreementDetector(r as never, rt, z),
  'flooded-waste': (r, rt, z) => new FloodedWasteDetector(r as never, rt, z),
};

/** A device's most recent message ids (a ring): redeliveries come soon after the original. */
interface Recent {
  readonly ids: string[];
  pos: number;
}

/**
 * The correlation engine: pure, driven by event time. `push` buffers events; `advanceTo(t)` moves the watermark to
 * `t − allowedLateness` and processes everything up to it in canonical order (ts, deviceId, msgId) together with the
 * timers due by then (absence, hold times, deadlines), returning the incident signals. Same input ⇒ same signals,
 * whatever the batch sizes or arrival order within the allowed lateness, live or replayed.
 */
export class CorrelationEngine {
  private readonly topology: Topology;
  private readonly world: World;
  private readonly timers = new TimerHeap();
  private readonly detectors: Detector[] = [];
  private readonly byKind = new Map<
    EngineEventKind,
    Array<{ readonly d: Detector; readonly inhibitedBy: readonly IncidentType[] | undefined }>
  >();
  private readonly forAll: Detector[] = [];
  private readonly books = new Map<IncidentType, AlarmBook[]>();
  private readonly absorbers = new Map<IncidentType, Array<{ rule: Rule; scope: 'zone' | 'members' }>>();
  private readonly rules: readonly Rule[];
  private readonly lateness: number;
  private readonly dedupSize: number;
  private pending: EngineEvent[] = [];
  private readonly recent = new Map<string, Recent>();
  private silenceList: Silence[] = [];
  private out: IncidentSignal[] = [];
  private wm = -Infinity;
  private started = false;
  private startedAt = 0;
  private now = -Infinity;
  private readonly counters = {
    received: 0,
    processed: 0,
    duplicates: 0,
    late: 0,
    unknownDevices: 0,
    raise: 0,
    update: 0,
    clear: 0,
    inhibited: 0,
    silenced: 0,
    absorbed: 0,
  };
  private readonly lateByKind: Record<string, number> = {};

  constructor(private readonly opts: EngineOptions) {
    this.topology = opts.topology;
    this.world = new World(opts.topology);
    this.lateness = opts.allowedLatenessMs;
    this.dedupSize = opts.dedupPerDevice ?? 32;
    this.rules = ('rules' in opts.rules ? opts.rules.rules : opts.rules).filter((r) => r.enabled);
    for (const r of this.rules)
      for (const a of r.absorbs)
        this.absorbers.set(a.type, [...(this.absorbers.get(a.type) ?? []), { rule: r, scope: a.scope }]);
    const rt = this.runtime();
    for (const rule of this.rules) {
      const zoneScoped = rule.inhibitedBy.filter((i) => i.scope !== 'device');
      const zoneInhibited = (a: Alarm) =>
        zoneScoped.some(
          (i) => i.scope === a.zone.kind && this.world.zoneActiveOrHeld(i.type, a.zone.id, i.holdAfterClearMs),
        );
      const d = FACTORIES[rule.detector](rule, rt, zoneInhibited);
      this.detectors.push(d);
      const book = d.book ?? d.groups?.book;
      if (book) this.books.set(rule.type, [...(this.books.get(rule.type) ?? []), book]);
      const byDevice = rule.inhibitedBy.filter((i) => i.scope === 'device').map((i) => i.type);
      const entry = { d, inhibitedBy: byDevice.length ? byDevice : undefined };
      if (d.kinds === 'all') this.forAll.push(d);
      else for (const k of d.kinds) this.byKind.set(k, [...(this.byKind.get(k) ?? []), entry]);
    }
  }

  private runtime(): Runtime {
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const self = this;
    return {
      get topology() {
        return self.topology;
      },
      get world() {
        return self.world;
      },
      get now() {
        return self.now;
      },
      get startedAt() {
        return self.startedAt;
      },
      watched: (deviceId) => !this.opts.watchedDevices || this.opts.watchedDevices.has(deviceId),
      schedule: (due, target, arg) => this.timers.push(due, target, arg),
      emit: (s) => {
        this.out.push(s);
        this.counters[s.op]++;
      },
      silencedUntil: (rule, key, zone) => this.silencedUntil(rule, key, zone),
      absorb: (rule, alarm) => this.absorb(rule, alarm),
      absorbed: (rule, alarm) => this.isAbsorbed(rule, alarm),
      countSuppressed: (reason) => this.counters[reason]++,
    };
  }

  get watermark(): number {
    return this.wm;
  }

  /**
   * Buffers events. Those behind the watermark are late: counted, not applied (their device is marked alive); with
   * `lateEvents: 'apply'` they are applied at the watermark instead.
   */
  push(events: readonly EngineEvent[]): void {
    this.counters.received += events.length;
    for (const e of events) {
      if (e.ts <= this.wm) {
        if (this.seen(e)) this.counters.duplicates++;
        else if (this.opts.lateEvents === 'apply') this.pending.push({ ...e, ts: this.wm });
        else {
          this.counters.late++;
          this.lateByKind[e.kind] = (this.lateByKind[e.kind] ?? 0) + 1;
          this.world.heartbeat(e.deviceId, this.wm);
        }
        continue;
      }
      this.pending.push(e);
    }
  }

  /**
   * Moves the watermark to `timeMs − allowedLateness` (the driver's time: wall clock live, virtual time in replay)
   * and returns the signals decided up to it. Calling it without new data still fires absence timers.
   */
  advanceTo(timeMs: number): IncidentSignal[] {
    const wm = timeMs - this.lateness;
    // Standing still is a no-op, except for events applied at the watermark (`lateEvents: 'apply'`) since the last call.
    if (wm < this.wm || (wm === this.wm && this.pending.length === 0)) return [];
    if (!this.started) this.start(wm);
    let ready: EngineEvent[];
    if (this.pending.length && this.pending.every((e) => e.ts <= wm)) {
      ready = this.pending;
      this.pending = [];
    } else {
      ready = [];
      const rest: EngineEvent[] = [];
      for (const e of this.pending) (e.ts <= wm ? ready : rest).push(e);
      this.pending = rest;
    }
    ready.sort(compareCanonical);
    for (const e of ready) {
      while (this.timers.peekDue() < e.ts) this.fireTimer();
      this.process(e);
    }
    while (this.timers.peekDue() <= wm) this.fireTimer();
    this.now = wm;
    this.wm = wm;
    this.world.now = wm;
    this.expireSilences(wm);
    const out = this.out;
    this.out = [];
    return out;
  }

  private start(wm: number): void {
    this.started = true;
    this.startedAt = this.opts.startAt ?? wm;
    this.now = this.startedAt;
    this.world.now = this.startedAt;
    for (const d of this.detectors) d.start?.();
  }

  private fireTimer(): void {
    const due = this.timers.peekDue();
    if (due > this.now) {
      this.now = due;
      this.world.now = due;
    }
    this.timers.fireNext();
  }

  private process(e: EngineEvent): void {
    let r = this.recent.get(e.deviceId);
    if (!r) this.recent.set(e.deviceId, (r = { ids: [], pos: 0 }));
    else if (r.ids.includes(e.msgId)) {
      this.counters.duplicates++;
      return;
    }
    if (r.ids.length < this.dedupSize) r.ids.push(e.msgId);
    else {
      r.ids[r.pos] = e.msgId;
      r.pos = (r.pos + 1) % this.dedupSize;
    }
    this.counters.processed++;
    if (e.ts > this.now) {
      this.now = e.ts;
      this.world.now = e.ts;
    }
    const device = this.topology.devices.get(e.deviceId);
    if (!device && e.kind !== 'field-report') {
      this.counters.unknownDevices++;
      return;
    }
    this.world.observe(e, device);
    for (let i = 0; i < this.forAll.length; i++) this.forAll[i].onEvent(e, device);
    const ds = this.byKind.get(e.kind);
    if (!ds) return;
    for (let i = 0; i < ds.length; i++) {
      const { d, inhibitedBy } = ds[i];
      if (inhibitedBy && device && this.world.isFlaggedAny(inhibitedBy, device.id)) {
        this.counters.inhibited++;
        continue;
      }
      d.onEvent(e, device);
    }
  }

  private seen(e: EngineEvent): boolean {
    return this.recent.get(e.deviceId)?.ids.includes(e.msgId) ?? false;
  }

  // ---------------------------------------------------------------- silences

  addSilence(s: Silence): void {
    if (!(s.endsAt > s.startsAt)) throw new Error(`silence ${s.id}: endsAt must be after startsAt`);
    this.silenceList = [...this.silenceList.filter((x) => x.id !== s.id), s];
  }

  /** Ends a silence (expired early, deleted): the raises it held are looked at again at the next watermark. */
  removeSilence(id: string): boolean {
    const n = this.silenceList.length;
    this.silenceList = this.silenceList.filter((x) => x.id !== id);
    if (this.silenceList.length === n) return false;
    if (Number.isFinite(this.wm)) for (const list of this.books.values()) for (const b of list) b.recheckHeld(this.wm);
    return true;
  }

  /** Drops silences that ended by `timeMs` and returns their ids (advanceTo does this at every watermark). */
  expireSilences(timeMs: number): string[] {
    const gone = this.silenceList.filter((s) => s.endsAt <= timeMs).map((s) => s.id);
    if (gone.length) this.silenceList = this.silenceList.filter((s) => s.endsAt > timeMs);
    return gone;
  }

  /** Makes the silences these (new, changed, expired early, deleted: the raises a removed one held are looked at again). */
  setSilences(stored: readonly Silence[]): void {
    const wanted = new Map(stored.map((s) => [s.id, s]));
    for (const s of this.silenceList) {
      const w = wanted.get(s.id);
      if (!w || w.startsAt !== s.startsAt || w.endsAt !== s.endsAt) this.removeSilence(s.id);
    }
    const present = new Set(this.silenceList.map((s) => s.id));
    for (const s of stored) if (!present.has(s.id)) this.addSilence(s);
  }

  silences(): readonly Silence[] {
    return this.silenceList;
  }

  private silencedUntil(rule: Rule, key: string, zone: ZoneRef): number | undefined {
    let until: number | undefined;
    for (const s of this.silenceList) {
      if (this.now < s.startsAt || this.now >= s.endsAt) continue;
      const m = s.matchers;
      if (
        (m.type && m.type !== rule.type) ||
        (m.zoneId && m.zoneId !== zone.id) ||
        (m.key && m.key !== key) ||
        (m.ruleId && m.ruleId !== rule.id)
      )
        continue;
      until = Math.max(until ?? 0, s.endsAt);
    }
    return until;
  }

  // ---------------------------------------------------------------- absorption

  private absorb(rule: Rule, alarm: Alarm): string[] {
    const keys: string[] = [];
    for (const spec of rule.absorbs) {
      for (const book of this.books.get(spec.type) ?? []) {
        for (const b of book.alarms.values()) {
          if (!b.raised) continue;
          const hit =
            spec.scope === 'zone'
              ? b.zone.id === alarm.zone.id
              : [...b.members.keys()].some((id) => alarm.members.has(id));
          if (!hit) continue;
          book.clear(b, this.now, `absorbed by ${alarm.key}`);
          keys.push(b.key);
        }
      }
    }
    return keys;
  }

  private isAbsorbed(rule: Rule, alarm: Alarm): boolean {
    for (const a of this.absorbers.get(rule.type) ?? []) {
      if (a.scope === 'zone' && this.world.zoneActive(a.rule.type, alarm.zone.id)) return true;
      if (a.scope === 'members')
        for (const id of alarm.members.keys()) if (this.world.isFlagged(a.rule.type, id)) return true;
    }
    return false;
  }

  stats(): EngineStats {
    const c = this.counters;
    let active = 0;
    for (const list of this.books.values())
      for (const b of list) for (const a of b.alarms.values()) if (a.raised) active++;
    return {
      received: c.received,
      processed: c.processed,
      duplicates: c.duplicates,
      late: c.late,
      lateByKind: { ...this.lateByKind },
      unknownDevices: c.unknownDevices,
      pending: this.pending.length,
      watermark: this.wm,
      timersPending: this.timers.size,
      signals: { raise: c.raise, update: c.update, clear: c.clear },
      active,
      suppressed: { inhibited: c.inhibited, silenced: c.silenced, absorbed: c.absorbed },
    };
  }
}

/** Canonical order; two copies of one message (same device and id) fall together and the first is kept. */
function compareCanonical(a: EngineEvent, b: EngineEvent): number {
  const c = compareEvents(a, b);
  if (c !== 0 || a === b) return c;
  // Same (ts, device, msgId) with different bodies: order by content so arrival order cannot decide which one counts.
  const ja = JSON.stringify(a.body);
  const jb = JSON.stringify(b.body);
  return ja < jb ? -1 : ja > jb ? 1 : 0;
}

export type { TimerTarget };
