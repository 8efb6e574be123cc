/**
 * Categories the correlation rules understand (seeds/rules `reportCategories`), plus `other`. Zod-free: the console
 * offers them too.
 */
export const FIELD_REPORT_CATEGORIES = [
  'flooding',
  'waste',
  'dumping',
  'encroachment',
  'traffic',
  'crowd',
  'fire',
  'other',
] as const;
export type FieldReportCategory = (typeof FIELD_REPORT_CATEGORIES)[number];
