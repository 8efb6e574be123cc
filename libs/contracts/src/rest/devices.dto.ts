import { z } from 'zod';
import { DEVICE_TYPES, DOMAINS } from '@ioc/domain';
import { csvOf, isoTime } from './common.dto';

export const DeviceListQuerySchema = z
  .object({
    type: csvOf(DEVICE_TYPES).optional(),
    domain: z.enum(DOMAINS).optional(),
    /** Ward id from the city model, e.g. `ward-p3`. */
    ward: z
      .string()
      .regex(/^ward-[a-z0-9-]+$/)
      .optional(),
    status: z.enum(['active', 'disabled']).optional(),
    /** true: only devices heard from within `staleAfterS`; false: only the others. */
    online: z
      .enum(['true', 'false'])
      .transform((v) => v === 'true')
      .optional(),
  })
  .strict();
export type DeviceListQuery = z.infer<typeof DeviceListQuerySchema>;

export const ReadingsQuerySchema = z
  .object({
    from: isoTime.optional(),
    to: isoTime.optional(),
    limit: z.coerce.number().int().min(1).max(5000).default(500),
  })
  .strict();
export type ReadingsQuery = z.infer<typeof ReadingsQuerySchema>;

export const SeriesQuerySchema = z
  .object({
    /** A rollup: `<family>_1m` or `<family>_1h` (flood_level, rain, bin_fill, camera_traffic, camera_detection). */
    rollup: z.string().regex(/^[a-z_]+_1[mh]$/, 'a rollup name such as flood_level_1m'),
    from: isoTime.optional(),
    to: isoTime.optional(),
  })
  .strict();
export type SeriesQuery = z.infer<typeof SeriesQuerySchema>;
