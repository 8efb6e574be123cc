import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import {
  deviceTopic,
  type ExerciseDto,
  type ExerciseReportDto,
  type ExerciseReviewDto,
  type RecordingDto,
} from '@ioc/contracts';
import type { IncidentRecord, StoredIncidentEvent } from '@ioc/domain';
import { apiClient, pollUntil, projectRoot, startServer, type ApiClient } from '@ioc/testing';
import { screenshot, startConsoleHarness, type ConsoleHarness } from './support/browser';

jest.setTimeout(180_000);

/** The PDFs (and, with poppler-utils, their pages as PNG) go with the test output: test-output/reports/. */
const REPORT_DIR = path.join(projectRoot(), 'test-output', 'reports');

/** Pages of a PDF: its page objects (`/Type /Page`, not `/Pages`). */
const pdfPages = (pdf: Buffer) => (pdf.toString('latin1').match(/\/Type\s*\/Page(?!s)/g) ?? []).length;

/**
 * The after-action report (issue 19), whole system: a short exercise in which an operator works an incident (speed 1,
 * then "max" to its end), the trainer's review, and the report as JSON (matching the exercise's log), as its page in
 * both languages, as a PDF printed by Chromium, and in the console (a browser, screenshots).
 */
describe('exercise after-action report end to end', () => {
  let ui: ConsoleHarness;
  let trainer: ApiClient;
  let operator: ApiClient;
  let operatorId: string;
  let exercise: ExerciseDto;
  const base = Date.now() - 90_000;
  const iso = (offsetMs: number) => new Date(base + offsetMs).toISOString();
  const raw = async (client: ApiClient, method: string, url: string, body?: unknown) =>
    fetch(`${ui.server.baseUrl}${url}`, {
      method,
      headers: {
        authorization: `Bearer ${client.token}`,
        ...(body !== undefined && { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  beforeAll(async () => {
    ui = await startConsoleHarness('exercise-report');
    // A bin catches fire 1 s in and burns hotter 6 s in; a camera is tampered with 11 s in.
    const readings: Array<[string, string, Record<string, unknown>]> = [
      [
        deviceTopic('bin-fill', 'bin-p10-0041'),
        'r-fire-1',
        { ts: iso(1_000), fillPct: 50, temperatureC: 95, tiltDeg: 1 },
      ],
      [
        deviceTopic('bin-fill', 'bin-p10-0041'),
        'r-fire-2',
        { ts: iso(6_000), fillPct: 50, temperatureC: 135, tiltDeg: 1 },
      ],
      [
        deviceTopic('camera-health', 'cam-thd-005'),
        'r-tamper-1',
        { ts: iso(11_000), online: true, tampered: true, fps: 25 },
      ],
    ];
    for (const [topic, msgId, body] of readings)
      await ui.publisher.publishAsync(topic, JSON.stringify({ msgId, ...body }), { qos: 1 });
    await pollUntil(
      () => ui.stack.stored(),
      (n) => n >= 3,
      { timeoutMs: 15_000 },
    );
    trainer = await apiClient(ui.server.baseUrl, 'trainer1');
    operator = await apiClient(ui.server.baseUrl, 'operator1');
    operatorId = (await operator.get<{ userId: string }>('/api/v1/auth/me')).body.userId;
    const rec = await trainer.post<RecordingDto>('/api/v1/recordings', {
      name: 'Cháy thùng rác & camera',
      from: iso(0),
      to: iso(17_000),
    });
    expect(rec.status).toBe(201);
    const started = await trainer.post<ExerciseDto>('/api/v1/exercises', { recordingId: rec.body.id, speed: 1 });
    expect(started.status).toBe(201);
    exercise = started.body;
  });

  afterAll(async () => {
    if (ui) expect(await ui.close()).toBe(0);
  });

  const incidentsOfExercise = async () =>
    (
      await trainer.get<{ items: IncidentRecord[] }>(
        '/api/v1/incidents?exercise=true&limit=100&state=open,acknowledged,assigned,resolved,closed',
      )
    ).body.items.filter((i) => i.key.startsWith(exercise.keyPrefix));

  it('refuses the report and the review while the exercise runs; an operator works an incident', async () => {
    const fire = await pollUntil(
      async () => (await incidentsOfExercise()).find((i) => i.type === 'bin-fire'),
      (i) => !!i,
      { timeoutMs: 30_000, everyMs: 200, context: () => ui.server.logs().slice(-3000) },
    );
    expect(await trainer.get(`/api/v1/exercises/${exercise.id}/report`)).toMatchObject({
      status: 409,
      body: { code: 'EXERCISE_NOT_ENDED' },
    });
    const early = await raw(trainer, 'PUT', `/api/v1/exercises/${exercise.id}/review`, {
      wentWell: 'x',
      toImprove: 'y',
    });
    expect(early.status).toBe(409);
    expect(((await early.json()) as { code: string }).code).toBe('EXERCISE_NOT_ENDED');

    const id = fire!.id;
    expect((await operator.post(`/api/v1/incidents/${id}/acknowledge`)).status).toBe(200);
    expect((await operator.post(`/api/v1/incidents/${id}/assign`, { assignee: 'doi-pccc-p10' })).status).toBe(200);
    expect(
      (await operator.post(`/api/v1/incidents/${id}/sop-steps/confirm/complete`, { note: 'camera thấy khói' })).status,
    ).toBe(200);
    expect(
      (await operator.post(`/api/v1/incidents/${id}/comment`, { text: 'Đã báo đội PCCC <phường 10>' })).status,
    ).toBe(200);

    // To its end, as fast as the machine goes.
    expect((await trainer.post(`/api/v1/exercises/${exercise.id}/speed`, { speed: 'max' })).status).toBe(200);
    exercise = await pollUntil(
      async () => (await trainer.get<ExerciseDto>(`/api/v1/exercises/${exercise.id}`)).body,
      (e) => e.status === 'finished',
      { timeoutMs: 30_000, everyMs: 100, context: () => ui.server.logs().slice(-3000) },
    );
  });

  it('keeps the trainer’s review, for trainers and supervisors only, within its limits', async () => {
    const url = `/api/v1/exercises/${exercise.id}/review`;
    const body = { wentWell: 'Xác nhận đám cháy trong 1 phút.', toImprove: 'Camera bị can thiệp không ai xử lý.' };
    expect((await raw(operator, 'PUT', url, body)).status).toBe(403);
    expect((await raw(trainer, 'PUT', url, { wentWell: 'x'.repeat(4001), toImprove: '' })).status).toBe(400);
    expect((await raw(trainer, 'PUT', url, { wentWell: 'x' })).status).toBe(400);
    expect(
      (await raw(trainer, 'PUT', '/api/v1/exercises/00000000-0000-4000-8000-000000000000/review', body)).status,
    ).toBe(404);
    const saved = await raw(trainer, 'PUT', url, body);
    expect(saved.status).toBe(200);
    expect((await saved.json()) as ExerciseReviewDto).toMatchObject({
      exerciseId: exercise.id,
      ...body,
      updatedByName: expect.any(String),
    });
  });

  it('gives the report as JSON, matching the exercise’s log', async () => {
    expect((await operator.get(`/api/v1/exercises/${exercise.id}/report`)).status).toBe(403);
    const res = await trainer.get<ExerciseReportDto>(`/api/v1/exercises/${exercise.id}/report`);
    expect(res.status).toBe(200);
    const report = res.body;
    const incidents = await incidentsOfExercise();
    expect(report.incidents.map((i) => i.id).sort()).toEqual(incidents.map((i) => i.id).sort());
    expect(report.incidents.map((i) => i.type).sort()).toEqual(['bin-fire', 'camera-tampered']);
    expect(report.scenario).toMatchObject({
      recordingName: 'Cháy thùng rác & camera',
      status: 'finished',
      speed: 'max',
      runs: 1,
      signalsApplied: exercise.signalsApplied,
      startedAt: exercise.startedAt,
      endedAt: exercise.endedAt,
    });
    // Every event of the log but evidence is on the timeline, with its seq.
    for (const i of incidents) {
      const log = (await trainer.get<{ timeline: StoredIncidentEvent[] }>(`/api/v1/incidents/${i.id}`)).body.timeline;
      expect(
        report.timeline
          .filter((e) => e.incidentId === i.id && e.seq !== null)
          .map((e) => e.seq)
          .sort((a, b) => a! - b!),
      ).toEqual(
        log
          .filter((e) => e.type !== 'evidence-added')
          .map((e) => e.seq)
          .sort((a, b) => a - b),
      );
    }
    const actions = report.timeline.filter((e) => e.trainee);
    expect(actions.map((e) => [e.kind, e.actor])).toEqual([
      ['acknowledged', operatorId],
      ['assigned', operatorId],
      ['sop-step-completed', operatorId],
      ['commented', operatorId],
    ]);
    expect(actions[1].detail).toEqual({ assignee: 'doi-pccc-p10' });
    const fire = report.incidents.find((i) => i.type === 'bin-fire')!;
    expect(fire).toMatchObject({
      acknowledgedBy: operatorId,
      assignee: 'doi-pccc-p10',
      actions: 4,
      endedWithExercise: true,
    });
    expect(fire.sop?.steps.find((s) => s.id === 'confirm')).toMatchObject({ doneBy: operatorId, outcome: 'in-time' });
    expect(report.summary).toMatchObject({
      incidents: 2,
      acknowledged: 1,
      resolvedByTrainees: 0,
      endedWithExercise: 2,
      traineeActions: 4,
    });
    expect(report.people[operatorId]).toMatchObject({ username: 'operator1', role: 'operator' });
    expect(report.review).toMatchObject({ wentWell: 'Xác nhận đám cháy trong 1 phút.' });
    expect(report.scores).toBeNull();
  });

  it('serves the page in both languages, script-free under its own CSP', async () => {
    for (const [lang, title] of [
      ['vi', 'Báo cáo sau diễn tập'],
      ['en', 'After-action report'],
    ] as const) {
      const res = await raw(trainer, 'GET', `/api/v1/exercises/${exercise.id}/report.html?lang=${lang}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      expect(res.headers.get('content-security-policy')).toMatch(/^default-src 'none'; style-src 'sha256-/);
      const html = await res.text();
      expect(html).toContain(`<html lang="${lang}">`);
      expect(html).toContain(title);
      expect(html).toContain('Đã báo đội PCCC &lt;phường 10&gt;');
      expect(html).not.toMatch(/<script/i);
    }
    expect((await raw(trainer, 'GET', `/api/v1/exercises/${exercise.id}/report.html?lang=fr`)).status).toBe(400);
    const doc = (await (await fetch(`${ui.server.baseUrl}/api/docs-json`)).json()) as {
      paths: Record<string, unknown>;
    };
    for (const p of ['review', 'report', 'report.html', 'report.pdf'])
      expect(doc.paths).toHaveProperty([`/api/v1/exercises/{id}/${p}`]);
    for (const route of ['report', 'report.html', 'report.pdf'])
      expect((await fetch(`${ui.server.baseUrl}/api/v1/exercises/${exercise.id}/${route}`)).status).toBe(401);
    expect((await raw(operator, 'GET', `/api/v1/exercises/${exercise.id}/report.html`)).status).toBe(403);
  });

  it('prints the same page to PDF with Chromium, in both languages', async () => {
    mkdirSync(REPORT_DIR, { recursive: true });
    for (const lang of ['vi', 'en'] as const) {
      const res = await raw(trainer, 'GET', `/api/v1/exercises/${exercise.id}/report.pdf?lang=${lang}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/pdf');
      expect(res.headers.get('content-disposition')).toContain(
        `after-action-report-${exercise.id.slice(0, 8)}-${lang}.pdf`,
      );
      const pdf = Buffer.from(await res.arrayBuffer());
      expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
      expect(pdfPages(pdf)).toBeGreaterThanOrEqual(1);
      const file = path.join(REPORT_DIR, `after-action-report-${lang}.pdf`);
      writeFileSync(file, pdf);
      // The pages as images, to look at (poppler-utils; optional).
      if (existsSync('/usr/bin/pdftoppm')) {
        execFileSync('/usr/bin/pdftoppm', ['-png', '-r', '60', file, path.join(REPORT_DIR, `page-${lang}`)]);
        expect(readdirSync(REPORT_DIR).filter((f) => f.startsWith(`page-${lang}`)).length).toBe(pdfPages(pdf));
      }
    }
  });

  it('answers 503 REPORT_PDF_UNAVAILABLE, naming the chromium package, on an api process without Chromium', async () => {
    const api = await startServer({ ...ui.stack.env, IOC_ROLES: 'api', IOC_CHROMIUM_PATH: '/nonexistent/chromium' });
    try {
      const t = await apiClient(api.baseUrl, 'trainer1');
      const res = await t.get<{ code: string; message: string }>(`/api/v1/exercises/${exercise.id}/report.pdf`);
      expect(res).toMatchObject({ status: 503, body: { code: 'REPORT_PDF_UNAVAILABLE' } });
      expect(res.body.message).toContain('apt-get install chromium');
      // The page and the JSON do not need it.
      expect((await t.get(`/api/v1/exercises/${exercise.id}/report.html?lang=en`)).status).toBe(200);
    } finally {
      expect(await api.stop()).toBe(0);
    }
  });

  it('shows the report in the console: the page in a sandboxed frame, both languages, the review form', async () => {
    const page = await ui.signIn('trainer1', 'vi');
    await page.click('[data-testid="tab-exercises"]');
    await page.locator('[data-testid="exercise-report"]').scrollIntoViewIfNeeded();
    await screenshot(page, 'report-00-exercises-tab-vi');
    await page.click('[data-testid="report-open"]');
    const frame = page.frameLocator('[data-testid="report-frame"]');
    await frame.locator('h1').waitFor();
    expect(await frame.locator('h1').textContent()).toContain('Báo cáo sau diễn tập');
    expect(await frame.locator('[data-section="timeline-chart"] [data-bar]').count()).toBe(2);
    expect(await page.getAttribute('[data-testid="report-frame"]', 'sandbox')).toBe('');
    expect(await page.inputValue('[data-testid="review-wentWell"]')).toBe('Xác nhận đám cháy trong 1 phút.');
    await screenshot(page, 'report-01-console-vi');

    await page.click('[data-report-lang="en"]');
    await page.locator('[data-testid="report-frame"][data-lang="en"]').waitFor();
    await frame.locator('h1', { hasText: 'After-action report' }).waitFor();
    // A new review, saved and shown in the page that is read again.
    await page.fill('[data-testid="review-toImprove"]', 'Giao việc sớm hơn cho đội hiện trường.');
    await page.click('[data-testid="review-save"]');
    await page.locator('[data-testid="review-saved"]').waitFor();
    await frame.locator('[data-review="to-improve"]', { hasText: 'Giao việc sớm hơn' }).waitFor();
    await screenshot(page, 'report-02-console-en');
    await frame.locator('[data-section="sop"]').scrollIntoViewIfNeeded();
    await screenshot(page, 'report-03-console-en-sop');
    expect(ui.cspViolations).toEqual([]);
  });
});
