/**
 * A field report (phản ánh hiện trường) from a citizen or ward officer, as handed to the correlation engine: evidence
 * like any reading. `channel` is the intake it came through, the engine's device id for it.
 */
export interface FieldReport {
  readonly id: string;
  /** Event time, epoch ms. */
  readonly reportedAt: number;
  readonly channel: string;
  readonly category: string;
  readonly lat: number;
  readonly lon: number;
  readonly text: string;
  readonly photoRef?: string;
}

/** The channel of reports taken by the REST API (POST /api/v1/field-reports). */
export const FIELD_REPORT_API_CHANNEL = 'report-api';
