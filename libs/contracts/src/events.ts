/** Names of the internal streams and jobs (Redis keys get the configured prefix): one constant per name. */
export const EVENT_STREAMS = {
  /** Accepted device messages, published after their rows are committed. */
  deviceMessages: 'stream:device-messages',
  /** Escalation notifications: one entry per notification id (per incident and level), appended once. */
  notifications: 'stream:notifications',
  /** Incident lifecycle events as committed (with their global seq): the real-time gateways' feed. */
  incidentEvents: 'stream:incident-events',
  /** Field reports taken by an API process, for the correlation role when it runs in another process. */
  fieldReports: 'stream:field-reports',
} as const;

export const QUEUES = {
  maintenance: 'ioc-maintenance',
  /** Escalation timers: one delayed job per (incident, level). */
  escalation: 'ioc-escalation',
  /** Trainers' exercises: one long-running job per exercise (its replay). */
  exercises: 'ioc-exercises',
} as const;
export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

export const JOBS = {
  /** TimescaleDB: run compression/retention/aggregate policies where no background workers run (embedded build).
   *  Plain PostgreSQL: refresh the rollup tables and apply retention. */
  storageMaintenance: 'storage-maintenance',
  /** Escalate one incident to one level when it is due (job id: escalationJobId). */
  escalateIncident: 'escalate-incident',
  /** Close incidents resolved longer than the lifecycle's auto-close period. */
  incidentHousekeeping: 'incident-housekeeping',
  /** Replay one exercise's recording, paced, as exercise incidents (job id: exerciseJobId). */
  runExercise: 'run-exercise',
} as const;
export type JobName = (typeof JOBS)[keyof typeof JOBS];

/** Which jobs each queue runs: a queue's worker refuses to start without a handler for each of them. */
export const QUEUE_JOBS = {
  [QUEUES.maintenance]: [JOBS.storageMaintenance, JOBS.incidentHousekeeping],
  [QUEUES.escalation]: [JOBS.escalateIncident],
  [QUEUES.exercises]: [JOBS.runExercise],
} as const satisfies Record<QueueName, readonly JobName[]>;
export type QueueJobName<Q extends QueueName> = (typeof QUEUE_JOBS)[Q][number];

/** The payload of each job. */
export interface JobDataMap {
  [JOBS.storageMaintenance]: Record<string, never>;
  [JOBS.incidentHousekeeping]: Record<string, never>;
  [JOBS.escalateIncident]: { readonly incidentId: string; readonly level: number };
  [JOBS.runExercise]: { readonly exerciseId: string };
}

/** The replay job of one exercise: starting it twice collapses into one job. */
export function exerciseJobId(exerciseId: string): string {
  return `exercise.${exerciseId}`;
}

/**
 * Deterministic id of the escalation job of (incident, level): scheduling it twice collapses into one job.
 * Dots, not colons: BullMQ reserves ':' in custom job ids (it only tolerates the legacy three-part form).
 */
export function escalationJobId(incidentId: string, level: number): string {
  return `escalate.${incidentId}.${level}`;
}
