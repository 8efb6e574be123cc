import pino from 'pino';
import { buildTopology, loadCity } from '@ioc/city';
import { loadRules } from '@ioc/correlation';
import type { IncidentSignal } from '@ioc/domain';
import { IncidentError, type IncidentChange, type IncidentChangeFanout, type IncidentService } from '@ioc/incidents';
import type { ExerciseRecord, ExerciseRepository } from '@ioc/storage';
import { ExerciseRunner } from './exercise-runner';
import type { ExerciseService } from './exercise.service';
import { binReading } from '../testing/bin-reading';

const seeds = { rules: loadRules(), topology: buildTopology(loadCity()) };
const T0 = Date.parse('2027-02-04T12:00:00.000Z');
const dbDown = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });

/** A one-minute recording of a bin catching fire, replayed long after its exercise started (one step reaches its end). */
function harness(applySignal: (signal: IncidentSignal) => Promise<IncidentChange>) {
  let exercise: ExerciseRecord = {
    id: 'ex-1',
    recordingId: 'rec-1',
    recordingName: 'bin fire',
    from: new Date(T0),
    to: new Date(T0 + 60_000),
    speed: 1,
    keyPrefix: 'ex-1/',
    status: 'running',
    startedBy: 'trainer',
    startedAt: new Date(T0),
    replayedTo: null,
    signalsApplied: 0,
    endedAt: null,
    endedBy: null,
    error: null,
    woundUp: false,
  };
  const repo = {
    findExercise: async () => exercise,
    recordingDevices: async () => ['bin-p10-0041'],
    recordingReports: async () => [],
    recordingPage: async (_id: string, after: unknown) => (after ? [] : [binReading('m-1', T0 + 1_000, 95)]),
    checkpoint: async (_id: string, at: Date, applied: number) => {
      exercise = { ...exercise, replayedTo: at, signalsApplied: applied };
      return exercise.status;
    },
    end: async (_id: string, o: { status: ExerciseRecord['status']; at: Date; error?: string }) => {
      exercise = { ...exercise, status: o.status, endedAt: o.at, error: o.error ?? null };
      return exercise;
    },
  } as unknown as ExerciseRepository;
  const service = { windUp: async () => 0 } as unknown as ExerciseService;
  const fanned: IncidentChange[] = [];
  const fanout = { changed: async (c: IncidentChange) => void fanned.push(c) } as unknown as IncidentChangeFanout;
  const incidents = { applySignal } as unknown as IncidentService;
  const waits: number[] = [];
  const clock = { now: () => new Date(T0 + 120_000), nowMs: () => T0 + 120_000 };
  const runner = new ExerciseRunner(repo, service, incidents, fanout, seeds, clock, pino({ level: 'silent' }), {
    tickMs: 250,
    pageSize: 100,
    retryMaxMs: 300,
    sleep: async (ms) => void waits.push(ms),
  });
  return { runner, fanned, waits, exercise: () => exercise };
}

describe('ExerciseRunner', () => {
  it('retries a decision while the database is away, with capped backoff, and finishes the exercise', async () => {
    let failures = 3;
    const applied: IncidentSignal[] = [];
    const h = harness(async (signal) => {
      if (failures-- > 0) throw dbDown();
      applied.push(signal);
      return { events: [], incidents: [] };
    });
    await expect(h.runner.run('ex-1')).resolves.toMatchObject({ outcome: 'ended', status: 'finished' });
    expect(h.waits).toEqual([100, 200, 300]);
    expect(applied.map((s) => [s.op, s.key.startsWith('ex-1/bin-fire')])).toEqual([['raise', true]]);
    expect(h.exercise()).toMatchObject({ status: 'finished', signalsApplied: 1 });
    expect(h.fanned).toHaveLength(1);
  });

  it('ends the exercise as failed, with the code, on a decision the lifecycle refuses — without retrying it', async () => {
    let tries = 0;
    const h = harness(async () => {
      tries++;
      throw new IncidentError('INCIDENT_INVALID_COMMAND', 'a raise without a zone');
    });
    await expect(h.runner.run('ex-1')).resolves.toMatchObject({ outcome: 'ended', status: 'failed' });
    expect(tries).toBe(1);
    expect(h.waits).toEqual([]);
    expect(h.exercise().error).toBe('INCIDENT_INVALID_COMMAND: a raise without a zone');
  });

  it('stops trying when the process stops, leaving the exercise running for the next worker', async () => {
    let tries = 0;
    const h = harness(async () => {
      if (++tries === 2) h.runner.interrupt();
      throw dbDown();
    });
    await expect(h.runner.run('ex-1')).resolves.toEqual({ outcome: 'interrupted' });
    expect(tries).toBe(2);
    expect(h.exercise()).toMatchObject({ status: 'running', signalsApplied: 0 });
  });
});
