import { feedbackTopic, ID_PATTERN, TOPIC_ROOT } from '@ioc/contracts';
import type { QuarantinedMessage, RejectionCode } from '@ioc/domain';

const idRe = new RegExp(ID_PATTERN);
const BRIDGE_PREFIX = `${TOPIC_ROOT}/bridge/`;

/** Refusals of the gateway itself (not of the device an entry names): the gateway is the one to tell. */
const GATEWAY_FAULTS: ReadonlySet<RejectionCode> = new Set(['GATEWAY_UNKNOWN', 'GATEWAY_DEVICE_NOT_ASSIGNED']);

/**
 * Where the notice of a refusal goes: the feedback topic of the device it names; of the gateway when the gateway is
 * at fault or no valid device id is known (a batch refused as a whole, an entry without one); `_unknown` otherwise.
 * A gateway may read only its own and its devices' feedback, so an entry for a device not assigned to it is answered on
 * the gateway's topic, and nothing about it reaches that device's. Nowhere for what came through the IOC's own HTTP
 * bridge: its sender was answered over HTTP and reads the quarantine, and the devices it named sent nothing.
 */
export function noticeTopic(
  q: Pick<QuarantinedMessage, 'code' | 'deviceId' | 'gatewayId' | 'topic'>,
): string | undefined {
  if (q.topic.startsWith(BRIDGE_PREFIX)) return undefined;
  const device = q.deviceId !== undefined && idRe.test(q.deviceId) ? q.deviceId : undefined;
  if (q.gatewayId !== undefined && (device === undefined || GATEWAY_FAULTS.has(q.code))) {
    return feedbackTopic(q.gatewayId);
  }
  return feedbackTopic(device);
}

/** The notice's payload (RejectionNoticeSchema of the contract). */
export function rejectionNotice(q: QuarantinedMessage): string {
  return JSON.stringify({
    code: q.code,
    reason: q.reason,
    topic: q.topic,
    msgId: q.msgId ?? null,
    gatewayId: q.gatewayId ?? null,
    receivedAt: q.receivedAt.toISOString(),
  });
}
