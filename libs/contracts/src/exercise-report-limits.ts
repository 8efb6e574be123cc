/** Limits of the after-action report's inputs, shared by the server's schema and the console's form (no zod here). */

/** The languages the report is rendered in (the JSON itself is language-independent). */
export const REPORT_LANGUAGES = ['vi', 'en'] as const;
export type ReportLanguage = (typeof REPORT_LANGUAGES)[number];

/** The longest "what went well" and "what to improve" a trainer may write, characters each. */
export const EXERCISE_REVIEW_TEXT_MAX = 4000;
