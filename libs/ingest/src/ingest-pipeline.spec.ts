import pino from 'pino';
import { createMessageValidators, gatewayTopic, MessageDecoder } from '@ioc/contracts';
import type { DeviceMessage, QuarantinedMessage } from '@ioc/domain';
import type { IngestBatch, IngestCommitResult } from '@ioc/storage';
import { DeviceDirectory, LastSeenTracker } from './device-directory';
import { DeviceRateLimiter, type DeviceRateLimit } from './device-rate-limiter';
import { IngestPipeline, type IngestPorts, type UnitOutcome } from './ingest-pipeline';
import { receiptOf } from './receipt';

const now = new Date('2026-11-21T03:00:00.000Z');
const clock = { now: () => now, nowMs: () => now.getTime() };
const payload = (msgId: string) => Buffer.from(JSON.stringify({ msgId, ts: '2026-11-21T02:59:00.000Z', levelCm: 20 }));

interface Setup {
  readonly directory?: DeviceDirectory;
  readonly rate?: DeviceRateLimit;
  readonly clock?: typeof clock;
}

function pipelineWith(ports: Partial<IngestPorts>, setup: Setup = {}, logger = pino({ level: 'silent' })) {
  const decoder = new MessageDecoder(createMessageValidators(), {
    maxPayloadBytes: 4096,
    maxFutureSkewMs: 600_000,
    maxAgeMs: 86_400_000,
  });
  const full: IngestPorts = {
    commit: async (batch: IngestBatch): Promise<IngestCommitResult> => ({ stored: [...batch.accepted], duplicates: 0 }),
    isTransient: () => false,
    publishStored: async () => undefined,
    notifyRejected: () => undefined,
    notifyOutcome: () => undefined,
    ...ports,
  };
  return new IngestPipeline(
    decoder,
    setup.directory ?? new DeviceDirectory('register'),
    new DeviceRateLimiter(setup.rate ?? { ratePerS: 10, burst: 600 }),
    new LastSeenTracker(),
    full,
    setup.clock ?? clock,
    logger,
    {
      maxBatch: 100,
      maxConcurrentFlushes: 1,
      retryMaxMs: 10,
    },
  );
}

describe('IngestPipeline fast path', () => {
  it('hands accepted messages to the observer before their commit completes', async () => {
    const seen: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const committed: string[] = [];
    const pipeline = pipelineWith({
      observeAccepted: (ms) => seen.push(...ms.map((m) => m.msgId)),
      commit: async (batch) => {
        await gate;
        committed.push(...batch.accepted.map((m) => m.msgId));
        return { stored: [...batch.accepted], duplicates: 0 };
      },
    });
    const done = pipeline.handle('ioc/v1/flood/wl-1/water-level', payload('m-1'));
    expect(seen).toEqual(['m-1']);
    expect(committed).toEqual([]);
    release();
    await done;
    expect(committed).toEqual(['m-1']);
  });

  it('does not show quarantined messages to the observer', async () => {
    const seen: DeviceMessage[] = [];
    const pipeline = pipelineWith({ observeAccepted: (ms) => seen.push(...ms) });
    await pipeline.handle('ioc/v1/flood/wl-1/water-level', Buffer.from('not json'));
    expect(seen).toEqual([]);
    expect(pipeline.stats.quarantined).toBe(1);
  });

  it('stores the message even when the observer throws', async () => {
    const stored: string[] = [];
    const pipeline = pipelineWith({
      observeAccepted: () => {
        throw new Error('observer down');
      },
      commit: async (batch) => {
        stored.push(...batch.accepted.map((m) => m.msgId));
        return { stored: [...batch.accepted], duplicates: 0 };
      },
    });
    await pipeline.handle('ioc/v1/flood/wl-1/water-level', payload('m-2'));
    expect(stored).toEqual(['m-2']);
  });
});

describe('IngestPipeline device checks', () => {
  /** Records what each commit stored and quarantined, and the notices sent. */
  function recording(setup: Setup) {
    const stored: string[] = [];
    const quarantined: QuarantinedMessage[] = [];
    const notified: QuarantinedMessage[] = [];
    const pipeline = pipelineWith(
      {
        commit: async (batch) => {
          stored.push(...batch.accepted.map((m) => `${m.deviceId}/${m.msgId}`));
          quarantined.push(...batch.quarantined);
          return { stored: [...batch.accepted], duplicates: 0 };
        },
        notifyRejected: (rejected) => notified.push(...rejected),
      },
      setup,
    );
    return { pipeline, stored, quarantined, notified };
  }

  const gatewayBatch = (...deviceIds: string[]) =>
    Buffer.from(
      JSON.stringify({
        messages: deviceIds.map((deviceId, i) => ({
          deviceId,
          kind: 'water-level',
          msgId: `g-${i}`,
          ts: '2026-11-21T02:59:00.000Z',
          levelCm: 20,
        })),
      }),
    );

  function registry(): DeviceDirectory {
    const d = new DeviceDirectory('reject');
    d.replaceAll(
      [
        { id: 'wl-1', type: 'water-level-sensor', status: 'active', gatewayId: 'gw-a' },
        { id: 'wl-2', type: 'water-level-sensor', status: 'active', gatewayId: 'gw-b' },
      ],
      [
        { id: 'gw-a', status: 'active' },
        { id: 'gw-b', status: 'active' },
      ],
    );
    return d;
  }

  it("stores a gateway's entries for its own devices and quarantines the others, entry by entry", async () => {
    const r = recording({ directory: registry() });
    await r.pipeline.handle(gatewayTopic('gw-a'), gatewayBatch('wl-1', 'wl-2', 'wl-9'));
    expect(r.stored).toEqual(['wl-1/g-0']);
    expect(r.quarantined.map((q) => [q.deviceId, q.code, q.gatewayId])).toEqual([
      ['wl-2', 'GATEWAY_DEVICE_NOT_ASSIGNED', 'gw-a'],
      ['wl-9', 'GATEWAY_DEVICE_NOT_ASSIGNED', 'gw-a'],
    ]);
    // Each kept as the entry it was, with its deviceId and kind.
    expect(JSON.parse(r.quarantined[0].payload.toString())).toMatchObject({ deviceId: 'wl-2', kind: 'water-level' });
    expect(r.notified).toHaveLength(2);
  });

  it('quarantines every entry of an unregistered gateway', async () => {
    const r = recording({ directory: registry() });
    await r.pipeline.handle(gatewayTopic('gw-x'), gatewayBatch('wl-1', 'wl-2'));
    expect(r.stored).toEqual([]);
    expect(r.quarantined.map((q) => q.code)).toEqual(['GATEWAY_UNKNOWN', 'GATEWAY_UNKNOWN']);
  });

  it('accepts a device assigned to a gateway on its own topic', async () => {
    const r = recording({ directory: registry() });
    await r.pipeline.handle('ioc/v1/flood/wl-2/water-level', payload('direct-1'));
    expect(r.stored).toEqual(['wl-2/direct-1']);
  });

  it('quarantines what a device sends over its rate, with the rate in the reason, and lets it in again as time passes', async () => {
    let t = now.getTime();
    const movingClock = { now: () => new Date(t), nowMs: () => t };
    const r = recording({ rate: { ratePerS: 2, burst: 3 }, clock: movingClock });
    const send = (msgId: string, deviceId = 'wl-1') =>
      r.pipeline.handle(`ioc/v1/flood/${deviceId}/water-level`, payload(msgId));

    await Promise.all(['a', 'b', 'c', 'd', 'e'].map((id) => send(id)));
    await send('other', 'wl-2');
    expect(r.stored).toEqual(['wl-1/a', 'wl-1/b', 'wl-1/c', 'wl-2/other']);
    expect(r.quarantined.map((q) => [q.msgId, q.code])).toEqual([
      ['d', 'RATE_LIMITED'],
      ['e', 'RATE_LIMITED'],
    ]);
    expect(r.quarantined[0]).toMatchObject({
      deviceId: 'wl-1',
      reason: 'device "wl-1" is over its rate limit of 2 msg/s (bursts of up to 3)',
      payload: payload('d'),
    });
    expect(r.notified.map((q) => q.msgId)).toEqual(['d', 'e']);

    t += 500; // one token back
    await Promise.all([send('f'), send('g')]);
    expect(r.stored.slice(-1)).toEqual(['wl-1/f']);
    expect(r.quarantined.map((q) => q.msgId)).toEqual(['d', 'e', 'g']);
  });

  it('counts a gateway entry against its own device', async () => {
    const r = recording({ directory: registry(), rate: { ratePerS: 1, burst: 1 } });
    await r.pipeline.handle(gatewayTopic('gw-a'), gatewayBatch('wl-1', 'wl-1'));
    await r.pipeline.handle(gatewayTopic('gw-b'), gatewayBatch('wl-2'));
    expect(r.stored).toEqual(['wl-1/g-0', 'wl-2/g-0']);
    expect(r.quarantined.map((q) => [q.msgId, q.code, q.gatewayId])).toEqual([['g-1', 'RATE_LIMITED', 'gw-a']]);
  });

  it('neither registers nor shows to the observer a message over the rate', async () => {
    const seen: string[] = [];
    const registered: string[] = [];
    const pipeline = pipelineWith(
      {
        observeAccepted: (ms) => seen.push(...ms.map((m) => m.msgId)),
        commit: async (batch) => {
          registered.push(...batch.newDevices.map((d) => d.id));
          return { stored: [...batch.accepted], duplicates: 0 };
        },
      },
      { rate: { ratePerS: 1, burst: 1 } },
    );
    const units = ['a', 'b'].map((id) => pipeline.prepare('ioc/v1/flood/wl-new/water-level', payload(id)));
    expect(units.map((u) => [u.accepted.length, u.newDevices.length, u.quarantined.length])).toEqual([
      [1, 1, 0],
      [0, 0, 1],
    ]);
    await pipeline.handle('ioc/v1/flood/wl-new/water-level', payload('c'));
    expect(seen).toEqual([]);
    expect(registered).toEqual([]);
  });

  it('logs a device over its rate once per batch, with a count', async () => {
    const lines: Array<Record<string, unknown>> = [];
    const logger = pino({ level: 'warn' }, { write: (line: string) => lines.push(JSON.parse(line)) });
    const pipeline = pipelineWith({}, { rate: { ratePerS: 1, burst: 1 } }, logger);
    const topic = 'ioc/v1/flood/wl-1/water-level';
    await Promise.all([
      ...['a', 'b', 'c', 'd'].map((id) => pipeline.handle(topic, payload(id))),
      pipeline.handle(topic, Buffer.from('not json')),
    ]);
    expect(lines.map((l) => [l.msg, l.code, l.messages])).toEqual([
      ['message quarantined', 'PAYLOAD_NOT_JSON', undefined],
      ['messages quarantined over the rate', 'RATE_LIMITED', 3],
    ]);
  });
});

describe('IngestPipeline receipts (MQTT 5 request/response)', () => {
  const topic = 'ioc/v1/flood/wl-1/water-level';
  const own = { responseTopic: 'ioc/feedback/v1/wl-1', correlationData: Buffer.from('c-1') };

  /** A pipeline whose commit stores what `isNew` says (all by default), recording the outcomes it is told to send. */
  function answering(isNew: (msgId: string) => boolean = () => true, setup: Setup = {}, logger?: pino.Logger) {
    const outcomes: UnitOutcome[] = [];
    const events: string[] = [];
    const pipeline = pipelineWith(
      {
        commit: async (batch) => {
          events.push('commit');
          const stored = batch.accepted.filter((m) => isNew(m.msgId));
          return { stored, duplicates: batch.accepted.length - stored.length };
        },
        notifyOutcome: (o) => {
          events.push('outcome');
          outcomes.push(o);
        },
      },
      setup,
      logger,
    );
    return { pipeline, outcomes, events };
  }

  it('answers a publish that asks on its own feedback topic, after the commit, echoing the correlation', async () => {
    const r = answering();
    await r.pipeline.handle(topic, payload('m-1'), own);
    expect(r.events).toEqual(['commit', 'outcome']);
    expect(r.outcomes).toHaveLength(1);
    const [o] = r.outcomes;
    expect(o.reply).toEqual({ ...own, receivedAt: now });
    expect(receiptOf(o)).toEqual({
      status: 'stored',
      topic,
      receivedAt: now.toISOString(),
      messages: [{ msgId: 'm-1', deviceId: 'wl-1', kind: 'water-level', status: 'stored' }],
      rejected: [],
    });
  });

  it('tells a duplicate from a stored message, message by message', async () => {
    const r = answering((id) => id !== 'old');
    await Promise.all([r.pipeline.handle(topic, payload('old'), own), r.pipeline.handle(topic, payload('new'), own)]);
    expect(r.events).toEqual(['commit', 'outcome', 'outcome']); // one commit, a receipt per publish
    expect(r.outcomes.map((o) => receiptOf(o)).map((x) => [x.status, x.messages.map((m) => m.status)])).toEqual([
      ['duplicate', ['duplicate']],
      ['stored', ['stored']],
    ]);
  });

  it('answers a quarantined publish with its code and reason', async () => {
    const r = answering();
    const bad = Buffer.from(JSON.stringify({ msgId: 'm-9', ts: '2026-11-21T02:59:00.000Z', levelCm: 9999 }));
    await r.pipeline.handle(topic, bad, own);
    expect(receiptOf(r.outcomes[0])).toMatchObject({
      status: 'quarantined',
      messages: [],
      rejected: [
        { code: 'SCHEMA_INVALID', reason: 'water-level: /levelCm must be <= 500', msgId: 'm-9', deviceId: 'wl-1' },
      ],
    });
  });

  it("answers a gateway on the gateway's feedback topic, partly stored, partly quarantined", async () => {
    const directory = new DeviceDirectory('reject');
    directory.replaceAll(
      [{ id: 'wl-1', type: 'water-level-sensor', status: 'active', gatewayId: 'gw-a' }],
      [{ id: 'gw-a', status: 'active' }],
    );
    const r = answering(undefined, { directory });
    const batch = Buffer.from(
      JSON.stringify({
        messages: ['wl-1', 'wl-2'].map((deviceId, i) => ({
          deviceId,
          kind: 'water-level',
          msgId: `g-${i}`,
          ts: '2026-11-21T02:59:00.000Z',
          levelCm: 20,
        })),
      }),
    );
    await r.pipeline.handle(gatewayTopic('gw-a'), batch, { responseTopic: 'ioc/feedback/v1/gw-a' });
    const receipt = receiptOf(r.outcomes[0]);
    expect(receipt.status).toBe('partial');
    expect(receipt.messages).toEqual([{ msgId: 'g-0', deviceId: 'wl-1', kind: 'water-level', status: 'stored' }]);
    expect(receipt.rejected).toEqual([
      expect.objectContaining({ code: 'GATEWAY_DEVICE_NOT_ASSIGNED', msgId: 'g-1', deviceId: 'wl-2' }),
    ]);
    expect(r.outcomes[0].reply.correlationData).toBeUndefined();
  });

  it("answers a standard-format publish on its device's feedback topic", async () => {
    const r = answering();
    await r.pipeline.handle('ioc/v1/senml/wl-1', Buffer.from('[]'), own);
    expect(r.outcomes).toHaveLength(1);
    expect(r.outcomes[0].topic).toBe('ioc/v1/senml/wl-1');
  });

  it("does not answer on a topic that is not the sender's own feedback topic, and says so at debug", async () => {
    const lines: Array<Record<string, unknown>> = [];
    const logger = pino({ level: 'debug' }, { write: (line: string) => lines.push(JSON.parse(line)) });
    const r = answering(undefined, {}, logger);
    for (const responseTopic of ['ioc/feedback/v1/wl-2', 'ioc/feedback/v1/#', 'ioc/v1/flood/wl-2/water-level', '']) {
      await r.pipeline.handle(topic, payload(`m-${responseTopic}`), { responseTopic });
    }
    // A bridge's topic answers nobody.
    await r.pipeline.handle('ioc/v1/bridge/ngsi-ld-http/ngsi-ld', Buffer.from('{}'), {
      responseTopic: 'ioc/feedback/v1/ngsi-ld-http',
    });
    expect(r.outcomes).toEqual([]);
    const refused = lines.filter((l) => String(l.msg).startsWith('no receipt'));
    expect(refused).toHaveLength(5);
    expect(refused[0]).toMatchObject({
      level: 20,
      responseTopic: 'ioc/feedback/v1/wl-2',
      expected: 'ioc/feedback/v1/wl-1',
    });
    expect(refused[4]).toMatchObject({ expected: null });
  });

  it('sends nothing for a publish without a responseTopic', async () => {
    const r = answering();
    await r.pipeline.handle(topic, payload('m-1'));
    await r.pipeline.handle(topic, Buffer.from('not json'));
    expect(r.events).toEqual(['commit', 'commit']);
    expect(r.pipeline.prepare(topic, payload('m-2')).reply).toBeUndefined();
  });

  it('answers once, after the commit that finally holds it, when the database refuses the unit', async () => {
    const outcomes: UnitOutcome[] = [];
    let attempts = 0;
    const pipeline = pipelineWith({
      commit: async (batch) => {
        attempts++;
        if (batch.accepted.length) throw Object.assign(new Error('value out of range'), { code: '22003' });
        return { stored: [], duplicates: 0 };
      },
      notifyOutcome: (o) => outcomes.push(o),
    });
    await pipeline.handle(topic, payload('m-1'), own);
    expect(attempts).toBe(2);
    expect(outcomes.map((o) => receiptOf(o).rejected.map((q) => q.code))).toEqual([['STORAGE_REJECTED']]);
  });

  it('keeps storing when sending a receipt fails', async () => {
    const pipeline = pipelineWith({
      notifyOutcome: () => {
        throw new Error('broker away');
      },
    });
    await pipeline.handle(topic, payload('m-1'), own);
    expect(pipeline.stats.stored).toBe(1);
  });
});
