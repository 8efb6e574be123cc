import { IocError } from '@ioc/platform';

/** Codes of the incident lifecycle, its SOPs and its escalation policy. */
export const INCIDENT_ERROR_CODES = [
  'INCIDENT_NOT_FOUND',
  'INCIDENT_INVALID_TRANSITION',
  'INCIDENT_INVALID_COMMAND',
  'INCIDENT_CONFLICT',
  'SOP_INVALID',
  'SOP_NOT_FOUND',
  'SOP_STEP_UNKNOWN',
  'ESCALATION_POLICY_INVALID',
] as const;
export type IncidentErrorCode = (typeof INCIDENT_ERROR_CODES)[number];

/** Errors of the incident lifecycle; an IocError, so the edges map its code like any other. */
export class IncidentError extends IocError<IncidentErrorCode> {}
