import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { findSeedsDir } from '@ioc/city';
import { SCORE_OUTCOMES, scoreReason } from '@ioc/contracts';
import type { AttachedSop, Evidence, StoredIncidentEvent } from '@ioc/domain';
import { formatDuration, scoreExercise, type ScoredIncident, type ScoringInput } from './exercise-scorer';
import { loadScoringRules, parseScoringRules, type ScoringRules } from './scoring-rules';
import { parseEscalationPolicy } from '../escalation/escalation-policy';

/** The shipped ladders: critical 5 and 15 min then reminders every 10 min; major 15 min then every 30 min. */
const POLICY = parseEscalationPolicy(
  readFileSync(path.join(findSeedsDir(), 'escalation.yaml'), 'utf8'),
  'escalation.yaml',
);

const T0 = Date.parse('2026-12-08T08:00:00.000Z');
const s = (sec: number) => T0 + sec * 1000;
const min = (m: number) => s(m * 60);

const RULES: ScoringRules = parseScoringRules(
  `
id: test-rules
version: 3
acknowledge: { inTime: 10, late: 2, missed: -10 }
sopSteps: { inTime: 5, late: 1, missed: -5 }
assignment: { correct: 5, wrong: -5, expected: { urban-flooding: drainage-team } }
escalation: { perLevel: -5 }
falseAlarm:
  marker: { field: msgId, matches: '^inject-[0-9]+-false-detection-' }
  reasons: [false-alarm, báo động giả]
  correct: 10
  wrongReason: -5
  dismissedReal: -10
leftOpen: { perIncident: -10 }
`,
  'test.yaml',
);

/** bin-fire's SOP: confirm (operator, 3 min), call-fire (operator, 5 min), field-check (field-team, 30 min). */
const BIN_FIRE_SOP: AttachedSop = {
  id: 'sop-bin-fire',
  version: 1,
  title: { vi: 'Cháy', en: 'Fire' },
  instruction: { vi: '-', en: '-' },
  steps: [
    { id: 'confirm', owner: 'operator', dueWithinMin: 3, text: { vi: '-', en: '-' } },
    { id: 'call-fire', owner: 'operator', dueWithinMin: 5, text: { vi: '-', en: '-' } },
    { id: 'field-check', owner: 'field-team', dueWithinMin: 30, text: { vi: '-', en: '-' } },
  ],
};

const ANNA = 'a0000000-0000-4000-8000-00000000000a';
const BAO = 'b0000000-0000-4000-8000-00000000000b';
const CUONG = 'c0000000-0000-4000-8000-00000000000c';
const TRAINER = 'f0000000-0000-4000-8000-00000000000f';
const TRAINEES = [
  { userId: ANNA, displayName: 'Anna', team: 'ca-1' },
  { userId: BAO, displayName: 'Bảo', team: 'ca-1' },
  { userId: CUONG, displayName: 'Cường', team: 'ca-2' },
];

/** An incident's events built in order: seq from `seq0`, version from 1. */
function incident(
  id: string,
  opts: { seq0: number; openedAt?: number; type?: ScoredIncident['type']; sop?: AttachedSop; evidence?: Evidence[] },
  ...rest: Array<Omit<StoredIncidentEvent, 'incidentId' | 'seq' | 'version'>>
): ScoredIncident {
  const openedAt = opts.openedAt ?? T0;
  const type = opts.type ?? 'bin-fire';
  const sop = 'sop' in opts ? opts.sop : BIN_FIRE_SOP;
  const opened = {
    type: 'opened',
    at: openedAt,
    actor: 'system',
    data: {
      key: `exercise-aaaaaaaa/${id}`,
      incidentType: type,
      ruleId: 'r',
      zone: { kind: 'ward', id: 'ward-p2' },
      severity: 'major',
      title: { vi: '-', en: '-' },
      exercise: true,
      evidence: opts.evidence ?? [],
      absorbs: [],
      ...(sop && { sop }),
    },
  } as Omit<StoredIncidentEvent, 'incidentId' | 'seq' | 'version'>;
  const events = [opened, ...rest].map(
    (e, i) => ({ ...e, incidentId: id, seq: opts.seq0 + i, version: i + 1 }) as StoredIncidentEvent,
  );
  let state: ScoredIncident['state'] = 'open';
  for (const e of events) {
    if (e.type === 'acknowledged') state = 'acknowledged';
    if (e.type === 'assigned') state = 'assigned';
    if (e.type === 'resolved') state = 'resolved';
    if (e.type === 'reopened') state = 'open';
    if (e.type === 'closed') state = 'closed';
  }
  return { id, type, openedAt, state, sop, events };
}

const ack = (actor: string, at: number) => ({ type: 'acknowledged', at, actor, data: {} }) as const;
const step = (actor: string, at: number, stepId: string) =>
  ({ type: 'sop-step-completed', at, actor, data: { stepId } }) as const;
const assign = (actor: string, at: number, assignee: string) =>
  ({ type: 'assigned', at, actor, data: { assignee } }) as const;
const resolve = (actor: string, at: number, reason: string) =>
  ({ type: 'resolved', at, actor, data: { reason, auto: actor === 'system' } }) as const;

const ENDED = 'the exercise ended';
const input = (incidents: ScoredIncident[], over: Partial<ScoringInput> = {}): ScoringInput => ({
  exerciseId: 'e-1',
  rules: RULES,
  escalation: POLICY,
  trainees: TRAINEES,
  incidents,
  endedAt: min(40),
  now: min(41),
  reasons: { ended: ENDED, rewound: 'the exercise was rewound' },
  ...over,
});
const summary = (lines: ReturnType<typeof scoreExercise>['lines']) =>
  lines.map((l) => [
    l.criterion,
    l.points,
    l.userId,
    l.team,
    l.source.kind === 'action' ? l.source.eventSeq : l.source.deadline,
  ]);

const FALSE_MARKER = [
  { at: T0, source: 'camera', kind: 'camera-detection', summary: '?', msgId: 'inject-1-false-detection-1' },
] as unknown as Evidence[];

describe('scoreExercise', () => {
  it('scores a trainee who acknowledges, works the SOP in time and late, and assigns as expected', () => {
    const i = incident(
      'i1',
      { seq0: 100 },
      ack(ANNA, s(130)), // 101: 2 min 10 s, deadline 3 min → +10
      step(ANNA, min(2.5), 'confirm'), // 102: in time (3 min) → +5
      step(BAO, min(6), 'call-fire'), // 103: late (5 min) → +1
      assign(ANNA, min(7), 'field-team'), // 104: the SOP's first field owner → +5
      step(ANNA, min(25), 'field-check'), // 105: in time (30 min) → +5
      resolve(ANNA, min(26), 'dập xong'), // 106: not a false alarm, no line
    );
    const board = scoreExercise(input([i]));
    expect(summary(board.lines)).toEqual([
      ['acknowledge-time', 10, ANNA, 'ca-1', 101],
      ['sop-step', 5, ANNA, 'ca-1', 102],
      ['sop-step', 1, BAO, 'ca-1', 103],
      ['assignment', 5, ANNA, 'ca-1', 104],
      ['sop-step', 5, ANNA, 'ca-1', 105],
    ]);
    expect(board.lines[0]).toEqual({
      criterion: 'acknowledge-time',
      points: 10,
      incidentId: 'i1',
      incidentType: 'bin-fire',
      userId: ANNA,
      team: 'ca-1',
      outcome: 'acknowledged-in-time',
      facts: { tookMs: 130_000, deadlineMin: 3 },
      reason: 'acknowledged in 2 min 10 s, deadline 3 min',
      source: { kind: 'action', eventSeq: 101, at: new Date(s(130)).toISOString() },
    });
    expect(board.lines[2].reason).toBe('step "call-fire" done in 6 min, deadline 5 min (late)');
    expect(board.lines.map((l) => l.outcome)).toEqual([
      'acknowledged-in-time',
      'step-in-time',
      'step-late',
      'assigned-as-expected',
      'step-in-time',
    ]);
    expect(board.lines[2].facts).toEqual({ stepId: 'call-fire', tookMs: 360_000, deadlineMin: 5 });
    expect(board.lines[3].facts).toEqual({ assignee: 'field-team', expected: 'field-team' });
    expect(board.trainees).toEqual([
      { userId: ANNA, displayName: 'Anna', team: 'ca-1', points: 25 },
      { userId: BAO, displayName: 'Bảo', team: 'ca-1', points: 1 },
      { userId: CUONG, displayName: 'Cường', team: 'ca-2', points: 0 },
    ]);
    expect(board.teams).toEqual([
      { team: 'ca-1', points: 26, members: [ANNA, BAO] },
      { team: 'ca-2', points: 0, members: [CUONG] },
    ]);
    expect(board).toMatchObject({ exerciseId: 'e-1', rules: { id: 'test-rules', version: 3 }, provisional: false });
    expect(board.computedAt).toBe(new Date(min(41)).toISOString());
  });

  it('charges missed deadlines, escalations before the acknowledgement and a left-open incident to the owner', () => {
    // Major: the policy's level 1 is due at 15 min (before the acknowledgement), its first reminder at 45 (after).
    const i = incident('i2', { seq0: 10 }, ack(CUONG, min(16))); // 11: late (3 min) → +2
    const board = scoreExercise(input([i]));
    expect(summary(board.lines)).toEqual([
      ['sop-step', -5, CUONG, 'ca-2', new Date(min(3)).toISOString()], // confirm
      ['sop-step', -5, CUONG, 'ca-2', new Date(min(5)).toISOString()], // call-fire
      ['escalation', -5, CUONG, 'ca-2', new Date(min(15)).toISOString()],
      ['acknowledge-time', 2, CUONG, 'ca-2', 11],
      ['sop-step', -5, CUONG, 'ca-2', new Date(min(30)).toISOString()], // field-check
      ['left-open', -10, null, 'ca-2', new Date(min(40)).toISOString()], // a team line
    ]);
    expect(board.lines[2].reason).toBe(
      'escalation level 1 (supervisor) due 15 min after opening, before anyone answered it',
    );
    expect(board.lines.map((l) => [l.outcome, l.facts])).toEqual([
      ['step-missed', { stepId: 'confirm', deadlineMin: 3 }],
      ['step-missed', { stepId: 'call-fire', deadlineMin: 5 }],
      ['escalation-due', { level: 1, recipients: ['supervisor'], tookMs: 900_000 }],
      ['acknowledged-late', { tookMs: 960_000, deadlineMin: 3 }],
      ['step-missed', { stepId: 'field-check', deadlineMin: 30 }],
      ['left-open', {}],
    ]);
    expect(board.lines[1].source).toEqual({
      kind: 'deadline',
      deadline: new Date(min(5)).toISOString(),
      at: new Date(min(5)).toISOString(),
    });
    expect(board.trainees.find((t) => t.userId === CUONG)!.points).toBe(-18);
    expect(board.teams).toEqual([
      { team: 'ca-1', points: 0, members: [ANNA, BAO] },
      { team: 'ca-2', points: -28, members: [CUONG] },
    ]);
  });

  it('gives the lines of an incident nobody took to every team, and stops deadlines at its resolution by the engine', () => {
    const untouched = incident('i3', { seq0: 1 });
    // The engine resolved it at 4 min: confirm (3 min) was missed, call-fire (5 min) and field-check were not due yet.
    const cleared = incident('i4', { seq0: 50 }, resolve('system', min(4), 'the water level fell'));
    const board = scoreExercise(input([untouched, cleared]));
    const teamLines = (id: string) =>
      board.lines.filter((l) => l.incidentId === id).map((l) => [l.criterion, l.points, l.userId, l.team]);
    expect(teamLines('i3')).toEqual([
      ['acknowledge-time', -10, null, 'ca-1'],
      ['acknowledge-time', -10, null, 'ca-2'],
      ['sop-step', -5, null, 'ca-1'],
      ['sop-step', -5, null, 'ca-2'],
      ['sop-step', -5, null, 'ca-1'],
      ['sop-step', -5, null, 'ca-2'],
      ['escalation', -5, null, 'ca-1'],
      ['escalation', -5, null, 'ca-2'],
      ['sop-step', -5, null, 'ca-1'],
      ['sop-step', -5, null, 'ca-2'],
      ['left-open', -10, null, 'ca-1'],
      ['left-open', -10, null, 'ca-2'],
    ]);
    expect(teamLines('i4')).toEqual([
      ['acknowledge-time', -10, null, 'ca-1'],
      ['acknowledge-time', -10, null, 'ca-2'],
      ['sop-step', -5, null, 'ca-1'],
      ['sop-step', -5, null, 'ca-2'],
    ]);
    // Trainees' own scores hold no team line.
    expect(board.trainees.map((t) => t.points)).toEqual([0, 0, 0]);
    expect(board.teams.map((t) => [t.team, t.points])).toEqual([
      ['ca-1', -55],
      ['ca-2', -55],
    ]);
  });

  it('counts each escalation level and reminder due before the acknowledgement, on the ladder of the severity reached', () => {
    // Major, then critical at 2 min; never acknowledged: critical's levels at 5 and 15 min, reminders at 25 and 35.
    const raised = incident(
      'e1',
      { seq0: 1, sop: undefined },
      {
        type: 'severity-raised',
        at: min(2),
        actor: 'system',
        data: { from: 'major', to: 'critical' },
      },
    );
    // Acknowledged at 14 min: only critical's level 1 (5 min) was due before.
    const acked = incident(
      'e2',
      { seq0: 10, sop: undefined },
      { type: 'severity-raised', at: min(1), actor: 'system', data: { from: 'major', to: 'critical' } },
      ack(ANNA, min(14)),
    );
    // Moderate never escalates.
    const calm = incident(
      'e3',
      { seq0: 20, sop: undefined },
      {
        type: 'severity-raised',
        at: min(50),
        actor: 'system',
        data: { from: 'major', to: 'critical' },
      },
    );
    const moderate = {
      ...calm,
      events: calm.events.map((e) => (e.type === 'opened' ? { ...e, data: { ...e.data, severity: 'moderate' } } : e)),
    } as ScoredIncident;
    const board = scoreExercise(input([raised, acked, moderate], { endedAt: null, now: min(40) }));
    expect(
      board.lines.map((l) => [
        l.incidentId,
        l.criterion,
        l.points,
        l.userId,
        l.team,
        l.source.at,
        l.reason.split(' (')[0],
        l.outcome,
      ]),
    ).toEqual([
      ['e1', 'escalation', -5, null, 'ca-1', new Date(min(5)).toISOString(), 'escalation level 1', 'escalation-due'],
      ['e1', 'escalation', -5, null, 'ca-2', new Date(min(5)).toISOString(), 'escalation level 1', 'escalation-due'],
      ['e2', 'escalation', -5, ANNA, 'ca-1', new Date(min(5)).toISOString(), 'escalation level 1', 'escalation-due'],
      ['e1', 'escalation', -5, null, 'ca-1', new Date(min(15)).toISOString(), 'escalation level 2', 'escalation-due'],
      ['e1', 'escalation', -5, null, 'ca-2', new Date(min(15)).toISOString(), 'escalation level 2', 'escalation-due'],
      ['e1', 'escalation', -5, null, 'ca-1', new Date(min(25)).toISOString(), 'reminder level 3', 'reminder-due'],
      ['e1', 'escalation', -5, null, 'ca-2', new Date(min(25)).toISOString(), 'reminder level 3', 'reminder-due'],
      ['e1', 'escalation', -5, null, 'ca-1', new Date(min(35)).toISOString(), 'reminder level 4', 'reminder-due'],
      ['e1', 'escalation', -5, null, 'ca-2', new Date(min(35)).toISOString(), 'reminder level 4', 'reminder-due'],
    ]);
  });

  it('counts a left-open incident the wind-up resolved, but not one a backward seek resolved', () => {
    const woundUp = incident('i5', { seq0: 1, sop: undefined }, ack(ANNA, s(10)), resolve('system', min(40), ENDED));
    const rewound = incident(
      'i6',
      { seq0: 20, sop: undefined },
      ack(ANNA, s(10)),
      resolve('system', min(20), 'the exercise was rewound'),
    );
    const board = scoreExercise(input([woundUp, rewound]));
    expect(summary(board.lines)).toEqual([['left-open', -10, null, 'ca-1', new Date(min(40)).toISOString()]]);
  });

  it('scores false alarms by the resolution note, and a real incident dismissed as one', () => {
    const marker = [
      {
        at: T0,
        source: 'camera',
        kind: 'camera-detection',
        summary: 'smoke?',
        msgId: 'inject-3-false-detection-1700000000000',
      },
    ] as unknown as Evidence[];
    const right = incident(
      'f1',
      { seq0: 1, evidence: marker, sop: undefined },
      resolve(ANNA, s(40), 'Báo động giả: bụi'),
    );
    const wrong = incident('f2', { seq0: 10, evidence: marker, sop: undefined }, resolve(BAO, s(50), 'fixed'));
    const real = incident('f3', { seq0: 20, sop: undefined }, resolve(CUONG, s(60), 'false-alarm'));
    // The marker may come with later evidence too.
    const later = incident(
      'f4',
      { seq0: 30, sop: undefined },
      { type: 'evidence-added', at: s(5), actor: 'system', data: { evidence: marker } },
      resolve(CUONG, s(70), 'FALSE-ALARM'),
    );
    const board = scoreExercise(input([right, wrong, real, later]));
    expect(summary(board.lines)).toEqual([
      ['false-alarm', 10, ANNA, 'ca-1', 2],
      ['false-alarm', -5, BAO, 'ca-1', 11],
      ['false-alarm', -10, CUONG, 'ca-2', 21],
      ['false-alarm', 10, CUONG, 'ca-2', 32],
    ]);
    expect(board.lines[1].reason).toBe('false alarm resolved with another reason: "fixed"');
    expect(board.lines.map((l) => [l.outcome, l.facts])).toEqual([
      ['false-alarm-recognised', {}],
      ['false-alarm-other-reason', { note: 'fixed' }],
      ['real-incident-dismissed', {}],
      ['false-alarm-recognised', {}],
    ]);
  });

  it('scores a wrong assignment, and the type listed in the rules over the SOP owner', () => {
    const flood = incident(
      'a1',
      { seq0: 1, type: 'urban-flooding' },
      ack(ANNA, s(20)),
      assign(ANNA, s(30), 'field-team'),
      assign(ANNA, s(40), 'drainage-team'), // only the first assignment counts
    );
    const board = scoreExercise(input([flood], { endedAt: null, now: min(1) }));
    expect(summary(board.lines)).toEqual([
      ['acknowledge-time', 10, ANNA, 'ca-1', 2],
      ['assignment', -5, ANNA, 'ca-1', 3],
    ]);
    expect(board.lines[1].reason).toBe('assigned to field-team, expected drainage-team');
    expect(board.lines[1]).toMatchObject({
      outcome: 'assigned-otherwise',
      facts: { assignee: 'field-team', expected: 'drainage-team' },
    });
  });

  it('while running: provisional, deadlines count up to now, nothing is left open yet', () => {
    const i = incident('r1', { seq0: 1 });
    const board = scoreExercise(input([i], { endedAt: null, now: min(4) }));
    expect(board.provisional).toBe(true);
    expect(summary(board.lines)).toEqual([
      ['acknowledge-time', -10, null, 'ca-1', new Date(min(3)).toISOString()],
      ['acknowledge-time', -10, null, 'ca-2', new Date(min(3)).toISOString()],
      ['sop-step', -5, null, 'ca-1', new Date(min(3)).toISOString()],
      ['sop-step', -5, null, 'ca-2', new Date(min(3)).toISOString()],
    ]);
  });

  it("earns nothing for actions of users who are not the exercise's trainees", () => {
    const i = incident('n1', { seq0: 1 }, ack(TRAINER, s(10)), step(TRAINER, s(20), 'confirm'));
    const board = scoreExercise(input([i], { endedAt: null, now: min(4) }));
    expect(board.lines).toEqual([]);
  });

  it('puts the lines of an exercise without trainees on the default team', () => {
    const board = scoreExercise(input([incident('d1', { seq0: 1 })], { trainees: [], endedAt: null, now: min(3) }));
    expect(summary(board.lines)).toEqual([
      ['acknowledge-time', -10, null, 'default', new Date(min(3)).toISOString()],
      ['sop-step', -5, null, 'default', new Date(min(3)).toISOString()],
    ]);
    expect(board.teams).toEqual([{ team: 'default', points: -15, members: [] }]);
  });

  it("says every outcome, each line's English reason being the shared formatter's", () => {
    const board = scoreExercise(
      input([
        incident(
          'o1',
          { seq0: 1 },
          ack(ANNA, s(130)),
          step(ANNA, min(2.5), 'confirm'),
          step(ANNA, min(6), 'call-fire'),
          assign(ANNA, min(7), 'field-team'),
        ),
        incident('o2', { seq0: 10 }, ack(BAO, min(16))), // late, escalated, steps missed, left open
        incident('o3', { seq0: 20 }), // never acknowledged
        incident('o4', { seq0: 30, type: 'urban-flooding', sop: undefined }, assign(CUONG, s(30), 'field-team')),
        incident(
          'o5',
          { seq0: 40, sop: undefined },
          { type: 'severity-raised', at: min(2), actor: 'system', data: { from: 'major', to: 'critical' } },
        ), // reminders
        incident('o6', { seq0: 50, sop: undefined, evidence: FALSE_MARKER }, resolve(ANNA, s(40), 'false-alarm')),
        incident('o7', { seq0: 60, sop: undefined, evidence: FALSE_MARKER }, resolve(BAO, s(40), 'fixed')),
        incident('o8', { seq0: 70, sop: undefined }, resolve(CUONG, s(40), 'báo động giả')),
      ]),
    );
    expect(new Set(board.lines.map((l) => l.outcome))).toEqual(new Set(SCORE_OUTCOMES));
    for (const l of board.lines) expect(l.reason).toBe(scoreReason(l, 'en'));
  });

  it('formats durations', () => {
    expect([formatDuration(45_000), formatDuration(180_000), formatDuration(130_400)]).toEqual([
      '45 s',
      '3 min',
      '2 min 10 s',
    ]);
  });
});

describe('scoring rules', () => {
  it('loads the shipped seeds/scoring.yaml', () => {
    const rules = loadScoringRules();
    expect(rules).toMatchObject({ id: 'scoring-default', version: 1 });
    expect(rules.falseAlarm.marker).toEqual({ field: 'msgId', matches: '^inject-[0-9]+-false-detection-' });
  });

  it('refuses an invalid file with SCORING_RULES_INVALID naming the file and the field', () => {
    const text = readFileSync(path.join(findSeedsDir(), 'scoring.yaml'), 'utf8');
    expect(() => parseScoringRules(text.replace('perLevel: -5', 'perLevel: 5'), 'scoring.yaml')).toThrow(
      expect.objectContaining({
        code: 'SCORING_RULES_INVALID',
        message: expect.stringContaining('scoring.yaml: escalation.perLevel: points lost are 0 or less'),
      }),
    );
    expect(() => parseScoringRules('id: x\nversion: [', 'bad.yaml')).toThrow(
      expect.objectContaining({ code: 'SCORING_RULES_INVALID', message: expect.stringContaining('not valid YAML') }),
    );
    expect(() => parseScoringRules(`${text}\nbonus: 3\n`, 'scoring.yaml')).toThrow(
      expect.objectContaining({ code: 'SCORING_RULES_INVALID' }),
    );
    expect(() => loadScoringRules('/nonexistent/scoring.yaml')).toThrow(
      expect.objectContaining({ code: 'SCORING_RULES_INVALID' }),
    );
  });
});
