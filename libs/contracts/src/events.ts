/** Names of the internal streams and jobs (Redis keys get the configured prefix): one constant per name. */
export const EVENT_STREAMS = {
  /** Accepted device messages, published after their rows are committed. */
  deviceMessages: 'stream:device-messages',
} as const;

export const QUEUES = {
  maintenance: 'ioc-maintenance',
} as const;

export const JOBS = {
  /** TimescaleDB: run compression/retention/aggregate policies where no background workers run (embedded build).
   *  Plain PostgreSQL: refresh the rollup tables and apply retention. */
  storageMaintenance: 'storage-maintenance',
} as const;
export type JobName = (typeof JOBS)[keyof typeof JOBS];
