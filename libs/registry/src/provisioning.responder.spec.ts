import { Writable } from 'node:stream';
import type { IClientPublishOptions, IPublishPacket } from 'mqtt';
import pino from 'pino';
import type { MqttCredentials, ProvisionRequest } from '@ioc/contracts';
import type { AdminMessageHandler, DynsecClient } from './dynsec.client';
import { ProvisioningResponder } from './provisioning.responder';
import type { ProvisioningService } from './provisioning.service';
import { RegistryError } from './registry.errors';

const SECRET = 'sEcReT-pAsSwOrD-0123456789abcdef';

/** The admin connection as the responder uses it: one subscription, and what it publishes. */
function fakeBroker() {
  let handler: AdminMessageHandler | undefined;
  const sent: Array<{ topic: string; payload: unknown; options: IClientPublishOptions }> = [];
  const broker = {
    subscribe: async (_filter: string, h: AdminMessageHandler) => {
      handler = h;
    },
    unsubscribe: async () => {
      handler = undefined;
    },
    publishMessage: async (topic: string, payload: string, options: IClientPublishOptions) => {
      sent.push({ topic, payload: JSON.parse(payload), options });
    },
  };
  const deliver = (keyId: string, payload: unknown, properties: IPublishPacket['properties']) =>
    handler!(`ioc/provision/v1/${keyId}/request`, Buffer.from(JSON.stringify(payload)), {
      properties,
    } as IPublishPacket);
  return { broker: broker as unknown as DynsecClient, sent, deliver };
}

function capturedLogger() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { logger: pino({ level: 'debug' }, stream), lines };
}

const props = (keyId: string, correlation: string) => ({
  responseTopic: `ioc/provision/v1/${keyId}/response`,
  correlationData: Buffer.from(correlation),
});

const creds = (id: string): MqttCredentials => ({
  username: id,
  password: SECRET,
  clientId: id,
  publish: [`ioc/v1/flood/${id}/water-level`],
  subscribe: [`ioc/feedback/v1/${id}`],
});

describe('ProvisioningResponder', () => {
  it('answers each request on its key’s response topic with its correlation data, and never logs a secret', async () => {
    const { broker, sent, deliver } = fakeBroker();
    const { logger, lines } = capturedLogger();
    const provision = jest.fn(async (_keyId: string, r: ProvisionRequest) => {
      if (r.deviceId === 'wl-taken')
        throw new RegistryError('REGISTRY_EXISTS', 'device "wl-taken" is already registered');
      return creds(r.deviceId);
    });
    const responder = new ProvisioningResponder(broker, { provision } as unknown as ProvisioningService, logger);
    await responder.start();

    deliver('fleet-a', { deviceId: 'wl-new-1', type: 'water-level-sensor', wardId: 'ward-p3' }, props('fleet-a', 'c1'));
    deliver('fleet-a', { deviceId: 'wl-taken', type: 'water-level-sensor', wardId: 'ward-p3' }, props('fleet-a', 'c2'));
    deliver('fleet-a', { deviceId: 'wl-new-2', type: 'water-level-sensor' }, props('fleet-a', 'c3'));
    // A response topic of another key: refused, and the refusal goes to the requesting key's own topic.
    deliver(
      'fleet-a',
      { deviceId: 'wl-new-3', type: 'water-level-sensor', wardId: 'ward-p3' },
      { ...props('fleet-a', 'c4'), responseTopic: 'ioc/provision/v1/fleet-b/response' },
    );
    await responder.stop();

    expect(provision).toHaveBeenCalledTimes(2);
    expect(sent.map((s) => [s.topic, s.options.qos, String(s.options.properties?.correlationData)])).toEqual([
      ['ioc/provision/v1/fleet-a/response', 1, 'c1'],
      ['ioc/provision/v1/fleet-a/response', 1, 'c2'],
      ['ioc/provision/v1/fleet-a/response', 1, 'c3'],
      ['ioc/provision/v1/fleet-a/response', 1, 'c4'],
    ]);
    expect(sent.map((s) => s.payload)).toEqual([
      { status: 'ok', credentials: creds('wl-new-1') },
      { status: 'refused', code: 'REGISTRY_EXISTS', reason: 'device "wl-taken" is already registered' },
      { status: 'refused', code: 'PROVISIONING_INVALID', reason: expect.stringContaining('wardId') },
      { status: 'refused', code: 'PROVISIONING_INVALID', reason: expect.stringContaining('responseTopic') },
    ]);
    const logged = lines.join('');
    expect(logged).not.toContain(SECRET);
    expect(lines.map((l) => JSON.parse(l)).map((l) => [l.keyId, l.deviceId, l.outcome])).toEqual([
      ['fleet-a', 'wl-new-1', 'provisioned'],
      ['fleet-a', 'wl-taken', 'REGISTRY_EXISTS'],
      ['fleet-a', undefined, 'PROVISIONING_INVALID'],
      ['fleet-a', undefined, 'PROVISIONING_INVALID'],
    ]);
  });

  it('handles requests one at a time and turns away those beyond its waiting room', async () => {
    const { broker, sent, deliver } = fakeBroker();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let running = 0;
    let most = 0;
    const provision = jest.fn(async (_k: string, r: ProvisionRequest) => {
      most = Math.max(most, ++running);
      await gate;
      running--;
      return creds(r.deviceId);
    });
    const responder = new ProvisioningResponder(
      broker,
      { provision } as unknown as ProvisioningService,
      pino({ level: 'silent' }),
      2,
    );
    await responder.start();
    for (const n of [1, 2, 3])
      deliver('k', { deviceId: `bin-${n}`, type: 'bin', wardId: 'ward-p1' }, props('k', `c${n}`));
    await new Promise((r) => setImmediate(r));
    expect(sent.map((s) => s.payload)).toEqual([
      { status: 'refused', code: 'PROVISIONING_UNAVAILABLE', reason: expect.stringContaining('retry') },
    ]);
    release();
    await responder.stop();
    expect(most).toBe(1);
    expect(sent.map((s) => String(s.options.properties?.correlationData))).toEqual(['c3', 'c1', 'c2']);
  });

  it('answers PROVISIONING_UNAVAILABLE when the registration fails for a reason of the IOC’s', async () => {
    const { broker, sent, deliver } = fakeBroker();
    const provision = jest.fn(async () => {
      throw new Error('connect ECONNREFUSED 127.0.0.1:5432');
    });
    const responder = new ProvisioningResponder(
      broker,
      { provision } as unknown as ProvisioningService,
      pino({ level: 'silent' }),
    );
    await responder.start();
    deliver('k', { deviceId: 'bin-1', type: 'bin', wardId: 'ward-p1' }, props('k', 'c1'));
    await responder.stop();
    expect(sent[0].payload).toEqual({
      status: 'refused',
      code: 'PROVISIONING_UNAVAILABLE',
      reason: 'the IOC could not register the device now; retry later',
    });
  });
});
