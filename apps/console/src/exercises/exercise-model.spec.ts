// The server's own schemas and bounds (Node-side, zod): the spec checks the forms against them; the bundle never
// imports them.
import * as server from '@ioc/contracts';
import type { ExerciseDto } from '@ioc/contracts';
import {
  buildRecordingRequest,
  currentExercise,
  emptyRecordingDraft,
  exerciseCards,
  EXERCISE_SPEED_MAX,
  EXERCISE_SPEED_MIN,
  EXERCISE_SPEEDS,
  exerciseProgress,
  incidentsOf,
  MAX_RECORDING_MS,
  newer,
  parseSpeed,
  parseSeek,
  RECORDING_NAME_MAX,
  RECORDING_NAME_MIN,
  type RecordingDraft,
  runningExercises,
  watchedExercise,
} from './exercise-model';
import type { IncidentView } from '../incidents/incident-store';
import { exerciseMapIncidents } from './use-exercise-map';

describe('recording form', () => {
  const draft = (over: Partial<RecordingDraft>): RecordingDraft => ({
    name: 'Mưa lớn 14/10',
    from: '2026-10-14T16:00',
    to: '2026-10-14T19:30',
    ...over,
  });

  it('keeps the server’s bounds', () => {
    expect(MAX_RECORDING_MS).toBe(server.MAX_RECORDING_MS);
    expect([EXERCISE_SPEED_MIN, EXERCISE_SPEED_MAX]).toEqual([server.EXERCISE_SPEED_MIN, server.EXERCISE_SPEED_MAX]);
    const name = (n: number) =>
      server.RecordingRequestSchema.safeParse({
        name: 'x'.repeat(n),
        from: '2026-10-14T16:00:00+07:00',
        to: '2026-10-14T17:00:00+07:00',
      }).success;
    expect([
      name(RECORDING_NAME_MIN - 1),
      name(RECORDING_NAME_MIN),
      name(RECORDING_NAME_MAX),
      name(RECORDING_NAME_MAX + 1),
    ]).toEqual([false, true, true, false]);
  });

  it('builds a request the server’s schema accepts, times in city time (UTC+7) with their offset', () => {
    const r = buildRecordingRequest(draft({ name: '  Mưa lớn 14/10  ' }));
    expect(r).toEqual({
      ok: true,
      body: { name: 'Mưa lớn 14/10', from: '2026-10-14T16:00:00.000+07:00', to: '2026-10-14T19:30:00.000+07:00' },
    });
    if (!r.ok) return;
    expect(Date.parse(r.body.from)).toBe(Date.parse('2026-10-14T09:00:00Z'));
    expect(server.RecordingRequestSchema.safeParse(r.body).success).toBe(true);
    // Exactly 7 days is allowed, as on the server.
    const week = buildRecordingRequest(draft({ from: '2026-10-07T19:30', to: '2026-10-14T19:30' }));
    expect(week.ok).toBe(true);
    if (week.ok) expect(server.RecordingRequestSchema.safeParse(week.body).success).toBe(true);
  });

  it('refuses what the server refuses: a short or long name, a time missing, a window backwards or over 7 days', () => {
    expect(buildRecordingRequest(draft({ name: ' ab ', from: '' }))).toEqual({
      ok: false,
      errors: ['nameShort', 'fromMissing'],
    });
    expect(buildRecordingRequest(draft({ name: 'x'.repeat(121), to: 'later' }))).toEqual({
      ok: false,
      errors: ['nameLong', 'toMissing'],
    });
    expect(buildRecordingRequest(draft({ to: '2026-10-14T16:00' }))).toEqual({ ok: false, errors: ['toBeforeFrom'] });
    expect(buildRecordingRequest(draft({ from: '2026-10-07T19:29' }))).toEqual({ ok: false, errors: ['tooLong'] });
    const over = { name: 'Tuần', from: '2026-10-07T19:29:00.000+07:00', to: '2026-10-14T19:30:00.000+07:00' };
    expect(server.RecordingRequestSchema.safeParse(over).success).toBe(false);
    expect(server.RecordingRequestSchema.safeParse({ ...over, from: over.to }).success).toBe(false);
  });

  it('offers the last hour, up to the next whole minute, in city time', () => {
    const now = Date.parse('2026-11-21T10:00:20Z'); // 17:00:20 in Sóc Trăng
    expect(emptyRecordingDraft(now)).toEqual({ name: '', from: '2026-11-21T16:01', to: '2026-11-21T17:01' });
    expect(emptyRecordingDraft(Date.parse('2026-11-21T10:00:00Z'))).toMatchObject({ to: '2026-11-21T17:00' });
  });
});

describe('start form', () => {
  it('takes a whole speed of 1 to 3600, as the server does', () => {
    expect(['1', ' 30 ', '60', '0', '3601', '2.5', '', 'x', '-5'].map(parseSpeed)).toEqual([
      1,
      30,
      60,
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
    for (const speed of EXERCISE_SPEEDS) {
      expect(
        server.ExerciseRequestSchema.safeParse({ recordingId: '0d8f6a0e-8a3b-4f5e-9c57-3f1a2b4c5d6e', speed }).success,
      ).toBe(true);
    }
    expect(
      server.ExerciseRequestSchema.safeParse({ recordingId: '0d8f6a0e-8a3b-4f5e-9c57-3f1a2b4c5d6e', speed: 3601 })
        .success,
    ).toBe(false);
  });
});

describe('exercise status', () => {
  const t0 = Date.parse('2026-11-21T10:00:00Z');
  const iso = (ms: number) => new Date(ms).toISOString();
  const exercise = (over: Partial<ExerciseDto>): ExerciseDto => ({
    id: 'e1',
    recordingId: 'r1',
    recordingName: 'Mưa lớn',
    // A recording of one hour: at ×60 it plays in a minute.
    from: '2026-10-14T09:00:00Z',
    to: '2026-10-14T10:00:00Z',
    speed: 60,
    status: 'running',
    paused: false,
    drillTime: '2026-10-14T09:00:00Z',
    run: 0,
    runPrefix: 'exercise-1a2b3c4d/',
    keyPrefix: 'exercise-1a2b3c4d/',
    startedBy: 'u1',
    startedByName: 'Phạm Thu Hà',
    startedAt: iso(t0),
    endsAt: iso(t0 + 60_000),
    replayedTo: null,
    signalsApplied: 0,
    endedAt: null,
    endedBy: null,
    endedByName: null,
    error: null,
    ...over,
  });

  it('measures progress as replayedTo within the recorded window', () => {
    expect(exerciseProgress(exercise({ replayedTo: '2026-10-14T09:15:00Z' }))).toBe(0.25);
    expect(exerciseProgress(exercise({ replayedTo: '2026-10-14T11:00:00Z' }))).toBe(1);
    // Not replayed yet: nothing; stopped: where it got to; finished: whole.
    expect(exerciseProgress(exercise({}))).toBe(0);
    expect(exerciseProgress(exercise({ status: 'stopped', replayedTo: '2026-10-14T09:06:00Z' }))).toBeCloseTo(0.1);
    expect(exerciseProgress(exercise({ status: 'finished' }))).toBe(1);
  });

  it('is about the running exercise, else the most recent', () => {
    const done = exercise({ id: 'e2', status: 'finished' });
    const running = exercise({ id: 'e1' });
    expect(currentExercise([done, running])?.id).toBe('e1');
    expect(currentExercise([done, exercise({ id: 'e0', status: 'stopped' })])?.id).toBe('e2');
    expect(currentExercise([])).toBeUndefined();
    expect(currentExercise(undefined)).toBeUndefined();
  });

  it('finds an exercise’s incidents by their key prefix, exercise incidents only', () => {
    const list = [
      { id: 'a', key: 'exercise-1a2b3c4d/bin-fire:ward-p4', exercise: true },
      { id: 'b', key: 'exercise-99999999/bin-fire:ward-p4', exercise: true },
      { id: 'c', key: 'exercise-1a2b3c4d/bin-fire:ward-p6', exercise: false },
      { id: 'd', key: 'bin-fire:ward-p4', exercise: false },
    ];
    expect(incidentsOf(list, 'exercise-1a2b3c4d/').map((i) => i.id)).toEqual(['a']);
    expect(incidentsOf(list, undefined)).toEqual([]);
  });

  it('keeps the later version of a record', () => {
    const v1 = { id: 'a', version: 1 };
    const v2 = { id: 'a', version: 2 };
    expect(newer(v1, v2)).toBe(v2);
    expect(newer(v2, v1)).toBe(v2);
    expect(newer(undefined, v1)).toBe(v1);
    expect(newer(v1, undefined)).toBe(v1);
  });
});

describe('seek', () => {
  it('takes a drill time of the recording window (city time), as the server does', () => {
    const e = { from: '2026-10-28T03:00:00.000Z', to: '2026-10-28T13:00:00.000Z' };
    expect(parseSeek('2026-10-28T12:30', e)).toBe('2026-10-28T12:30:00.000+07:00');
    expect(parseSeek('2026-10-28T09:59', e)).toBeUndefined();
    expect(parseSeek('2026-10-28T20:01', e)).toBeUndefined();
    expect(parseSeek('', e)).toBeUndefined();
  });
});

describe('several exercises', () => {
  const e = (id: string, status: ExerciseDto['status']) => ({ id, status }) as ExerciseDto;
  const list = [e('c', 'running'), e('b', 'finished'), e('a', 'running'), e('z', 'stopped')];

  it('lists every running exercise, newest first as the server does', () => {
    expect(runningExercises(list).map((x) => x.id)).toEqual(['c', 'a']);
    expect(runningExercises(undefined)).toEqual([]);
  });

  it('watches the chosen exercise while the server lists it, else the running (or latest) one', () => {
    expect(watchedExercise(list, 'a')?.id).toBe('a');
    expect(watchedExercise(list, 'b')?.id).toBe('b');
    expect(watchedExercise(list, 'gone')?.id).toBe('c');
    expect(watchedExercise(list, undefined)?.id).toBe('c');
    expect(watchedExercise([e('b', 'finished')], undefined)?.id).toBe('b');
    expect(watchedExercise(undefined, 'a')).toBeUndefined();
  });

  it('shows a card per running exercise, and the watched one when it has ended', () => {
    const ids = (cards: ExerciseDto[]) => cards.map((x) => x.id);
    expect(ids(exerciseCards(list, watchedExercise(list, 'a')))).toEqual(['c', 'a']);
    expect(ids(exerciseCards(list, watchedExercise(list, 'z')))).toEqual(['c', 'a', 'z']);
    const ended = [e('b', 'finished'), e('z', 'stopped')];
    expect(ids(exerciseCards(ended, watchedExercise(ended, undefined)))).toEqual(['b']);
    expect(exerciseCards([], undefined)).toEqual([]);
  });
});

describe("the watched exercise's incidents on the map", () => {
  const incident = (id: string, key: string, state = 'open', exercise = true) =>
    ({ id, key, state, exercise }) as unknown as IncidentView;
  it('places those of the run watched that are not closed, and leaves out those without a place', () => {
    const all = [
      incident('a', 'exercise-1a2b3c4d/bin-fire:ward-p10'),
      incident('b', 'exercise-1a2b3c4d/r1/bin-fire:ward-p10'),
      incident('c', 'exercise-1a2b3c4d/camera-tampered:ward-p10', 'closed'),
      incident('d', 'exercise-9f9f9f9f/bin-fire:ward-p10'),
      incident('e', 'exercise-1a2b3c4d/flood:ward-p2'),
      incident('f', 'bin-fire:ward-p10', 'open', false),
    ];
    const placeOf = (i: IncidentView) => (i.id === 'e' ? undefined : ([105.97, 9.6] as const));
    expect(exerciseMapIncidents(all, 'exercise-1a2b3c4d/', placeOf).map((p) => p.incident.id)).toEqual(['a', 'b']);
    expect(exerciseMapIncidents(all, 'exercise-1a2b3c4d/r1/', placeOf).map((p) => p.incident.id)).toEqual(['b']);
    expect(exerciseMapIncidents(all, undefined, placeOf)).toEqual([]);
  });
});
