import type { DeviceMessage, FieldReport } from '@ioc/domain';
import type { ExerciseRepository, RawMessageCursor } from '@ioc/storage';
import { RecordingCursor } from './exercise-runner';

/**
 * A recording in memory, paged as ExerciseRepository.recordingPage pages the table (keyset on time, device, msg), with
 * field reports at `reportTimes`.
 */
function repoOf(
  times: readonly number[],
  reportTimes: readonly number[] = [],
): { repo: Pick<ExerciseRepository, 'recordingPage' | 'recordingReports'>; reads: () => number } {
  const messages: DeviceMessage[] = times.map((t, i) => ({
    deviceId: `d-${String(i).padStart(3, '0')}`,
    msgId: `m${i}`,
    kind: 'water-level',
    domain: 'flood',
    ts: new Date(t),
    receivedAt: new Date(t),
    topic: 'ioc/v1/flood/water-level/d',
    body: { levelCm: 1 },
    bodyJson: '{"levelCm":1}',
  }));
  const key = (m: { ts: Date; deviceId: string; msgId: string }) =>
    `${String(m.ts.getTime()).padStart(15, '0')}|${m.deviceId}|${m.msgId}`;
  let reads = 0;
  return {
    repo: {
      recordingPage: async (_id: string, after: RawMessageCursor | undefined, limit: number) => {
        reads++;
        const from = after ? key({ ts: after.time, deviceId: after.deviceId, msgId: after.msgId }) : '';
        return messages.filter((m) => key(m) > from).slice(0, limit);
      },
      recordingReports: async (): Promise<FieldReport[]> =>
        reportTimes.map((t, i) => ({
          id: `r${i}`,
          reportedAt: t,
          channel: 'report-api',
          category: 'dumping',
          lat: 9.6,
          lon: 105.97,
          text: `report ${i}`,
        })),
    },
    reads: () => reads,
  };
}

describe('RecordingCursor', () => {
  it('hands out the events up to the goal, a page at most per step, and never part of a millisecond', async () => {
    // Three events share t=20 across the page boundary (pages of 2).
    const { repo, reads } = repoOf([10, 20, 20, 20, 30, 40]);
    const cursor = new RecordingCursor(repo as ExerciseRepository, 'r', 2);
    const steps: Array<[number, number[]]> = [];
    for (const goal of [25, 25, 25, 100]) {
      const { events, reached } = await cursor.next(goal);
      steps.push([reached, events.map((e) => e.ts)]);
    }
    expect(steps).toEqual([
      [19, [10]],
      [25, [20, 20, 20]],
      [25, []],
      [39, [30]],
    ]);
    expect(await cursor.next(100)).toEqual({ events: [expect.objectContaining({ ts: 40 })], reached: 100 });
    expect(await cursor.next(200)).toEqual({ events: [], reached: 200 });
    expect(reads()).toBeLessThanOrEqual(5);
  });

  it('reads on while a whole page is one millisecond, so the replay always gets further', async () => {
    const { repo } = repoOf([5, 5, 5, 5, 5, 7]);
    const cursor = new RecordingCursor(repo as ExerciseRepository, 'r', 2);
    const first = await cursor.next(100);
    expect(first.events.map((e) => e.ts)).toEqual([5, 5, 5, 5, 5]);
    expect(first.reached).toBe(6);
    expect(await cursor.next(100)).toEqual({ events: [expect.objectContaining({ ts: 7 })], reached: 100 });
  });

  it('hands out each field report with the messages of the step it falls in, once', async () => {
    const { repo } = repoOf([10, 20, 20, 30], [15, 20, 45]);
    const cursor = new RecordingCursor(repo as ExerciseRepository, 'r', 2);
    const steps: Array<[number, string[]]> = [];
    for (const goal of [25, 25, 50, 60]) {
      const { events, reached } = await cursor.next(goal);
      steps.push([reached, events.map((e) => `${e.kind}@${e.ts}`)]);
    }
    expect(steps).toEqual([
      [19, ['water-level@10', 'field-report@15']],
      [25, ['water-level@20', 'water-level@20', 'field-report@20']],
      [50, ['water-level@30', 'field-report@45']],
      [60, []],
    ]);
  });

  it('reaches the goal at once when the recording holds nothing more', async () => {
    const cursor = new RecordingCursor(repoOf([]).repo as ExerciseRepository, 'r', 2);
    expect(await cursor.next(50)).toEqual({ events: [], reached: 50 });
  });
});
