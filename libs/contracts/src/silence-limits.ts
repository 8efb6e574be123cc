/**
 * The bounds of a silence request, pure values shared by the server's schema (`SilenceRequestSchema`) and the
 * console's form, which checks them before sending.
 */

/** The longest silence one request may set: longer quiet needs a rule change, reviewed like code. */
export const MAX_SILENCE_MS = 7 * 24 * 3_600_000;
/** Length of the reason (trimmed), shown to every operator while the silence lasts. */
export const SILENCE_COMMENT_MIN = 3;
export const SILENCE_COMMENT_MAX = 1000;
