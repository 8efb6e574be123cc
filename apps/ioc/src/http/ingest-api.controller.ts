import { BadRequestException, Controller, Get, Inject, NotFoundException, Param, Query } from '@nestjs/common';
import {
  GatewayEnvelopeSchema,
  MESSAGE_SCHEMAS,
  NgsiLdPayloadSchema,
  ReceiptSchema,
  SenmlPackSchema,
} from '@ioc/contracts';

/** The contract's schemas beside the message kinds', by their $id. */
const OTHER_SCHEMAS: Readonly<Record<string, unknown>> = {
  gateway: GatewayEnvelopeSchema,
  'senml-pack': SenmlPackSchema,
  'ngsi-ld-payload': NgsiLdPayloadSchema,
  receipt: ReceiptSchema,
};
import { isMessageKind, REJECTION_CODES, type RejectionCode } from '@ioc/domain';
import { QuarantineRepository } from '@ioc/storage';
import { Roles } from '@ioc/auth';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';

function parseDate(name: string, v?: string): Date | undefined {
  if (v === undefined) return undefined;
  const d = new Date(v);
  if (Number.isNaN(d.getTime()))
    throw new BadRequestException({ code: 'QUERY_INVALID', message: `${name} must be an ISO 8601 time` });
  return d;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The bytes as received, base64; and as text too when they are valid UTF-8 (most rejections are readable JSON). */
export function presentPayload(payload: Buffer): {
  payloadBase64: string;
  payloadText: string | null;
  payloadBytes: number;
} {
  let text: string | null;
  try {
    text = utf8.decode(payload);
  } catch {
    text = null;
  }
  return { payloadBase64: payload.toString('base64'), payloadText: text, payloadBytes: payload.length };
}

function parseLimit(v?: string): number {
  if (v === undefined) return 100;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 1000)
    throw new BadRequestException({ code: 'QUERY_INVALID', message: 'limit must be an integer from 1 to 1000' });
  return n;
}

/** Read side for integrators: the MQTT contract (any role) and why messages were refused (integrator, supervisor). */
@ApiTags('integration')
@ApiBearerAuth()
@Controller('api/v1')
export class IngestApiController {
  constructor(@Inject(QuarantineRepository) private readonly quarantine: QuarantineRepository) {}

  @Get('contract/schemas')
  @ApiOperation({ summary: 'JSON Schemas of the MQTT messages' })
  schemas() {
    return {
      gateway: GatewayEnvelopeSchema,
      kinds: MESSAGE_SCHEMAS,
      standard: { senml: SenmlPackSchema, 'ngsi-ld': NgsiLdPayloadSchema },
      receipt: ReceiptSchema,
    };
  }

  @Get('contract/schemas/:kind')
  schema(@Param('kind') kind: string) {
    if (Object.hasOwn(OTHER_SCHEMAS, kind)) return OTHER_SCHEMAS[kind];
    if (!isMessageKind(kind))
      throw new NotFoundException({ code: 'KIND_UNKNOWN', message: `no message kind "${kind}"` });
    return MESSAGE_SCHEMAS[kind];
  }

  @Get('quarantine')
  @Roles('integrator', 'supervisor')
  @ApiOperation({ summary: 'Quarantined messages with their rejection code and reason, newest first' })
  async listQuarantine(
    @Query('deviceId') deviceId?: string,
    @Query('code') code?: string,
    @Query('from') from?: string,
    @Query('to') to?: string,
    @Query('limit') limit?: string,
    @Query('beforeId') beforeId?: string,
  ) {
    if (code !== undefined && !(REJECTION_CODES as readonly string[]).includes(code)) {
      throw new BadRequestException({
        code: 'QUERY_INVALID',
        message: `code must be one of ${REJECTION_CODES.join(', ')}`,
      });
    }
    if (beforeId !== undefined && !/^\d+$/.test(beforeId))
      throw new BadRequestException({ code: 'QUERY_INVALID', message: 'beforeId must be an integer' });
    const entries = await this.quarantine.list({
      deviceId,
      code: code as RejectionCode | undefined,
      from: parseDate('from', from),
      to: parseDate('to', to),
      limit: parseLimit(limit),
      beforeId: beforeId === undefined ? undefined : beforeId,
    });
    return entries.map(({ payload, ...entry }) => ({ ...entry, ...presentPayload(payload) }));
  }
}
