import { createHash } from 'node:crypto';
import type {
  ExerciseReportDto,
  ReportIncidentDto,
  ReportLanguage,
  ReportTimelineEntryDto,
  ReportTimelineKind,
  SopStepOutcome,
} from '@ioc/contracts';
import { scoreReason } from '@ioc/contracts';
import { SYSTEM_ACTOR, type Severity, type SopOwnerRole } from '@ioc/domain';
import { EXERCISE_ENDED_REASON, EXERCISE_REWOUND_REASON } from '../exercise.service';

/**
 * The after-action report as one self-contained, printable HTML document: inline CSS, an inline SVG timeline, no
 * script, no external resource. The same page is served to the console (in a sandboxed iframe), printed to PDF by
 * headless Chromium, and localised here (vi, en) from the language-independent JSON. Pure: every text is escaped.
 */

/** The report's stylesheet: constant, so its hash can be allowed by the console's CSP (style-src). */
export const REPORT_CSS = `
*{box-sizing:border-box}
body{margin:0;padding:24px 28px;font-family:"Noto Sans","DejaVu Sans","Segoe UI",Arial,sans-serif;font-size:12px;line-height:1.45;color:#1c2430;background:#fff}
h1{font-size:22px;margin:0 0 4px}
h2{font-size:16px;margin:22px 0 8px;padding-bottom:4px;border-bottom:2px solid #1f4e79;color:#1f4e79}
h3{font-size:13px;margin:14px 0 6px}
.sub{color:#56606e;margin:0}
.badge{display:inline-block;padding:1px 7px;border-radius:9px;font-size:11px;font-weight:600;background:#e8edf3;color:#1c2430}
.exercise-badge{background:#7a3ea1;color:#fff}
table{border-collapse:collapse;width:100%;margin:4px 0 10px}
th,td{border:1px solid #c9d1db;padding:4px 6px;text-align:left;vertical-align:top}
th{background:#eef2f7;font-weight:600}
thead{display:table-header-group}
tr{break-inside:avoid}
.num{text-align:right;font-variant-numeric:tabular-nums}
.mono{font-family:"DejaVu Sans Mono",monospace;font-size:11px}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:3px 14px;margin:0}
dl.facts dt{color:#56606e}
dl.facts dd{margin:0}
.cards{display:flex;flex-wrap:wrap;gap:8px;margin:6px 0}
.card{border:1px solid #c9d1db;border-radius:6px;padding:6px 10px;min-width:118px}
.card b{display:block;font-size:18px}
.card span{color:#56606e;font-size:11px}
.outcome-in-time{background:#dff3e3;color:#1b6b2d}
.outcome-late{background:#fff1cc;color:#7a5600}
.outcome-missed{background:#fde0e0;color:#9b1c1c}
.outcome-not-due{background:#eceff3;color:#56606e}
.points-plus{color:#1b6b2d}
.points-minus{color:#9b1c1c}
.note{white-space:pre-wrap;border-left:3px solid #1f4e79;padding:4px 10px;background:#f6f8fb;margin:4px 0 10px}
.muted{color:#56606e}
.chart{width:100%;height:auto;border:1px solid #c9d1db;border-radius:4px}
.legend{display:flex;flex-wrap:wrap;gap:10px;margin:4px 0 0;color:#56606e;font-size:11px}
.legend svg{vertical-align:middle;margin-right:3px}
.incident-sop{break-inside:avoid}
.page-break{break-before:page}
footer{margin-top:24px;color:#56606e;font-size:10px;border-top:1px solid #c9d1db;padding-top:6px}
@page{size:A4;margin:12mm}
@media print{body{padding:0;font-size:10.5px}h2,h3{break-after:avoid}.chart{border:none}}
section[data-section="review"],section[data-section="summary"],section[data-section="timeline-chart"]{break-inside:avoid}
`;

/** The CSP source that allows the report's one <style> element (and nothing else inline). */
export const REPORT_STYLE_CSP_SOURCE = `'sha256-${createHash('sha256').update(REPORT_CSS).digest('base64')}'`;

/** Content-Security-Policy of the served report page: no script at all, its own style, inline images only. */
export const REPORT_PAGE_CSP = `default-src 'none'; style-src ${REPORT_STYLE_CSP_SOURCE}; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`;

type Dict = typeof VI;

const VI = {
  lang: 'vi',
  title: 'Báo cáo sau diễn tập',
  subtitle: 'Báo cáo sau diễn tập và kế hoạch cải tiến (theo mô hình HSEEP)',
  exerciseBadge: 'DIỄN TẬP',
  generatedAt: 'Lập lúc',
  timesNote: 'Giờ Việt Nam (UTC+7); T+ tính từ lúc bắt đầu buổi diễn tập.',
  scenario: 'Kịch bản và khung thời gian',
  recording: 'Bản ghi',
  window: 'Khoảng thời gian ghi',
  speed: 'Tốc độ',
  speedMax: 'nhanh nhất có thể',
  status: 'Trạng thái',
  statuses: { running: 'Đang chạy', finished: 'Đã xong', stopped: 'Đã dừng', failed: 'Lỗi' },
  runs: 'Số lần chạy',
  startedBy: 'Người bắt đầu',
  startedAt: 'Bắt đầu lúc',
  endedBy: 'Người dừng',
  endedAt: 'Kết thúc lúc',
  endedByItself: 'tự kết thúc khi hết bản ghi',
  duration: 'Thời lượng',
  signals: 'Tín hiệu đã áp dụng',
  error: 'Lỗi',
  exerciseId: 'Mã buổi diễn tập',
  summary: 'Tóm tắt',
  cards: {
    incidents: 'sự cố',
    acknowledged: 'đã xác nhận',
    resolvedByTrainees: 'học viên xử lý xong',
    endedWithExercise: 'còn mở khi kết thúc',
    traineeActions: 'thao tác của học viên',
    meanAck: 'thời gian xác nhận trung bình',
    stepsInTime: 'bước SOP đúng hạn',
    escalations: 'lần leo thang',
  },
  timeline: 'Diễn biến theo thời gian',
  timelineChartNote: 'Mỗi dòng là một sự cố, từ lúc mở đến lúc xử lý xong; các dấu là thao tác của học viên.',
  chartMore: 'và {n} sự cố khác (xem các bảng)',
  legend: {
    incident: 'Sự cố (thanh: mở → xong)',
    action: 'Thao tác của học viên',
    escalation: 'Leo thang đến hạn',
    system: 'Hệ thống xử lý xong',
  },
  timelineTable: 'Nhật ký diễn biến',
  col: {
    t: 'T+',
    time: 'Giờ',
    incident: 'Sự cố',
    what: 'Diễn biến',
    who: 'Người thực hiện',
    detail: 'Chi tiết',
    step: 'Bước',
    owner: 'Phụ trách',
    deadline: 'Hạn',
    doneBy: 'Người làm',
    doneAt: 'Lúc',
    outcome: 'Kết quả',
    level: 'Cấp',
    kind: 'Loại',
    recipients: 'Báo cho',
    due: 'Đến hạn',
    recorded: 'Đã ghi nhận',
    trainee: 'Học viên',
    team: 'Đội',
    points: 'Điểm',
    members: 'Thành viên',
    criterion: 'Tiêu chí',
    reason: 'Lý do',
    opened: 'Mở lúc',
    ack: 'Xác nhận sau',
    resolved: 'Kết thúc',
    zone: 'Khu vực',
  },
  kinds: {
    opened: 'Sự cố mở',
    'severity-raised': 'Mức độ tăng',
    acknowledged: 'Xác nhận',
    assigned: 'Giao việc',
    commented: 'Ghi chú',
    'sop-step-completed': 'Hoàn thành bước SOP',
    escalated: 'Đã leo thang',
    'escalation-due': 'Leo thang đến hạn',
    resolved: 'Xử lý xong',
    reopened: 'Mở lại',
    closed: 'Đóng',
  } satisfies Record<ReportTimelineKind, string>,
  outcomes: {
    'in-time': 'Đúng hạn',
    late: 'Trễ hạn',
    missed: 'Bỏ lỡ',
    'not-due': 'Chưa đến hạn',
  } satisfies Record<SopStepOutcome, string>,
  severities: { minor: 'nhẹ', moderate: 'trung bình', major: 'nghiêm trọng', critical: 'khẩn cấp' } satisfies Record<
    Severity,
    string
  >,
  incidents: 'Các sự cố',
  sop: 'Tuân thủ quy trình (SOP)',
  noSop: 'Không có quy trình kèm theo.',
  noIncidents: 'Buổi diễn tập không có sự cố nào.',
  withinMin: 'trong {n} phút',
  escalations: 'Leo thang',
  escalationsNote:
    'Các cấp leo thang theo chính sách (seeds/escalation.yaml) đã đến hạn khi sự cố chưa được xác nhận. Sự cố diễn tập không báo cho ai: đây là điều sẽ xảy ra nếu là thật.',
  noEscalations: 'Không có lần leo thang nào: mọi sự cố được xác nhận kịp thời.',
  escalationKinds: { escalation: 'leo thang', reminder: 'nhắc lại' },
  roles: {
    operator: 'điều hành viên',
    supervisor: 'giám sát viên',
    'duty-manager': 'trưởng ca',
  } as Record<string, string>,
  owners: {
    operator: 'điều hành viên',
    supervisor: 'giám sát viên',
    'field-team': 'tổ hiện trường',
    'drainage-team': 'tổ thoát nước',
    'waste-team': 'tổ vệ sinh môi trường',
    'traffic-police': 'cảnh sát giao thông',
    maintenance: 'bảo trì',
    'ward-staff': 'cán bộ phường',
  } satisfies Record<SopOwnerRole, string>,
  /** The system's own resolution reasons, said in the language (any other reason is shown as written). */
  reasons: {
    [EXERCISE_ENDED_REASON]: 'buổi diễn tập kết thúc',
    [EXERCISE_REWOUND_REASON]: 'buổi diễn tập được tua lại',
  } as Record<string, string>,
  yes: 'có',
  no: 'không',
  scores: 'Điểm số',
  scoresUnavailable: 'Chưa có điểm số cho buổi diễn tập này.',
  provisional: 'Tạm tính (buổi diễn tập còn chạy)',
  rules: 'Bộ quy tắc chấm điểm',
  trainees: 'Học viên',
  teams: 'Đội',
  lines: 'Chi tiết điểm',
  criteria: {
    'acknowledge-time': 'Thời gian xác nhận',
    'sop-step': 'Bước SOP',
    assignment: 'Giao việc',
    escalation: 'Leo thang do chậm trễ',
    'false-alarm': 'Báo động giả',
    'left-open': 'Sự cố bỏ ngỏ',
  } as Record<string, string>,
  review: 'Nhận xét của huấn luyện viên',
  wentWell: 'Điểm làm tốt',
  toImprove: 'Điểm cần cải thiện',
  reviewMissing: 'Huấn luyện viên chưa viết nhận xét.',
  reviewBy: 'Viết bởi {name}, {time}',
  system: 'Hệ thống',
  endedWithExercise: 'hệ thống đóng khi kết thúc',
  run: 'lần {n}',
  footer: 'Báo cáo do Trung tâm điều hành đô thị thông minh Sóc Trăng lập tự động từ nhật ký buổi diễn tập.',
  durations: { h: 'giờ', m: 'phút', s: 'giây' },
};

const EN: Dict = {
  lang: 'en',
  title: 'After-action report',
  subtitle: 'After-action report and improvement plan (after the HSEEP model)',
  exerciseBadge: 'EXERCISE',
  generatedAt: 'Generated',
  timesNote: 'Vietnam time (UTC+7); T+ counts from the exercise start.',
  scenario: 'Scenario and window',
  recording: 'Recording',
  window: 'Recorded window',
  speed: 'Speed',
  speedMax: 'as fast as possible',
  status: 'Status',
  statuses: { running: 'Running', finished: 'Finished', stopped: 'Stopped', failed: 'Failed' },
  runs: 'Runs',
  startedBy: 'Started by',
  startedAt: 'Started at',
  endedBy: 'Stopped by',
  endedAt: 'Ended at',
  endedByItself: 'ended at the recording’s end',
  duration: 'Duration',
  signals: 'Signals applied',
  error: 'Error',
  exerciseId: 'Exercise id',
  summary: 'Summary',
  cards: {
    incidents: 'incidents',
    acknowledged: 'acknowledged',
    resolvedByTrainees: 'resolved by trainees',
    endedWithExercise: 'still open at the end',
    traineeActions: 'trainee actions',
    meanAck: 'mean time to acknowledge',
    stepsInTime: 'SOP steps in time',
    escalations: 'escalations',
  },
  timeline: 'Timeline',
  timelineChartNote: 'One row per incident, from opening to resolution; the marks are trainee actions.',
  chartMore: 'and {n} more incidents (see the tables)',
  legend: {
    incident: 'Incident (bar: opened → resolved)',
    action: 'Trainee action',
    escalation: 'Escalation due',
    system: 'Resolved by the system',
  },
  timelineTable: 'Log of events',
  col: {
    t: 'T+',
    time: 'Time',
    incident: 'Incident',
    what: 'Event',
    who: 'By',
    detail: 'Detail',
    step: 'Step',
    owner: 'Owner',
    deadline: 'Deadline',
    doneBy: 'Done by',
    doneAt: 'At',
    outcome: 'Outcome',
    level: 'Level',
    kind: 'Kind',
    recipients: 'Notifies',
    due: 'Due',
    recorded: 'Recorded',
    trainee: 'Trainee',
    team: 'Team',
    points: 'Points',
    members: 'Members',
    criterion: 'Criterion',
    reason: 'Reason',
    opened: 'Opened',
    ack: 'Acknowledged after',
    resolved: 'Ended',
    zone: 'Zone',
  },
  kinds: {
    opened: 'Incident opened',
    'severity-raised': 'Severity raised',
    acknowledged: 'Acknowledged',
    assigned: 'Assigned',
    commented: 'Comment',
    'sop-step-completed': 'SOP step completed',
    escalated: 'Escalated',
    'escalation-due': 'Escalation due',
    resolved: 'Resolved',
    reopened: 'Reopened',
    closed: 'Closed',
  },
  outcomes: { 'in-time': 'In time', late: 'Late', missed: 'Missed', 'not-due': 'Not due' },
  severities: { minor: 'minor', moderate: 'moderate', major: 'major', critical: 'critical' },
  incidents: 'Incidents',
  sop: 'SOP compliance',
  noSop: 'No SOP attached.',
  noIncidents: 'The exercise raised no incident.',
  withinMin: 'within {n} min',
  escalations: 'Escalations',
  escalationsNote:
    'The escalation policy’s levels (seeds/escalation.yaml) that came due while an incident was unacknowledged. Exercise incidents page nobody: this is what would have happened live.',
  noEscalations: 'No escalation: every incident was acknowledged in time.',
  escalationKinds: { escalation: 'escalation', reminder: 'reminder' },
  roles: { operator: 'operator', supervisor: 'supervisor', 'duty-manager': 'duty manager' },
  owners: {
    operator: 'operator',
    supervisor: 'supervisor',
    'field-team': 'field team',
    'drainage-team': 'drainage team',
    'waste-team': 'waste team',
    'traffic-police': 'traffic police',
    maintenance: 'maintenance',
    'ward-staff': 'ward staff',
  },
  reasons: {
    [EXERCISE_ENDED_REASON]: 'the exercise ended',
    [EXERCISE_REWOUND_REASON]: 'the exercise was rewound',
  },
  yes: 'yes',
  no: 'no',
  scores: 'Scores',
  scoresUnavailable: 'Scores are not available for this exercise.',
  provisional: 'Provisional (the exercise is still running)',
  rules: 'Scoring rules',
  trainees: 'Trainees',
  teams: 'Teams',
  lines: 'Score lines',
  criteria: {
    'acknowledge-time': 'Time to acknowledge',
    'sop-step': 'SOP step',
    assignment: 'Assignment',
    escalation: 'Escalation caused by delay',
    'false-alarm': 'False alarm',
    'left-open': 'Left open',
  },
  review: 'Trainer’s review',
  wentWell: 'What went well',
  toImprove: 'What to improve',
  reviewMissing: 'The trainer has not written a review yet.',
  reviewBy: 'Written by {name}, {time}',
  system: 'System',
  endedWithExercise: 'closed by the system at the end',
  run: 'run {n}',
  footer: 'Generated by the Sóc Trăng intelligent operations centre from the exercise’s log.',
  durations: { h: 'h', m: 'min', s: 's' },
};

export const REPORT_DICTIONARY: Readonly<Record<ReportLanguage, Dict>> = { vi: VI, en: EN };

/** Escapes text for HTML element content and double- or single-quoted attributes. */
export function escapeHtml(text: string | number): string {
  return String(text)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const fill = (template: string, values: Record<string, string | number>) =>
  template.replace(/\{(\w+)\}/g, (_, k: string) => String(values[k] ?? ''));

/** The city's local time (Vietnam has no daylight saving: UTC+7), `YYYY-MM-DD HH:mm:ss`. */
export function cityTime(isoTime: string): string {
  return new Date(Date.parse(isoTime) + 7 * 3_600_000).toISOString().slice(0, 19).replace('T', ' ');
}

/** An offset from the exercise start as `T+m:ss` or `T+h:mm:ss` (negative offsets, before the start, keep their sign). */
export function offsetLabel(ms: number): string {
  const sign = ms < 0 ? '−' : '+';
  const s = Math.floor(Math.abs(ms) / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h ? `T${sign}${h}:${String(m).padStart(2, '0')}:${ss}` : `T${sign}${m}:${ss}`;
}

/** A duration in words of the language: `1 h 2 min`, `2 min 10 s`, `45 s` (`2 phút 10 giây`). */
export function durationLabel(ms: number, d: Dict): string {
  const s = Math.round(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const parts: string[] = [];
  if (h) parts.push(`${h} ${d.durations.h}`);
  if (m) parts.push(`${m} ${d.durations.m}`);
  if (!h && (s % 60 || !m)) parts.push(`${s % 60} ${d.durations.s}`);
  return parts.join(' ');
}

const SEVERITY_COLOUR: Record<Severity, string> = {
  minor: '#7fa7d6',
  moderate: '#e3b341',
  major: '#e0773a',
  critical: '#c62828',
};
const ACTION_COLOUR = '#1f4e79';
const ESCALATION_COLOUR = '#c62828';
const SYSTEM_COLOUR = '#6b7480';
/** Rows the chart draws at most; the rest are in the tables. */
export const CHART_MAX_ROWS = 40;
const TICK_STEPS_MS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400].map(
  (s) => s * 1000,
);

function tickStep(spanMs: number): number {
  return TICK_STEPS_MS.find((s) => spanMs / s <= 8) ?? TICK_STEPS_MS[TICK_STEPS_MS.length - 1];
}

class Renderer {
  private readonly incidents: ReadonlyMap<string, ReportIncidentDto>;

  constructor(
    private readonly r: ExerciseReportDto,
    private readonly lang: ReportLanguage,
    private readonly d: Dict = REPORT_DICTIONARY[lang],
  ) {
    this.incidents = new Map(r.incidents.map((i) => [i.id, i]));
  }

  private person(id: string | null): string {
    if (id === null) return '';
    return escapeHtml(this.plainPerson(id));
  }

  private incidentName(id: string): string {
    const i = this.incidents.get(id);
    if (!i) return escapeHtml(id.slice(0, 8));
    const run = i.run ? ` (${fill(this.d.run, { n: i.run })})` : '';
    return escapeHtml(i.title[this.lang] + run);
  }

  private time(isoTime: string | null): string {
    return isoTime ? escapeHtml(cityTime(isoTime)) : '';
  }

  private speed(): string {
    const s = this.r.scenario.speed;
    return escapeHtml(s === 'max' ? this.d.speedMax : `×${s}`);
  }

  render(): string {
    const d = this.d;
    const s = this.r.scenario;
    return `<!DOCTYPE html>
<html lang="${d.lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(`${d.title}: ${s.recordingName}`)}</title>
<style>${REPORT_CSS}</style>
</head>
<body>
<header>
<h1>${escapeHtml(d.title)} <span class="badge exercise-badge">${escapeHtml(d.exerciseBadge)}</span></h1>
<p class="sub">${escapeHtml(d.subtitle)}</p>
<p class="sub"><b>${escapeHtml(s.recordingName)}</b> · ${escapeHtml(d.generatedAt)} ${this.time(this.r.generatedAt)} · ${escapeHtml(d.timesNote)}</p>
</header>
${this.scenario()}
${this.summary()}
${this.timelineChart()}
${this.incidentTable()}
${this.review()}
${this.scores()}
${this.escalations()}
${this.sop()}
${this.timelineTable()}
<footer>${escapeHtml(d.footer)} · ${escapeHtml(d.exerciseId)} <span class="mono">${escapeHtml(this.r.exerciseId)}</span> · ${escapeHtml(`${this.r.format} v${this.r.version}`)}</footer>
</body>
</html>
`;
  }

  private scenario(): string {
    const d = this.d;
    const s = this.r.scenario;
    const row = (k: string, v: string) => `<dt>${escapeHtml(k)}</dt><dd>${v}</dd>`;
    return `<section data-section="scenario">
<h2>${escapeHtml(d.scenario)}</h2>
<dl class="facts">
${row(d.recording, escapeHtml(s.recordingName))}
${row(d.window, `${this.time(s.window.from)} → ${this.time(s.window.to)}`)}
${row(d.speed, this.speed())}
${row(d.status, `<span class="badge">${escapeHtml(d.statuses[s.status])}</span>`)}
${row(d.runs, escapeHtml(s.runs))}
${row(d.startedBy, this.person(s.startedBy))}
${row(d.startedAt, this.time(s.startedAt))}
${row(d.endedAt, this.time(s.endedAt))}
${row(d.endedBy, s.endedBy ? this.person(s.endedBy) : escapeHtml(d.endedByItself))}
${row(d.duration, escapeHtml(durationLabel(s.durationMs, d)))}
${row(d.signals, escapeHtml(s.signalsApplied))}
${s.error ? row(d.error, escapeHtml(s.error)) : ''}
</dl>
</section>`;
  }

  private summary(): string {
    const d = this.d;
    const m = this.r.summary;
    const card = (value: string | number, label: string, key: string) =>
      `<div class="card" data-card="${key}"><b>${escapeHtml(value)}</b><span>${escapeHtml(label)}</span></div>`;
    return `<section data-section="summary">
<h2>${escapeHtml(d.summary)}</h2>
<div class="cards">
${card(m.incidents, d.cards.incidents, 'incidents')}
${card(m.acknowledged, d.cards.acknowledged, 'acknowledged')}
${card(m.resolvedByTrainees, d.cards.resolvedByTrainees, 'resolved')}
${card(m.endedWithExercise, d.cards.endedWithExercise, 'ended-with-exercise')}
${card(m.traineeActions, d.cards.traineeActions, 'actions')}
${card(m.meanTimeToAcknowledgeMs === null ? '—' : durationLabel(m.meanTimeToAcknowledgeMs, d), d.cards.meanAck, 'mean-ack')}
${card(`${m.sopSteps['in-time']}/${m.sopSteps.total}`, d.cards.stepsInTime, 'steps')}
${card(m.escalations, d.cards.escalations, 'escalations')}
</div>
</section>`;
  }

  /** The incidents as bars from opening to end, user actions and escalations as marks, on one T+ axis. */
  private timelineChart(): string {
    const d = this.d;
    const rows = this.r.incidents.slice(0, CHART_MAX_ROWS);
    const more = this.r.incidents.length - rows.length;
    const labelW = 230;
    const width = 1000;
    const plotW = width - labelW - 20;
    const rowH = 22;
    const top = 26;
    const height = top + Math.max(1, rows.length) * rowH + 10;
    const span = Math.max(
      1000,
      this.r.scenario.durationMs,
      ...this.r.incidents.map((i) => i.endOffsetMs),
      ...this.r.timeline.map((e) => e.offsetMs),
    );
    const x = (ms: number) => labelW + (Math.min(Math.max(ms, 0), span) / span) * plotW;
    const step = tickStep(span);
    const ticks: string[] = [];
    for (let t = 0; t <= span; t += step)
      ticks.push(
        `<line x1="${x(t).toFixed(1)}" y1="${top - 4}" x2="${x(t).toFixed(1)}" y2="${height - 6}" stroke="#dde3ea" stroke-width="1"/>` +
          `<text x="${x(t).toFixed(1)}" y="${top - 9}" font-size="10" text-anchor="middle" fill="#56606e">${escapeHtml(offsetLabel(t))}</text>`,
      );
    const marks: string[] = [];
    const bars = rows.map((i, n) => {
      const y = top + n * rowH;
      const x0 = x(i.openedOffsetMs);
      const x1 = Math.max(x(i.endOffsetMs), x0 + 2);
      const label = i.title[this.lang] + (i.run ? ` (${fill(d.run, { n: i.run })})` : '');
      const short = label.length > 34 ? `${label.slice(0, 33)}…` : label;
      for (const e of this.r.timeline.filter((t) => t.incidentId === i.id)) {
        const cx = x(e.offsetMs).toFixed(1);
        const cy = y + rowH / 2;
        const tip = `<title>${escapeHtml(`${offsetLabel(e.offsetMs)} ${d.kinds[e.kind]}${e.trainee ? ` · ${this.plainPerson(e.actor)}` : ''}`)}</title>`;
        if (e.kind === 'escalation-due' || e.kind === 'escalated')
          marks.push(
            `<path d="M${cx} ${cy - 7} l6 10 h-12 z" fill="${ESCALATION_COLOUR}" stroke="#fff" stroke-width="1" data-mark="escalation">${tip}</path>`,
          );
        else if (e.trainee)
          marks.push(
            `<circle cx="${cx}" cy="${cy}" r="5" fill="${ACTION_COLOUR}" stroke="#fff" stroke-width="1.5" data-mark="action" data-kind="${e.kind}">${tip}</circle>`,
          );
        else if (e.kind === 'resolved' || e.kind === 'closed')
          marks.push(
            `<rect x="${(Number(cx) - 4).toFixed(1)}" y="${cy - 4}" width="8" height="8" fill="${SYSTEM_COLOUR}" stroke="#fff" stroke-width="1" data-mark="system">${tip}</rect>`,
          );
      }
      return (
        `<text x="${labelW - 8}" y="${y + 15}" font-size="11" text-anchor="end" fill="#1c2430">${escapeHtml(short)}<title>${escapeHtml(label)}</title></text>` +
        `<rect x="${x0.toFixed(1)}" y="${y + 5}" width="${(x1 - x0).toFixed(1)}" height="${rowH - 10}" rx="3" fill="${SEVERITY_COLOUR[i.severity]}" opacity="0.85" data-bar="${escapeHtml(i.id)}"/>`
      );
    });
    const empty = rows.length
      ? ''
      : `<text x="${labelW}" y="${top + 15}" font-size="11" fill="#56606e">${escapeHtml(d.noIncidents)}</text>`;
    const legendMark = (svg: string, label: string) =>
      `<span><svg width="14" height="14" viewBox="0 0 14 14" aria-hidden="true">${svg}</svg>${escapeHtml(label)}</span>`;
    return `<section data-section="timeline-chart">
<h2>${escapeHtml(d.timeline)}</h2>
<p class="muted">${escapeHtml(d.timelineChartNote)}</p>
<svg class="chart" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${escapeHtml(d.timeline)}" xmlns="http://www.w3.org/2000/svg" data-chart="timeline">
${ticks.join('\n')}
${bars.join('\n')}
${marks.join('\n')}
${empty}
</svg>
${more > 0 ? `<p class="muted">${escapeHtml(fill(d.chartMore, { n: more }))}</p>` : ''}
<div class="legend">
${legendMark(`<rect x="1" y="4" width="12" height="6" rx="2" fill="${SEVERITY_COLOUR.major}"/>`, d.legend.incident)}
${legendMark(`<circle cx="7" cy="7" r="5" fill="${ACTION_COLOUR}"/>`, d.legend.action)}
${legendMark(`<path d="M7 1 l6 11 h-12 z" fill="${ESCALATION_COLOUR}"/>`, d.legend.escalation)}
${legendMark(`<rect x="3" y="3" width="8" height="8" fill="${SYSTEM_COLOUR}"/>`, d.legend.system)}
</div>
</section>`;
  }

  /** A user's name; an id the report cannot name as its first 8 characters (a uuid), anything else (a team) as is. */
  private plainPerson(id: string): string {
    if (id === SYSTEM_ACTOR) return this.d.system;
    return this.r.people[id]?.displayName ?? (UUID.test(id) ? id.slice(0, 8) : id);
  }

  private incidentTable(): string {
    const d = this.d;
    if (!this.r.incidents.length)
      return `<section data-section="incidents"><h2>${escapeHtml(d.incidents)}</h2><p class="muted">${escapeHtml(d.noIncidents)}</p></section>`;
    const rows = this.r.incidents.map(
      (i) => `<tr data-incident-id="${escapeHtml(i.id)}">
<td>${this.incidentName(i.id)}<br><span class="muted">${escapeHtml(d.severities[i.severity])}</span></td>
<td>${escapeHtml(i.zone.id)}</td>
<td class="mono">${escapeHtml(offsetLabel(i.openedOffsetMs))}</td>
<td>${i.timeToAcknowledgeMs === null ? '—' : `${escapeHtml(durationLabel(i.timeToAcknowledgeMs, d))} · ${this.person(i.acknowledgedBy)}`}</td>
<td>${i.resolvedAt ? `${escapeHtml(offsetLabel(Date.parse(i.resolvedAt) - Date.parse(this.r.scenario.startedAt)))} · ${i.endedWithExercise ? escapeHtml(d.endedWithExercise) : this.person(i.resolvedBy)}` : '—'}</td>
<td class="num">${escapeHtml(i.actions)}</td>
</tr>`,
    );
    return `<section data-section="incidents">
<h2>${escapeHtml(d.incidents)}</h2>
<table>
<thead><tr><th>${escapeHtml(d.col.incident)}</th><th>${escapeHtml(d.col.zone)}</th><th>${escapeHtml(d.col.opened)}</th><th>${escapeHtml(d.col.ack)}</th><th>${escapeHtml(d.col.resolved)}</th><th>${escapeHtml(d.cards.traineeActions)}</th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody>
</table>
</section>`;
  }

  private sop(): string {
    const d = this.d;
    const blocks = this.r.incidents.map((i) => {
      if (!i.sop) return '';
      const start = Date.parse(this.r.scenario.startedAt);
      const rows = i.sop.steps.map(
        (s) => `<tr data-step-id="${escapeHtml(s.id)}" data-outcome="${s.outcome}">
<td>${escapeHtml(s.text[this.lang])}</td>
<td>${escapeHtml(d.owners[s.owner])}</td>
<td><span class="mono">${escapeHtml(offsetLabel(Date.parse(s.dueAt) - start))}</span><br><span class="muted">${escapeHtml(fill(d.withinMin, { n: s.dueWithinMin }))}</span></td>
<td>${this.person(s.doneBy)}</td>
<td class="mono">${s.doneAt ? escapeHtml(offsetLabel(Date.parse(s.doneAt) - start)) : '—'}</td>
<td><span class="badge outcome-${s.outcome}">${escapeHtml(d.outcomes[s.outcome])}</span></td>
</tr>`,
      );
      return `<div class="incident-sop" data-sop-incident="${escapeHtml(i.id)}">
<h3>${this.incidentName(i.id)} · ${escapeHtml(i.sop.title[this.lang])} <span class="muted">(${escapeHtml(`${i.sop.id} v${i.sop.version}`)})</span></h3>
<table>
<thead><tr><th>${escapeHtml(d.col.step)}</th><th>${escapeHtml(d.col.owner)}</th><th>${escapeHtml(d.col.deadline)}</th><th>${escapeHtml(d.col.doneBy)}</th><th>${escapeHtml(d.col.doneAt)}</th><th>${escapeHtml(d.col.outcome)}</th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody>
</table>
</div>`;
    });
    const any = blocks.some(Boolean);
    return `<section data-section="sop" class="page-break">
<h2>${escapeHtml(d.sop)}</h2>
${any ? blocks.join('\n') : `<p class="muted">${escapeHtml(this.r.incidents.length ? d.noSop : d.noIncidents)}</p>`}
</section>`;
  }

  private escalations(): string {
    const d = this.d;
    const list = this.r.escalations;
    const rows = list.map(
      (e) => `<tr data-escalation-incident="${escapeHtml(e.incidentId)}">
<td>${this.incidentName(e.incidentId)}</td>
<td class="num">${escapeHtml(e.level)}</td>
<td>${escapeHtml(d.escalationKinds[e.kind])}</td>
<td>${escapeHtml(e.recipients.map((r) => d.roles[r] ?? r).join(', '))}</td>
<td class="mono">${escapeHtml(offsetLabel(e.offsetMs))}</td>
<td>${escapeHtml(e.recorded ? d.yes : d.no)}</td>
</tr>`,
    );
    return `<section data-section="escalations">
<h2>${escapeHtml(d.escalations)}</h2>
<p class="muted">${escapeHtml(d.escalationsNote)}</p>
${
  list.length
    ? `<table>
<thead><tr><th>${escapeHtml(d.col.incident)}</th><th>${escapeHtml(d.col.level)}</th><th>${escapeHtml(d.col.kind)}</th><th>${escapeHtml(d.col.recipients)}</th><th>${escapeHtml(d.col.due)}</th><th>${escapeHtml(d.col.recorded)}</th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody>
</table>`
    : `<p>${escapeHtml(d.noEscalations)}</p>`
}
</section>`;
  }

  private points(n: number): string {
    return `<span class="${n >= 0 ? 'points-plus' : 'points-minus'}">${escapeHtml(n > 0 ? `+${n}` : String(n))}</span>`;
  }

  private scores(): string {
    const d = this.d;
    const s = this.r.scores;
    if (!s)
      return `<section data-section="scores"><h2>${escapeHtml(d.scores)}</h2><p class="muted" data-scores="unavailable">${escapeHtml(d.scoresUnavailable)}</p></section>`;
    const trainees = s.trainees
      .map(
        (t) =>
          `<tr><td>${escapeHtml(t.displayName)}</td><td>${escapeHtml(t.team)}</td><td class="num">${this.points(t.points)}</td></tr>`,
      )
      .join('\n');
    const teams = s.teams
      .map(
        (t) =>
          `<tr><td>${escapeHtml(t.team)}</td><td>${escapeHtml(t.members.map((m) => this.plainPerson(m)).join(', '))}</td><td class="num">${this.points(t.points)}</td></tr>`,
      )
      .join('\n');
    const lines = s.lines
      .map(
        (l) =>
          `<tr><td>${this.incidentName(l.incidentId)}</td><td>${escapeHtml(d.criteria[l.criterion] ?? l.criterion)}</td><td>${l.userId ? this.person(l.userId) : escapeHtml(l.team)}</td><td class="num">${this.points(l.points)}</td><td>${escapeHtml(scoreReason(l, this.lang))}</td></tr>`,
      )
      .join('\n');
    return `<section data-section="scores">
<h2>${escapeHtml(d.scores)}</h2>
<p class="muted">${escapeHtml(`${d.rules}: ${s.rules.id} v${s.rules.version}`)}${s.provisional ? ` · ${escapeHtml(d.provisional)}` : ''}</p>
<h3>${escapeHtml(d.trainees)}</h3>
<table><thead><tr><th>${escapeHtml(d.col.trainee)}</th><th>${escapeHtml(d.col.team)}</th><th>${escapeHtml(d.col.points)}</th></tr></thead><tbody>
${trainees}
</tbody></table>
<h3>${escapeHtml(d.teams)}</h3>
<table><thead><tr><th>${escapeHtml(d.col.team)}</th><th>${escapeHtml(d.col.members)}</th><th>${escapeHtml(d.col.points)}</th></tr></thead><tbody>
${teams}
</tbody></table>
<h3>${escapeHtml(d.lines)}</h3>
<table><thead><tr><th>${escapeHtml(d.col.incident)}</th><th>${escapeHtml(d.col.criterion)}</th><th>${escapeHtml(d.col.trainee)}</th><th>${escapeHtml(d.col.points)}</th><th>${escapeHtml(d.col.reason)}</th></tr></thead><tbody>
${lines}
</tbody></table>
</section>`;
  }

  private review(): string {
    const d = this.d;
    const r = this.r.review;
    if (!r)
      return `<section data-section="review"><h2>${escapeHtml(d.review)}</h2><p class="muted" data-review="missing">${escapeHtml(d.reviewMissing)}</p></section>`;
    const name = r.updatedByName ?? this.plainPerson(r.updatedBy);
    return `<section data-section="review">
<h2>${escapeHtml(d.review)}</h2>
<h3>${escapeHtml(d.wentWell)}</h3>
<div class="note" data-review="went-well">${escapeHtml(r.wentWell || '—')}</div>
<h3>${escapeHtml(d.toImprove)}</h3>
<div class="note" data-review="to-improve">${escapeHtml(r.toImprove || '—')}</div>
<p class="muted">${escapeHtml(fill(d.reviewBy, { name, time: cityTime(r.updatedAt) }))}</p>
</section>`;
  }

  private timelineTable(): string {
    const d = this.d;
    const rows = this.r.timeline.map((e) => this.timelineRow(e));
    return `<section data-section="timeline" class="page-break">
<h2>${escapeHtml(d.timelineTable)}</h2>
<table>
<thead><tr><th>${escapeHtml(d.col.t)}</th><th>${escapeHtml(d.col.time)}</th><th>${escapeHtml(d.col.incident)}</th><th>${escapeHtml(d.col.what)}</th><th>${escapeHtml(d.col.who)}</th><th>${escapeHtml(d.col.detail)}</th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody>
</table>
</section>`;
  }

  /** What a timeline entry says beyond its kind, in words of the language. */
  private detailText(e: ReportTimelineEntryDto): string {
    const d = this.d;
    const x = e.detail;
    const str = (v: unknown) => (typeof v === 'string' ? v : '');
    switch (e.kind) {
      case 'opened':
        return d.severities[str(x.severity) as Severity] ?? '';
      case 'severity-raised':
        return `${d.severities[str(x.from) as Severity] ?? ''} → ${d.severities[str(x.to) as Severity] ?? ''}`;
      case 'assigned':
        return this.plainPerson(str(x.assignee));
      case 'sop-step-completed': {
        const step = this.incidents.get(e.incidentId)?.sop?.steps.find((s) => s.id === x.stepId);
        return [step ? step.text[this.lang] : str(x.stepId), str(x.note)].filter(Boolean).join(' · ');
      }
      case 'escalated':
        return `${d.col.level} ${String(x.level)}`;
      case 'escalation-due':
        return `${d.col.level} ${String(x.level)} (${d.escalationKinds[x.kind === 'reminder' ? 'reminder' : 'escalation']}) · ${(Array.isArray(x.recipients) ? x.recipients : []).map((r) => d.roles[r] ?? r).join(', ')}`;
      case 'commented':
        return str(x.text);
      default:
        return d.reasons[str(x.reason)] ?? str(x.reason);
    }
  }

  private timelineRow(e: ReportTimelineEntryDto): string {
    const d = this.d;
    const detail = this.detailText(e);
    return `<tr data-kind="${e.kind}"${e.trainee ? ' data-trainee="true"' : ''}>
<td class="mono">${escapeHtml(offsetLabel(e.offsetMs))}</td>
<td class="mono">${this.time(e.at)}</td>
<td>${this.incidentName(e.incidentId)}</td>
<td>${escapeHtml(d.kinds[e.kind])}</td>
<td>${this.person(e.actor)}</td>
<td>${escapeHtml(detail)}</td>
</tr>`;
  }
}

/** The report as a self-contained HTML document in `lang` (no script; one <style>, allowed by REPORT_STYLE_CSP_SOURCE). */
export function renderReportHtml(report: ExerciseReportDto, lang: ReportLanguage): string {
  return new Renderer(report, lang).render();
}
