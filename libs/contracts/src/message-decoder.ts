import {
  domainOf,
  type DeviceMessage,
  type MessageKind,
  type QuarantinedMessage,
  type RejectionCode,
} from '@ioc/domain';
import { GATEWAY_MAX_MESSAGES } from './schemas';
import { parseTopic, type StandardFormat, type StandardSource } from './topics';
import { describeErrors, type MessageValidators } from './validation';
import { translateNgsiLd, translateSenml, type TranslationRejection, type Translator } from './formats';

const TRANSLATORS: Readonly<Record<StandardFormat, Translator>> = { senml: translateSenml, 'ngsi-ld': translateNgsiLd };

export interface DecodeOptions {
  readonly maxPayloadBytes: number;
  readonly maxFutureSkewMs: number;
  readonly maxAgeMs: number;
}

export interface DecodeResult {
  readonly accepted: DeviceMessage[];
  readonly rejected: QuarantinedMessage[];
}

type EntryResult = DeviceMessage | { code: RejectionCode; reason: string; msgId?: string };

const utf8 = new TextDecoder('utf-8', { fatal: true });
/**
 * The bytes kept in quarantine for a refused part of a publish (a gateway entry, SenML records, an NGSI-LD entity).
 * A part nested deeper than JSON.stringify can recurse (a hostile payload JSON.parse reads fine) keeps the whole
 * publish as received instead: the refusal must cost the part its own copy, never the ingest its process.
 */
function partBytes(part: unknown, payload: Buffer): Buffer {
  try {
    return Buffer.from(JSON.stringify(part));
  } catch {
    return payload;
  }
}

/** Topics remembered by a decoder (a city's fleet has ~2,000 devices, a few topics each). */
const ROUTE_CACHE_MAX = 50_000;

/**
 * The longest reason a rejection gives: a reason quotes the text it refuses (a topic level, a property name), which a
 * hostile publish can make as long as the payload limit; the quarantine row keeps the payload itself anyway.
 */
export const REJECTION_REASON_MAX = 1_000;

/** `reason` cut to REJECTION_REASON_MAX characters, saying how much was left out. */
export function capReason(reason: string): string {
  if (reason.length <= REJECTION_REASON_MAX) return reason;
  const suffix = `… (${reason.length - (REJECTION_REASON_MAX - 40)} more characters)`;
  return reason.slice(0, REJECTION_REASON_MAX - 40) + suffix;
}

/**
 * Pure: turns one MQTT publish into accepted device messages and quarantined ones, with a reason for each.
 * Never throws on any input. A gateway publish is split into entries that are judged one by one; a standard payload
 * (SenML, NGSI-LD) is translated into native messages that are judged like the ones sent natively.
 */
export class MessageDecoder {
  /** Parsed topics: a fleet publishes on a few topics per device, each parsed once (bounded: cleared when full). */
  private readonly routes = new Map<string, ReturnType<typeof parseTopic>>();

  constructor(
    private readonly validators: MessageValidators,
    private readonly options: DecodeOptions,
  ) {}

  /** Every rejection's reason is at most REJECTION_REASON_MAX characters: reasons quote what they refuse. */
  decode(topic: string, payload: Buffer, receivedAt: Date): DecodeResult {
    const result = this.judge(topic, payload, receivedAt);
    if (result.rejected.every((r) => r.reason.length <= REJECTION_REASON_MAX)) return result;
    return { ...result, rejected: result.rejected.map((r) => ({ ...r, reason: capReason(r.reason) })) };
  }

  private judge(topic: string, payload: Buffer, receivedAt: Date): DecodeResult {
    const reject = (code: RejectionCode, reason: string, extra: Partial<QuarantinedMessage> = {}): DecodeResult => ({
      accepted: [],
      rejected: [{ receivedAt, topic, payload, code, reason, ...extra }],
    });

    const route = this.route(topic);
    if (route.type === 'invalid') return reject('TOPIC_INVALID', route.reason);
    const ids =
      route.type === 'device' || (route.type === 'standard' && 'deviceId' in route)
        ? { deviceId: route.deviceId }
        : 'gatewayId' in route
          ? { gatewayId: route.gatewayId }
          : {};

    if (payload.length > this.options.maxPayloadBytes) {
      return reject(
        'PAYLOAD_TOO_LARGE',
        `payload is ${payload.length} bytes; the limit is ${this.options.maxPayloadBytes}`,
        ids,
      );
    }
    let text: string;
    try {
      text = utf8.decode(payload);
    } catch {
      return reject('PAYLOAD_NOT_UTF8', 'payload is not valid UTF-8', ids);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (e) {
      return reject('PAYLOAD_NOT_JSON', `payload is not JSON: ${(e as Error).message}`, ids);
    }

    if (route.type === 'standard') return this.standard(route, json, topic, payload, receivedAt);
    if (route.type === 'device') {
      const result = this.entry(json, text, route.kind, route.deviceId, topic, receivedAt, undefined);
      return 'code' in result
        ? reject(result.code, result.reason, { deviceId: route.deviceId, msgId: result.msgId })
        : { accepted: [result], rejected: [] };
    }

    const messages = (json as { messages?: unknown } | null)?.messages;
    if (Array.isArray(messages) && messages.length === 0)
      return reject('GATEWAY_EMPTY', 'gateway envelope has no messages', ids);
    if (Array.isArray(messages) && messages.length > GATEWAY_MAX_MESSAGES) {
      return reject(
        'GATEWAY_TOO_MANY',
        `gateway envelope has ${messages.length} messages; the limit is ${GATEWAY_MAX_MESSAGES}`,
        ids,
      );
    }
    if (!this.validators.gateway(json)) {
      return reject('SCHEMA_INVALID', `gateway envelope: ${describeErrors(this.validators.gateway.errors)}`, ids);
    }
    const accepted: DeviceMessage[] = [];
    const rejected: QuarantinedMessage[] = [];
    for (const raw of messages as Array<Record<string, unknown>>) {
      const result = this.gatewayEntry(raw, topic, receivedAt, route.gatewayId);
      if ('code' in result) {
        rejected.push({
          receivedAt,
          topic,
          payload: partBytes(raw, payload),
          code: result.code,
          reason: result.reason,
          deviceId: typeof raw.deviceId === 'string' ? raw.deviceId : undefined,
          msgId: result.msgId,
          gatewayId: route.gatewayId,
        });
      } else {
        accepted.push(result);
      }
    }
    return { accepted, rejected };
  }

  /**
   * A standard payload: translated, then every message judged as a native one. A message from a gateway's topic is
   * the gateway's entry (checked against its assignments); from a bridge, it names its device like a device's own.
   */
  private standard(
    route: { format: StandardFormat } & StandardSource,
    json: unknown,
    topic: string,
    payload: Buffer,
    receivedAt: Date,
  ): DecodeResult {
    const topicDevice = 'deviceId' in route ? route.deviceId : undefined;
    const gatewayId = 'gatewayId' in route ? route.gatewayId : undefined;
    let translation: ReturnType<Translator>;
    try {
      translation = TRANSLATORS[route.format](json, { deviceId: topicDevice, receivedAt });
    } catch (e) {
      // A translator bug must cost the payload its translation, never the ingest its process.
      translation = {
        messages: [],
        rejected: [
          {
            code: route.format === 'senml' ? 'SENML_INVALID' : 'NGSI_LD_INVALID',
            reason: `${route.format} payload could not be translated: ${(e as Error)?.message ?? String(e)}`,
          },
        ],
      };
    }
    const whole = translation.messages.length + translation.rejected.length <= 1;
    // A payload that is one message keeps its bytes as received; a part of a larger one keeps that part.
    const bytesOf = (source: unknown) => (whole || source === undefined ? payload : partBytes(source, payload));
    const quarantine = (r: TranslationRejection): QuarantinedMessage => ({
      receivedAt,
      topic,
      payload: bytesOf(r.source),
      code: r.code,
      reason: r.reason,
      deviceId: r.deviceId,
      msgId: r.msgId,
      gatewayId,
    });
    const accepted: DeviceMessage[] = [];
    const rejected = translation.rejected.map((r) => quarantine({ ...r, deviceId: r.deviceId ?? topicDevice }));
    for (const m of translation.messages) {
      if (topicDevice !== undefined && m.deviceId !== topicDevice) {
        rejected.push(
          quarantine({
            code: 'DEVICE_ID_MISMATCH',
            reason: `${route.format} payload names device "${m.deviceId}", not the topic's device "${topicDevice}"`,
            deviceId: topicDevice,
            msgId: m.body.msgId as string | undefined,
            source: m.source,
          }),
        );
        continue;
      }
      const result = this.entry(m.body, undefined, m.kind, m.deviceId, topic, receivedAt, gatewayId);
      if ('code' in result) {
        rejected.push(
          quarantine({
            code: result.code,
            reason: `${route.format} → ${result.reason}`,
            deviceId: m.deviceId,
            msgId: result.msgId,
            source: m.source,
          }),
        );
      } else {
        accepted.push(result);
      }
    }
    return { accepted, rejected };
  }

  private route(topic: string): ReturnType<typeof parseTopic> {
    let route = this.routes.get(topic);
    if (route === undefined) {
      route = parseTopic(topic);
      if (this.routes.size >= ROUTE_CACHE_MAX) this.routes.clear();
      this.routes.set(topic, route);
    }
    return route;
  }

  private gatewayEntry(raw: Record<string, unknown>, topic: string, receivedAt: Date, gatewayId: string): EntryResult {
    const msgId = typeof raw.msgId === 'string' ? raw.msgId : undefined;
    if (!this.validators.gatewayEntry(raw as unknown)) {
      return {
        code: 'SCHEMA_INVALID',
        reason: `gateway entry: ${describeErrors(this.validators.gatewayEntry.errors)}`,
        msgId,
      };
    }
    const { kind, ...body } = raw as Record<string, unknown> & { kind: MessageKind; deviceId: string };
    return this.entry(body, undefined, kind, body.deviceId as string, topic, receivedAt, gatewayId);
  }

  private entry(
    json: unknown,
    jsonText: string | undefined,
    kind: MessageKind,
    deviceId: string,
    topic: string,
    receivedAt: Date,
    gatewayId: string | undefined,
  ): EntryResult {
    const validate = this.validators.kinds[kind];
    const msgId =
      typeof (json as { msgId?: unknown })?.msgId === 'string' ? (json as { msgId: string }).msgId : undefined;
    if (!validate(json))
      return { code: 'SCHEMA_INVALID', reason: `${kind}: ${describeErrors(validate.errors)}`, msgId };
    const body = json as Record<string, unknown> & { msgId: string; ts: string; deviceId?: string };
    if (body.deviceId !== undefined && body.deviceId !== deviceId) {
      return {
        code: 'DEVICE_ID_MISMATCH',
        reason: `payload deviceId "${body.deviceId}" differs from topic device "${deviceId}"`,
        msgId,
      };
    }
    const ts = new Date(body.ts);
    const skew = ts.getTime() - receivedAt.getTime();
    if (skew > this.options.maxFutureSkewMs) {
      return {
        code: 'TIMESTAMP_IN_FUTURE',
        reason: `ts ${body.ts} is ${Math.round(skew / 1000)} s ahead of the IOC clock`,
        msgId,
      };
    }
    if (-skew > this.options.maxAgeMs) {
      return {
        code: 'TIMESTAMP_TOO_OLD',
        reason: `ts ${body.ts} is older than the accepted age of ${this.options.maxAgeMs / 1000} s`,
        msgId,
      };
    }
    const bodyJson = jsonText ?? JSON.stringify(body);
    return {
      deviceId,
      msgId: body.msgId,
      kind,
      domain: domainOf(kind),
      ts,
      receivedAt,
      topic,
      gatewayId,
      body,
      bodyJson,
    };
  }
}
