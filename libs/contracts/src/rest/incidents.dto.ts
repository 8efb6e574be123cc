import { z } from 'zod';
import { INCIDENT_DOMAIN_NAMES, INCIDENT_STATES, INCIDENT_TYPES, SEVERITIES, ZONE_KINDS } from '@ioc/domain';
import { csvOf, isoTime } from './common.dto';

const bool = z.enum(['true', 'false']).transform((v) => v === 'true');

export const IncidentListQuerySchema = z
  .object({
    state: csvOf(INCIDENT_STATES).optional(),
    severity: csvOf(SEVERITIES).optional(),
    type: csvOf(INCIDENT_TYPES).optional(),
    domain: csvOf(INCIDENT_DOMAIN_NAMES as unknown as [string, ...string[]]).optional(),
    zoneKind: z.enum(ZONE_KINDS).optional(),
    /** A zone id, e.g. `ward-p3`; with `ward` the zone kind is implied. */
    zoneId: z.string().min(1).max(100).optional(),
    ward: z
      .string()
      .regex(/^ward-[a-z0-9-]+$/)
      .optional(),
    /** opened at or after */
    from: isoTime.optional(),
    /** opened before */
    to: isoTime.optional(),
    /** true: trainers' exercise incidents instead of live ones. */
    exercise: bool.optional(),
    limit: z.coerce.number().int().min(1).max(500).default(50),
    /** `nextCursor` of the previous page. */
    cursor: z
      .string()
      .regex(/^\d+_[0-9a-f-]{36}$/)
      .optional(),
  })
  .strict();
export type IncidentListQueryDto = z.infer<typeof IncidentListQuerySchema>;

export const AssignRequestSchema = z.object({ assignee: z.string().trim().min(1).max(200) }).strict();
export const CommentRequestSchema = z.object({ text: z.string().trim().min(1).max(4000) }).strict();
export const ResolveRequestSchema = z.object({ note: z.string().trim().min(1).max(4000).optional() }).strict();
export const ReopenRequestSchema = z.object({ reason: z.string().trim().min(1).max(4000).optional() }).strict();
export const CompleteStepRequestSchema = z.object({ note: z.string().trim().min(1).max(4000).optional() }).strict();
/** No body fields (acknowledge, close). */
export const EmptyRequestSchema = z.object({}).strict();

export type AssignRequest = z.infer<typeof AssignRequestSchema>;
export type CommentRequest = z.infer<typeof CommentRequestSchema>;
export type ResolveRequest = z.infer<typeof ResolveRequestSchema>;
export type ReopenRequest = z.infer<typeof ReopenRequestSchema>;
export type CompleteStepRequest = z.infer<typeof CompleteStepRequestSchema>;

export const IncidentEventsQuerySchema = z
  .object({
    /** The last seq the client has seen (0: from the start). */
    afterSeq: z.coerce.number().int().min(0),
    limit: z.coerce.number().int().min(1).max(5000).default(1000),
  })
  .strict();
export type IncidentEventsQuery = z.infer<typeof IncidentEventsQuerySchema>;

/** The incident commands of the REST API (POST /api/v1/incidents/:id/<action>). */
export const INCIDENT_ACTIONS = ['acknowledge', 'assign', 'comment', 'resolve', 'reopen', 'close'] as const;
export type IncidentAction = (typeof INCIDENT_ACTIONS)[number];
