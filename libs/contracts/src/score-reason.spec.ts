import { formatScoreDuration, SCORE_OUTCOMES, scoreReason, type ScoreFacts, type ScoreOutcome } from './score-reason';

/** Every outcome with the facts the scorer gives it, and what it says in each language. */
const SAID: Record<ScoreOutcome, { facts: ScoreFacts; en: string; vi: string }> = {
  'acknowledged-in-time': {
    facts: { tookMs: 7_000, deadlineMin: 3 },
    en: 'acknowledged in 7 s, deadline 3 min',
    vi: 'xác nhận sau 7 giây, hạn 3 phút',
  },
  'acknowledged-late': {
    facts: { tookMs: 250_000, deadlineMin: 3 },
    en: 'acknowledged in 4 min 10 s, deadline 3 min (late)',
    vi: 'xác nhận sau 4 phút 10 giây, hạn 3 phút (trễ)',
  },
  'not-acknowledged': {
    facts: { deadlineMin: 3 },
    en: 'not acknowledged by the deadline of 3 min',
    vi: 'chưa xác nhận khi hết hạn 3 phút',
  },
  'step-in-time': {
    facts: { stepId: 'confirm', tookMs: 120_000, deadlineMin: 3 },
    en: 'step "confirm" done in 2 min, deadline 3 min',
    vi: 'bước “confirm” hoàn thành sau 2 phút, hạn 3 phút',
  },
  'step-late': {
    facts: { stepId: 'confirm', tookMs: 187_000, deadlineMin: 3 },
    en: 'step "confirm" done in 3 min 7 s, deadline 3 min (late)',
    vi: 'bước “confirm” hoàn thành sau 3 phút 7 giây, hạn 3 phút (trễ)',
  },
  'step-missed': {
    facts: { stepId: 'call-fire', deadlineMin: 5 },
    en: 'step "call-fire" not done by its deadline of 5 min',
    vi: 'bước “call-fire” chưa hoàn thành khi hết hạn 5 phút',
  },
  'assigned-as-expected': {
    facts: { assignee: 'doi-pccc-p10', expected: 'doi-pccc-p10' },
    en: 'assigned to doi-pccc-p10, as expected',
    vi: 'giao cho doi-pccc-p10, đúng đơn vị',
  },
  'assigned-otherwise': {
    facts: { assignee: 'field-team', expected: 'drainage-team' },
    en: 'assigned to field-team, expected drainage-team',
    vi: 'giao cho field-team, lẽ ra phải giao cho drainage-team',
  },
  'escalation-due': {
    facts: { level: 1, recipients: ['supervisor'], tookMs: 900_000 },
    en: 'escalation level 1 (supervisor) due 15 min after opening, before anyone answered it',
    vi: 'cấp leo thang 1 (supervisor) đến hạn 15 phút sau khi mở, chưa ai xử lý',
  },
  'reminder-due': {
    facts: { level: 3, recipients: ['supervisor', 'director'], tookMs: 1_500_000 },
    en: 'reminder level 3 (supervisor, director) due 25 min after opening, before anyone answered it',
    vi: 'nhắc lại cấp 3 (supervisor, director) đến hạn 25 phút sau khi mở, chưa ai xử lý',
  },
  'false-alarm-recognised': {
    facts: {},
    en: 'false alarm resolved as a false alarm',
    vi: 'báo động giả được xử lý đúng lý do',
  },
  'false-alarm-other-reason': {
    facts: { note: 'đã dập lửa' },
    en: 'false alarm resolved with another reason: "đã dập lửa"',
    vi: 'báo động giả nhưng được xử lý xong với lý do khác: “đã dập lửa”',
  },
  'real-incident-dismissed': {
    facts: {},
    en: 'a real incident resolved as a false alarm',
    vi: 'sự cố thật bị kết luận là báo động giả',
  },
  'left-open': {
    facts: {},
    en: 'still active when the exercise ended',
    vi: 'sự cố còn mở khi buổi diễn tập kết thúc',
  },
};

describe('scoreReason', () => {
  it.each(SCORE_OUTCOMES)('says %s in English and Vietnamese', (outcome) => {
    const { facts, en, vi } = SAID[outcome];
    expect(scoreReason({ outcome, facts }, 'en')).toBe(en);
    expect(scoreReason({ outcome, facts }, 'vi')).toBe(vi);
  });

  it('writes a figure the line lacks as "?" rather than "undefined"', () => {
    expect(scoreReason({ outcome: 'step-late', facts: {} }, 'vi')).toBe('bước “?” hoàn thành sau ?, hạn ? phút (trễ)');
    expect(scoreReason({ outcome: 'escalation-due', facts: { level: 2 } }, 'en')).toBe(
      'escalation level 2 (?) due ? after opening, before anyone answered it',
    );
  });
});

describe('formatScoreDuration', () => {
  it('says minutes and seconds in each language, never below zero', () => {
    const cases = [45_000, 180_000, 130_400, 3_725_000, -5_000];
    expect(cases.map((ms) => formatScoreDuration(ms, 'en'))).toEqual([
      '45 s',
      '3 min',
      '2 min 10 s',
      '62 min 5 s',
      '0 s',
    ]);
    expect(cases.map((ms) => formatScoreDuration(ms, 'vi'))).toEqual([
      '45 giây',
      '3 phút',
      '2 phút 10 giây',
      '62 phút 5 giây',
      '0 giây',
    ]);
  });
});
