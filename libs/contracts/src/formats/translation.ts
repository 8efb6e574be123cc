import { createHash } from 'node:crypto';
import type { MessageKind, RejectionCode } from '@ioc/domain';

/**
 * A standard payload (SenML, NGSI-LD) is translated into native messages, which are then judged exactly like the ones
 * a device sends in the native contract: the kind's JSON Schema, the timestamp window, the registry. A translator is
 * pure and never throws; what it cannot translate comes back as a rejection with a stable code and a reason.
 */
export interface TranslateContext {
  /**
   * The device the topic names (a device's own topic). Records or entities must be about this device; those that name
   * no device are taken as its own.
   */
  readonly deviceId?: string;
  /** When the IOC received the payload: SenML's relative times and records without a time are taken from it. */
  readonly receivedAt: Date;
}

/** One native message produced from a standard payload. */
export interface TranslatedMessage {
  readonly deviceId: string;
  readonly kind: MessageKind;
  /**
   * The native message: msgId (derived deterministically from device, kind and time, so a resend is stored once), ts
   * (RFC 3339), the kind's fields, and `attrs` for what the standard payload said that the kind has no field for.
   */
  readonly body: Record<string, unknown>;
  /** The part of the payload it was made from (SenML records, an NGSI-LD entity): kept in quarantine if refused later. */
  readonly source: unknown;
}

/** A part of a standard payload that could not be translated. */
export interface TranslationRejection {
  readonly code: RejectionCode;
  readonly reason: string;
  readonly deviceId?: string;
  readonly msgId?: string;
  /** The part refused (records, an entity); undefined when the whole payload is refused. */
  readonly source?: unknown;
}

export interface Translation {
  readonly messages: TranslatedMessage[];
  readonly rejected: TranslationRejection[];
}

export type Translator = (json: unknown, ctx: TranslateContext) => Translation;

/**
 * A native msgId for a translated message: standard payloads carry none, and the IOC deduplicates by (device, msgId),
 * so it is derived from what identifies the observation. The same record sent twice is stored once.
 */
export function derivedMsgId(format: 'senml' | 'ngsi', deviceId: string, kind: MessageKind, ts: string): string {
  const digest = createHash('sha256').update(`${deviceId}\n${kind}\n${ts}`).digest('base64url').slice(0, 22);
  return `${format}-${digest}`;
}

/**
 * A SenML measurement the IOC maps: records whose resolved name ends in `name` (or one of its aliases) make or complete
 * a native message, their value converted into `field`'s unit as value × units[u] + (offsets[u] ?? 0). Drives the
 * translator, the AsyncAPI document and docs/mqtt/senml.md.
 */
export interface SenmlMeasurement {
  readonly name: string;
  /** Other names accepted for the same measurement, e.g. bin-fill for fill. */
  readonly aliases?: readonly string[];
  /**
   * A primary measurement makes a message of its one kind; a completion (battery) fills `field` of the message of any
   * of these kinds made by a primary record of the same device at the same time.
   */
  readonly kinds: readonly MessageKind[];
  /** The native field the value goes to, e.g. levelCm. */
  readonly field: string;
  /** Accepted SenML units (RFC 8428 / RFC 8798 registry symbols) and the factor into the field's unit. */
  readonly units: Readonly<Record<string, number>>;
  /** Added after the factor for units with an offset, e.g. K: −273.15 into °C. */
  readonly offsets?: Readonly<Record<string, number>>;
  /** Whether a record of it makes a message on its own (false: it only completes one, like battery). */
  readonly primary: boolean;
  readonly description: string;
}

/** How one FIWARE Smart Data Model entity type maps onto a native message kind. */
export interface NgsiLdMapping {
  readonly type: string;
  readonly kind: MessageKind;
  /** The model's attributes the IOC reads, and the native field each fills (with the unit handling). */
  readonly attributes: ReadonlyArray<{ readonly attribute: string; readonly field: string; readonly note: string }>;
  readonly description: string;
}
