import {
  deviceTopic,
  type ExerciseDto,
  type ExerciseInjectDto,
  type ExerciseScriptDto,
  type RecordingDto,
} from '@ioc/contracts';
import { apiClient, pollUntil, type ApiClient } from '@ioc/testing';
import { screenshot, startConsoleHarness, type ConsoleHarness } from './support/browser';

jest.setTimeout(120_000);

const MIN = 60_000;

/**
 * The trainer's inject panel and scripts in the console (issue 19): a trainer injects a ward power cut into a running
 * exercise from the Exercises tab, sees it in the log at its drill time, and saves the drill as a script that is then
 * listed with Run; an operator (a trainee) sees neither. Screenshots in test-output/screenshots/.
 */
describe('exercise inject panel in the console', () => {
  let h: ConsoleHarness;
  let trainer: ApiClient;
  let recording: RecordingDto;
  const base = Math.floor((Date.now() - 25 * MIN) / 1000) * 1000;
  const iso = (offsetMs: number) => new Date(base + offsetMs).toISOString();

  beforeAll(async () => {
    h = await startConsoleHarness('exercise-inject-panel');
    for (let m = 0; m < 20; m++)
      for (const cam of ['cam-thd-005', 'cam-thd-006', 'cam-thd-007'])
        await h.publisher.publishAsync(
          deviceTopic('camera-health', cam),
          JSON.stringify({ msgId: `p-${m}`, ts: iso(m * MIN + 500), online: true, tampered: false, fps: 25 }),
          { qos: 1 },
        );
    await pollUntil(
      () => h.stack.stored(),
      (n) => n >= 60,
      { timeoutMs: 20_000 },
    );
    trainer = await apiClient(h.server.baseUrl, 'trainer1');
    recording = (
      await trainer.post<RecordingDto>('/api/v1/recordings', { name: 'Phường 10', from: iso(0), to: iso(20 * MIN) })
    ).body;
  });

  afterAll(async () => {
    if (h) expect(await h.close()).toBe(0);
  });

  it('injects a ward power cut from the panel, lists it at its drill time, and saves the drill as a script', async () => {
    // ×1: the drill stays near its start while the trainer works.
    const e = (await trainer.post<ExerciseDto>('/api/v1/exercises', { recordingId: recording.id, speed: 1 })).body;
    const page = await h.signIn('trainer1', 'vi');
    await page.click('[data-testid="tab-exercises"]');
    const panel = page.locator('[data-testid="inject-panel"]');
    await panel.waitFor();
    await panel.locator('.empty', { hasText: 'Chưa có tình huống nào' }).waitFor();

    // Without a target: the form says so, and nothing is sent.
    await panel.locator('[data-testid="inject-kind"]').selectOption('ward-power-cut');
    await panel.locator('[data-testid="inject-submit"]').click();
    await panel.locator('[role="alert"]', { hasText: 'Chọn đối tượng' }).waitFor();
    await panel.locator('[data-testid="inject-target"]').selectOption('ward-p10');
    await panel.locator('input[inputmode="numeric"]').fill('30');
    await panel.locator('[data-testid="inject-submit"]').click();
    const row = panel.locator('[data-testid="inject-log"] tr[data-kind="ward-power-cut"]');
    await row.waitFor();
    expect(await row.textContent()).toContain('Mất điện cả phường');
    expect(await row.textContent()).toContain('ward-p10');
    const log = (await trainer.get<ExerciseInjectDto[]>(`/api/v1/exercises/${e.id}/injects`)).body;
    expect(log).toMatchObject([{ seq: 1, kind: 'ward-power-cut', params: { wardId: 'ward-p10', durationMin: 30 } }]);
    await screenshot(page, 'exercise-inject-panel');

    const scripts = page.locator('[data-testid="script-panel"]');
    await scripts.locator('[data-testid="script-name"]').fill('Mất điện phường 10');
    await scripts.locator('[data-testid="script-save"]').click();
    await scripts.locator('[data-testid="script-list"] li', { hasText: 'Mất điện phường 10' }).waitFor();
    const saved = (await trainer.get<ExerciseScriptDto[]>('/api/v1/exercise-scripts')).body;
    expect(saved[0]).toMatchObject({
      name: 'Mất điện phường 10',
      injects: [{ kind: 'ward-power-cut', wardId: 'ward-p10' }],
    });
    await screenshot(page, 'exercise-scripts');
    expect((await trainer.post(`/api/v1/exercises/${e.id}/stop`)).status).toBe(200);

    // A trainee sees the tab but neither the inject panel nor the scripts.
    const trainee = await h.signIn('operator1', 'en');
    await trainee.click('[data-testid="tab-exercises"]');
    await trainee.locator('[data-testid="exercises-view"]').waitFor();
    expect(await trainee.locator('[data-testid="inject-panel"], [data-testid="script-panel"]').count()).toBe(0);
    expect(h.cspViolations).toEqual([]);
  });
});
