export {
  DEVICE_TYPES,
  DEVICE_TYPE_OF_KIND,
  DOMAINS,
  DOMAIN_OF_DEVICE_TYPE,
  MESSAGE_KIND_NAMES,
  domainOf,
  isMessageKind,
  kindsOf,
  type DeviceType,
  type Domain,
  type MessageKind,
} from './message-kind';
export { REJECTION_CODES, type DeviceMessage, type QuarantinedMessage, type RejectionCode } from './device-message';
export type { Device, DeviceStatus } from './device';
export {
  INCIDENT_STATES,
  INCIDENT_TYPES,
  SEVERITIES,
  ZONE_KINDS,
  isIncidentType,
  maxSeverity,
  severityRank,
  type Evidence,
  type IncidentSignal,
  type IncidentState,
  type IncidentType,
  type Severity,
  type ZoneKind,
  type ZoneRef,
} from './incident';
export {
  INCIDENT_DOMAINS,
  INCIDENT_DOMAIN_NAMES,
  INCIDENT_EVIDENCE_KEPT,
  INCIDENT_EVIDENCE_PER_EVENT,
  SOP_OWNER_ROLES,
  SYSTEM_ACTOR,
  incidentDomainOf,
  type AttachedSop,
  type BilingualText,
  type IncidentDomain,
  type IncidentEvent,
  type IncidentRecord,
  type SopOwnerRole,
  type SopStep,
  type SopStepDone,
  type StoredIncidentEvent,
} from './incident-lifecycle';
export {
  ESCALATION_ROLES,
  type EscalationRole,
  type IncidentNotification,
  type NotificationKind,
  type Notifier,
} from './notification';
export { FIELD_REPORT_API_CHANNEL, type FieldReport } from './field-report';
export { evolve, evolveStatus } from './incident-evolve';
export {
  EXERCISE_INJECT_KINDS,
  FALSE_DETECTION_TYPES,
  INJECT_MSG_PREFIX,
  injectSeqOf,
  type ExerciseInject,
  type ExerciseInjectKind,
  type FalseDetectionType,
  type LoggedInject,
} from './exercise-inject';
