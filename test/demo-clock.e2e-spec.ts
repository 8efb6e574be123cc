import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { projectRoot, type ServerHandle, startServer, startTestStack, type TestStack } from '@ioc/testing';

/** Scenario seconds per real second; DEMO_CLOCK_SPEED raises it (the scenario's hour then takes less). */
const SPEED = Number(process.env.DEMO_CLOCK_SPEED || 60);
/** The demo's default start: the king tide shortly before the Maspero passes 160 cm. */
const START = '2026-10-28T12:15:00+07:00';
const at = (hhmm: string) => Date.parse(`2026-10-28T${hhmm}:00+07:00`);

interface Row {
  readonly id: string;
  readonly type: string;
  readonly zone_id: string;
  readonly opened_at: Date;
}

/**
 * The demo on scenario time: the IOC's clock reads 12:15 on the king tide's day and runs SPEED times as fast, the
 * simulator follows the same clock (--follow-clock, the same IOC_CLOCK_* settings), and the scenario's incidents open
 * at their scenario times; an escalation level 15 scenario minutes after its incident opened fires 15 scenario minutes
 * later, not 15 real minutes.
 */
describe('demo clock', () => {
  let stack: TestStack;
  let server: ServerHandle;
  let sim: ChildProcess | undefined;
  let simLog = '';
  const clockEnv = {
    IOC_CLOCK_START: START,
    IOC_CLOCK_SPEED: String(SPEED),
    IOC_CLOCK_ANCHOR: new Date().toISOString(),
  };

  beforeAll(async () => {
    stack = await startTestStack('democlock');
    server = await startServer({
      ...stack.env,
      ...clockEnv,
      IOC_ROLES: 'api,ingest,correlate,jobs',
      INGEST_CONNECTIONS: '16',
    });
    sim = spawn(
      process.execPath,
      [
        path.join(projectRoot(), 'dist/devices/src/cli.js'),
        '--scenario',
        'king-tide-rain-october',
        '--follow-clock',
        '--url',
        stack.broker.url,
        '--username',
        stack.broker.publisher.username,
        '--password',
        stack.broker.publisher.password,
        '--wait-for',
        `${server.baseUrl}/health`,
      ],
      { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ...clockEnv } },
    );
    sim.stderr!.on('data', (d) => (simLog = (simLog + d).slice(-20_000)));
  });

  afterAll(async () => {
    sim?.kill('SIGTERM');
    if (server) expect(await server.stop()).toBe(0);
    await stack?.close();
  });

  const incident = async (type: string, zone: string): Promise<Row | undefined> =>
    (
      await stack.pool.query<Row>(
        'SELECT id, type, zone_id, opened_at FROM incident WHERE type = $1 AND zone_id = $2 ORDER BY opened_at LIMIT 1',
        [type, zone],
      )
    ).rows[0];

  /** Waits (real time) until the row exists; fails with the simulator's log when the clock passes `byScenario`. */
  async function until<T>(find: () => Promise<T | undefined>, byScenario: number, what: string): Promise<T> {
    const realDeadline = Date.parse(clockEnv.IOC_CLOCK_ANCHOR) + (byScenario - Date.parse(START)) / SPEED + 15_000;
    for (;;) {
      const found = await find();
      if (found !== undefined) return found;
      if (Date.now() > realDeadline) throw new Error(`${what} did not open by its scenario time\n${simLog}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  it('opens the king-tide watch, escalates it and raises the pump failure at their scenario times', async () => {
    // The median of the Maspero gauges passes 160 cm at about 12:20; the rule holds 10 minutes.
    const watch = await until(() => incident('king-tide-watch', 'river-maspero'), at('12:50'), 'the king-tide watch');
    expect(watch.opened_at.getTime()).toBeGreaterThanOrEqual(at('12:25'));
    expect(watch.opened_at.getTime()).toBeLessThanOrEqual(at('12:45'));

    // Major from 170 cm: level 1 (supervisor) is due 15 scenario minutes after it opened, 15 real seconds at 60×.
    const notified = await until(
      async () =>
        (
          await stack.pool.query<{ created_at: Date }>(
            'SELECT created_at FROM incident_notification WHERE incident_id = $1 AND level = 1',
            [watch.id],
          )
        ).rows[0],
      watch.opened_at.getTime() + 20 * 60_000,
      'the king-tide escalation',
    );
    expect(notified.created_at.getTime()).toBeGreaterThanOrEqual(watch.opened_at.getTime() + 15 * 60_000);
    expect(notified.created_at.getTime()).toBeLessThanOrEqual(watch.opened_at.getTime() + 18 * 60_000);

    // The pump of the centre-north catchment trips at 13:00.
    const pump = await until(() => incident('pump-failure', 'catch-trung-tam-bac'), at('13:15'), 'the pump failure');
    expect(pump.opened_at.getTime()).toBeGreaterThanOrEqual(at('13:00'));
    expect(pump.opened_at.getTime()).toBeLessThanOrEqual(at('13:10'));
  }, 150_000);
});
