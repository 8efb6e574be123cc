import type { ConnectionPlan } from '@ioc/city';
import type { MessageDecoder } from '@ioc/contracts';
import type { DeviceMessage, RejectionCode } from '@ioc/domain';
import type { Simulation } from './core/simulation';
import { publishesOf } from './transport/mqtt-runner';

/** What a scenario recorded at machine speed came to. */
export interface ScenarioRecordingStats {
  /** Device messages the simulation delivered (a duplicate counts twice). */
  generated: number;
  /** Accepted by the ingest's validation, inside the window. */
  accepted: number;
  /** Refused by the ingest's validation (a malformed fault, a clock skewed too far), by code. */
  quarantined: Partial<Record<RejectionCode, number>>;
  /** Accepted but with an event time outside the window (a skewed clock): not recorded, as a recording of the window would not hold it. */
  outsideWindow: number;
}

/**
 * A scenario's stream as the IOC would have stored it, at machine speed: the simulation advanced `stepS` at a time,
 * each step's messages published as the MQTT runner publishes them (own topics and gateway envelopes), and every
 * publish judged by the ingest's decoder with the step's end as its arrival time. Yields the accepted messages whose
 * event time falls in [from, to), a step at a time; `stats` counts the rest.
 */
export async function* scenarioRecording(
  sim: Simulation,
  topology: ConnectionPlan,
  decoder: MessageDecoder,
  window: { readonly fromMs: number; readonly toMs: number; readonly tsOffsetMs: number },
  stats: ScenarioRecordingStats,
  stepS = 10,
): AsyncGenerator<{ readonly messages: DeviceMessage[]; readonly reports: [] }> {
  let messages: DeviceMessage[] = [];
  for (let t = 0; t < sim.durationS;) {
    t = Math.min(sim.durationS, t + stepS);
    const batch = sim.advanceTo(t);
    stats.generated += batch.length;
    const receivedAt = new Date(sim.startMs + window.tsOffsetMs + t * 1000);
    for (const p of publishesOf(batch, topology)) {
      const { accepted, rejected } = decoder.decode(p.topic, Buffer.from(p.payload), receivedAt);
      for (const r of rejected) stats.quarantined[r.code] = (stats.quarantined[r.code] ?? 0) + 1;
      for (const m of accepted) {
        const ts = m.ts.getTime();
        if (ts < window.fromMs || ts >= window.toMs) stats.outsideWindow++;
        else {
          stats.accepted++;
          messages.push(m);
        }
      }
    }
    if (messages.length >= 2_000 || t >= sim.durationS) {
      yield { messages, reports: [] };
      messages = [];
    }
  }
}
