import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { REJECTION_CODES } from '@ioc/domain';
import type { CommitObservation } from './ingest-pipeline';

/** Prometheus metrics of the ingest role: what came in, what was stored, refused (by code), and how commits go. */
export function createIngestMetrics(registry: Registry, pending: () => number, connected: () => number) {
  const messages = new Counter({
    name: 'ioc_ingest_messages_total',
    help: 'Device messages by outcome: stored, duplicate (already stored), quarantined.',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  const quarantined = new Counter({
    name: 'ioc_ingest_quarantined_total',
    help: 'Quarantined messages by rejection code.',
    labelNames: ['code'] as const,
    registers: [registry],
  });
  // Every code from the start, at 0: an alert on RATE_LIMITED (or any code) has a series before its first refusal.
  for (const code of REJECTION_CODES) quarantined.inc({ code }, 0);
  const commitSeconds = new Histogram({
    name: 'ioc_ingest_commit_seconds',
    help: 'Time to commit one batch (transaction).',
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const batchUnits = new Histogram({
    name: 'ioc_ingest_batch_units',
    help: 'MQTT messages per committed batch.',
    buckets: [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500],
    registers: [registry],
  });
  new Gauge({
    name: 'ioc_ingest_pending',
    help: 'Messages received and not yet acknowledged.',
    registers: [registry],
    collect() {
      this.set(pending());
    },
  });
  new Gauge({
    name: 'ioc_ingest_connections_up',
    help: 'Ingest MQTT sessions connected.',
    registers: [registry],
    collect() {
      this.set(connected());
    },
  });

  return (c: CommitObservation): void => {
    messages.inc({ outcome: 'stored' }, c.stored);
    messages.inc({ outcome: 'duplicate' }, c.duplicates);
    messages.inc({ outcome: 'quarantined' }, c.quarantined.length);
    for (const q of c.quarantined) quarantined.inc({ code: q.code });
    commitSeconds.observe(c.seconds);
    batchUnits.observe(c.units);
  };
}
