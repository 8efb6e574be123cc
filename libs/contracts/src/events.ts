/** Names of the internal streams and jobs: one constant per name, no bare strings elsewhere. */
export const EVENT_STREAMS = {
  /** Accepted device messages, published after their rows are committed. */
  deviceMessages: 'ioc:stream:device-messages',
} as const;

export const QUEUES = {
  maintenance: 'ioc-maintenance',
} as const;

export const JOBS = {
  /** TimescaleDB: run compression/retention/aggregate policies where no background workers run (embedded build).
   *  Plain PostgreSQL: refresh the rollup tables and apply retention. */
  storageMaintenance: 'storage-maintenance',
  /** Flushes per-device last-seen times into the device registry. */
  deviceActivityFlush: 'device-activity-flush',
} as const;
export type JobName = (typeof JOBS)[keyof typeof JOBS];
