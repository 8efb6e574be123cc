export { FIELD_REPORT, type EngineEvent, type FieldReportBody } from './event';
export type { Rule, RuleSet } from './rule.types';
export { parseRuleFiles } from './rule-file';
export { CorrelationEngine, type EngineStats, type Silence } from './engine';
export { backtest, type BacktestResult } from './backtest';
export { loadRules, RULES } from './rules.loader';
export {
  ExerciseReplay,
  exerciseTimeOf,
  replayedTo,
  type ExerciseTimeline,
  type NumberedSignal,
} from './exercise-replay';
export {
  drillTimeAt,
  steer,
  type ExerciseClockChange,
  type ExerciseClockState,
  type ExerciseControl,
} from './exercise-control';
export { compareDecisions, liveDecisions, type DecisionComparison, type LiveDecision } from './replay-comparison';
export {
  INJECT_MODEL_VERSION,
  INJECT_REPORT_CHANNEL,
  InjectCompiler,
  injectMsgId,
  injectProblem,
  silencedDevices,
  type InjectContext,
} from './exercise-injects';
