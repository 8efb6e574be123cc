export { parsePayloadFile, type BadLine, type CheckEntry, type ParsedPayloadFile } from './ndjson';
export { gatewaySampleEntries, kindsOfType, sampleEntries } from './samples';
export {
  CHECK_STATUSES,
  PASSING_STATUSES,
  buildReport,
  describeReasonCode,
  exitCodeOf,
  formatResult,
  formatSummary,
  fromReceipt,
  msgIdsOf,
  type CheckMode,
  type CheckRejection,
  type CheckReport,
  type CheckResult,
  type CheckStatus,
} from './report';
export { IOC_DECODE_DEFAULTS, checkOffline } from './offline';
export { checkOnline, type OnlineCheckOptions } from './online';
export {
  ConnectRefusedError,
  mqttConformanceConnector,
  type ConformanceClient,
  type ConformanceConnectOptions,
  type ConformanceConnector,
} from './mqtt-connector';
