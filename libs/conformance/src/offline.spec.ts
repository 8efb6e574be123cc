import { checkOffline } from './offline';
import { parsePayloadFile } from './ndjson';
import { gatewaySampleEntries, sampleEntries } from './samples';

describe('checkOffline', () => {
  const now = new Date('2026-11-21T03:00:00.000Z');

  it("runs each line through the IOC's decoder: accepted, quarantined with code and reason, bad lines", () => {
    const file = parsePayloadFile(
      [
        JSON.stringify({
          topic: 'ioc/v1/flood/wl-1/water-level',
          payload: { msgId: 'm-1', ts: '2026-11-21T02:59:00Z', levelCm: 20 },
        }),
        JSON.stringify({
          topic: 'ioc/v1/flood/wl-1/water-level',
          payload: { msgId: 'm-2', ts: '2026-11-21T02:59:00Z', levelCm: 9999 },
        }),
        'oops',
        JSON.stringify({ topic: 'ioc/v1/flood/wl-1/level', payload: {} }),
      ].join('\n'),
    );
    const seen: number[] = [];
    const report = checkOffline(file, { now: () => now, onResult: (r) => seen.push(r.index) });
    expect(report.results.map((r) => [r.line, r.status, r.rejected?.map((q) => q.code)])).toEqual([
      [1, 'accepted', undefined],
      [2, 'quarantined', ['SCHEMA_INVALID']],
      [3, 'bad-line', undefined],
      [4, 'quarantined', ['TOPIC_INVALID']],
    ]);
    expect(report.results[1].detail).toBe('SCHEMA_INVALID: water-level: /levelCm must be <= 500');
    expect(seen).toEqual([1, 2, 3, 4]);
    expect(report.ok).toBe(false);
  });

  it('accepts the generated samples of every device type', () => {
    for (const type of ['water-level-sensor', 'truck', 'camera'] as const) {
      const entries = sampleEntries('dev-1', type, now);
      const report = checkOffline({ entries, badLines: [] }, { now: () => now });
      expect(report.results.map((r) => r.status).every((s) => s === 'accepted')).toBe(true);
      expect(report.ok).toBe(true);
    }
    expect(sampleEntries('cam-1', 'camera', now).map((e) => e.topic)).toEqual([
      'ioc/v1/camera/cam-1/camera-traffic',
      'ioc/v1/camera/cam-1/camera-detection',
      'ioc/v1/camera/cam-1/camera-health',
    ]);
  });

  it("makes a gateway's samples one batch of every kind of each of its devices, each entry accepted", () => {
    const entries = gatewaySampleEntries(
      'gw-p8-01',
      [
        { id: 'bin-p8-0001', type: 'bin' },
        { id: 'wl-p8-001', type: 'water-level-sensor' },
        { id: 'rg-p8-001', type: 'rain-gauge' },
      ],
      now,
    );
    expect(entries.map((e) => e.topic)).toEqual(['ioc/v1/gateway/gw-p8-01']);
    const batch = JSON.parse(entries[0].payload.toString()) as { messages: Array<{ deviceId: string; kind: string }> };
    expect(batch.messages.map((m) => `${m.deviceId}/${m.kind}`)).toEqual([
      'bin-p8-0001/bin-fill',
      'wl-p8-001/water-level',
      'rg-p8-001/rain',
    ]);
    const report = checkOffline({ entries, badLines: [] }, { now: () => now });
    expect(report.ok).toBe(true);
    expect(gatewaySampleEntries('gw-1', [], now)).toEqual([]);
  });
});
