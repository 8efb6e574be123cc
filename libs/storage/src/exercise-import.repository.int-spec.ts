import { randomUUID } from 'node:crypto';
import { openTestDatabase, STORAGE_PATHS, type TestDatabase } from '@ioc/testing';
import { ExerciseRepository, type Database, type RecordingBatch, type RecordingRecord } from '@ioc/storage';
import { domainOf, type DeviceMessage, type FieldReport } from '@ioc/domain';

jest.setTimeout(60_000);

const T0 = Date.parse('2026-10-28T06:00:00.000Z');
const at = (s: number) => new Date(T0 + s * 1000);
const message = (s: number, deviceId: string, msgId: string): DeviceMessage => {
  const body = { msgId, ts: at(s).toISOString(), levelCm: s, note: 'x'.repeat(400) };
  return {
    deviceId,
    msgId,
    kind: 'water-level',
    domain: domainOf('water-level'),
    ts: at(s),
    receivedAt: at(s + 1),
    topic: `ioc/v1/flood/${deviceId}/water-level`,
    gatewayId: s % 2 ? 'gw-p3-01' : undefined,
    body,
    bodyJson: JSON.stringify(body),
  };
};
const report = (s: number, id: string): FieldReport => ({
  id,
  reportedAt: T0 + s * 1000,
  channel: 'report-api',
  category: 'flooding',
  lat: 9.6,
  lon: 105.97,
  text: `ngập ${s}`,
  ...(s % 2 ? { photoRef: `photos/${s}.jpg` } : {}),
});
/** 300 messages (bodies over 400 bytes: several statements on the embedded path) and 2 reports, in 3 batches. */
const MESSAGES = Array.from({ length: 300 }, (_, i) => message(i, `wl-${i % 7}`, `m-${i}`));
const REPORTS = [report(5, '4b1f2c1e-0000-4000-8000-000000000005'), report(8, '4b1f2c1e-0000-4000-8000-000000000008')];
async function* batches(extra: Partial<RecordingBatch> = {}, failAfter?: Error): AsyncGenerator<RecordingBatch> {
  yield { messages: MESSAGES.slice(0, 100), reports: REPORTS };
  yield { messages: MESSAGES.slice(100, 200), reports: [] };
  if (failAfter) throw failAfter;
  yield { messages: [...MESSAGES.slice(200), ...(extra.messages ?? [])], reports: extra.reports ?? [] };
}

describe.each(STORAGE_PATHS)('importing a recording (%s)', (path) => {
  let opened: TestDatabase | undefined;
  let db: Database;
  let repo: ExerciseRepository;
  const count = async (table: string) =>
    Number((await db.pool.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`)).rows[0].n);
  const nothingKept = async () => {
    expect(await count('exercise_recording')).toBe(kept);
    expect(await count('exercise_recording_message')).toBe(kept * 300);
    expect(await count('exercise_recording_report')).toBe(kept * 2);
  };
  let kept = 0;
  const meta = () => ({ id: randomUUID(), name: 'nhập khẩu', from: at(0), to: at(400), createdBy: 'u-1' });

  beforeAll(async () => {
    opened = await openTestDatabase(path, 3);
    db = opened.db;
    repo = new ExerciseRepository(db);
  });
  afterAll(() => opened?.close());

  it('stores every message and report given, in one transaction, and reads them back as given', async () => {
    const r = (await repo.importRecording(meta(), batches(), {
      maxEntries: 1_000,
      duplicates: 'refuse',
    })) as RecordingRecord;
    kept++;
    expect(r).toMatchObject({ name: 'nhập khẩu', messages: 300, reports: 2, createdBy: 'u-1' });
    expect(await repo.findRecording(r.id)).toEqual(r);
    const page = await repo.recordingPage(r.id, undefined, 1_000);
    const key = (m: DeviceMessage) => `${m.ts.toISOString()} ${m.deviceId} ${m.msgId}`;
    expect(page.map(key).sort()).toEqual(MESSAGES.map(key).sort());
    const first = page.find((m) => m.msgId === 'm-1')!;
    expect({ ...first, bodyJson: JSON.parse(first.bodyJson) }).toEqual({
      ...MESSAGES[1],
      bodyJson: JSON.parse(MESSAGES[1].bodyJson),
    });
    expect(await repo.recordingReports(r.id)).toEqual(REPORTS);
  });

  it('keeps nothing when the entries fail part-way (a file found bad after its first lines)', async () => {
    await expect(
      repo.importRecording(meta(), batches({}, new Error('checksum mismatch')), {
        maxEntries: 1_000,
        duplicates: 'refuse',
      }),
    ).rejects.toThrow('checksum mismatch');
    await nothingKept();
  });

  it('keeps nothing over the limit, nothing empty, nothing with a repeated message or report', async () => {
    expect(await repo.importRecording(meta(), batches(), { maxEntries: 250, duplicates: 'refuse' })).toEqual({
      tooMany: 302,
    });
    expect(
      await repo.importRecording(meta(), (async function* () {})(), { maxEntries: 250, duplicates: 'refuse' }),
    ).toBe('empty');
    expect(
      await repo.importRecording(meta(), batches({ messages: [MESSAGES[3]] }), {
        maxEntries: 1_000,
        duplicates: 'refuse',
      }),
    ).toEqual({ duplicate: 'message' });
    expect(
      await repo.importRecording(meta(), batches({ reports: [REPORTS[1]] }), {
        maxEntries: 1_000,
        duplicates: 'refuse',
      }),
    ).toEqual({ duplicate: 'report' });
    await nothingKept();
  });

  it('counts a repeat once when told to skip them (a simulated duplicate fault)', async () => {
    const r = (await repo.importRecording(meta(), batches({ messages: [MESSAGES[3]] }), {
      maxEntries: 1_000,
      duplicates: 'skip',
    })) as RecordingRecord;
    kept++;
    expect(r).toMatchObject({ messages: 300, reports: 2 });
    await nothingKept();
  });
});
