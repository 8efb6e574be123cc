import type { MqttClient } from 'mqtt';
import { createMessageValidators, parseTopic, TOPIC_FILTERS } from '@ioc/contracts';
import { startMosquitto, type TestBroker } from '@ioc/testing';
import { Simulation } from '../core/simulation';
import { loadCity } from '@ioc/city';
import { loadScenario } from '../scenario.loader';
import { MqttFleetRunner } from './mqtt-runner';
import { planConnections } from '@ioc/city';

describe('MqttFleetRunner against a real Mosquitto', () => {
  let broker: TestBroker;
  let sub: MqttClient;
  beforeAll(async () => {
    broker = await startMosquitto();
    sub = await broker.connectTrusted({ clientId: 'sim-int-sub', clean: true });
    await sub.subscribeAsync(TOPIC_FILTERS.all, { qos: 1 });
  });
  afterAll(async () => {
    await sub?.endAsync();
    await broker?.stop();
  });

  it('publishes per-device and gateway messages that arrive valid, all of them', async () => {
    const validators = createMessageValidators();
    const received: Array<{ via: 'device' | 'gateway'; deviceId: string; body: Record<string, unknown> }> = [];
    sub.on('message', (topic, payload) => {
      const p = parseTopic(topic);
      const json = JSON.parse(payload.toString()) as Record<string, unknown>;
      if (p.type === 'device') received.push({ via: 'device', deviceId: p.deviceId, body: json });
      else if (p.type === 'gateway')
        for (const e of json.messages as Array<Record<string, unknown>>)
          received.push({ via: 'gateway', deviceId: e.deviceId as string, body: e });
    });
    const sim = new Simulation({ city: loadCity(), scenario: loadScenario('normal-day'), seed: 3, devices: 300 });
    const topology = planConnections(sim.devices.map((d) => d.site));
    expect(topology.direct.size).toBeGreaterThan(10);
    expect(topology.gateways.length).toBeGreaterThan(3);
    const runner = new MqttFleetRunner({
      url: broker.url,
      // Device security is not this test's subject: every connection is the tests' trusted publisher.
      ...broker.publisher,
      sim,
      topology,
      speed: 1800,
      untilS: 1800,
      tickMs: 50,
      clientIdPrefix: 'int-',
    });
    await runner.connect();
    expect(runner.stats.connections).toBe(topology.direct.size + topology.gateways.length);
    const stats = await runner.run();
    await runner.close();
    const deadline = Date.now() + 10_000;
    while (received.length < stats.sent && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(stats.errors).toBe(0);
    expect(stats.acked).toBe(stats.sent);
    expect(received).toHaveLength(stats.sent);
    expect(received.some((r) => r.via === 'device')).toBe(true);
    expect(received.some((r) => r.via === 'gateway')).toBe(true);
    for (const r of received) {
      expect(r.via === 'device' ? topology.direct.has(r.deviceId) : topology.gatewayOf.has(r.deviceId)).toBe(true);
      const kind = (r.via === 'gateway' ? r.body.kind : undefined) as string | undefined;
      if (kind) {
        const { kind: _k, ...body } = r.body;
        expect(validators.kinds[kind as 'rain'](body)).toBe(true);
      }
    }
  });
});
