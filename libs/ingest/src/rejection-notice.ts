import { feedbackTopic, ID_PATTERN } from '@ioc/contracts';
import type { QuarantinedMessage, RejectionCode } from '@ioc/domain';

const idRe = new RegExp(ID_PATTERN);

/** Refusals of the gateway itself (not of the device an entry names): the gateway is the one to tell. */
const GATEWAY_FAULTS: ReadonlySet<RejectionCode> = new Set(['GATEWAY_UNKNOWN', 'GATEWAY_DEVICE_NOT_ASSIGNED']);

/**
 * Where the notice of a refusal goes: the feedback topic of the device it names; of the gateway when the gateway is
 * at fault or no valid device id is known (a batch refused as a whole, an entry without one); `_unknown` otherwise.
 * A gateway may read only its own and its devices' feedback, so an entry for a device not assigned to it is answered on
 * the gateway's topic, and nothing about it reaches that device's.
 */
export function noticeTopic(q: Pick<QuarantinedMessage, 'code' | 'deviceId' | 'gatewayId'>): string {
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
