/**
 * What a trainer injects into a running exercise (issue 19): an event on the drill's clock that the correlation engine
 * sees like a recorded reading. Each names its target (a device, a gateway, a ward); `durationMin`, where it makes sense,
 * bounds the fault (absent: until the recording's end).
 */
export const EXERCISE_INJECT_KINDS = [
  'sensor-stuck',
  'sensor-drift',
  'camera-dark',
  'camera-tampered',
  'false-detection',
  'field-report',
  'pump-failure',
  'sluice-gate-failure',
  'gateway-power-cut',
  'ward-power-cut',
] as const;
export type ExerciseInjectKind = (typeof EXERCISE_INJECT_KINDS)[number];

/** Camera detections a false positive may claim: those the count rules react to. */
export const FALSE_DETECTION_TYPES = ['illegal_dumping', 'illegal_parking', 'sidewalk_encroachment'] as const;
export type FalseDetectionType = (typeof FALSE_DETECTION_TYPES)[number];

interface Bounded {
  /** How long the fault lasts, minutes; absent: to the recording's end. */
  readonly durationMin?: number;
}

export type ExerciseInject =
  /** A water-level sensor repeats its last value. */
  | ({ readonly kind: 'sensor-stuck'; readonly deviceId: string } & Bounded)
  /** A water-level sensor reads high by an offset growing at `ratePerH` cm an hour. */
  | ({ readonly kind: 'sensor-drift'; readonly deviceId: string; readonly ratePerH: number } & Bounded)
  /** A camera sends nothing. */
  | ({ readonly kind: 'camera-dark'; readonly deviceId: string } & Bounded)
  /** A camera's health says tampered (covered, turned away). */
  | ({ readonly kind: 'camera-tampered'; readonly deviceId: string } & Bounded)
  /** A camera's analytics detect, `count` times a minute apart, something that is not there: a false alarm. */
  | {
      readonly kind: 'false-detection';
      readonly deviceId: string;
      readonly eventType: FalseDetectionType;
      readonly count: number;
    }
  /** A citizen's report with a photo reference, at a point or a ward (its centre). */
  | {
      readonly kind: 'field-report';
      readonly category: string;
      readonly text: string;
      readonly photoRef: string;
      readonly wardId?: string;
      readonly lat?: number;
      readonly lon?: number;
    }
  /** A drainage pump reports a fault. */
  | ({ readonly kind: 'pump-failure'; readonly deviceId: string } & Bounded)
  /** A tidal sluice gate reports a fault (stuck open). */
  | ({ readonly kind: 'sluice-gate-failure'; readonly deviceId: string } & Bounded)
  /** A LoRaWAN gateway loses power: the devices behind it fall silent. */
  | ({ readonly kind: 'gateway-power-cut'; readonly gatewayId: string } & Bounded)
  /** A ward loses power: every device in it falls silent. */
  | ({ readonly kind: 'ward-power-cut'; readonly wardId: string } & Bounded);

/** An inject as the exercise's log keeps it: numbered from 1, at a time of the recording (epoch ms). */
export interface LoggedInject {
  readonly seq: number;
  readonly at: number;
  readonly inject: ExerciseInject;
}

/** Message ids of the engine input an inject makes start with this and its seq: `inject-3-…`. */
export const INJECT_MSG_PREFIX = 'inject-';

/** The seq of the inject an engine input (a message id, an evidence's msgId) came from; undefined for recorded ones. */
export function injectSeqOf(msgId: string | undefined): number | undefined {
  if (!msgId?.startsWith(INJECT_MSG_PREFIX)) return undefined;
  const seq = Number(msgId.slice(INJECT_MSG_PREFIX.length, msgId.indexOf('-', INJECT_MSG_PREFIX.length)));
  return Number.isInteger(seq) && seq > 0 ? seq : undefined;
}
