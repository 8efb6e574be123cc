import { z } from 'zod';
import { isoTime } from './common.dto';

import { FIELD_REPORT_CATEGORIES, type FieldReportCategory } from '../field-report-categories';

export { FIELD_REPORT_CATEGORIES, type FieldReportCategory };

export const FieldReportRequestSchema = z
  .object({
    lat: z.number().min(-90).max(90),
    lon: z.number().min(-180).max(180),
    category: z.enum(FIELD_REPORT_CATEGORIES),
    text: z.string().trim().min(1).max(4000),
    /** A reference to a photo stored elsewhere (object-store key or URL), not the photo itself. */
    photoRef: z.string().trim().min(1).max(500).optional(),
  })
  .strict();
export type FieldReportRequest = z.infer<typeof FieldReportRequestSchema>;

export const FieldReportListQuerySchema = z
  .object({
    from: isoTime.optional(),
    to: isoTime.optional(),
    category: z.enum(FIELD_REPORT_CATEGORIES).optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
  })
  .strict();
export type FieldReportListQuery = z.infer<typeof FieldReportListQuerySchema>;

export interface FieldReportDto {
  readonly id: string;
  readonly reportedAt: string;
  readonly channel: string;
  readonly category: FieldReportCategory;
  readonly lat: number;
  readonly lon: number;
  readonly text: string;
  readonly photoRef: string | null;
  readonly reportedBy: string;
  readonly wardId: string | null;
}
