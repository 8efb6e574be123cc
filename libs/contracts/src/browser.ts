/**
 * `@ioc/contracts` as the browser sees it (the console's vite and tsconfig alias it here): the socket.io contract and
 * the roles, which are pure, and the REST DTO types. The package's index also holds the MQTT schemas and their
 * validators (ajv, typebox, zod), which have no place in the console's bundle.
 */
export { CLIENT_EVENTS, REALTIME_ERROR_CODES, REALTIME_NAMESPACE, REALTIME_PATH, REALTIME_WATCH_ROLES, SERVER_EVENTS, type ClientToServerEvents, type IncidentEventMessage, type IncidentSummary, type RealtimeConnectError, type RealtimeErrorCode, type RealtimeHandshakeAuth, type RealtimeNack, type ResumeAck, type ResumeRequest, type ResyncRequired, type ServerToClientEvents, type SubscribeAck, type SubscribeRequest } from './realtime';
export { EXERCISE_READ_ROLES, EXERCISE_WRITE_ROLES, INCIDENT_ACT_ROLES, INCIDENT_READ_ROLES, roleMay, SILENCE_READ_ROLES, SILENCE_WRITE_ROLES, USER_READ_ROLES } from './roles';
export { MAX_SILENCE_MS, SILENCE_COMMENT_MAX, SILENCE_COMMENT_MIN } from './silence-limits';
export type { ApiError, ApiUser, ApiUserRecord, ApiUserRole, AssignRequest, ChangePasswordRequest, CommentRequest, CompleteStepRequest, CreateUserRequest, DeviceListQuery, ExerciseDto, ExerciseRequest, ExerciseStatus, FieldReportCategory, FieldReportDto, FieldReportListQuery, FieldReportRequest, IncidentAction, IncidentEventsQuery, IncidentListQueryDto, KpiQuery, KpiReport, LoginRequest, LoginResponse, ReadingsQuery, RecordingDto, RecordingRequest, ReopenRequest, ResolveRequest, SeriesQuery, SetPasswordRequest, SilenceDto, SilenceRequest, UpdateUserRequest } from './rest';
