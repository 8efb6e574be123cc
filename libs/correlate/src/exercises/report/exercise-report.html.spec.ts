import { createHash } from 'node:crypto';
import { scoreReason } from '@ioc/contracts';
import { buildExerciseReport } from './exercise-report.builder';
import { input, OPERATOR, review } from './exercise-report.fixture';
import {
  cityTime,
  durationLabel,
  escapeHtml,
  offsetLabel,
  REPORT_CSS,
  REPORT_DICTIONARY,
  REPORT_PAGE_CSP,
  REPORT_STYLE_CSP_SOURCE,
  renderReportHtml,
} from './exercise-report.html';

const report = buildExerciseReport(input());
const vi = renderReportHtml(report, 'vi');
const en = renderReportHtml(report, 'en');
const count = (html: string, re: RegExp) => (html.match(re) ?? []).length;

describe('renderReportHtml', () => {
  it('is one self-contained document: no script, no external resource, one hashed <style>, no inline style attribute', () => {
    for (const html of [vi, en]) {
      expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
      expect(html).not.toMatch(/<script/i);
      expect(html).not.toMatch(/\son[a-z]+=/i);
      expect(html).not.toMatch(/\sstyle=/i);
      expect(html).not.toMatch(/(src|href)=/i);
      expect(count(html, /<style>/g)).toBe(1);
      expect(html).toContain(`<style>${REPORT_CSS}</style>`);
    }
    const hash = createHash('sha256').update(REPORT_CSS).digest('base64');
    expect(REPORT_STYLE_CSP_SOURCE).toBe(`'sha256-${hash}'`);
    expect(REPORT_PAGE_CSP).toContain(`style-src ${REPORT_STYLE_CSP_SOURCE}`);
    expect(REPORT_PAGE_CSP).toContain("default-src 'none'");
    expect(REPORT_CSS).toContain('@page{size:A4');
  });

  it('speaks Vietnamese and English from its dictionary, with the SOP and incident texts of each language', () => {
    expect(vi).toContain('<html lang="vi">');
    expect(vi).toContain('Báo cáo sau diễn tập');
    expect(vi).toContain('Tuân thủ quy trình (SOP)');
    expect(vi).toContain('Cháy thùng rác, phường 10');
    expect(vi).toContain('Xác nhận qua camera');
    expect(vi).toContain('Trễ hạn');
    expect(vi).toContain('Bỏ lỡ');
    expect(en).toContain('<html lang="en">');
    expect(en).toContain('After-action report');
    expect(en).toContain('SOP compliance');
    expect(en).toContain('Bin fire, ward 10');
    expect(en).toContain('Confirm by camera');
    expect(en).not.toContain('Báo cáo sau diễn tập');
    // Every language names the same keys.
    const keys = (o: object): string[] =>
      Object.entries(o).flatMap(([k, v]) => (v && typeof v === 'object' ? keys(v).map((x) => `${k}.${x}`) : [k]));
    expect(keys(REPORT_DICTIONARY.en).sort()).toEqual(keys(REPORT_DICTIONARY.vi).sort());
  });

  it('draws the timeline: a bar per incident, a mark per user action, a triangle per escalation due', () => {
    const chart = /<svg class="chart"[\s\S]*?<\/svg>/.exec(en)?.[0] ?? '';
    expect(count(chart, /data-bar=/g)).toBe(2);
    expect(count(chart, /data-mark="action"/g)).toBe(report.timeline.filter((e) => e.trainee).length);
    expect(count(chart, /data-mark="action"/g)).toBe(5);
    expect(count(chart, /data-mark="escalation"/g)).toBe(4);
    expect(count(chart, /data-mark="system"/g)).toBe(1);
    // The axis starts at T+0:00 and reaches the end (1000 s: a tick every 5 min, the last at 15 min).
    expect(chart).toContain('>T+0:00<');
    expect(chart).toContain('>T+15:00<');
    expect(chart).not.toContain('>T+20:00<');
  });

  it('says the score lines in the language of the page: no English reason on the Vietnamese page', () => {
    const lines = report.scores!.lines;
    expect(lines.length).toBeGreaterThan(0);
    const scores = (html: string) => /<section data-section="scores">[\s\S]*?<\/section>/.exec(html)?.[0] ?? '';
    for (const l of lines) {
      expect(scores(vi)).not.toContain(escapeHtml(l.reason));
      expect(scores(vi)).toContain(escapeHtml(scoreReason(l, 'vi')));
      expect(scores(en)).toContain(escapeHtml(l.reason));
    }
    expect(scores(vi)).toContain('xác nhận sau 1 phút, hạn 3 phút');
    expect(scores(vi)).toContain('sự cố còn mở khi buổi diễn tập kết thúc');
  });

  it('has the tables: SOP steps with outcomes, escalations, scores, the log, the review', () => {
    expect(count(en, /data-step-id=/g)).toBe(5);
    expect(en).toMatch(/data-step-id="call-fire" data-outcome="late"/);
    expect(count(en, /data-escalation-incident=/g)).toBe(4);
    expect(count(en, /<tr data-kind=/g)).toBe(report.timeline.length);
    expect(en).toContain('acknowledged in 1 min, deadline 3 min');
    expect(en).toContain('Nguyễn Văn An');
    expect(en).toContain('<div class="note" data-review="went-well">Xác nhận đám cháy nhanh.</div>');
    expect(en).toContain('scoring v1');
  });

  it('says what each event of the log was, in the language: step texts, severities, recipients, an assignee team', () => {
    const row = (html: string, kind: string, n = 0) =>
      [...html.matchAll(new RegExp(`<tr data-kind="${kind}"[\\s\\S]*?</tr>`, 'g'))][n]?.[0] ?? '';
    expect(row(en, 'sop-step-completed', 1)).toContain('<td>Call 114 · gọi 114</td>');
    expect(row(vi, 'sop-step-completed', 1)).toContain('<td>Báo PCCC (114) · gọi 114</td>');
    expect(row(en, 'severity-raised')).toContain('<td>moderate → major</td>');
    expect(row(vi, 'severity-raised')).toContain('<td>trung bình → nghiêm trọng</td>');
    expect(row(en, 'escalation-due', 1)).toContain('<td>Level 2 (escalation) · duty manager</td>');
    expect(row(en, 'assigned')).toContain('<td>Nguyễn Văn An</td>');
    expect(row(en, 'resolved', 1)).toContain('<td>System</td>\n<td>the exercise ended</td>');
    expect(row(vi, 'resolved', 1)).toContain('<td>Hệ thống</td>\n<td>buổi diễn tập kết thúc</td>');
    expect(row(vi, 'resolved', 0)).toContain('<td>fire out</td>');
    const team = buildExerciseReport(
      input({
        events: input().events.map((e) => (e.type === 'assigned' ? { ...e, data: { assignee: 'doi-pccc-p10' } } : e)),
      }),
    );
    expect(row(renderReportHtml(team, 'en'), 'assigned')).toContain('<td>doi-pccc-p10</td>');
  });

  it('says when scores or the review are missing', () => {
    const bare = buildExerciseReport(input({ scoreboard: null, review: null }));
    expect(renderReportHtml(bare, 'vi')).toContain('Chưa có điểm số cho buổi diễn tập này.');
    expect(renderReportHtml(bare, 'en')).toContain('Scores are not available for this exercise.');
    expect(renderReportHtml(bare, 'en')).toContain('data-review="missing"');
  });

  it('escapes every text it did not write: names, notes, reasons, recording name', () => {
    const evil = '<img src=x onerror="alert(1)">&\'';
    const hostile = buildExerciseReport(
      input({
        exercise: { ...input().exercise, recordingName: evil, error: evil },
        review: { ...review, wentWell: evil, toImprove: `</div><script>alert(2)</script>` },
        people: new Map([[OPERATOR, { username: 'x', displayName: evil, role: 'operator' }]]),
      }),
    );
    for (const lang of ['vi', 'en'] as const) {
      const html = renderReportHtml(hostile, lang);
      expect(html).not.toContain('<img');
      expect(html).not.toMatch(/<script/i);
      expect(html).toContain('&lt;img src=x onerror=&quot;alert(1)&quot;&gt;&amp;&#39;');
      expect(html).toContain('&lt;/div&gt;&lt;script&gt;alert(2)&lt;/script&gt;');
    }
  });
});

describe('report formatting', () => {
  it('escapes the five HTML characters', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });

  it('shows city time (UTC+7), offsets and durations', () => {
    expect(cityTime('2026-12-08T02:00:00.000Z')).toBe('2026-12-08 09:00:00');
    expect(offsetLabel(0)).toBe('T+0:00');
    expect(offsetLabel(75_000)).toBe('T+1:15');
    expect(offsetLabel(3_725_000)).toBe('T+1:02:05');
    expect(offsetLabel(-5_000)).toBe('T−0:05');
    expect(durationLabel(130_000, REPORT_DICTIONARY.en)).toBe('2 min 10 s');
    expect(durationLabel(130_000, REPORT_DICTIONARY.vi)).toBe('2 phút 10 giây');
    expect(durationLabel(3_720_000, REPORT_DICTIONARY.en)).toBe('1 h 2 min');
    expect(durationLabel(120_000, REPORT_DICTIONARY.en)).toBe('2 min');
    expect(durationLabel(0, REPORT_DICTIONARY.en)).toBe('0 s');
  });
});
