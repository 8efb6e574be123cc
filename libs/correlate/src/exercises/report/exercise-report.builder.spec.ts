import { buildExerciseReport, runOfKey } from './exercise-report.builder';
import {
  at,
  camera,
  CAMERA,
  EXERCISE_ID,
  fire,
  FIRE,
  input,
  OPERATOR,
  PREFIX,
  TRAINER,
} from './exercise-report.fixture';

const s = (n: number) => n * 1000;

describe('buildExerciseReport', () => {
  const report = buildExerciseReport(input());

  it('describes the scenario: recording, window, speed, who ran it, when, how long', () => {
    expect(report).toMatchObject({ format: 'ioc-exercise-report', version: 1, exerciseId: EXERCISE_ID });
    expect(report.generatedAt).toBe(new Date(at(1300)).toISOString());
    expect(report.scenario).toEqual({
      recordingId: '7d0c6a43-5d3c-4c59-9d57-1c1e1a0e7a11',
      recordingName: 'Cháy thùng rác & camera',
      window: { from: '2026-10-28T05:00:00.000Z', to: '2026-10-28T06:00:00.000Z' },
      speed: 60,
      status: 'finished',
      keyPrefix: PREFIX,
      runs: 1,
      startedBy: TRAINER,
      startedAt: new Date(at(0)).toISOString(),
      endedAt: new Date(at(1000)).toISOString(),
      endedBy: null,
      durationMs: s(1000),
      signalsApplied: 4,
      error: null,
    });
  });

  it('puts incidents, trainee actions and escalations coming due on one axis, in order, evidence left out', () => {
    expect(
      report.timeline.map((e) => [e.offsetMs / 1000, e.kind, e.incidentId === FIRE ? 'fire' : 'camera', e.trainee]),
    ).toEqual([
      [10, 'opened', 'fire', false],
      [20, 'opened', 'camera', false],
      [30, 'severity-raised', 'fire', false],
      [70, 'acknowledged', 'fire', true],
      [80, 'assigned', 'fire', true],
      [100, 'sop-step-completed', 'fire', true],
      [140, 'escalation-due', 'camera', false],
      [400, 'sop-step-completed', 'fire', true],
      [500, 'resolved', 'fire', true],
      [620, 'escalation-due', 'camera', false],
      [740, 'escalation-due', 'camera', false],
      [860, 'escalation-due', 'camera', false],
      [1000, 'resolved', 'camera', false],
    ]);
    const byKind = (kind: string, offsetS: number) =>
      report.timeline.find((e) => e.kind === kind && e.offsetMs === s(offsetS));
    expect(byKind('assigned', 80)).toEqual({
      at: new Date(at(80)).toISOString(),
      offsetMs: s(80),
      kind: 'assigned',
      incidentId: FIRE,
      incidentType: 'bin-fire',
      actor: OPERATOR,
      trainee: true,
      seq: 6,
      detail: { assignee: OPERATOR },
    });
    expect(byKind('sop-step-completed', 400)?.detail).toEqual({ stepId: 'call-fire', note: 'gọi 114' });
    expect(byKind('severity-raised', 30)?.detail).toEqual({ from: 'moderate', to: 'major' });
    expect(byKind('escalation-due', 620)).toMatchObject({
      actor: 'system',
      seq: null,
      detail: { level: 2, kind: 'escalation', recipients: ['duty-manager'] },
    });
    expect(byKind('resolved', 1000)?.detail).toEqual({ reason: 'the exercise ended', auto: true });
  });

  it('judges each SOP step against its deadline from the opening: in time, late, missed, not due', () => {
    const [f, c] = report.incidents;
    expect(f.sop?.steps.map((x) => [x.id, x.dueAt, x.doneAt, x.doneBy, x.outcome])).toEqual([
      ['confirm', new Date(at(190)).toISOString(), new Date(at(100)).toISOString(), OPERATOR, 'in-time'],
      ['call-fire', new Date(at(310)).toISOString(), new Date(at(400)).toISOString(), OPERATOR, 'late'],
      // Due at 1810 s; the fire was resolved at 500 s.
      ['field-check', new Date(at(1810)).toISOString(), null, null, 'not-due'],
    ]);
    expect(c.sop?.steps.map((x) => [x.id, x.outcome])).toEqual([
      ['check', 'missed'],
      ['repair', 'not-due'],
    ]);
    expect(c.sop).toMatchObject({ id: 'sop-camera-tampered', version: 2, title: { en: 'Camera tampered' } });
  });

  it('sums each incident up: times, who, its bar, actions by users, ended with the exercise or not', () => {
    expect(report.incidents.map((i) => i.id)).toEqual([FIRE, CAMERA]);
    expect(report.incidents[0]).toMatchObject({
      key: fire.key,
      type: 'bin-fire',
      severity: 'major',
      run: 0,
      openedOffsetMs: s(10),
      acknowledgedBy: OPERATOR,
      timeToAcknowledgeMs: s(60),
      assignee: OPERATOR,
      resolvedBy: OPERATOR,
      resolution: 'fire out',
      endedWithExercise: false,
      endOffsetMs: s(500),
      evidenceCount: 2,
      actions: 5,
    });
    expect(report.incidents[1]).toMatchObject({
      key: camera.key,
      acknowledgedAt: null,
      timeToAcknowledgeMs: null,
      assignee: null,
      resolvedBy: 'system',
      endedWithExercise: true,
      endOffsetMs: s(1000),
      actions: 0,
    });
  });

  it('lists the escalation levels that came due while an incident waited, and which were recorded', () => {
    // The fire was acknowledged exactly when its level came due (70 s): no escalation.
    expect(report.escalations.map((e) => [e.incidentId, e.level, e.kind, e.offsetMs / 1000, e.recorded])).toEqual([
      [CAMERA, 1, 'escalation', 140, true],
      [CAMERA, 2, 'escalation', 620, false],
      [CAMERA, 3, 'reminder', 740, false],
      [CAMERA, 4, 'reminder', 860, false],
    ]);
  });

  it('counts the summary', () => {
    expect(report.summary).toEqual({
      incidents: 2,
      byType: { 'bin-fire': 1, 'camera-tampered': 1 },
      acknowledged: 1,
      resolvedByTrainees: 1,
      endedWithExercise: 1,
      traineeActions: 5,
      meanTimeToAcknowledgeMs: s(60),
      sopSteps: { total: 5, 'in-time': 1, late: 1, missed: 1, 'not-due': 2 },
      escalations: 4,
    });
  });

  it('carries the scores and the review as given, and names the people it mentions', () => {
    expect(report.scores?.trainees).toEqual([
      { userId: OPERATOR, displayName: 'Nguyễn Văn An', team: 'ca-1', points: 7 },
    ]);
    expect(report.review?.wentWell).toBe('Xác nhận đám cháy nhanh.');
    expect(Object.keys(report.people).sort()).toEqual([OPERATOR, TRAINER].sort());
    expect(report.people[OPERATOR]).toEqual({ username: 'operator1', displayName: 'Nguyễn Văn An', role: 'operator' });
  });

  it('says scores and review are absent, and is the same whatever order its inputs come in', () => {
    const bare = buildExerciseReport(input({ scoreboard: null, review: null, events: [...input().events].reverse() }));
    expect(bare.scores).toBeNull();
    expect(bare.review).toBeNull();
    expect(bare.timeline).toEqual(report.timeline);
  });

  it('handles an exercise without incidents', () => {
    const empty = buildExerciseReport(input({ incidents: [], events: [], notifications: [] }));
    expect(empty.timeline).toEqual([]);
    expect(empty.summary).toMatchObject({ incidents: 0, meanTimeToAcknowledgeMs: null, escalations: 0 });
    expect(Object.keys(empty.people)).toEqual([TRAINER]);
  });

  it('knows the run of an incident from its key', () => {
    expect(runOfKey(PREFIX, `${PREFIX}bin-fire:ward-p10`)).toBe(0);
    expect(runOfKey(PREFIX, `${PREFIX}r2/bin-fire:ward-p10`)).toBe(2);
  });
});
