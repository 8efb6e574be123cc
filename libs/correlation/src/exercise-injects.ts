import { INJECT_MSG_PREFIX, type ExerciseInject, type LoggedInject, type MessageKind } from '@ioc/domain';
import { centreOf, type Topology } from '@ioc/city';
import { compareEvents, FIELD_REPORT, type EngineEvent, type FieldReportBody } from './event';

/**
 * The city an inject is compiled against: the engine's topology, which gateway each gateway-connected device sits
 * behind (the seeds' connection plan), and the end of the recording (a fault without a duration lasts until then).
 */
export interface InjectContext {
  readonly topology: Topology;
  readonly gatewayOf: ReadonlyMap<string, string>;
  /** The recording's end, epoch ms: nothing is made after it. */
  readonly to: number;
}

/** How often the compiled readings come: the report periods of the devices they stand in for (devices/src/core). */
const PERIOD_MS = { 'water-level': 60_000, 'camera-health': 300_000, pump: 60_000, 'sluice-gate': 60_000 } as const;
/** False detections come a minute apart. */
const DETECTION_GAP_MS = 60_000;
/** The channel an injected field report comes in by (a recorded one's is `report-app`, `report-api`…). */
export const INJECT_REPORT_CHANNEL = 'exercise-inject';
/** The model version an injected detection claims: an analyst reading the evidence sees where it came from. */
export const INJECT_MODEL_VERSION = 'exercise-inject';

/** Message id of the engine input inject `seq` makes at `ts`: the same in every replay of the exercise. */
export const injectMsgId = (seq: number, kind: ExerciseInject['kind'], ts: number): string =>
  `${INJECT_MSG_PREFIX}${seq}-${kind}-${ts}`;

type Body = Readonly<Record<string, unknown>>;

/**
 * A device's messages of `kinds` that an inject keeps from the engine in [from, until): the recorded ones it replaces,
 * and those of earlier injects (the newer fault wins). Without `kinds`, every message: a device without power sends
 * nothing, recorded or injected.
 */
interface Suppression {
  readonly seq: number;
  readonly devices: ReadonlySet<string>;
  readonly kinds?: ReadonlySet<string>;
  readonly from: number;
  readonly until: number;
}

/** Readings an inject makes every `periodMs` in [from, until), their body from the device's last recorded one. */
interface Stream {
  readonly seq: number;
  readonly injectKind: ExerciseInject['kind'];
  readonly deviceId: string;
  readonly kind: MessageKind;
  readonly periodMs: number;
  readonly from: number;
  readonly until: number;
  readonly body: (t: number, last: Body | undefined) => Body;
}

interface Made {
  readonly seq: number;
  readonly deviceId: string;
  readonly ts: number;
  readonly make: (last: (deviceId: string, kind: string) => Body | undefined) => EngineEvent;
}

const round1 = (x: number) => Math.round(x * 10) / 10;
const num = (x: unknown, fallback: number) => (typeof x === 'number' && Number.isFinite(x) ? x : fallback);

/** Why an inject cannot be compiled in this city (an unknown or wrong target), or undefined when it can. */
export function injectProblem(inject: ExerciseInject, topology: Topology, gatewayOf: ReadonlyMap<string, string>) {
  const device = (id: string, type: string, what: string) => {
    const d = topology.devices.get(id);
    if (!d) return `no device ${id} in the city's device registry`;
    if (d.type !== type) return `${id} is a ${d.type}, not ${what}`;
    return undefined;
  };
  switch (inject.kind) {
    case 'sensor-stuck':
    case 'sensor-drift':
      return device(inject.deviceId, 'water-level-sensor', 'a water-level sensor');
    case 'camera-dark':
    case 'camera-tampered':
    case 'false-detection':
      return device(inject.deviceId, 'camera', 'a camera');
    case 'pump-failure':
      return device(inject.deviceId, 'pump', 'a pump');
    case 'sluice-gate-failure':
      return device(inject.deviceId, 'sluice-gate', 'a sluice gate');
    case 'gateway-power-cut':
      return [...gatewayOf.values()].includes(inject.gatewayId)
        ? undefined
        : `no gateway ${inject.gatewayId} in the city`;
    case 'ward-power-cut':
      return topology.zones.get(inject.wardId)?.kind === 'ward' ? undefined : `no ward ${inject.wardId} in the city`;
    case 'field-report': {
      if (inject.wardId !== undefined)
        return topology.zones.get(inject.wardId)?.kind === 'ward' ? undefined : `no ward ${inject.wardId} in the city`;
      if (inject.lat === undefined || inject.lon === undefined) return 'a field report needs a ward or lat and lon';
      return topology.locate(inject.lat, inject.lon).ward
        ? undefined
        : 'the report lies outside every ward of the city';
    }
  }
}

/**
 * The devices whose recorded messages an inject takes away (a dark camera, a power cut): a drill only notices the
 * silence of devices its recording holds, so the caller checks that it holds at least one. Empty for other kinds.
 */
export function silencedDevices(
  inject: ExerciseInject,
  topology: Topology,
  gatewayOf: ReadonlyMap<string, string>,
): string[] {
  switch (inject.kind) {
    case 'camera-dark':
      return [inject.deviceId];
    case 'gateway-power-cut':
      return [...gatewayOf].filter(([, gw]) => gw === inject.gatewayId).map(([id]) => id);
    case 'ward-power-cut':
      return [...topology.devices.values()].filter((d) => d.ward === inject.wardId).map((d) => d.id);
    default:
      return [];
  }
}

/**
 * Compiles a drill's injects into the engine's input, merged with its recording: pure and deterministic, so a replay
 * of the same recording and injects, however it is sliced into steps, feeds the engine the very same events.
 *
 * - a stuck sensor's readings are replaced, every minute from the inject, by its last recorded reading;
 * - a drifting sensor's, by its latest recorded reading plus an offset growing at `ratePerH`;
 * - a dark camera's, and every device's behind a gateway or in a ward without power, are taken away: the absence
 *   rules (device offline, zone outage) notice the silence;
 * - a tampered camera's health says tampered every 5 minutes; a failed pump or sluice gate reports `fault` every
 *   minute (their recorded status meanwhile taken away), which the failure rules judge with the recording's rain and
 *   river;
 * - a false detection is `count` camera detections a minute apart; a field report, a report at its time.
 *
 * Each made event's message id is `inject-<seq>-<kind>-<time>` (injectMsgId): evidence built from it tells which
 * inject an incident came from (injectSeqOf).
 */
export class InjectCompiler {
  private readonly suppressions: Suppression[] = [];
  private readonly streams: Stream[] = [];
  private readonly once: Made[] = [];
  /**
   * Each device's last recorded body of the kinds injects replace, by kind (kept also while an inject takes the
   * messages away): what a stuck sensor repeats. Kept from the start, as an inject may come at any time.
   */
  private readonly last = new Map<string, Map<string, Body>>(Object.keys(PERIOD_MS).map((k) => [k, new Map()]));
  private compiled: number;
  private lastSeq = 0;

  /** `from`: the recording's start (the replay's first step reaches at least it). */
  constructor(
    private readonly ctx: InjectContext,
    from: number,
  ) {
    this.compiled = from - 1;
  }

  /** How far the input is compiled (recording time, inclusive): an inject added now must come after it. */
  get position(): number {
    return this.compiled;
  }

  /** Injects, by ascending seq above those added before, none at or before `position`. */
  add(injects: readonly LoggedInject[]): void {
    for (const l of injects) {
      if (l.seq <= this.lastSeq) throw new Error(`inject ${l.seq} added after inject ${this.lastSeq}`);
      if (l.at <= this.compiled)
        throw new Error(`inject ${l.seq} at ${new Date(l.at).toISOString()} is behind the compiled input`);
      this.lastSeq = l.seq;
      this.plan(l);
    }
  }

  /**
   * The engine's input for the recording time after the last step up to `reached` (inclusive): the recording's events
   * of it (every one of that time, in canonical order) less those the injects take away, with the injects' events, in
   * canonical order.
   */
  step(recorded: readonly EngineEvent[], reached: number): EngineEvent[] {
    if (reached <= this.compiled) return recorded.length ? [...recorded] : [];
    const start = this.compiled;
    const made: Made[] = [];
    for (const s of this.streams) {
      const first = Math.max(s.from, start + 1);
      const k0 = Math.ceil((first - s.from) / s.periodMs);
      for (let t = s.from + k0 * s.periodMs; t <= reached && t < s.until && t <= this.ctx.to; t += s.periodMs) {
        const ts = t;
        made.push({
          seq: s.seq,
          deviceId: s.deviceId,
          ts,
          make: (last) => {
            const msgId = injectMsgId(s.seq, s.injectKind, ts);
            const body = { ...s.body(ts, last(s.deviceId, s.kind)), msgId, ts: new Date(ts).toISOString() };
            return { deviceId: s.deviceId, msgId, kind: s.kind, ts, body };
          },
        });
      }
    }
    for (const m of this.once) if (m.ts > start && m.ts <= reached && m.ts <= this.ctx.to) made.push(m);
    const emit = (m: Made) => {
      const e = m.make(lookup);
      if (!this.suppressed(e, m.seq)) out.push(e);
    };
    // Recorded events of a time come before the made ones of that time: a stuck sensor repeats what it read then.
    made.sort((a, b) => a.ts - b.ts);
    const out: EngineEvent[] = [];
    const lookup = (deviceId: string, kind: string) => this.last.get(kind)?.get(deviceId);
    let i = 0;
    for (const e of recorded) {
      while (i < made.length && made[i].ts < e.ts) emit(made[i++]);
      this.last.get(e.kind)?.set(e.deviceId, e.body);
      if (!this.suppressions.length || !this.suppressed(e)) out.push(e);
    }
    while (i < made.length) emit(made[i++]);
    this.compiled = reached;
    // Canonical order whatever the slicing (a recording's page is nearly sorted already: cheap).
    return out.sort(compareEvents);
  }

  /** Whether an event (recorded, or made by inject `madeBy`) is kept from the engine. */
  private suppressed(e: EngineEvent, madeBy?: number): boolean {
    return this.suppressions.some(
      (s) =>
        e.ts >= s.from &&
        e.ts < s.until &&
        s.devices.has(e.deviceId) &&
        (s.kinds ? s.kinds.has(e.kind) && (madeBy === undefined || s.seq > madeBy) : true),
    );
  }

  private plan({ seq, at, inject: i }: LoggedInject): void {
    const until = 'durationMin' in i && i.durationMin !== undefined ? at + i.durationMin * 60_000 : Infinity;
    const replace = (deviceId: string, kind: keyof typeof PERIOD_MS, body: Stream['body']) => {
      this.suppressions.push({ seq, devices: new Set([deviceId]), kinds: new Set([kind]), from: at, until });
      this.streams.push({ seq, injectKind: i.kind, deviceId, kind, periodMs: PERIOD_MS[kind], from: at, until, body });
    };
    const silence = (devices: readonly string[]) =>
      this.suppressions.push({ seq, devices: new Set(devices), from: at, until });
    switch (i.kind) {
      case 'sensor-stuck': {
        let frozen: Body | undefined;
        replace(i.deviceId, 'water-level', (_t, last) => (frozen ??= last ?? { levelCm: 0 }));
        return;
      }
      case 'sensor-drift':
        replace(i.deviceId, 'water-level', (t, last) => ({
          ...last,
          levelCm: round1(num(last?.levelCm, 0) + (i.ratePerH * (t - at)) / 3_600_000),
        }));
        return;
      case 'camera-tampered':
        replace(i.deviceId, 'camera-health', (_t, last) => ({
          online: true,
          fps: num(last?.fps, 25),
          tampered: true,
        }));
        return;
      case 'pump-failure':
        replace(i.deviceId, 'pump', () => ({ status: 'fault', flowM3h: 0, faultCode: 'EXERCISE-INJECT' }));
        return;
      case 'sluice-gate-failure':
        replace(i.deviceId, 'sluice-gate', (_t, last) => ({
          status: 'fault',
          openingPct: num(last?.openingPct, 100),
          faultCode: 'EXERCISE-INJECT',
        }));
        return;
      case 'camera-dark':
      case 'gateway-power-cut':
      case 'ward-power-cut':
        silence(silencedDevices(i, this.ctx.topology, this.ctx.gatewayOf));
        return;
      case 'false-detection':
        for (let n = 0; n < i.count; n++) {
          const ts = at + n * DETECTION_GAP_MS;
          const msgId = injectMsgId(seq, i.kind, ts);
          const body = {
            msgId,
            ts: new Date(ts).toISOString(),
            eventType: i.eventType,
            confidence: 0.92,
            modelVersion: INJECT_MODEL_VERSION,
            snapshotRef: `${msgId}.jpg`,
          };
          this.once.push({
            seq,
            deviceId: i.deviceId,
            ts,
            make: () => ({ deviceId: i.deviceId, msgId, kind: 'camera-detection', ts, body }),
          });
        }
        return;
      case 'field-report': {
        const msgId = injectMsgId(seq, i.kind, at);
        const [lon, lat] =
          i.wardId !== undefined ? centreOf(this.ctx.topology.zones.get(i.wardId)?.ring ?? []) : [i.lon!, i.lat!];
        const body: FieldReportBody = {
          reportId: msgId,
          category: i.category,
          lat,
          lon,
          text: i.text,
          photoRef: i.photoRef,
        };
        this.once.push({
          seq,
          deviceId: INJECT_REPORT_CHANNEL,
          ts: at,
          make: () => ({
            deviceId: INJECT_REPORT_CHANNEL,
            msgId,
            kind: FIELD_REPORT,
            ts: at,
            body: body as unknown as Record<string, unknown>,
          }),
        });
        return;
      }
    }
  }
}
