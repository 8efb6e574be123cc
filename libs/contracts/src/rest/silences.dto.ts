import { z } from 'zod';
import { INCIDENT_TYPES } from '@ioc/domain';
import { MAX_SILENCE_MS, SILENCE_COMMENT_MAX, SILENCE_COMMENT_MIN } from '../silence-limits';
import { isoTime } from './common.dto';

const id = z.string().trim().min(1).max(200);

export const SilenceRequestSchema = z
  .object({
    /** ANDed; at least one. `key` is an incident's dedup key (`bin-fire:ward-p10`), `zoneId` a zone id. */
    matchers: z
      .object({
        type: z.enum(INCIDENT_TYPES).optional(),
        zoneId: id.optional(),
        key: id.optional(),
        ruleId: id.optional(),
      })
      .strict()
      .refine(
        (m) => typeof m === 'object' && m !== null && Object.values(m).some((v) => v !== undefined),
        'set at least one matcher (type, zoneId, key or ruleId)',
      ),
    /** Default: now. */
    startsAt: isoTime.optional(),
    endsAt: isoTime,
    /** Why: shown to every operator while it lasts. */
    comment: z.string().trim().min(SILENCE_COMMENT_MIN).max(SILENCE_COMMENT_MAX),
  })
  .strict()
  // zod runs these even when a field already failed: only compare times that parsed.
  .refine((s) => !(s.endsAt instanceof Date && s.startsAt instanceof Date) || s.endsAt > s.startsAt, {
    message: 'endsAt must be after startsAt',
    path: ['endsAt'],
  })
  .refine(
    (s) =>
      !(s.endsAt instanceof Date && s.startsAt instanceof Date) ||
      s.endsAt.getTime() - s.startsAt.getTime() <= MAX_SILENCE_MS,
    {
      message: 'a silence lasts at most 7 days',
      path: ['endsAt'],
    },
  );
export type SilenceRequest = z.infer<typeof SilenceRequestSchema>;

export interface SilenceDto {
  readonly id: string;
  readonly matchers: {
    readonly type?: string;
    readonly zoneId?: string;
    readonly key?: string;
    readonly ruleId?: string;
  };
  readonly startsAt: string;
  readonly endsAt: string;
  readonly comment: string;
  readonly createdBy: string;
  /** The creator's display name (null if the user no longer exists). */
  readonly createdByName: string | null;
  readonly createdAt: string;
  readonly expiredBy: string | null;
  readonly expiredByName: string | null;
  readonly expiredAt: string | null;
  /** At the time of the answer. */
  readonly active: boolean;
}
