import { randomUUID } from 'node:crypto';
import { planConnections, type ConnectionPlan } from '@ioc/city';
import { createMessageValidators, MAX_RECORDING_MESSAGES, MAX_RECORDING_MS, MessageDecoder } from '@ioc/contracts';
import pino from 'pino';
import { loadConfig } from '@ioc/platform';
import { ExerciseRepository, openDatabase, type RecordingRecord } from '@ioc/storage';
import type { Simulation } from './core/simulation';
import { scenarioRecording, type ScenarioRecordingStats } from './scenario-recording';

/** Who a recording made from the command line is by (there is no signed-in user). */
export const SIMULATOR_RECORDER = 'simulator';

export interface RecordScenarioResult {
  readonly recording: RecordingRecord;
  readonly stats: ScenarioRecordingStats;
}

/**
 * `--record NAME`: the scenario generated at machine speed (no broker), judged by the ingest's own validation, stored
 * as a recording in one transaction in the database the IOC would use with the same environment (DATABASE_URL, or
 * the embedded TimescaleDB under IOC_DATA_DIR: stop an IOC using that one first, it serves one process only).
 */
export async function recordScenario(
  sim: Simulation,
  name: string,
  tsOffsetMs: number,
  env: Record<string, string | undefined> = process.env,
  topology: ConnectionPlan = planConnections(sim.devices.map((d) => d.site)),
): Promise<RecordScenarioResult> {
  const fromMs = sim.startMs + tsOffsetMs;
  const toMs = fromMs + sim.durationS * 1000;
  if (toMs - fromMs > MAX_RECORDING_MS)
    throw new Error(`the scenario lasts ${sim.durationS / 3600} h; a recording spans at most 7 days`);
  const config = loadConfig(env);
  // Logs go to stderr (stdout is the result).
  const logger = pino(
    { name: 'devices', level: config.log.level === 'info' ? 'warn' : config.log.level },
    pino.destination(2),
  );
  const db = await openDatabase({ ...config.database, dataDir: config.dataDir, migrate: true }, logger);
  try {
    const decoder = new MessageDecoder(createMessageValidators(), config.ingest);
    const stats: ScenarioRecordingStats = { generated: 0, accepted: 0, quarantined: {}, outsideWindow: 0 };
    const result = await new ExerciseRepository(db).importRecording(
      { id: randomUUID(), name, from: new Date(fromMs), to: new Date(toMs), createdBy: SIMULATOR_RECORDER },
      scenarioRecording(sim, topology, decoder, { fromMs, toMs, tsOffsetMs }, stats),
      // A duplicate fault sends a message twice: the ingest stores it once, and so does the recording.
      { maxEntries: MAX_RECORDING_MESSAGES, duplicates: 'skip' },
    );
    if (result === 'empty') throw new Error('the scenario produced no valid message');
    if ('tooMany' in result)
      throw new Error(
        `the scenario produced more than ${MAX_RECORDING_MESSAGES} messages: use --devices to shrink the fleet`,
      );
    if ('duplicate' in result) throw new Error('unreachable: duplicates are skipped');
    return { recording: result, stats };
  } finally {
    await db.close();
  }
}
