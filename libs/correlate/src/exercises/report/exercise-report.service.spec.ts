import pino from 'pino';
import type { Clock } from '@ioc/platform';
import type { ExerciseReviewRecord, StoredUser } from '@ioc/storage';
import { ExerciseError } from '../exercise.errors';
import { ExerciseReportService, NO_EXERCISE_SCORES, type ExerciseScoresPort } from './exercise-report.service';
import {
  at,
  camera,
  events,
  exercise,
  fire,
  notifications,
  OPERATOR,
  policy,
  scoreboard,
  TRAINER,
} from './exercise-report.fixture';

const clock: Clock = { now: () => new Date(at(1300)), nowMs: () => at(1300) };

function setup(opts: { running?: boolean; scores?: ExerciseScoresPort; saved?: 'not-found' | 'running' } = {}) {
  const printed: string[] = [];
  const reviews = new Map<string, ExerciseReviewRecord>();
  const user = (id: string, displayName: string, role: string) =>
    ({ id, username: role + '1', displayName, role }) as StoredUser;
  const service = new ExerciseReportService(
    { get: async () => ({ ...exercise, status: opts.running ? 'running' : 'finished' }) },
    {
      findReview: async (id) => reviews.get(id),
      saveReview: async (r) => {
        if (opts.saved === 'not-found') return 'not-found';
        if (opts.saved === 'running') return { running: true };
        reviews.set(r.exerciseId, r);
        return r;
      },
      incidentsWithPrefix: async (prefix) => (prefix === exercise.keyPrefix ? [fire, camera] : []),
      eventsOf: async () => events,
      notificationsOf: async () => notifications,
    },
    {
      findByIds: async (ids) =>
        new Map(
          [user(OPERATOR, 'Nguyễn Văn An', 'operator'), user(TRAINER, 'Trần Huấn Luyện', 'trainer')]
            .filter((u) => [...ids].includes(u.id))
            .map((u) => [u.id, u]),
        ),
    },
    opts.scores ?? NO_EXERCISE_SCORES,
    policy,
    {
      print: async (html) => {
        printed.push(html);
        return Buffer.from('%PDF-1.7');
      },
    },
    clock,
    pino({ level: 'silent' }),
  );
  return { service, printed };
}

describe('ExerciseReportService', () => {
  it('refuses the report and the review of a running exercise (EXERCISE_NOT_ENDED)', async () => {
    const { service } = setup({ running: true, saved: 'running' });
    await expect(service.report(exercise.id)).rejects.toMatchObject({ code: 'EXERCISE_NOT_ENDED' });
    await expect(service.html(exercise.id, 'vi')).rejects.toBeInstanceOf(ExerciseError);
    await expect(service.saveReview(exercise.id, { wentWell: 'a', toImprove: 'b' }, TRAINER)).rejects.toMatchObject({
      code: 'EXERCISE_NOT_ENDED',
    });
    const missing = setup({ saved: 'not-found' }).service;
    await expect(missing.saveReview(exercise.id, { wentWell: 'a', toImprove: 'b' }, TRAINER)).rejects.toMatchObject({
      code: 'EXERCISE_NOT_FOUND',
    });
  });

  it('saves the review with its author and time, and the report carries it with the people it names', async () => {
    const { service } = setup();
    expect(await service.saveReview(exercise.id, { wentWell: 'nhanh', toImprove: 'camera' }, TRAINER)).toEqual({
      exerciseId: exercise.id,
      wentWell: 'nhanh',
      toImprove: 'camera',
      updatedBy: TRAINER,
      updatedByName: 'Trần Huấn Luyện',
      updatedAt: new Date(at(1300)).toISOString(),
    });
    const report = await service.report(exercise.id);
    expect(report.review).toMatchObject({ wentWell: 'nhanh', updatedByName: 'Trần Huấn Luyện' });
    expect(report.incidents.map((i) => i.id)).toEqual([fire.id, camera.id]);
    expect(report.escalations).toHaveLength(4);
    expect(report.scores).toBeNull();
    expect(report.people[OPERATOR].displayName).toBe('Nguyễn Văn An');
    expect(report.generatedAt).toBe(new Date(at(1300)).toISOString());
  });

  it('takes the scores from its port, and leaves them out when scoring fails', async () => {
    expect((await setup({ scores: { scoreboard: async () => scoreboard } }).service.report(exercise.id)).scores).toBe(
      scoreboard,
    );
    const failing = setup({
      scores: {
        scoreboard: async () => {
          throw new Error('scoring down');
        },
      },
    });
    expect((await failing.service.report(exercise.id)).scores).toBeNull();
  });

  it('prints the page of the language asked for', async () => {
    const { service, printed } = setup();
    expect((await service.pdf(exercise.id, 'en')).toString()).toBe('%PDF-1.7');
    expect(printed).toHaveLength(1);
    expect(printed[0]).toContain('<html lang="en">');
    expect(printed[0]).toBe(await service.html(exercise.id, 'en'));
  });
});
