/**
 * A small finished exercise for the report's specs: a bin fire the trainees worked (acknowledged, assigned, SOP steps
 * in time and late, resolved) and a tampered camera nobody acknowledged, resolved by the system when the drill ended.
 */
import type { ExerciseDto, ExerciseReviewDto, ExerciseScoreboardDto, ReportPersonDto } from '@ioc/contracts';
import type { AttachedSop, IncidentNotification, IncidentRecord, StoredIncidentEvent } from '@ioc/domain';
import type { EscalationPolicy } from '@ioc/incidents';
import { EXERCISE_ENDED_REASON } from '../exercise.service';
import type { ExerciseReportInput } from './exercise-report.builder';

export const T0 = Date.parse('2026-12-08T02:00:00Z');
export const at = (s: number) => T0 + s * 1000;
const iso = (s: number) => new Date(at(s)).toISOString();

export const OPERATOR = '11111111-1111-4111-8111-111111111111';
export const TRAINER = '22222222-2222-4222-8222-222222222222';
export const EXERCISE_ID = '3f1b9a52-0e55-4a8e-b1c4-9d1d3c1f0a22';
export const PREFIX = 'exercise-3f1b9a52/';
export const FIRE = 'aaaaaaaa-0000-4000-8000-000000000001';
export const CAMERA = 'aaaaaaaa-0000-4000-8000-000000000002';

export const exercise: ExerciseDto = {
  id: EXERCISE_ID,
  recordingId: '7d0c6a43-5d3c-4c59-9d57-1c1e1a0e7a11',
  recordingName: 'Cháy thùng rác & camera',
  from: '2026-10-28T05:00:00.000Z',
  to: '2026-10-28T06:00:00.000Z',
  speed: 60,
  status: 'finished',
  paused: false,
  drillTime: '2026-10-28T06:00:00.000Z',
  run: 0,
  runPrefix: PREFIX,
  keyPrefix: PREFIX,
  startedBy: TRAINER,
  startedByName: 'Trần Huấn Luyện',
  startedAt: iso(0),
  endsAt: null,
  replayedTo: '2026-10-28T06:00:00.000Z',
  signalsApplied: 4,
  endedAt: iso(1000),
  endedBy: null,
  endedByName: null,
  error: null,
};

const fireSop: AttachedSop = {
  id: 'sop-bin-fire',
  version: 1,
  title: { vi: 'Cháy thùng rác', en: 'Bin fire' },
  instruction: { vi: 'Tránh xa', en: 'Keep away' },
  steps: [
    { id: 'confirm', owner: 'operator', dueWithinMin: 3, text: { vi: 'Xác nhận qua camera', en: 'Confirm by camera' } },
    { id: 'call-fire', owner: 'operator', dueWithinMin: 5, text: { vi: 'Báo PCCC (114)', en: 'Call 114' } },
    {
      id: 'field-check',
      owner: 'field-team',
      dueWithinMin: 30,
      text: { vi: 'Kiểm tra hiện trường', en: 'Site check' },
    },
  ],
};

const cameraSop: AttachedSop = {
  id: 'sop-camera-tampered',
  version: 2,
  title: { vi: 'Camera bị can thiệp', en: 'Camera tampered' },
  instruction: { vi: '-', en: '-' },
  steps: [
    { id: 'check', owner: 'operator', dueWithinMin: 5, text: { vi: 'Xem lại hình ảnh', en: 'Review the footage' } },
    { id: 'repair', owner: 'maintenance', dueWithinMin: 60, text: { vi: 'Sửa camera', en: 'Repair the camera' } },
  ],
};

export const fire: IncidentRecord = {
  id: FIRE,
  key: `${PREFIX}bin-fire:ward-p10`,
  type: 'bin-fire',
  ruleId: 'bin-fire',
  zone: { kind: 'ward', id: 'ward-p10' },
  severity: 'major',
  state: 'resolved',
  exercise: true,
  title: { vi: 'Cháy thùng rác, phường 10', en: 'Bin fire, ward 10' },
  openedAt: at(10),
  acknowledgedAt: at(70),
  acknowledgedBy: OPERATOR,
  assignee: OPERATOR,
  assignedAt: at(80),
  resolvedAt: at(500),
  resolvedBy: OPERATOR,
  resolution: 'fire out',
  escalationLevel: 0,
  reopenCount: 0,
  evidence: [],
  evidenceCount: 2,
  absorbs: [],
  sop: fireSop,
  sopDone: [
    { stepId: 'confirm', at: at(100), by: OPERATOR },
    { stepId: 'call-fire', at: at(400), by: OPERATOR },
  ],
  version: 8,
};

export const camera: IncidentRecord = {
  id: CAMERA,
  key: `${PREFIX}camera-tampered:ward-p10`,
  type: 'camera-tampered',
  ruleId: 'camera-tampered',
  zone: { kind: 'ward', id: 'ward-p10' },
  severity: 'moderate',
  state: 'resolved',
  exercise: true,
  title: { vi: 'Camera bị can thiệp', en: 'Camera tampered' },
  openedAt: at(20),
  resolvedAt: at(1000),
  resolvedBy: 'system',
  resolution: EXERCISE_ENDED_REASON,
  escalationLevel: 0,
  reopenCount: 0,
  evidence: [],
  evidenceCount: 1,
  absorbs: [],
  sop: cameraSop,
  sopDone: [],
  version: 2,
};

type Ev = StoredIncidentEvent;
const ev = (seq: number, incidentId: string, s: number, actor: string, rest: Pick<Ev, 'type' | 'data'>): Ev =>
  ({ seq, version: seq, incidentId, at: at(s), actor, ...rest }) as Ev;

export const events: StoredIncidentEvent[] = [
  ev(1, FIRE, 10, 'system', {
    type: 'opened',
    data: {
      key: fire.key,
      incidentType: 'bin-fire',
      ruleId: 'bin-fire',
      zone: fire.zone,
      severity: 'moderate',
      title: fire.title,
      exercise: true,
      evidence: [],
      absorbs: [],
      sop: fireSop,
    },
  }),
  ev(2, CAMERA, 20, 'system', {
    type: 'opened',
    data: {
      key: camera.key,
      incidentType: 'camera-tampered',
      ruleId: 'camera-tampered',
      zone: camera.zone,
      severity: 'moderate',
      title: camera.title,
      exercise: true,
      evidence: [],
      absorbs: [],
      sop: cameraSop,
    },
  }),
  ev(3, FIRE, 30, 'system', { type: 'evidence-added', data: { evidence: [] } }),
  ev(4, FIRE, 30, 'system', { type: 'severity-raised', data: { from: 'moderate', to: 'major' } }),
  ev(5, FIRE, 70, OPERATOR, { type: 'acknowledged', data: {} }),
  ev(6, FIRE, 80, OPERATOR, { type: 'assigned', data: { assignee: OPERATOR } }),
  ev(7, FIRE, 100, OPERATOR, { type: 'sop-step-completed', data: { stepId: 'confirm' } }),
  ev(8, FIRE, 400, OPERATOR, { type: 'sop-step-completed', data: { stepId: 'call-fire', note: 'gọi 114' } }),
  ev(9, FIRE, 500, OPERATOR, { type: 'resolved', data: { reason: 'fire out', auto: false } }),
  ev(10, CAMERA, 1000, 'system', { type: 'resolved', data: { reason: EXERCISE_ENDED_REASON, auto: true } }),
];

/** Major: one level a minute after opening. Moderate: two levels, then two reminders. */
export const policy: EscalationPolicy = {
  channel: 'console',
  severities: {
    major: { levels: [{ afterMs: 60_000, notify: ['supervisor'] }] },
    moderate: {
      levels: [
        { afterMs: 120_000, notify: ['supervisor'] },
        { afterMs: 600_000, notify: ['duty-manager'] },
      ],
      reminders: { everyMs: 120_000, max: 2, notify: ['supervisor'] },
    },
  },
};

/** The camera's first level was recorded (paged by hand, say). */
export const notifications: IncidentNotification[] = [
  {
    id: 'n-1',
    incidentId: CAMERA,
    level: 1,
    kind: 'escalation',
    recipients: ['supervisor'],
    channel: 'console',
    createdAt: at(140),
  },
];

export const people = new Map<string, ReportPersonDto>([
  [OPERATOR, { username: 'operator1', displayName: 'Nguyễn Văn An', role: 'operator' }],
  [TRAINER, { username: 'trainer1', displayName: 'Trần Huấn Luyện', role: 'trainer' }],
]);

export const review: ExerciseReviewDto = {
  exerciseId: EXERCISE_ID,
  wentWell: 'Xác nhận đám cháy nhanh.',
  toImprove: 'Camera bị bỏ quên.',
  updatedBy: TRAINER,
  updatedByName: 'Trần Huấn Luyện',
  updatedAt: iso(1200),
};

export const scoreboard: ExerciseScoreboardDto = {
  exerciseId: EXERCISE_ID,
  rules: { id: 'scoring', version: 1 },
  provisional: false,
  trainees: [{ userId: OPERATOR, displayName: 'Nguyễn Văn An', team: 'ca-1', points: 7 }],
  teams: [{ team: 'ca-1', points: 4, members: [OPERATOR] }],
  lines: [
    {
      criterion: 'acknowledge-time',
      points: 5,
      incidentId: FIRE,
      incidentType: 'bin-fire',
      userId: OPERATOR,
      team: 'ca-1',
      outcome: 'acknowledged-in-time',
      facts: { tookMs: 60_000, deadlineMin: 3 },
      reason: 'acknowledged in 1 min, deadline 3 min',
      source: { kind: 'action', eventSeq: 5, at: iso(70) },
    },
    {
      criterion: 'left-open',
      points: -3,
      incidentId: CAMERA,
      incidentType: 'camera-tampered',
      userId: null,
      team: 'ca-1',
      outcome: 'left-open',
      facts: {},
      reason: 'still active when the exercise ended',
      source: { kind: 'deadline', deadline: iso(1000), at: iso(1000) },
    },
  ],
  computedAt: iso(1100),
};

export const input = (over: Partial<ExerciseReportInput> = {}): ExerciseReportInput => ({
  exercise,
  incidents: [camera, fire],
  events: [...events].reverse(),
  notifications,
  policy,
  scoreboard,
  review,
  people,
  now: at(1300),
  ...over,
});
