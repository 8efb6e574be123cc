import { deviceTopic, type ApiUser, type ExerciseDto, type RecordingDto } from '@ioc/contracts';
import { apiClient, pollUntil, type ApiClient } from '@ioc/testing';
import { screenshot, startConsoleHarness, type ConsoleHarness } from './support/browser';

jest.setTimeout(120_000);

/**
 * Trainees and the live scoreboard in a real browser (issue 19): the trainer assigns an operator to a running exercise
 * in the Exercises tab, the trainee's actions show at once in the trainer's action feed and scoreboard, and the
 * trainee sees their own score once the exercise has ended; an operator not assigned sees no exercise at all.
 * Screenshots: test-output/screenshots/.
 */
describe('exercise trainees and scoreboard (browser)', () => {
  let ui: ConsoleHarness;
  let trainer: ApiClient;
  let lan: ApiClient;
  const base = Date.now() - 95_000;
  const iso = (offsetMs: number) => new Date(base + offsetMs).toISOString();

  beforeAll(async () => {
    ui = await startConsoleHarness('scoring-console');
    // A bin catches fire 1 s into the recording.
    await ui.publisher.publishAsync(
      deviceTopic('bin-fill', 'bin-p10-0041'),
      JSON.stringify({ msgId: 'sc-fire-1', ts: iso(1_000), fillPct: 50, temperatureC: 95, tiltDeg: 1 }),
      { qos: 1 },
    );
    await pollUntil(
      () => ui.stack.stored(),
      (n) => n >= 1,
      { timeoutMs: 15_000 },
    );
    trainer = await apiClient(ui.server.baseUrl, 'trainer1');
    lan = await apiClient(ui.server.baseUrl, 'operator1');
  });

  afterAll(async () => {
    if (ui) expect(await ui.close()).toBe(0);
  });

  it('assigns a trainee, scores their actions live, and shows them their own score after the end', async () => {
    const recording = (
      await trainer.post<RecordingDto>('/api/v1/recordings', { name: 'Cháy thùng rác', from: iso(0), to: iso(90_000) })
    ).body;
    // ×1: 90 s of drill, the fire 1 s in.
    const exercise = (await trainer.post<ExerciseDto>('/api/v1/exercises', { recordingId: recording.id, speed: 1 }))
      .body;
    expect(exercise.status).toBe('running');

    const ha = await ui.signIn('trainer1', 'vi');
    await ha.click('[data-testid="tab-exercises"]');
    const view = ha.locator('[data-testid="exercises-view"]');
    const panel = view.locator('[data-testid="trainees-panel"]');
    await panel.locator('.empty').waitFor();
    await panel.locator('[data-testid="trainees-edit"]').click();
    const form = panel.locator('[data-testid="trainees-form"]');
    await form.locator('[data-testid="trainees-team-default"]').fill('ca-1');
    await form.locator('tr[data-username="operator1"] [data-testid="trainee-pick"]').check();
    expect(await form.locator('tr[data-username="operator1"] [data-testid="trainee-team"]').inputValue()).toBe('ca-1');
    // Only operators are offered.
    expect(await form.locator('tr[data-username="supervisor1"]').count()).toBe(0);
    await screenshot(ha, '20-exercise-trainees-form-vi');
    await form.locator('[data-testid="trainees-save"]').click();
    await panel.locator('[data-testid="trainee-list"] li[data-team="ca-1"]', { hasText: 'Nguyễn Thị Lan' }).waitFor();

    // The trainee works the fire (over REST: the scripted part); the trainer's feed and scoreboard follow.
    const lanId = (await trainer.get<ApiUser[]>('/api/v1/exercises/trainee-candidates')).body.find(
      (u) => u.username === 'operator1',
    )!.userId;
    const fire = await pollUntil(
      async () =>
        (await lan.get<{ items: Array<{ id: string; type: string }> }>('/api/v1/incidents?exercise=true')).body.items,
      (items) => items.some((i) => i.type === 'bin-fire'),
      { timeoutMs: 15_000 },
    );
    const fireId = fire.find((i) => i.type === 'bin-fire')!.id;
    expect((await lan.post(`/api/v1/incidents/${fireId}/acknowledge`)).status).toBe(200);
    expect((await lan.post(`/api/v1/incidents/${fireId}/sop-steps/confirm/complete`)).status).toBe(200);

    const board = view.locator('[data-testid="scoreboard-panel"]');
    await board.locator(`[data-testid="score-trainees"] tr[data-user-id="${lanId}"][data-points="15"]`).waitFor({
      timeout: 10_000,
    });
    expect(await board.locator('[data-testid="scoreboard-status"]').getAttribute('data-provisional')).toBe('true');
    expect(await board.locator('[data-testid="score-teams"] tr[data-team="ca-1"]').getAttribute('data-points')).toBe(
      '15',
    );
    expect(await board.locator('[data-testid="score-lines"] tr').count()).toBe(3); // header + 2 lines
    expect(await board.locator('[data-testid="score-lines"]').textContent()).toContain('Thời gian xác nhận');
    const feed = view.locator('[data-testid="action-feed"]');
    await feed.locator('li[data-type="sop-step-completed"]').waitFor({ timeout: 10_000 });
    expect(await feed.locator('li').count()).toBe(2);
    expect(await feed.locator('li').first().textContent()).toContain('Nguyễn Thị Lan');
    await board.scrollIntoViewIfNeeded();
    await screenshot(ha, '21-exercise-scoreboard-live-vi');

    // The trainee: their exercise, and their score only after the end. Another operator sees no exercise.
    const page = await ui.signIn('operator1', 'en');
    await page.click('[data-testid="tab-exercises"]');
    await page.locator(`[data-testid="exercise-status"][data-exercise-id="${exercise.id}"]`).waitFor();
    await page.locator('[data-testid="my-score"]', { hasText: 'once the exercise has ended' }).waitFor();
    expect(await page.locator('[data-testid="trainees-edit"]').count()).toBe(0);
    expect(await page.locator('[data-testid="action-feed"]').count()).toBe(0);
    const other = await ui.signIn('operator2', 'en');
    await other.click('[data-testid="tab-exercises"]');
    await other.locator('[data-testid="exercises-view"] .empty').first().waitFor();
    expect(await other.locator('[data-testid="exercise-status"]').count()).toBe(0);

    expect((await trainer.post(`/api/v1/exercises/${exercise.id}/stop`)).status).toBe(200);
    await page.locator('[data-testid="my-points"][data-points="15"]').waitFor({ timeout: 10_000 });
    expect(await page.locator('[data-testid="my-score"] [data-testid="score-lines"] tr').count()).toBe(3);
    await screenshot(page, '22-exercise-my-score-en');
    // The trainer's board is final; the fire left open costs the team.
    await board.locator('[data-testid="scoreboard-status"][data-provisional="false"]').waitFor({ timeout: 10_000 });
    await board.locator('[data-testid="score-teams"] tr[data-team="ca-1"][data-points="5"]').waitFor();
    await board.scrollIntoViewIfNeeded();
    await screenshot(ha, '23-exercise-scoreboard-final-vi');
    expect(ui.cspViolations).toEqual([]);
  });
});
