/**
 * What made a line of an exercise's score, said in Vietnamese or English (issue 19). The scorer gives every line an
 * `outcome` and the figures of it (`facts`); this one formatter turns them into the sentence, for the server's English
 * `reason`, the after-action report's page and the console's scoreboard alike, so they never say different things.
 * Pure and zod-free: the console imports it too.
 */
import type { ReportLanguage } from './exercise-report-limits';

/** What happened, for each criterion of the scoring rules (in their order). */
export const SCORE_OUTCOMES = [
  'acknowledged-in-time',
  'acknowledged-late',
  'not-acknowledged',
  'step-in-time',
  'step-late',
  'step-missed',
  'assigned-as-expected',
  'assigned-otherwise',
  'escalation-due',
  'reminder-due',
  'false-alarm-recognised',
  'false-alarm-other-reason',
  'real-incident-dismissed',
  'left-open',
] as const;
export type ScoreOutcome = (typeof SCORE_OUTCOMES)[number];

/** The figures a line's sentence needs; each outcome uses some of them (see `scoreReason`). */
export interface ScoreFacts {
  /** From the incident's opening to the action (acknowledged, step done) or to the escalation's due time, ms. */
  readonly tookMs?: number;
  /** The deadline, minutes after the incident's opening. */
  readonly deadlineMin?: number;
  /** The SOP step's id. */
  readonly stepId?: string;
  /** Whom the incident was assigned to. */
  readonly assignee?: string;
  /** Whom the scoring rules expected it to be assigned to. */
  readonly expected?: string;
  /** The escalation (or reminder) level. */
  readonly level?: number;
  /** The escalation level's recipients (roles). */
  readonly recipients?: readonly string[];
  /** The trainee's own words: the resolution note of a false alarm resolved with another reason. */
  readonly note?: string;
}

/** "2 min 10 s", "45 s", "3 min" ("2 phút 10 giây", "45 giây", "3 phút"): minutes and seconds, never hours. */
export function formatScoreDuration(ms: number, lang: ReportLanguage): string {
  const [m, s] = lang === 'vi' ? ['phút', 'giây'] : ['min', 's'];
  const total = Math.max(0, Math.round(ms / 1000));
  const min = Math.floor(total / 60);
  const sec = total % 60;
  if (min === 0) return `${sec} ${s}`;
  return sec === 0 ? `${min} ${m}` : `${min} ${m} ${sec} ${s}`;
}

/** The facts as they are written in a sentence; a figure the line lacks is written "?". */
type Said = { readonly [K in Exclude<keyof ScoreFacts, 'tookMs'>]-?: string } & { readonly took: string };
type Template = (f: Said) => string;

const EN: Record<ScoreOutcome, Template> = {
  'acknowledged-in-time': (f) => `acknowledged in ${f.took}, deadline ${f.deadlineMin} min`,
  'acknowledged-late': (f) => `acknowledged in ${f.took}, deadline ${f.deadlineMin} min (late)`,
  'not-acknowledged': (f) => `not acknowledged by the deadline of ${f.deadlineMin} min`,
  'step-in-time': (f) => `step "${f.stepId}" done in ${f.took}, deadline ${f.deadlineMin} min`,
  'step-late': (f) => `step "${f.stepId}" done in ${f.took}, deadline ${f.deadlineMin} min (late)`,
  'step-missed': (f) => `step "${f.stepId}" not done by its deadline of ${f.deadlineMin} min`,
  'assigned-as-expected': (f) => `assigned to ${f.assignee}, as expected`,
  'assigned-otherwise': (f) => `assigned to ${f.assignee}, expected ${f.expected}`,
  'escalation-due': (f) =>
    `escalation level ${f.level} (${f.recipients}) due ${f.took} after opening, before anyone answered it`,
  'reminder-due': (f) =>
    `reminder level ${f.level} (${f.recipients}) due ${f.took} after opening, before anyone answered it`,
  'false-alarm-recognised': () => 'false alarm resolved as a false alarm',
  'false-alarm-other-reason': (f) => `false alarm resolved with another reason: "${f.note}"`,
  'real-incident-dismissed': () => 'a real incident resolved as a false alarm',
  'left-open': () => 'still active when the exercise ended',
};

const VI: Record<ScoreOutcome, Template> = {
  'acknowledged-in-time': (f) => `xác nhận sau ${f.took}, hạn ${f.deadlineMin} phút`,
  'acknowledged-late': (f) => `xác nhận sau ${f.took}, hạn ${f.deadlineMin} phút (trễ)`,
  'not-acknowledged': (f) => `chưa xác nhận khi hết hạn ${f.deadlineMin} phút`,
  'step-in-time': (f) => `bước “${f.stepId}” hoàn thành sau ${f.took}, hạn ${f.deadlineMin} phút`,
  'step-late': (f) => `bước “${f.stepId}” hoàn thành sau ${f.took}, hạn ${f.deadlineMin} phút (trễ)`,
  'step-missed': (f) => `bước “${f.stepId}” chưa hoàn thành khi hết hạn ${f.deadlineMin} phút`,
  'assigned-as-expected': (f) => `giao cho ${f.assignee}, đúng đơn vị`,
  'assigned-otherwise': (f) => `giao cho ${f.assignee}, lẽ ra phải giao cho ${f.expected}`,
  'escalation-due': (f) => `cấp leo thang ${f.level} (${f.recipients}) đến hạn ${f.took} sau khi mở, chưa ai xử lý`,
  'reminder-due': (f) => `nhắc lại cấp ${f.level} (${f.recipients}) đến hạn ${f.took} sau khi mở, chưa ai xử lý`,
  'false-alarm-recognised': () => 'báo động giả được xử lý đúng lý do',
  'false-alarm-other-reason': (f) => `báo động giả nhưng được xử lý xong với lý do khác: “${f.note}”`,
  'real-incident-dismissed': () => 'sự cố thật bị kết luận là báo động giả',
  'left-open': () => 'sự cố còn mở khi buổi diễn tập kết thúc',
};

const TEMPLATES: Record<ReportLanguage, Record<ScoreOutcome, Template>> = { vi: VI, en: EN };

/** The sentence of a score line in the language, with its figures (e.g. "xác nhận sau 7 giây, hạn 3 phút"). */
export function scoreReason(
  line: { readonly outcome: ScoreOutcome; readonly facts: ScoreFacts },
  lang: ReportLanguage,
): string {
  const f = line.facts;
  const said = (v: string | number | undefined) => (v === undefined ? '?' : String(v));
  return TEMPLATES[lang][line.outcome]({
    took: f.tookMs === undefined ? '?' : formatScoreDuration(f.tookMs, lang),
    deadlineMin: said(f.deadlineMin),
    stepId: said(f.stepId),
    assignee: said(f.assignee),
    expected: said(f.expected),
    level: said(f.level),
    recipients: f.recipients ? f.recipients.join(', ') : '?',
    note: f.note ?? '',
  });
}
