import pino from 'pino';
import { buildTopology, loadCity } from '@ioc/city';
import { loadRules, steer, type ExerciseControl } from '@ioc/correlation';
import type { ExerciseInject, IncidentSignal } from '@ioc/domain';
import { IncidentError, type IncidentChange, type IncidentChangeFanout, type IncidentService } from '@ioc/incidents';
import type { ExerciseInjectRecord, ExerciseRecord, ExerciseRepository } from '@ioc/storage';
import { ExerciseRunner, type AppliedDecision } from './exercise-runner';
import { clockStateOf, type ExerciseService } from './exercise.service';
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
    anchorAt: new Date(T0),
    anchorTo: new Date(T0),
    paused: false,
    run: 0,
    quietUntil: null,
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
    checkpoint: async (_id: string, _run: number, at: Date, applied: number) => {
      exercise = { ...exercise, replayedTo: at, signalsApplied: applied };
      return exercise;
    },
    end: async (_id: string, o: { status: ExerciseRecord['status']; at: Date; error?: string }) => {
      exercise = { ...exercise, status: o.status, endedAt: o.at, error: o.error ?? null };
      return exercise;
    },
  } as unknown as ExerciseRepository;
  const service = { windUp: async () => 0, resolveEarlierRuns: async () => 0 } as unknown as ExerciseService;
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

/**
 * A ten-minute recording of one bin: it catches fire 1 min in, burns hotter 3 min in, then cools and reports every
 * minute. Replayed by a runner on a fake wall clock that a trainer steers (each control applied as the service does,
 * through the pure `steer`) at given wall offsets.
 */
/** An inject a trainer logs: it shows in the log from wall offset `visibleAt` (ms after the start). */
interface TrainerInject {
  readonly visibleAt: number;
  readonly at: number;
  readonly inject: ExerciseInject;
}

function steeredRun(
  speed: number,
  script: ReadonlyArray<readonly [number, ExerciseControl]>,
  trainerInjects: readonly TrainerInject[] = [],
) {
  const readings = [
    binReading('m-1', T0 + 60_000, 95),
    binReading('m-2', T0 + 180_000, 135),
    ...[4, 5, 6, 7, 8, 9].map((m) => binReading(`m-${m}`, T0 + m * 60_000, 30)),
  ];
  let wall = T0;
  let exercise: ExerciseRecord = {
    id: 'ex-2',
    recordingId: 'rec-2',
    recordingName: 'bin fire, cooling',
    from: new Date(T0),
    to: new Date(T0 + 600_000),
    speed,
    keyPrefix: 'exercise-ex2/',
    status: 'running',
    startedBy: 'trainer',
    startedAt: new Date(T0),
    anchorAt: new Date(T0),
    anchorTo: new Date(T0),
    paused: false,
    run: 0,
    quietUntil: null,
    replayedTo: null,
    signalsApplied: 0,
    endedAt: null,
    endedBy: null,
    error: null,
    woundUp: false,
  };
  const pending = [...script];
  const control = () => {
    while (pending.length && pending[0][0] <= wall - T0) {
      const [, c] = pending.shift()!;
      const x = steer(clockStateOf(exercise), c, wall);
      exercise = {
        ...exercise,
        speed: x.speed,
        anchorAt: new Date(x.anchorAt),
        anchorTo: new Date(x.anchorTo),
        paused: x.paused,
        run: x.run,
        quietUntil: x.quietUntil === null ? null : new Date(x.quietUntil),
        ...(x.restart && { replayedTo: null, signalsApplied: 0 }),
      };
    }
  };
  const repo = {
    findExercise: async () => exercise,
    recordingDevices: async () => ['bin-p10-0041'],
    recordingReports: async () => [],
    recordingPage: async (_id: string, after: { time: Date } | undefined, limit: number) =>
      readings.filter((m) => !after || m.ts > after.time).slice(0, limit),
    checkpoint: async (_id: string, run: number, at: Date, applied: number) => {
      if (exercise.run === run) exercise = { ...exercise, replayedTo: at, signalsApplied: applied };
      return exercise;
    },
    end: async (_id: string, o: { status: ExerciseRecord['status']; at: Date }) => {
      exercise = { ...exercise, status: o.status, endedAt: o.at };
      return exercise;
    },
  } as unknown as ExerciseRepository;
  const rewound: number[] = [];
  const service = {
    windUp: async () => 0,
    resolveEarlierRuns: async (e: ExerciseRecord) => void rewound.push(e.run),
  } as unknown as ExerciseService;
  const decisions: AppliedDecision[] = [];
  const fanned: IncidentChange[] = [];
  const quiet: IncidentChange[] = [];
  const fanout = {
    changed: async (c: IncidentChange) => void fanned.push(c),
    quietly: async (c: IncidentChange) => void quiet.push(c),
  } as unknown as IncidentChangeFanout;
  const incidents = {
    applySignal: async (signal: IncidentSignal) => ({ events: [{ key: signal.key }], incidents: [] }),
  } as unknown as IncidentService;
  const clock = { now: () => new Date(wall), nowMs: () => wall };
  const log: ExerciseInjectRecord[] = trainerInjects.map((t, k) => ({
    exerciseId: 'ex-2',
    seq: k + 1,
    at: new Date(t.at),
    inject: t.inject,
    incidentKeys: [],
    createdBy: 'trainer',
    createdAt: new Date(T0 + t.visibleAt),
  }));
  const injectLog = {
    list: async (_id: string, after: number) =>
      log.filter((i, k) => i.seq > after && trainerInjects[k].visibleAt <= wall - T0),
    retime: async (_id: string, seq: number, at: Date) => {
      log[seq - 1] = { ...log[seq - 1], at };
      return log[seq - 1];
    },
    noteIncident: async (_id: string, seq: number, key: string) => {
      if (!log[seq - 1].incidentKeys.includes(key))
        log[seq - 1] = { ...log[seq - 1], incidentKeys: [...log[seq - 1].incidentKeys, key] };
    },
  };
  const opts = {
    tickMs: 250,
    pageSize: 3,
    retryMaxMs: 300,
    sleep: async (ms: number) => {
      wall += ms;
      control();
    },
    onApplied: (d: AppliedDecision) => void decisions.push(d),
  };
  const logger = pino({ level: 'silent' });
  const runner = new ExerciseRunner(repo, service, incidents, fanout, seeds, clock, logger, opts, injectLog);
  return { runner, decisions, fanned, quiet, rewound, log, exercise: () => exercise };
}

/** The incidents a run leaves, as trainees would compare them: type and key (without the run's prefix), drill times. */
const storyOf = (decisions: readonly AppliedDecision[]) => {
  const last = Math.max(...decisions.map((d) => d.run));
  const prefix = last === 0 ? 'exercise-ex2/' : `exercise-ex2/r${last}/`;
  return decisions
    .filter((d) => d.run === last)
    .map((d) => `${d.signal.op} ${d.signal.key.slice(prefix.length)} @${(d.drillAt - T0) / 1000}s`);
};

describe('ExerciseRunner steered by a trainer', () => {
  it('makes the same decisions at the same drill times however the drill is paused, sped up, sought and rewound', async () => {
    const straight = steeredRun(10, []);
    await expect(straight.runner.run('ex-2')).resolves.toMatchObject({ outcome: 'ended', status: 'finished' });
    const expected = storyOf(straight.decisions);
    expect(expected.length).toBeGreaterThanOrEqual(2);
    expect(expected[0]).toBe('raise bin-fire:ward-p10 @60s');
    expect(straight.decisions.every((d) => d.live)).toBe(true);

    const steered = steeredRun(10, [
      [5_000, { op: 'pause' }], // drill 50 s
      [8_000, { op: 'speed', speed: 30 }],
      [10_000, { op: 'resume' }],
      [15_000, { op: 'seek', to: T0 + 400_000 }], // drill 200 s → 400 s: forward, quietly
      [17_000, { op: 'seek', to: T0 + 120_000 }], // backward: a new run from the start, quiet to 120 s
      [19_000, { op: 'speed', speed: 0 }], // "max"
    ]);
    await expect(steered.runner.run('ex-2')).resolves.toMatchObject({ outcome: 'ended', status: 'finished' });
    expect(steered.exercise()).toMatchObject({ run: 1, status: 'finished' });
    expect(storyOf(steered.decisions)).toEqual(expected);
    // The earlier run's incidents were resolved before the new run applied anything.
    expect(steered.rewound).toEqual([0, 1]);
    // Run 0 saw the fire live; the forward seek applied what it skipped quietly; the new run was quiet up to 120 s.
    const run0 = steered.decisions.filter((d) => d.run === 0);
    expect(run0.find((d) => d.drillAt === T0 + 60_000)?.live).toBe(true);
    expect(run0.filter((d) => d.drillAt > T0 + 200_000).every((d) => !d.live)).toBe(true);
    const run1 = steered.decisions.filter((d) => d.run === 1);
    expect(run1.every((d) => d.live === d.drillAt > T0 + 120_000)).toBe(true);
    expect(steered.fanned).toHaveLength(steered.decisions.filter((d) => d.live).length);
    // What the seeks skipped reached the sockets flagged quiet, each once.
    expect(steered.quiet.map((c) => c.events)).toEqual(
      steered.decisions.filter((d) => !d.live).map((d) => [{ key: d.signal.key }]),
    );
    // Numbered from 0 in each run, nothing applied twice.
    expect(run1.map((d) => d.n)).toEqual(run1.map((_, i) => i));
  });
});

describe('ExerciseRunner with injects', () => {
  const falseAlarm: ExerciseInject = {
    kind: 'false-detection',
    deviceId: 'cam-thd-005',
    eventType: 'illegal_dumping',
    count: 3,
  };
  const HOTSPOT = 'raise illegal-dumping-hotspot:ward-p10 @220s';

  it('feeds a logged inject to the engine with the recording, and a rewound run reproduces it once', async () => {
    const straight = steeredRun(10, [], [{ visibleAt: 0, at: T0 + 100_000, inject: falseAlarm }]);
    await expect(straight.runner.run('ex-2')).resolves.toMatchObject({ status: 'finished' });
    const expected = storyOf(straight.decisions);
    // Three detections a minute apart from 100 s: the hotspot at the third, with the bin fire of the recording.
    expect(expected).toContain(HOTSPOT);
    expect(expected).toContain('raise bin-fire:ward-p10 @60s');
    expect(straight.log[0].incidentKeys).toEqual([
      expect.stringMatching(/^exercise-ex2\/illegal-dumping-hotspot:ward-p10/),
    ]);

    // Logged while the drill runs (wall 5 s = drill 50 s), then the drill is rewound past it (drill 300 s → 30 s).
    const live = steeredRun(
      10,
      [[30_000, { op: 'seek', to: T0 + 30_000 }]],
      [{ visibleAt: 5_000, at: T0 + 100_000, inject: falseAlarm }],
    );
    await expect(live.runner.run('ex-2')).resolves.toMatchObject({ status: 'finished' });
    expect(live.exercise().run).toBe(1);
    expect(storyOf(live.decisions)).toEqual(expected);
    expect(storyOf(live.decisions).filter((d) => d === HOTSPOT)).toHaveLength(1);
    expect(live.log[0].at.getTime()).toBe(T0 + 100_000);
    expect(live.log[0].incidentKeys).toHaveLength(2);
  });

  it('takes an inject logged for a time it has already passed just after it, and says so in the log', async () => {
    // Visible at wall 15 s (drill 150 s at ×10), asked for drill 100 s.
    const late = steeredRun(10, [], [{ visibleAt: 15_000, at: T0 + 100_000, inject: falseAlarm }]);
    await expect(late.runner.run('ex-2')).resolves.toMatchObject({ status: 'finished' });
    const at = late.log[0].at.getTime();
    expect(at).toBeGreaterThan(T0 + 100_000);
    expect(at).toBeLessThanOrEqual(T0 + 152_500);
    const hotspot = late.decisions.find((d) => d.signal.op === 'raise' && d.signal.type === 'illegal-dumping-hotspot');
    expect(hotspot?.drillAt).toBe(at + 120_000);
  });
});
