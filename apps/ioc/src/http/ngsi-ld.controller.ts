import { json, type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { BadRequestException, Body, Controller, HttpCode, Inject, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles, type Principal } from '@ioc/auth';
import { NGSI_LD_NOTIFY_PATH, ngsiLdBridgeId, readNgsiLdNotification } from '@ioc/contracts';
import { PayloadBridge } from '@ioc/registry';

/**
 * The JSON parser of the notification endpoint, mounted before Nest's own: it also takes `application/ld+json` (what
 * Orion-LD sends when the subscription asks for JSON-LD) and a notification as large as one MQTT message may be. A body
 * that is too large or not JSON is answered here, with the API's error shape.
 */
export function ngsiLdBodyParser(limitBytes: number): RequestHandler {
  const parse = json({ type: ['application/json', 'application/ld+json'], limit: limitBytes });
  return (req: Request, res: Response, next: NextFunction) =>
    parse(req, res, (err?: { status?: number; type?: string; message?: string }) => {
      if (!err) return next();
      const status = err.status ?? 400;
      res.status(status).json({
        statusCode: status,
        code: status === 413 ? 'PAYLOAD_TOO_LARGE' : 'NGSI_LD_NOTIFICATION_INVALID',
        message:
          status === 413
            ? `the notification is larger than ${limitBytes} bytes; ask the context broker for fewer entities per notification`
            : `the body is not JSON: ${err.message ?? 'unreadable'}`,
      });
    });
}

/**
 * Where a FIWARE context broker (Orion-LD) posts its subscriptions' notifications. The notification is checked for
 * shape here and handed to the ingest through the broker as it came (PayloadBridge), so each entity is translated,
 * judged, stored or quarantined exactly like an NGSI-LD payload a device publishes. 202: the broker has it.
 */
@ApiTags('integration')
@ApiBearerAuth()
@Controller()
export class NgsiLdController {
  constructor(@Inject(PayloadBridge) private readonly bridge: PayloadBridge) {}

  @Post(NGSI_LD_NOTIFY_PATH)
  @HttpCode(202)
  @Roles('integrator', 'admin')
  @ApiOperation({
    summary: 'NGSI-LD notification endpoint (what an Orion-LD subscription posts)',
    description:
      'Entities of FloodMonitoring, WaterObserved, WasteContainer and TrafficFlowObserved become readings of the ' +
      'registered devices they name; see docs/mqtt/ngsi-ld.md. 202 once the broker holds the notification; the ' +
      'outcome of each entity is in the quarantine list (GET /api/v1/quarantine) if it was refused.',
  })
  async notify(@Body() body: unknown, @CurrentPrincipal() principal: Principal) {
    const read = readNgsiLdNotification(body);
    if (!read.ok) throw new BadRequestException({ code: 'NGSI_LD_NOTIFICATION_INVALID', message: read.reason });
    const topic = await this.bridge.forward(
      'ngsi-ld',
      ngsiLdBridgeId(principal.username),
      Buffer.from(JSON.stringify(body)),
    );
    return { accepted: read.entities, topic, subscriptionId: read.subscriptionId ?? null };
  }
}
