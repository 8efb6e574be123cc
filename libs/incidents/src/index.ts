export { DEFAULT_LIFECYCLE_POLICY, decide, foldByIncident, type IncidentCommand } from './incident.decider';
export { INCIDENT_ERROR_CODES, IncidentError, type IncidentErrorCode } from './incident.errors';
export { attachable } from './sop/sop.schema';
export { SopCatalog, loadSopCatalog } from './sop/sop.catalog';
export { IncidentService, SOP_CATALOG, type IncidentChange, type IncidentDetail } from './incident.service';
export { IncidentsModule } from './incidents.module';
export { CapExportService } from './cap/cap-export.service';
export { escalateIncidentJob } from './escalation/escalate-incident.job';
export {
  loadEscalationPolicy,
  parseEscalationPolicy,
  type EscalationIncident,
  type EscalationPolicy,
} from './escalation/escalation-policy';
export { ESCALATION_POLICY, EscalationModule } from './escalation/escalation.module';
export {
  ESCALATION_FAULT_POINTS,
  type EscalationFaultHook,
  type EscalationFaultPoint,
  type EscalationIncidentPort,
} from './escalation/escalation.ports';
export { BullEscalationScheduler, ESCALATION_WORKER, type EscalationRunner } from './escalation/escalation.scheduler';
export { EscalationService } from './escalation/escalation.service';
export { IncidentCommandService, type OperatorCommand } from './incident-commands.service';
export { IncidentCommandsModule } from './incident-commands.module';
export { IncidentChangeFanout } from './incident-change.fanout';
export {
  EXERCISE_SCOPE_CACHE_MS,
  ExerciseAccessService,
  inScope,
  type ExerciseScope,
  type Viewer,
} from './exercise-access/exercise-access.service';
export {
  DEFAULT_TEAM,
  expectedAssignee,
  formatDuration,
  isFalseAlarm,
  saysFalseAlarm,
  scoreExercise,
  type ScoredIncident,
  type ScoredTrainee,
  type ScoringInput,
} from './scoring/exercise-scorer';
export {
  defaultScoringRulesFile,
  loadScoringRules,
  parseScoringRules,
  type ScoringRules,
} from './scoring/scoring-rules';
