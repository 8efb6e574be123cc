import { DOMAINS, domainOf, isMessageKind, type Domain, type MessageKind } from '@ioc/domain';
import { ID_PATTERN } from './schemas/common.schema';

/**
 * The MQTT topic scheme (version 1).
 *   ioc/v1/{domain}/{deviceId}/{kind}   one device's message, e.g. ioc/v1/flood/wl-p3-007/water-level
 *   ioc/v1/gateway/{gatewayId}          a batch of many devices' messages on one connection
 *   ioc/v1/{format}/{deviceId}          one device's payload in a standard format: senml (RFC 8428) or ngsi-ld
 *   ioc/v1/gateway/{gatewayId}/{format} a standard payload naming several of the gateway's devices
 *   ioc/v1/bridge/{bridgeId}/{format}   standard payloads the IOC's own HTTP endpoints forward (NGSI-LD notifications);
 *                                       only the IOC may publish here
 *   ioc/feedback/v1/{deviceId}          rejection notices the IOC publishes back (QoS 0), and receipts asked for
 *                                       with the MQTT 5 responseTopic ({@link senderFeedbackTopic})
 *   ioc/provision/v1/{keyId}/request    a device asks for its identity with a provisioning key (MQTT 5)
 *   ioc/provision/v1/{keyId}/response   the IOC's answer: the device's credentials, or why not
 * The ingest subscribes to ioc/v1/#, so a message on a malformed topic under ioc/v1/ is quarantined, not missed.
 */
export const TOPIC_ROOT = 'ioc/v1';
/** Outside TOPIC_ROOT so the ingest subscription (ioc/v1/#) never reads the IOC's own notices. */
export const FEEDBACK_ROOT = 'ioc/feedback/v1';
/** Fleet self-provisioning, outside TOPIC_ROOT: only a provisioning key's identity and the IOC's admin use it. */
export const PROVISION_ROOT = 'ioc/provision/v1';
/**
 * The IOC's api processes read provisioning requests through this share, so one of them answers each request however
 * many run.
 */
export const PROVISION_SHARE_GROUP = 'ioc-provision';
/** Standard payload formats the IOC translates into its native messages (libs/contracts/src/formats). */
export const STANDARD_FORMATS = ['senml', 'ngsi-ld'] as const;
export type StandardFormat = (typeof STANDARD_FORMATS)[number];
export const isStandardFormat = (s: string): s is StandardFormat => (STANDARD_FORMATS as readonly string[]).includes(s);

export const TOPIC_FILTERS = {
  all: `${TOPIC_ROOT}/#`,
  device: `${TOPIC_ROOT}/+/+/+`,
  gateway: `${TOPIC_ROOT}/gateway/+`,
  standard: `${TOPIC_ROOT}/+/+`,
  gatewayStandard: `${TOPIC_ROOT}/gateway/+/+`,
  bridge: `${TOPIC_ROOT}/bridge/+/+`,
  feedback: `${FEEDBACK_ROOT}/+`,
  provisionRequest: `${PROVISION_ROOT}/+/request`,
} as const;
export const PROVISION_SUBSCRIPTION = `$share/${PROVISION_SHARE_GROUP}/${TOPIC_FILTERS.provisionRequest}`;

const idRe = new RegExp(ID_PATTERN);

/** Who a standard payload comes from: exactly one of a device, a gateway, or one of the IOC's own bridges. */
export type StandardSource = { deviceId: string } | { gatewayId: string } | { bridgeId: string };

export type ParsedTopic =
  | { type: 'device'; domain: Domain; deviceId: string; kind: MessageKind }
  | { type: 'gateway'; gatewayId: string }
  | ({ type: 'standard'; format: StandardFormat } & StandardSource);

export type TopicError = { type: 'invalid'; reason: string };

export function deviceTopic(kind: MessageKind, deviceId: string): string {
  return `${TOPIC_ROOT}/${domainOf(kind)}/${deviceId}/${kind}`;
}

export function gatewayTopic(gatewayId: string): string {
  return `${TOPIC_ROOT}/gateway/${gatewayId}`;
}

/** A device's own topic for a payload in a standard format, e.g. ioc/v1/senml/wl-p3-007. */
export function standardTopic(format: StandardFormat, deviceId: string): string {
  return `${TOPIC_ROOT}/${format}/${deviceId}`;
}

/** A gateway's topic for a standard payload naming several of its devices, e.g. ioc/v1/gateway/gw-p3/senml. */
export function gatewayStandardTopic(format: StandardFormat, gatewayId: string): string {
  return `${TOPIC_ROOT}/gateway/${gatewayId}/${format}`;
}

/** Where the IOC's HTTP endpoints forward standard payloads, e.g. ioc/v1/bridge/ngsi-ld-http/ngsi-ld. */
export function bridgeTopic(format: StandardFormat, bridgeId: string): string {
  return `${TOPIC_ROOT}/bridge/${bridgeId}/${format}`;
}

export function feedbackTopic(deviceId: string | undefined): string {
  return `${FEEDBACK_ROOT}/${deviceId && idRe.test(deviceId) ? deviceId : '_unknown'}`;
}

/**
 * The feedback topic of whoever publishes on `topic`: a device's own topics (native or standard format) answer on the
 * device's feedback topic, a gateway's topics on the gateway's. The only responseTopic the IOC answers a publish on
 * (with a receipt): the broker lets the sender read it and nobody else. Undefined for a bridge's topic (only the IOC
 * publishes there) and for a topic that names no sender.
 */
export function senderFeedbackTopic(topic: string): string | undefined {
  const route = parseTopic(topic);
  if (route.type === 'device') return feedbackTopic(route.deviceId);
  if (route.type === 'gateway') return feedbackTopic(route.gatewayId);
  if (route.type === 'standard') {
    if ('deviceId' in route) return feedbackTopic(route.deviceId);
    if ('gatewayId' in route) return feedbackTopic(route.gatewayId);
  }
  return undefined;
}

export function provisionRequestTopic(keyId: string): string {
  return `${PROVISION_ROOT}/${keyId}/request`;
}

export function provisionResponseTopic(keyId: string): string {
  return `${PROVISION_ROOT}/${keyId}/response`;
}

/** The provisioning key a request topic names; undefined for any other topic. */
export function provisionKeyOfTopic(topic: string): string | undefined {
  const parts = topic.split('/');
  if (parts.length !== 5 || `${parts[0]}/${parts[1]}/${parts[2]}` !== PROVISION_ROOT || parts[4] !== 'request') return;
  return parts[3] || undefined;
}

export function parseTopic(topic: string): ParsedTopic | TopicError {
  const parts = topic.split('/');
  if (parts.length < 3 || `${parts[0]}/${parts[1]}` !== TOPIC_ROOT) {
    return { type: 'invalid', reason: `topic must start with ${TOPIC_ROOT}/` };
  }
  if (parts[2] === 'gateway' || parts[2] === 'bridge') {
    const what = parts[2];
    if (parts.length !== 4 && parts.length !== 5) {
      return {
        type: 'invalid',
        reason:
          what === 'gateway'
            ? `gateway topic is ${TOPIC_ROOT}/gateway/{gatewayId} or ${TOPIC_ROOT}/gateway/{gatewayId}/{${STANDARD_FORMATS.join('|')}}`
            : `bridge topic is ${TOPIC_ROOT}/bridge/{bridgeId}/{${STANDARD_FORMATS.join('|')}}`,
      };
    }
    if (!idRe.test(parts[3]))
      return { type: 'invalid', reason: `${what} id "${parts[3]}" does not match ${ID_PATTERN}` };
    if (parts.length === 4) {
      if (what === 'bridge')
        return { type: 'invalid', reason: `bridge topic is ${TOPIC_ROOT}/bridge/{bridgeId}/{format}` };
      return { type: 'gateway', gatewayId: parts[3] };
    }
    if (!isStandardFormat(parts[4])) {
      return {
        type: 'invalid',
        reason: `unknown payload format "${parts[4]}" (expected one of ${STANDARD_FORMATS.join(', ')})`,
      };
    }
    return what === 'gateway'
      ? { type: 'standard', format: parts[4], gatewayId: parts[3] }
      : { type: 'standard', format: parts[4], bridgeId: parts[3] };
  }
  if (parts.length === 4 && isStandardFormat(parts[2])) {
    if (!idRe.test(parts[3]))
      return { type: 'invalid', reason: `device id "${parts[3]}" does not match ${ID_PATTERN}` };
    return { type: 'standard', format: parts[2], deviceId: parts[3] };
  }
  if (parts.length !== 5)
    return { type: 'invalid', reason: `device topic is ${TOPIC_ROOT}/{domain}/{deviceId}/{kind}` };
  const [, , domain, deviceId, kind] = parts;
  if (!(DOMAINS as readonly string[]).includes(domain)) {
    return { type: 'invalid', reason: `unknown domain "${domain}" (expected one of ${DOMAINS.join(', ')})` };
  }
  if (!idRe.test(deviceId)) return { type: 'invalid', reason: `device id "${deviceId}" does not match ${ID_PATTERN}` };
  if (!isMessageKind(kind)) return { type: 'invalid', reason: `unknown message kind "${kind}"` };
  if (domainOf(kind) !== domain) {
    return { type: 'invalid', reason: `message kind "${kind}" belongs to domain "${domainOf(kind)}", not "${domain}"` };
  }
  return { type: 'device', domain: domain as Domain, deviceId, kind };
}
