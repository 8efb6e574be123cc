import { createHmac } from 'node:crypto';

/**
 * The MQTT password of one of the city's seed devices or gateways, derived from a development secret
 * (DEVICE_SEED_SECRET): the IOC registers the seeds with it and the simulator, given the same secret, connects as them.
 * A development and demonstration convenience only: real devices get random passwords, shown once.
 */
export function seedDevicePassword(secret: string, id: string): string {
  return createHmac('sha256', secret).update(`ioc-device-seed:${id}`).digest('base64url').slice(0, 32);
}
