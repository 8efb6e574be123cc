export { FIELD_REPORT, type EngineEvent, type FieldReportBody } from './event';
export { buildTopology, type DeviceNode, type DeviceRecord, type RouteNode, type Topology } from './topology';
export type { Rule, RuleSet } from './rule.types';
export { parseRuleFiles } from './rule-file';
export { CorrelationEngine, type EngineStats, type Silence } from './engine';
export { backtest, type BacktestResult } from './backtest';
export { findSeedsDir, loadRules, loadTopology, loadTopologySource } from './seeds.loader';
export { ExerciseReplay, exerciseTimeOf, replayedTo, type ExerciseTimeline } from './exercise-replay';
