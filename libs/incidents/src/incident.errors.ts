import { IocError } from '@ioc/platform';

/** Codes of the incident lifecycle, its SOPs, its escalation policy, exercise isolation and scoring rules. */
export const INCIDENT_ERROR_CODES = [
  'INCIDENT_NOT_FOUND',
  'INCIDENT_INVALID_TRANSITION',
  'INCIDENT_INVALID_COMMAND',
  'INCIDENT_CONFLICT',
  'SOP_INVALID',
  'SOP_NOT_FOUND',
  'SOP_STEP_UNKNOWN',
  'ESCALATION_POLICY_INVALID',
  /** A trainee asked for (or acted on) an exercise, or its incident, they are not assigned to. */
  'EXERCISE_NOT_ASSIGNED',
  /** seeds/scoring.yaml is not valid: the server does not start. */
  'SCORING_RULES_INVALID',
] as const;
export type IncidentErrorCode = (typeof INCIDENT_ERROR_CODES)[number];

/** Errors of the incident lifecycle; an IocError, so the edges map its code like any other. */
export class IncidentError extends IocError<IncidentErrorCode> {}
