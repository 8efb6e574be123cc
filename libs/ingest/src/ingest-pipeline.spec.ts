import pino from 'pino';
import { createMessageValidators } from '@ioc/contracts';
import type { DeviceMessage } from '@ioc/domain';
import type { IngestBatch, IngestCommitResult } from '@ioc/storage';
import { DeviceDirectory, LastSeenTracker } from './device-directory';
import { IngestPipeline, type IngestPorts } from './ingest-pipeline';
import { MessageDecoder } from './message-decoder';

const now = new Date('2026-11-21T03:00:00.000Z');
const clock = { now: () => now, nowMs: () => now.getTime() };
const payload = (msgId: string) => Buffer.from(JSON.stringify({ msgId, ts: '2026-11-21T02:59:00.000Z', levelCm: 20 }));

function pipelineWith(ports: Partial<IngestPorts>) {
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
    ...ports,
  };
  return new IngestPipeline(
    decoder,
    new DeviceDirectory('register'),
    new LastSeenTracker(),
    full,
    clock,
    pino({ level: 'silent' }),
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
