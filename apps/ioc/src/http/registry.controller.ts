import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles, type Principal } from '@ioc/auth';
import {
  AssignDevicesRequestSchema,
  CreateDeviceRequestSchema,
  CreateDevicesRequestSchema,
  CreateGatewayRequestSchema,
  CreateProvisioningKeyRequestSchema,
  REGISTRY_ROLES,
  provisionRequestTopic,
  provisionResponseTopic,
  type AssignDevicesRequest,
  type CreateDeviceRequest,
  type CreateDevicesRequest,
  type CreateGatewayRequest,
  type CreateProvisioningKeyRequest,
  type ProvisioningKeyDto,
  type RegistryDeviceDto,
  type RegistryGatewayDto,
} from '@ioc/contracts';
import { ProvisioningService, RegistryService, provisioningUsername, type RegistryKind } from '@ioc/registry';
import type { ProvisioningKeyRecord, RegisteredDevice, RegisteredGateway } from '@ioc/storage';
import { z } from 'zod';
import { ApiZodBody, ZodPipe } from './zod';

const idPipe = (what: string) => new ZodPipe(z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/), what);
const IdParam = (example: string) => ApiParam({ name: 'id', example });

const toDevice = (d: RegisteredDevice): RegistryDeviceDto => ({
  id: d.id,
  type: d.type,
  name: d.name,
  wardId: d.wardCode,
  lat: d.lat,
  lon: d.lon,
  status: d.status,
  gatewayId: d.gatewayId,
  credentialIssuedAt: d.credentialIssuedAt?.toISOString() ?? null,
  provisionedBy: d.provisionedBy,
  lastSeenAt: d.lastSeenAt?.toISOString() ?? null,
});

const toGateway = (g: RegisteredGateway): RegistryGatewayDto => ({
  id: g.id,
  name: g.name,
  wardId: g.wardCode,
  lat: g.lat,
  lon: g.lon,
  status: g.status,
  credentialIssuedAt: g.credentialIssuedAt?.toISOString() ?? null,
  deviceIds: g.deviceIds,
});

const toKey = (k: ProvisioningKeyRecord): ProvisioningKeyDto => ({
  id: k.id,
  deviceTypes: k.deviceTypes,
  wardIds: k.wardCodes,
  maxDevices: k.maxDevices,
  used: k.used,
  expiresAt: k.expiresAt.toISOString(),
  revokedAt: k.revokedAt?.toISOString() ?? null,
  createdBy: k.createdBy,
  username: provisioningUsername(k.id),
  requestTopic: provisionRequestTopic(k.id),
  responseTopic: provisionResponseTopic(k.id),
});

/**
 * The device registry (integrators and admins): devices and gateways, their MQTT identities on the broker, their
 * passwords (shown once, at creation and at each rotation), which devices hang off which gateway, and the keys devices
 * provision themselves with over MQTT.
 */
@ApiTags('registry')
@ApiBearerAuth()
@Roles(...REGISTRY_ROLES)
@Controller('api/v1/registry')
export class RegistryController {
  constructor(
    @Inject(RegistryService) private readonly registry: RegistryService,
    @Inject(ProvisioningService) private readonly provisioning: ProvisioningService,
  ) {}

  @Get('devices')
  @ApiOperation({ summary: 'Registered devices: type, place, gateway, status, when their credential was issued' })
  async devices() {
    return (await this.registry.devices()).map(toDevice);
  }

  @Get('devices/:id')
  @IdParam('wl-p2-001')
  @ApiOperation({ summary: 'One registered device' })
  async device(@Param('id', idPipe('device id')) id: string) {
    return toDevice(await this.registry.device(id));
  }

  @Post('devices')
  @ApiOperation({
    summary: 'Register a device; the answer carries its MQTT password, shown this once. 409 REGISTRY_EXISTS',
  })
  @ApiZodBody(CreateDeviceRequestSchema)
  async createDevice(@Body(new ZodPipe(CreateDeviceRequestSchema, 'device')) body: CreateDeviceRequest) {
    const [r] = await this.registry.createDevices([body]);
    return { device: toDevice(r.device), credentials: r.credentials };
  }

  @Post('devices/bulk')
  @ApiOperation({ summary: 'Register up to 2,000 devices at once, all or none; each password shown this once' })
  @ApiZodBody(CreateDevicesRequestSchema)
  async createDevices(@Body(new ZodPipe(CreateDevicesRequestSchema, 'devices')) body: CreateDevicesRequest) {
    const all = await this.registry.createDevices(body.devices);
    return { devices: all.map((r) => ({ device: toDevice(r.device), credentials: r.credentials })) };
  }

  @Post('devices/:id/rotate')
  @HttpCode(200)
  @IdParam('wl-p2-001')
  @ApiOperation({ summary: 'Issue a new password (shown once); the old one stops working, its session is closed' })
  rotateDevice(@Param('id', idPipe('device id')) id: string) {
    return this.rotate('device', id);
  }

  @Post('devices/:id/disable')
  @HttpCode(204)
  @IdParam('wl-p2-001')
  @ApiOperation({ summary: 'Disable: the broker disconnects the device at once and refuses it until enabled' })
  async disableDevice(@Param('id', idPipe('device id')) id: string) {
    await this.registry.setEnabled('device', id, false);
  }

  @Post('devices/:id/enable')
  @HttpCode(204)
  @IdParam('wl-p2-001')
  @ApiOperation({ summary: 'Enable a disabled device' })
  async enableDevice(@Param('id', idPipe('device id')) id: string) {
    await this.registry.setEnabled('device', id, true);
  }

  @Delete('devices/:id')
  @HttpCode(204)
  @IdParam('wl-p2-001')
  @ApiOperation({ summary: 'Delete a device: its identity is removed from the broker; its stored history stays' })
  async deleteDevice(@Param('id', idPipe('device id')) id: string) {
    await this.registry.remove('device', id);
  }

  @Put('assignments')
  @HttpCode(204)
  @ApiOperation({ summary: 'Hang devices off a gateway (gatewayId) or off none (null)' })
  @ApiZodBody(AssignDevicesRequestSchema)
  async assign(@Body(new ZodPipe(AssignDevicesRequestSchema, 'assignment')) body: AssignDevicesRequest) {
    await this.registry.assign(body.deviceIds, body.gatewayId);
  }

  @Get('gateways')
  @ApiOperation({ summary: 'Registered gateways and their devices' })
  async gateways() {
    return (await this.registry.gateways()).map(toGateway);
  }

  @Get('gateways/:id')
  @IdParam('gw-p3-01')
  @ApiOperation({ summary: 'One gateway and its devices' })
  async gateway(@Param('id', idPipe('gateway id')) id: string) {
    return toGateway(await this.registry.gateway(id));
  }

  @Post('gateways')
  @ApiOperation({ summary: 'Register a gateway (and assign devices to it); its MQTT password is shown this once' })
  @ApiZodBody(CreateGatewayRequestSchema)
  async createGateway(@Body(new ZodPipe(CreateGatewayRequestSchema, 'gateway')) body: CreateGatewayRequest) {
    const r = await this.registry.createGateway(body);
    return { gateway: toGateway(r.gateway), credentials: r.credentials };
  }

  @Post('gateways/:id/rotate')
  @HttpCode(200)
  @IdParam('gw-p3-01')
  @ApiOperation({ summary: 'Issue a new gateway password (shown once); the old session is closed' })
  rotateGateway(@Param('id', idPipe('gateway id')) id: string) {
    return this.rotate('gateway', id);
  }

  @Post('gateways/:id/disable')
  @HttpCode(204)
  @IdParam('gw-p3-01')
  @ApiOperation({ summary: 'Disable a gateway: disconnected at once, refused until enabled' })
  async disableGateway(@Param('id', idPipe('gateway id')) id: string) {
    await this.registry.setEnabled('gateway', id, false);
  }

  @Post('gateways/:id/enable')
  @HttpCode(204)
  @IdParam('gw-p3-01')
  @ApiOperation({ summary: 'Enable a disabled gateway' })
  async enableGateway(@Param('id', idPipe('gateway id')) id: string) {
    await this.registry.setEnabled('gateway', id, true);
  }

  @Delete('gateways/:id')
  @HttpCode(204)
  @IdParam('gw-p3-01')
  @ApiOperation({ summary: 'Delete a gateway; its devices are left without one' })
  async deleteGateway(@Param('id', idPipe('gateway id')) id: string) {
    await this.registry.remove('gateway', id);
  }

  @Get('provisioning-keys')
  @ApiOperation({ summary: 'Provisioning keys: their limits, how many devices each provisioned, expiry, revocation' })
  async provisioningKeys() {
    return (await this.provisioning.keys()).map(toKey);
  }

  @Post('provisioning-keys')
  @ApiOperation({
    summary:
      'Create a provisioning key: devices holding its MQTT identity (password shown this once) register themselves ' +
      'within its limits. 409 REGISTRY_EXISTS; 503 BROKER_ADMIN_UNAVAILABLE when broker security is off',
  })
  @ApiZodBody(CreateProvisioningKeyRequestSchema)
  async createProvisioningKey(
    @Body(new ZodPipe(CreateProvisioningKeyRequestSchema, 'provisioning key')) body: CreateProvisioningKeyRequest,
    @CurrentPrincipal() p: Principal,
  ) {
    const r = await this.provisioning.createKey(body, p.userId);
    return { key: toKey(r.key), credentials: r.credentials };
  }

  @Post('provisioning-keys/:id/revoke')
  @HttpCode(204)
  @IdParam('fleet-2026-wl')
  @ApiOperation({ summary: 'Revoke a key: nothing more is provisioned with it; the broker disconnects its sessions' })
  async revokeProvisioningKey(@Param('id', idPipe('provisioning key id')) id: string) {
    await this.provisioning.revoke(id);
  }

  private async rotate(kind: RegistryKind, id: string) {
    return { credentials: await this.registry.rotate(kind, id) };
  }
}
