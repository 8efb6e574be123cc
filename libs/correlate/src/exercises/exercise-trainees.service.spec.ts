import pino from 'pino';
import { ExerciseAccessService } from '@ioc/incidents';
import type { ExerciseRecord, ExerciseTraineeRecord, StoredUser } from '@ioc/storage';
import { ExerciseScoringService } from './exercise-scoring.service';
import { ExerciseTraineesService } from './exercise-trainees.service';
import type { ExerciseService } from './exercise.service';

const E = 'e0000000-0000-4000-8000-00000000000e';
const OTHER = 'e0000000-0000-4000-8000-0000000000ff';
const LAN = 'a0000000-0000-4000-8000-00000000000a';
const MINH = 'b0000000-0000-4000-8000-00000000000b';
const OFF = 'c0000000-0000-4000-8000-00000000000c';
const clock = { now: () => new Date(1_000), nowMs: () => 1_000 };
const user = (id: string, username: string, disabled = false, role = 'operator') =>
  ({ id, username, displayName: username.toUpperCase(), role, disabled }) as StoredUser;
const USERS = new Map([
  [LAN, user(LAN, 'lan')],
  [MINH, user(MINH, 'minh')],
  [OFF, user(OFF, 'off', true)],
  ['s', user('s', 'sup', false, 'supervisor')],
]);

function setup(status: ExerciseRecord['status'] = 'running') {
  const groups = new Map<string, ExerciseTraineeRecord[]>([[E, []]]);
  const exercises = new Map([
    [E, { id: E, keyPrefix: 'exercise-e0000000/', status, endedAt: status === 'running' ? null : new Date(900) }],
    [OTHER, { id: OTHER, keyPrefix: 'exercise-e0000001/', status: 'running', endedAt: null }],
  ]) as unknown as Map<string, ExerciseRecord>;
  const trainees = {
    list: async (id: string) => groups.get(id) ?? [],
    replace: async (id: string, ts: Array<{ userId: string; team: string }>, by: string, at: Date) => {
      groups.set(
        id,
        ts.map((t) => ({
          exerciseId: id,
          userId: t.userId,
          username: USERS.get(t.userId)!.username,
          displayName: USERS.get(t.userId)!.displayName,
          team: t.team,
          assignedBy: by,
          assignedAt: at,
        })),
      );
      return groups.get(id)!;
    },
    assignmentsOf: async (userId: string) =>
      [...groups]
        .filter(([, g]) => g.some((t) => t.userId === userId))
        .map(([exerciseId]) => ({
          exerciseId,
          keyPrefix: exercises.get(exerciseId)!.keyPrefix,
        })),
  };
  const access = new ExerciseAccessService(trainees, clock);
  const repo = { findExercise: async (id: string) => exercises.get(id) };
  const incidents = { exerciseIncidents: async () => [], eventsOf: async () => [] };
  const users = {
    findByIds: async (ids: Iterable<string>) =>
      new Map([...ids].flatMap((id) => (USERS.has(id) ? [[id, USERS.get(id)!]] : []))),
    list: async () => [...USERS.values()],
  };
  const list = [{ id: E }, { id: OTHER }] as unknown as Awaited<ReturnType<ExerciseService['list']>>;
  const service = new ExerciseTraineesService(
    { list: async () => list, get: async (id: string) => list.find((e) => e.id === id)! },
    repo,
    trainees as never,
    users,
    incidents,
    access,
    clock,
    pino({ level: 'silent' }),
  );
  const rules = { id: 'r', version: 1 } as never;
  const scoring = new ExerciseScoringService(
    repo,
    trainees,
    incidents,
    access,
    rules,
    { channel: 'console', severities: {} },
    clock,
  );
  return { service, scoring, groups };
}

describe('ExerciseTraineesService', () => {
  it('replaces the group, and refuses an unknown, a disabled or a repeated user whole', async () => {
    const { service, groups } = setup();
    await expect(service.assign(E, { trainees: [{ userId: LAN, team: 'ca-1' }] }, 'trainer')).resolves.toEqual([
      expect.objectContaining({ userId: LAN, username: 'lan', team: 'ca-1', assignedBy: 'trainer' }),
    ]);
    for (const trainees of [
      [{ userId: OFF, team: 'x' }],
      [{ userId: '00000000-0000-4000-8000-000000000000', team: 'x' }],
      [
        { userId: MINH, team: 'x' },
        { userId: MINH, team: 'y' },
      ],
    ])
      await expect(service.assign(E, { trainees }, 'trainer')).rejects.toMatchObject({
        code: 'EXERCISE_TRAINEE_INVALID',
      });
    expect(groups.get(E)!.map((t) => t.userId)).toEqual([LAN]);
    await expect(service.assign(OTHER.replace('ff', 'fe'), { trainees: [] }, 't')).rejects.toMatchObject({
      code: 'EXERCISE_NOT_FOUND',
    });
  });

  it('shows a trainee only their own exercises and groups; others see all; candidates are the enabled operators', async () => {
    const { service } = setup();
    await service.assign(E, { trainees: [{ userId: LAN, team: 'ca-1' }] }, 'trainer');
    const lan = { userId: LAN, role: 'operator' };
    expect((await service.list(lan)).map((e) => e.id)).toEqual([E]);
    expect((await service.list({ userId: 's', role: 'supervisor' })).map((e) => e.id)).toEqual([E, OTHER]);
    await expect(service.get(OTHER, lan)).rejects.toMatchObject({ code: 'EXERCISE_NOT_ASSIGNED' });
    await expect(service.traineesOf(E, { userId: MINH, role: 'operator' })).rejects.toMatchObject({
      code: 'EXERCISE_NOT_ASSIGNED',
    });
    expect(await service.traineesOf(E, lan)).toHaveLength(1);
    expect((await service.candidates()).map((u) => u.username)).toEqual(['lan', 'minh']);
  });
});

describe('ExerciseScoringService.scoreboardFor', () => {
  it('gives a trainee their own lines only after the end, and the trainer everything any time', async () => {
    const running = setup('running');
    await running.service.assign(E, { trainees: [{ userId: LAN, team: 'ca-1' }] }, 'trainer');
    await expect(running.scoring.scoreboardFor(E, { userId: LAN, role: 'operator' })).rejects.toMatchObject({
      code: 'EXERCISE_SCORES_NOT_YET',
    });
    await expect(running.scoring.scoreboardFor(E, { userId: 't', role: 'trainer' })).resolves.toMatchObject({
      provisional: true,
      trainees: [{ userId: LAN, points: 0 }],
    });

    const ended = setup('stopped');
    await ended.service.assign(
      E,
      {
        trainees: [
          { userId: LAN, team: 'ca-1' },
          { userId: MINH, team: 'ca-2' },
        ],
      },
      't',
    );
    const mine = await ended.scoring.scoreboardFor(E, { userId: LAN, role: 'operator' });
    expect(mine).toMatchObject({ provisional: false, teams: [], lines: [] });
    expect(mine.trainees.map((t) => t.userId)).toEqual([LAN]);
    await expect(ended.scoring.scoreboardFor(OTHER, { userId: LAN, role: 'operator' })).rejects.toMatchObject({
      code: 'EXERCISE_NOT_ASSIGNED',
    });
  });
});
