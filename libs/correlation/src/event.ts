import type { MessageKind } from '@ioc/domain';

/** A citizen's or ward officer's report (phản ánh hiện trường): evidence like any sensor reading. */
export interface FieldReportBody {
  readonly reportId: string;
  /** `flooding`, `waste`, `dumping`, `traffic`, `crowd`, `other`. */
  readonly category: string;
  readonly lat: number;
  readonly lon: number;
  readonly text: string;
  readonly photoRef?: string;
}

export const FIELD_REPORT = 'field-report' as const;
export type EngineEventKind = MessageKind | typeof FIELD_REPORT;

/**
 * One input of the engine: a validated device message (or field report) at its event time. For a field report,
 * `deviceId` names the reporting channel (e.g. `report-app`) and `msgId` is the report id.
 */
export interface EngineEvent {
  readonly deviceId: string;
  readonly msgId: string;
  readonly kind: EngineEventKind;
  /** Event time, epoch ms. */
  readonly ts: number;
  readonly body: Readonly<Record<string, unknown>>;
}

/** Canonical processing order: event time, then device, then message id (so arrival order never matters). */
export function compareEvents(a: EngineEvent, b: EngineEvent): number {
  if (a.ts !== b.ts) return a.ts - b.ts;
  if (a.deviceId !== b.deviceId) return a.deviceId < b.deviceId ? -1 : 1;
  if (a.msgId !== b.msgId) return a.msgId < b.msgId ? -1 : 1;
  return 0;
}
