export {
  FEEDBACK_ROOT,
  PROVISION_ROOT,
  PROVISION_SHARE_GROUP,
  PROVISION_SUBSCRIPTION,
  STANDARD_FORMATS,
  TOPIC_FILTERS,
  TOPIC_ROOT,
  bridgeTopic,
  deviceTopic,
  gatewayStandardTopic,
  isStandardFormat,
  standardTopic,
  type ParsedTopic,
  type StandardFormat,
  type StandardSource,
  feedbackTopic,
  gatewayTopic,
  parseTopic,
  provisionKeyOfTopic,
  provisionRequestTopic,
  provisionResponseTopic,
  senderFeedbackTopic,
} from './topics';
export { RECEIPT_STATUSES, ReceiptSchema, type Receipt, type ReceiptStatus } from './receipt';
export {
  PROVISIONING_REFUSAL_CODES,
  PROVISIONING_REFUSAL_MEANINGS,
  ProvisionRequestSchema,
  ProvisionResponseSchema,
  type ProvisionRequest,
  type ProvisionResponse,
  type ProvisioningRefusalCode,
} from './provisioning';
export {
  GATEWAY_MAX_MESSAGES,
  GatewayEnvelopeSchema,
  ID_PATTERN,
  MESSAGE_SCHEMAS,
  NgsiLdPayloadSchema,
  SenmlPackSchema,
} from './schemas';
export { createMessageValidators, describeErrors, type MessageValidators } from './validation';
export {
  NGSI_LD_MAX_ENTITIES,
  NGSI_LD_NOTIFY_PATH,
  ngsiLdBridgeId,
  readNgsiLdNotification,
  type NotificationRead,
} from './ngsi-ld-notification';
export { MessageDecoder, type DecodeOptions, type DecodeResult } from './message-decoder';
export {
  derivedMsgId,
  NGSI_LD_MAPPINGS,
  SENML_MEASUREMENTS,
  translateNgsiLd,
  translateSenml,
  type NgsiLdMapping,
  type SenmlMeasurement,
  type TranslateContext,
  type TranslatedMessage,
  type Translation,
  type TranslationRejection,
  type Translator,
} from './formats';
export {
  EVENT_STREAMS,
  JOBS,
  QUEUES,
  QUEUE_JOBS,
  escalationJobId,
  exerciseJobId,
  type JobDataMap,
  type QueueJobName,
  type QueueName,
} from './events';
export { buildContractDocs, MESSAGE_EXAMPLES } from './asyncapi';
export {
  CLIENT_EVENTS,
  REALTIME_ERROR_CODES,
  REALTIME_PATH,
  REALTIME_WATCH_ROLES,
  SERVER_EVENTS,
  type ClientToServerEvents,
  type IncidentEventMessage,
  type IncidentSummary,
  type RealtimeConnectError,
  type ResumeAck,
  type ResyncRequired,
  type ServerToClientEvents,
  type SubscribeAck,
  type SubscribeRequest,
} from './realtime';
export {
  EXERCISE_READ_ROLES,
  EXERCISE_WRITE_ROLES,
  INCIDENT_ACT_ROLES,
  INCIDENT_READ_ROLES,
  SILENCE_READ_ROLES,
  SILENCE_WRITE_ROLES,
  USER_READ_ROLES,
  REGISTRY_ROLES,
  roleMay,
} from './roles';
export { MAX_SILENCE_MS, SILENCE_COMMENT_MAX, SILENCE_COMMENT_MIN } from './silence-limits';
export {
  ChangePasswordRequestSchema,
  CreateUserRequestSchema,
  LoginRequestSchema,
  SetPasswordRequestSchema,
  UpdateUserRequestSchema,
  type ApiUser,
  type ApiUserRecord,
  type ApiUserRole,
  type ChangePasswordRequest,
  type CreateUserRequest,
  type LoginRequest,
  type LoginResponse,
  type SetPasswordRequest,
  type UpdateUserRequest,
} from './rest/auth.dto';
export type { ApiError } from './rest/common.dto';
export {
  DeviceListQuerySchema,
  ReadingsQuerySchema,
  SeriesQuerySchema,
  type DeviceListQuery,
  type ReadingsQuery,
  type SeriesQuery,
} from './rest/devices.dto';
export {
  EXERCISE_KEY_PREFIX,
  EXERCISE_SPEED_MAX,
  EXERCISE_SPEED_MIN,
  ExerciseRequestSchema,
  MAX_RECORDING_MESSAGES,
  MAX_RECORDING_MS,
  RecordingRequestSchema,
  type ExerciseDto,
  type ExerciseRequest,
  type RecordingDto,
  type RecordingRequest,
} from './rest/exercises.dto';
export {
  FieldReportListQuerySchema,
  FieldReportRequestSchema,
  type FieldReportDto,
  type FieldReportListQuery,
  type FieldReportRequest,
} from './rest/field-reports.dto';
export {
  AssignRequestSchema,
  CommentRequestSchema,
  CompleteStepRequestSchema,
  EmptyRequestSchema,
  IncidentEventsQuerySchema,
  IncidentListQuerySchema,
  ReopenRequestSchema,
  ResolveRequestSchema,
  type AssignRequest,
  type CommentRequest,
  type CompleteStepRequest,
  type IncidentEventsQuery,
  type IncidentListQueryDto,
  type ReopenRequest,
  type ResolveRequest,
} from './rest/incidents.dto';
export { KpiQuerySchema, type KpiQuery, type KpiReport } from './rest/kpi.dto';
export { SilenceRequestSchema, type SilenceDto, type SilenceRequest } from './rest/silences.dto';
export { decodeDeviceMessages, encodeDeviceMessages } from './device-message-wire';
export { seedDevicePassword } from './device-credentials';
export {
  AssignDevicesRequestSchema,
  CreateDeviceRequestSchema,
  CreateDevicesRequestSchema,
  CreateGatewayRequestSchema,
  CreateProvisioningKeyRequestSchema,
  type AssignDevicesRequest,
  type CreateDeviceRequest,
  type CreateDevicesRequest,
  type CreateGatewayRequest,
  type CreateProvisioningKeyRequest,
  type MqttCredentials,
  type ProvisioningKeyCredentials,
  type ProvisioningKeyDto,
  type RegistryDeviceDto,
  type RegistryGatewayDto,
} from './rest/registry.dto';
