import { IocError, type IocErrorCode } from '@ioc/platform';

export type IncidentErrorCode = Extract<
  IocErrorCode,
  'INCIDENT_NOT_FOUND' | 'INCIDENT_INVALID_TRANSITION' | 'INCIDENT_INVALID_COMMAND' | 'INCIDENT_CONFLICT' | 'SOP_INVALID' | 'SOP_NOT_FOUND' | 'SOP_STEP_UNKNOWN'
>;

/** Errors of the incident lifecycle; an IocError, so the edges map its code like any other. */
export class IncidentError extends IocError {
  constructor(code: IncidentErrorCode, message: string, details?: Record<string, unknown>) {
    super(code, message, details);
    this.name = 'IncidentError';
  }
}
