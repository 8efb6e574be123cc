import { Type, type Static } from '@sinclair/typebox';
import { MESSAGE_KIND_NAMES, REJECTION_CODES } from '@ioc/domain';
import { Timestamp } from './schemas';

/** What became of one publish, as a whole. */
export const RECEIPT_STATUSES = ['stored', 'duplicate', 'quarantined', 'partial'] as const;
export type ReceiptStatus = (typeof RECEIPT_STATUSES)[number];

/**
 * The IOC's answer to a publish that asked for one (MQTT 5 request/response): the publish carried the property
 * responseTopic equal to its sender's own feedback topic (`ioc/feedback/v1/{deviceId}`, or `{gatewayId}` for a
 * gateway's topics), and optionally correlationData. The IOC publishes one receipt on that topic once the publish's
 * outcome is committed (QoS 0, the same correlationData). Any other responseTopic gets no answer.
 */
export const ReceiptSchema = Type.Object(
  {
    status: Type.Union(
      [
        Type.Literal('stored', {
          description: 'Every message was accepted and is stored (some may have been stored before).',
        }),
        Type.Literal('duplicate', { description: 'Every message was accepted and had been stored before.' }),
        Type.Literal('quarantined', { description: 'Nothing was accepted: see rejected.' }),
        Type.Literal('partial', { description: 'Some messages were accepted (a gateway batch), some quarantined.' }),
      ],
      { description: 'The outcome of the whole publish.' },
    ),
    topic: Type.String({ description: 'The topic the publish was received on.' }),
    receivedAt: { ...Timestamp, description: 'When the IOC received the publish (UTC).' },
    messages: Type.Array(
      Type.Object(
        {
          msgId: Type.String(),
          deviceId: Type.String(),
          kind: Type.Union(MESSAGE_KIND_NAMES.map((k) => Type.Literal(k))),
          status: Type.Union([Type.Literal('stored'), Type.Literal('duplicate')], {
            description: 'stored: new; duplicate: the same device, msgId and ts were stored before.',
          }),
        },
        { additionalProperties: false },
      ),
      { description: 'The accepted messages of the publish.' },
    ),
    rejected: Type.Array(
      Type.Object(
        {
          code: Type.Union(
            REJECTION_CODES.map((c) => Type.Literal(c)),
            { description: 'Stable rejection code (as in the rejection notice).' },
          ),
          reason: Type.String(),
          msgId: Type.Union([Type.String(), Type.Null()]),
          deviceId: Type.Union([Type.String(), Type.Null()]),
        },
        { additionalProperties: false },
      ),
      { description: 'The quarantined messages of the publish (each also gets its rejection notice).' },
    ),
  },
  { $id: 'receipt', title: 'Receipt', additionalProperties: false },
);
export type Receipt = Static<typeof ReceiptSchema>;
