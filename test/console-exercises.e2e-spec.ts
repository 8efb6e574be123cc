import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { Page } from 'playwright-core';
import type { ExerciseDto, KpiReport, RecordingDto } from '@ioc/contracts';
import type { IncidentRecord } from '@ioc/domain';
import { apiClient, pollUntil, publishExerciseStory, type ApiClient } from '@ioc/testing';
import { screenshot, startConsoleHarness, type ConsoleHarness } from './support/browser';

jest.setTimeout(180_000);

/** The IOC's scenario clock: the king tide's afternoon, twice as fast as real time. */
const CLOCK_START = '2026-10-28T12:15:00+07:00';
const CLOCK_SPEED = 2;
const NAME = 'Cháy thùng rác P10 (diễn tập)';

/**
 * The trainer's console in a real browser on an IOC that runs on a scenario clock: a recording exported through the
 * Export button and imported back through Import (a second recording), a corrupt file refused with its code and
 * reason; two exercises at once, each with its card, clock and controls, the trainer switching the one she watches;
 * the header's clock on scenario time and the drill clocks running on between polls (standing still while paused).
 * Screenshots: test-output/screenshots/ex-*.png.
 */
describe('trainer console: recordings that travel, several exercises, the clock (browser)', () => {
  let ui: ConsoleHarness;
  let trainer: ApiClient;
  let page: Page;
  let dir: string;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ioc-console-exercises-'));
    ui = await startConsoleHarness('console-exercises', {
      IOC_CLOCK_START: CLOCK_START,
      IOC_CLOCK_SPEED: String(CLOCK_SPEED),
    });
    trainer = await apiClient(ui.server.baseUrl, 'trainer1');
  });

  afterAll(async () => {
    if (ui) expect(await ui.close()).toBe(0);
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
    expect(ui?.cspViolations ?? []).toEqual([]);
  });

  const iocNow = async () => Date.parse((await trainer.get<KpiReport>('/api/v1/kpis')).body.clock.now);
  const exerciseIncidents = async (e: ExerciseDto) =>
    (await trainer.get<{ items: IncidentRecord[] }>('/api/v1/incidents?exercise=true&limit=500')).body.items.filter(
      (i) => i.key.startsWith(e.keyPrefix),
    );
  const drillTimeOf = async (card: ReturnType<Page['locator']>) =>
    Number(await card.locator('[data-testid="exercise-drill-clock"]').getAttribute('data-drill-time'));

  it('shows the IOC’s scenario clock in the header', async () => {
    page = await ui.signIn('trainer1', 'vi');
    const clock = page.locator('[data-testid="ioc-clock"][data-scenario="true"]');
    await clock.waitFor({ timeout: 20_000 });
    expect(await clock.getAttribute('data-speed')).toBe(String(CLOCK_SPEED));
    expect(await clock.textContent()).toContain(`Giờ kịch bản ×${CLOCK_SPEED}`);
    // The header reads what the server reads (within the network's and the poll's second), not the browser's time.
    const shown = Number(await clock.getAttribute('data-now'));
    const server = await iocNow();
    expect(Math.abs(shown - server)).toBeLessThan(3_000 * CLOCK_SPEED);
    expect(Math.abs(shown - Date.now())).toBeGreaterThan(86_400_000);
    // It runs on between polls, at the scenario's speed.
    await page.waitForTimeout(1_500);
    const later = Number(await clock.getAttribute('data-now'));
    expect(later - shown).toBeGreaterThanOrEqual(1_000 * CLOCK_SPEED);
    expect(later - shown).toBeLessThan(4_000 * CLOCK_SPEED);
  });

  it('exports a recording through the console and imports it back; a corrupt file is refused with its reason', async () => {
    // The drill's story on the IOC's clock, recorded with ten scenario minutes after it (so its exercises run long).
    const base = await iocNow();
    await publishExerciseStory(ui.publisher, base);
    await pollUntil(
      () => ui.stack.count(`SELECT count(*) AS n FROM raw_message WHERE msg_id IN ('fire-1', 'fire-2', 'tamper-1')`),
      (n) => n === 3,
      { timeoutMs: 15_000 },
    );
    const made = await trainer.post<RecordingDto>('/api/v1/recordings', {
      name: NAME,
      from: new Date(base - 2_000).toISOString(),
      to: new Date(base + 10 * 60_000).toISOString(),
    });
    expect(made).toMatchObject({ status: 201, body: { messages: 3 } });

    await page.click('[data-testid="tab-exercises"]');
    const view = page.locator('[data-testid="exercises-view"]');
    const recordings = view.locator('[data-testid="recording"]');
    await recordings.first().waitFor();
    expect(await recordings.count()).toBe(1);

    // Export: the file the browser saves is the server's, under its name.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      recordings.first().locator('[data-testid="recording-export"]').click(),
    ]);
    expect(download.suggestedFilename()).toBe('chay-thung-rac-p10-dien-tap.iocrec');
    const file = path.join(dir, download.suggestedFilename());
    await download.saveAs(file);
    const lines = gunzipSync(fs.readFileSync(file)).toString('utf8').trim().split('\n');
    expect(JSON.parse(lines[0])).toMatchObject({ format: 'ioc-recording', name: NAME, counts: { messages: 3 } });
    expect(lines).toHaveLength(4);
    await screenshot(page, 'ex-01-recordings-vi');

    // Import it back: a second recording of the same story.
    await view.locator('[data-testid="recording-import-file"]').setInputFiles(file);
    await view.locator('[data-testid="recording-import-done"]', { hasText: NAME }).waitFor({ timeout: 15_000 });
    await pollUntil(
      () => recordings.count(),
      (n) => n === 2,
      { timeoutMs: 10_000, everyMs: 200 },
    );
    const listed = (await trainer.get<RecordingDto[]>('/api/v1/recordings')).body;
    expect(listed.map((r) => [r.name, r.messages])).toEqual([
      [NAME, 3],
      [NAME, 3],
    ]);

    // A truncated copy: refused whole, with the code and the reason in Vietnamese; nothing imported.
    const bytes = fs.readFileSync(file);
    const corrupt = path.join(dir, 'hong.iocrec');
    fs.writeFileSync(corrupt, bytes.subarray(0, Math.floor(bytes.length / 2)));
    await view.locator('[data-testid="recording-import-file"]').setInputFiles(corrupt);
    const refused = view.locator('[data-testid="recording-import-error"][data-code="RECORDING_FILE_INVALID"]');
    await refused.waitFor({ timeout: 15_000 });
    const text = (await refused.textContent()) ?? '';
    expect(text).toContain('Tệp bị từ chối (RECORDING_FILE_INVALID)');
    expect(text).toMatch(/Tệp bị cắt cụt|Tệp không phải gzip/);
    expect(await view.locator('[data-testid="recording-import-done"]').count()).toBe(0);
    expect((await trainer.get<RecordingDto[]>('/api/v1/recordings')).body).toHaveLength(2);
    await refused.scrollIntoViewIfNeeded();
    await screenshot(page, 'ex-02-import-refused-vi');
  });

  it('runs two exercises at once, each with its card and clock, and switches the one the trainer watches', async () => {
    const view = page.locator('[data-testid="exercises-view"]');
    const [imported, original] = (await trainer.get<RecordingDto[]>('/api/v1/recordings')).body;
    const startFrom = async (recording: RecordingDto) => {
      await view.locator('[data-testid="exercise-recording"]').selectOption(recording.id);
      await view.locator('[data-testid="exercise-form"] button[data-speed="1"]').click();
      await view.locator('[data-testid="exercise-start"]').click();
      const running = await pollUntil(
        async () => (await trainer.get<ExerciseDto[]>('/api/v1/exercises')).body,
        (list) => list.some((e) => e.recordingId === recording.id && e.status === 'running'),
        { timeoutMs: 10_000, everyMs: 200 },
      );
      return running.find((e) => e.recordingId === recording.id && e.status === 'running')!;
    };
    const card = (e: ExerciseDto) => view.locator(`[data-testid="exercise-status"][data-exercise-id="${e.id}"]`);
    const listedIds = async () =>
      view
        .locator('[data-testid="exercise-incident"]')
        .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-incident-id')));

    // The first, from the original recording: watched as it starts; its bin fire listed; then paused.
    const first = await startFrom(original);
    await card(first).locator('[data-testid="exercise-drill-clock"]').waitFor();
    const firstFire = await pollUntil(
      () => exerciseIncidents(first),
      (l) => l.length >= 1,
      { timeoutMs: 20_000, everyMs: 250 },
    );
    await view.locator(`[data-testid="exercise-incident"][data-incident-id="${firstFire[0].id}"]`).waitFor();
    await card(first).locator('[data-testid="exercise-pause"]').click();
    await card(first).locator('.exercise-status-badge', { hasText: 'TẠM DỪNG' }).waitFor({ timeout: 5_000 });

    // The second, from the imported one, beside it: both cards, the new one watched, its incidents only.
    const second = await startFrom(imported);
    await card(second).waitFor();
    await card(second).locator('[data-testid="exercise-watching"]').waitFor({ timeout: 5_000 });
    expect(await view.locator('[data-testid="exercise-status"][data-status="running"]').count()).toBe(2);
    expect(await card(first).getAttribute('data-watched')).toBe('false');
    // Two runs of one story: told apart by their key prefixes.
    expect(await card(first).locator('[data-testid="exercise-key"]').textContent()).toBe(first.keyPrefix.slice(0, -1));
    expect(await card(second).locator('[data-testid="exercise-key"]').textContent()).toBe(
      second.keyPrefix.slice(0, -1),
    );
    const secondIncidents = await pollUntil(
      () => exerciseIncidents(second),
      (l) => l.length >= 1,
      { timeoutMs: 20_000, everyMs: 250 },
    );
    await view.locator(`[data-testid="exercise-incident"][data-incident-id="${secondIncidents[0].id}"]`).waitFor();
    const firstIds = new Set((await exerciseIncidents(first)).map((i) => i.id));
    expect((await listedIds()).some((id) => firstIds.has(id!))).toBe(false);

    // Each card its own clock: the paused one stands still, the running one runs on between polls at ×1 on the
    // IOC's ×2 (two drill seconds a second), both within their recording's window.
    const [p0, r0] = [await drillTimeOf(card(first)), await drillTimeOf(card(second))];
    await page.waitForTimeout(1_500);
    const [p1, r1] = [await drillTimeOf(card(first)), await drillTimeOf(card(second))];
    expect(p1).toBe(p0);
    expect(r1 - r0).toBeGreaterThanOrEqual(1_500 * CLOCK_SPEED - 1_200);
    expect(r1 - r0).toBeLessThanOrEqual(1_500 * CLOCK_SPEED + 2_500);
    expect(await card(second).locator('[data-testid="exercise-drill-clock"]').getAttribute('data-running')).toBe(
      'true',
    );
    expect(await card(first).locator('[data-testid="exercise-drill-clock"]').getAttribute('data-running')).toBe(
      'false',
    );
    await view.scrollIntoViewIfNeeded();
    await card(first).scrollIntoViewIfNeeded();
    await screenshot(page, 'ex-03-two-exercises-vi');

    // Watch the first again: its incidents, none of the second's.
    await card(first).locator('[data-testid="exercise-watch"]').click();
    await card(first).locator('[data-testid="exercise-watching"]').waitFor();
    await view.locator(`[data-testid="exercise-incident"][data-incident-id="${firstFire[0].id}"]`).waitFor();
    const secondIds = new Set((await exerciseIncidents(second)).map((i) => i.id));
    await pollUntil(listedIds, (ids) => ids.length > 0 && ids.every((id) => firstIds.has(id!) && !secondIds.has(id!)), {
      timeoutMs: 5_000,
      everyMs: 100,
    });
    // The map shows the watched exercise's incidents (not the other's, not live ones) while the tab is open.
    await page.locator(`.incident-marker[data-incident-id="${firstFire[0].id}"]`).waitFor({ timeout: 5_000 });
    const markers = async () =>
      page.locator('.incident-marker').evaluateAll((els) => els.map((e) => e.getAttribute('data-incident-id')));
    await pollUntil(markers, (ids) => ids.length > 0 && ids.every((id) => firstIds.has(id!)), {
      timeoutMs: 5_000,
      everyMs: 100,
    });
    await screenshot(page, 'ex-04-watch-first-vi');

    // In English, the refusal and the cards read in English.
    await page.click('.lang-switch button[data-lang="en"]');
    await card(first).locator('[data-testid="exercise-watching"]', { hasText: 'Watching' }).waitFor();
    expect(await page.locator('[data-testid="ioc-clock"]').textContent()).toContain(`Scenario time ×${CLOCK_SPEED}`);
    const refused = view.locator('[data-testid="recording-import-error"]');
    expect(await refused.textContent()).toContain('File refused (RECORDING_FILE_INVALID): nothing was imported');
    await refused.scrollIntoViewIfNeeded();
    await screenshot(page, 'ex-05-import-refused-en');

    // Stop both: the server resolves what they left open.
    for (const e of [first, second])
      expect((await trainer.post<ExerciseDto>(`/api/v1/exercises/${e.id}/stop`)).body.status).toBe('stopped');
  });
});
