import { json, type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { BadRequestException, Body, Controller, Headers, HttpCode, Inject, Ip, Post } from '@nestjs/common';
import { ApiBasicAuth, ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  AuthError,
  LoginService,
  Public,
  TokenService,
  UserService,
  bearerToken,
  roleAllowed,
  type UserRole,
} from '@ioc/auth';
import {
  NGSI_LD_NOTIFY_PATH,
  bridgeTopic,
  gatewayStandardTopic,
  ngsiLdBridgeId,
  readNgsiLdNotification,
} from '@ioc/contracts';
import { PayloadBridge, RegistryService } from '@ioc/registry';

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

/** Who may post notifications with a bearer token (admin may everything, as the guard has it). */
const NOTIFY_ROLES: readonly UserRole[] = ['integrator'];

/** `Authorization: Basic base64(id:password)` → its parts, or undefined. */
export function basicCredentials(header: string | undefined): { id: string; password: string } | undefined {
  const m = header?.match(/^Basic\s+([A-Za-z0-9+/=]+)\s*$/i);
  if (!m) return undefined;
  const text = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = text.indexOf(':');
  return colon > 0 ? { id: text.slice(0, colon), password: text.slice(colon + 1) } : undefined;
}

/**
 * Where a FIWARE context broker (Orion-LD) posts its subscriptions' notifications. The notification is checked for
 * shape here and handed to the ingest through the broker as it came (PayloadBridge), so each entity is translated,
 * judged, stored or quarantined exactly like an NGSI-LD payload published over MQTT. 202: the broker has it.
 *
 * Two ways in. A context broker registered as a gateway signs with HTTP Basic (its gateway id and the password the
 * registry gave it, which do not expire): its notifications go on the gateway's own NGSI-LD topic and may speak only
 * for the devices assigned to it. A signed-in integrator (or admin) may post for any registered device, with a bearer
 * token, for tests and one-off loads.
 */
@ApiTags('integration')
@ApiBearerAuth()
@ApiBasicAuth()
@Controller()
export class NgsiLdController {
  constructor(
    @Inject(PayloadBridge) private readonly bridge: PayloadBridge,
    @Inject(RegistryService) private readonly registry: RegistryService,
    @Inject(TokenService) private readonly tokens: TokenService,
    @Inject(UserService) private readonly users: Pick<UserService, 'active'>,
    @Inject(LoginService) private readonly logins: Pick<LoginService, 'throttled'>,
  ) {}

  @Post(NGSI_LD_NOTIFY_PATH)
  @HttpCode(202)
  @Public() // authenticated below: Basic (a gateway) or Bearer (an integrator)
  @ApiOperation({
    summary: 'NGSI-LD notification endpoint (what an Orion-LD subscription posts)',
    description:
      'Entities of FloodMonitoring, WaterObserved, WasteContainer and TrafficFlowObserved become readings of the ' +
      'registered devices they name; see docs/mqtt/ngsi-ld.md. HTTP Basic with a gateway id and password (a context ' +
      'broker registered as a gateway: its assigned devices only), or a bearer token of an integrator or admin (any ' +
      'registered device). 202 once the broker holds the notification; refused entities are in GET /api/v1/quarantine.',
  })
  async notify(
    @Body() body: unknown,
    @Headers('authorization') authorization: string | undefined,
    @Ip() address: string | undefined,
  ) {
    const topic = await this.topicFor(authorization, address ?? 'unknown');
    const read = readNgsiLdNotification(body);
    if (!read.ok) throw new BadRequestException({ code: 'NGSI_LD_NOTIFICATION_INVALID', message: read.reason });
    await this.bridge.forward(topic, Buffer.from(JSON.stringify(body)));
    return { accepted: read.entities, topic, subscriptionId: read.subscriptionId ?? null };
  }

  /**
   * Who is posting, as the topic their notification goes on; AUTH_INVALID / AUTH_FORBIDDEN otherwise. A gateway's
   * password is guessed at no faster than a user's: the sign-in throttle counts its failures (account `gateway:<id>`)
   * and those of the address, and answers AUTH_THROTTLED once either is used up.
   */
  private async topicFor(authorization: string | undefined, address: string): Promise<string> {
    const basic = basicCredentials(authorization);
    if (basic) {
      await this.logins.throttled(`gateway:${basic.id}`, address, async () => {
        if (!(await this.registry.verifyGatewayPassword(basic.id, basic.password)))
          throw new AuthError('AUTH_INVALID', 'unknown or disabled gateway, or wrong password');
      });
      return gatewayStandardTopic('ngsi-ld', basic.id);
    }
    const token = bearerToken(authorization);
    if (!token) {
      throw new AuthError(
        'AUTH_INVALID',
        "missing credentials: HTTP Basic with a gateway's id and password, or a bearer token of an integrator",
      );
    }
    const principal = await this.users.active(await this.tokens.verify(token));
    if (!roleAllowed(principal.role, NOTIFY_ROLES)) {
      throw new AuthError('AUTH_FORBIDDEN', `role ${principal.role} may not post NGSI-LD notifications`, {
        role: principal.role,
        allowed: ['admin', ...NOTIFY_ROLES],
      });
    }
    return bridgeTopic('ngsi-ld', ngsiLdBridgeId(principal.username));
  }
}
