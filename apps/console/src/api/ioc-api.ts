import type {
  ApiUserRecord,
  AssignDevicesRequest,
  CreateDeviceRequest,
  CreateGatewayRequest,
  CreateProvisioningKeyRequest,
  CreateUserRequest,
  ApiUser,
  ExerciseActionDto,
  ExerciseDto,
  ExerciseInjectDto,
  ExerciseScriptDto,
  ExerciseReportDto,
  ExerciseReviewDto,
  ExerciseReviewRequest,
  ExerciseScoreboardDto,
  ExerciseTraineeDto,
  ExerciseTraineesRequest,
  KpiReport,
  LoginResponse,
  MqttCredentials,
  ProvisioningKeyCredentials,
  ProvisioningKeyDto,
  RecordingDto,
  ReportLanguage,
  RegistryDeviceDto,
  RegistryGatewayDto,
  SilenceDto,
  UpdateUserRequest,
} from '@ioc/contracts';
import type { IncidentRecord, StoredIncidentEvent } from '@ioc/domain';
import type { RecordingBody } from '../exercises/exercise-model';
import type { ExerciseInjectRequestBody } from '../exercises/inject-model';
import type { SilenceBody } from '../silences/silence-form';
import { HttpClient, type TokenSource, type UnauthorisedHandler } from './http-client';

/** One SOP step as the incident detail reports it: due time and whether it is done or overdue. */
export interface SopStepProgressDto {
  readonly id: string;
  readonly owner: string;
  readonly dueAt: number;
  readonly doneAt?: number;
  readonly doneBy?: string;
  readonly overdue: boolean;
}

export interface IncidentDetailDto {
  readonly incident: IncidentRecord;
  readonly timeline: readonly StoredIncidentEvent[];
  readonly sop: readonly SopStepProgressDto[];
  /** The users named in the timeline, by user id. */
  readonly actors?: Readonly<
    Record<string, { readonly username: string; readonly displayName: string; readonly role: string }>
  >;
}

/** A device of the city model and the registry (`GET /api/v1/devices`). */
export interface DeviceDto {
  readonly id: string;
  readonly type: string;
  readonly domain: string;
  readonly name?: string | null;
  readonly lat: number | null;
  readonly lon: number | null;
  /** Ward id of the city model (`ward-p3`). */
  readonly ward?: string | null;
  readonly catchment?: string | null;
  readonly status: 'active' | 'disabled' | 'unregistered';
  readonly lastSeenAt: string | null;
  /** Heard from within `staleAfterS` (the offline rule's limit for its type). */
  readonly online?: boolean;
  readonly staleAfterS?: number;
}

export interface ReadingDto {
  readonly deviceId: string;
  readonly kind: string;
  readonly time: string;
  readonly values: Readonly<Record<string, unknown>>;
}

/** A provisioning key just created, with its secret: the only answer that ever carries it. */
export interface CreatedProvisioningKey {
  readonly key: ProvisioningKeyDto;
  readonly secret: string;
}

/** The server's answer (`{ key, credentials }`): the key's secret is its identity's password. */
function createdKey(r: { key: ProvisioningKeyDto; credentials: ProvisioningKeyCredentials }): CreatedProvisioningKey {
  return { key: r.key, secret: r.credentials.password };
}

const registryPath = (kind: 'device' | 'gateway', id: string) =>
  `/registry/${kind === 'device' ? 'devices' : 'gateways'}/${encodeURIComponent(id)}`;

type Page<T> = readonly T[] | { readonly items: readonly T[]; readonly nextCursor?: string | null };
const items = <T>(p: Page<T>): T[] => (Array.isArray(p) ? [...p] : [...(p as { items: readonly T[] }).items]);

/** The REST endpoints the console uses (`/api/v1`, OpenAPI at /api/docs). */
export class IocApi {
  private readonly http: HttpClient;

  constructor(token: TokenSource, onUnauthorised?: UnauthorisedHandler) {
    this.http = new HttpClient(token, onUnauthorised);
  }

  static login(username: string, password: string): Promise<LoginResponse> {
    return new HttpClient(() => undefined).post<LoginResponse>('/auth/login', { username, password });
  }

  /** Live incidents, or with `exercise: true` the trainers' exercise incidents instead. */
  async incidents(
    query: { state?: readonly string[]; limit?: number; exercise?: boolean } = {},
  ): Promise<IncidentRecord[]> {
    return items(
      await this.http.get<Page<IncidentRecord>>('/incidents', {
        state: query.state,
        limit: query.limit,
        exercise: query.exercise === undefined ? undefined : String(query.exercise),
      }),
    );
  }

  incident(id: string): Promise<IncidentDetailDto> {
    return this.http.get<IncidentDetailDto>(`/incidents/${encodeURIComponent(id)}`);
  }

  acknowledge(id: string): Promise<unknown> {
    return this.http.post(`/incidents/${encodeURIComponent(id)}/acknowledge`);
  }

  assign(id: string, assignee: string): Promise<unknown> {
    return this.http.post(`/incidents/${encodeURIComponent(id)}/assign`, { assignee });
  }

  comment(id: string, text: string): Promise<unknown> {
    return this.http.post(`/incidents/${encodeURIComponent(id)}/comment`, { text });
  }

  resolve(id: string, note?: string): Promise<unknown> {
    return this.http.post(`/incidents/${encodeURIComponent(id)}/resolve`, note ? { note } : {});
  }

  reopen(id: string, reason?: string): Promise<unknown> {
    return this.http.post(`/incidents/${encodeURIComponent(id)}/reopen`, reason ? { reason } : {});
  }

  completeSopStep(id: string, stepId: string): Promise<unknown> {
    return this.http.post(`/incidents/${encodeURIComponent(id)}/sop-steps/${encodeURIComponent(stepId)}/complete`, {});
  }

  async devices(): Promise<DeviceDto[]> {
    return items(await this.http.get<Page<DeviceDto>>('/devices'));
  }

  async readings(deviceId: string, from: Date, to: Date): Promise<ReadingDto[]> {
    return items(
      await this.http.get<Page<ReadingDto>>(`/devices/${encodeURIComponent(deviceId)}/readings`, {
        from: from.toISOString(),
        to: to.toISOString(),
        limit: 1000,
      }),
    );
  }

  kpis(): Promise<KpiReport> {
    return this.http.get<KpiReport>('/kpis');
  }

  /** Silences in force, to come, or ended in the last 7 days; newest first (operator, supervisor, trainer). */
  silences(): Promise<SilenceDto[]> {
    return this.http.get<SilenceDto[]>('/silences');
  }

  /** Matching incidents are neither raised nor updated until `endsAt` (operator, supervisor). */
  createSilence(body: SilenceBody): Promise<SilenceDto> {
    return this.http.post<SilenceDto>('/silences', body);
  }

  /** Ends a silence now; the record stays, with who ended it. */
  expireSilence(id: string): Promise<SilenceDto> {
    return this.http.post<SilenceDto>(`/silences/${encodeURIComponent(id)}/expire`);
  }

  /** Users (supervisor, admin). */
  users(): Promise<ApiUserRecord[]> {
    return this.http.get<ApiUserRecord[]>('/users');
  }

  /** Admin. */
  createUser(body: CreateUserRequest): Promise<ApiUserRecord> {
    return this.http.post<ApiUserRecord>('/users', body);
  }

  /** Admin. */
  updateUser(id: string, changes: UpdateUserRequest): Promise<ApiUserRecord> {
    return this.http.patch<ApiUserRecord>(`/users/${encodeURIComponent(id)}`, changes);
  }

  /** Admin. */
  setUserPassword(id: string, password: string): Promise<ApiUserRecord> {
    return this.http.post<ApiUserRecord>(`/users/${encodeURIComponent(id)}/password`, { password });
  }

  /** Recordings, newest first (operator, supervisor, trainer). */
  recordings(): Promise<RecordingDto[]> {
    return this.http.get<RecordingDto[]>('/recordings');
  }

  /** Keeps the readings stored in [from, to) for exercises (supervisor, trainer). */
  createRecording(body: RecordingBody): Promise<RecordingDto> {
    return this.http.post<RecordingDto>('/recordings', body);
  }

  /** Refused (`RECORDING_IN_USE`) while an exercise of it runs. */
  deleteRecording(id: string): Promise<unknown> {
    return this.http.delete(`/recordings/${encodeURIComponent(id)}`);
  }

  /** The recording as one file (`.iocrec`, gzip of NDJSON) and the server's `Content-Disposition` (supervisor, trainer). */
  exportRecording(id: string): Promise<{ readonly blob: Blob; readonly disposition: string | null }> {
    return this.http.download(`/recordings/${encodeURIComponent(id)}/export`);
  }

  /**
   * A new recording from an exported file, sent as the raw body; refused whole (`RECORDING_FILE_INVALID`,
   * `RECORDING_CITY_MISMATCH`, `RECORDING_TOO_LARGE`, with `details.reason`). Supervisor, trainer.
   */
  importRecording(file: Blob): Promise<RecordingDto> {
    return this.http.upload<RecordingDto>('/recordings/import', file, 'application/gzip');
  }

  /** The last exercises, newest first (operator, supervisor, trainer). */
  exercises(): Promise<ExerciseDto[]> {
    return this.http.get<ExerciseDto[]>('/exercises');
  }

  /** Replays a recording as exercise incidents; one at a time (`EXERCISE_ACTIVE`). Supervisor, trainer. */
  startExercise(body: { readonly recordingId: string; readonly speed: number }): Promise<ExerciseDto> {
    return this.http.post<ExerciseDto>('/exercises', body);
  }

  /** Steers a running exercise: pause, resume, speed `{ speed }` (1–3600 or "max"), seek `{ to }`. Supervisor, trainer. */
  steerExercise(
    id: string,
    op: 'pause' | 'resume' | 'speed' | 'seek',
    body?: { readonly speed: number | 'max' } | { readonly to: string },
  ): Promise<ExerciseDto> {
    return this.http.post<ExerciseDto>(`/exercises/${encodeURIComponent(id)}/${op}`, body);
  }

  stopExercise(id: string): Promise<ExerciseDto> {
    return this.http.post<ExerciseDto>(`/exercises/${encodeURIComponent(id)}/stop`);
  }

  /** The after-action report of an ended exercise (JSON; `EXERCISE_NOT_ENDED` while it runs). Supervisor, trainer. */
  exerciseReport(id: string): Promise<ExerciseReportDto> {
    return this.http.get<ExerciseReportDto>(`/exercises/${encodeURIComponent(id)}/report`);
  }

  /** The report as its printable page (self-contained HTML, no script). */
  exerciseReportHtml(id: string, lang: ReportLanguage): Promise<string> {
    return this.http.document(`/exercises/${encodeURIComponent(id)}/report.html`, { lang }, 'text');
  }

  /** The same page as a PDF (`REPORT_PDF_UNAVAILABLE` when the server has no Chromium). */
  exerciseReportPdf(id: string, lang: ReportLanguage): Promise<Blob> {
    return this.http.document(`/exercises/${encodeURIComponent(id)}/report.pdf`, { lang }, 'blob');
  }

  /** The trainer's review of an ended exercise: what went well, what to improve. */
  saveExerciseReview(id: string, body: ExerciseReviewRequest): Promise<ExerciseReviewDto> {
    return this.http.put<ExerciseReviewDto>(`/exercises/${encodeURIComponent(id)}/review`, body);
  }

  // Trainees and scores of exercises (issue 19).

  /** The enabled operators, who may be assigned as trainees (supervisor, trainer). */
  traineeCandidates(): Promise<ApiUser[]> {
    return this.http.get<ApiUser[]>('/exercises/trainee-candidates');
  }

  /** The exercise's trainees (a trainee: of their own exercise). */
  exerciseTrainees(id: string): Promise<ExerciseTraineeDto[]> {
    return this.http.get<ExerciseTraineeDto[]>(`/exercises/${encodeURIComponent(id)}/trainees`);
  }

  /** Replaces the exercise's trainee group (supervisor, trainer). */
  setExerciseTrainees(id: string, body: ExerciseTraineesRequest): Promise<ExerciseTraineeDto[]> {
    return this.http.put<ExerciseTraineeDto[]>(`/exercises/${encodeURIComponent(id)}/trainees`, body);
  }

  /** The scoreboard (a trainee: their own, once the exercise ended; EXERCISE_SCORES_NOT_YET before). */
  exerciseScoreboard(id: string): Promise<ExerciseScoreboardDto> {
    return this.http.get<ExerciseScoreboardDto>(`/exercises/${encodeURIComponent(id)}/scoreboard`);
  }

  /** People's actions on the exercise's incidents, newest first (supervisor, trainer). */
  exerciseActions(id: string): Promise<ExerciseActionDto[]> {
    return this.http.get<ExerciseActionDto[]>(`/exercises/${encodeURIComponent(id)}/actions`);
  }

  // The device registry (integrator, admin). The answers that carry a password are never cached (use-registry.ts).

  registryDevices(): Promise<RegistryDeviceDto[]> {
    return this.http.get<RegistryDeviceDto[]>('/registry/devices');
  }

  /** The answer carries the device's MQTT password, this once. */
  createRegistryDevice(
    body: CreateDeviceRequest,
  ): Promise<{ readonly device: RegistryDeviceDto; readonly credentials: MqttCredentials | null }> {
    return this.http.post('/registry/devices', body);
  }

  registryGateways(): Promise<RegistryGatewayDto[]> {
    return this.http.get<RegistryGatewayDto[]>('/registry/gateways');
  }

  /** The answer carries the gateway's MQTT password, this once. */
  createRegistryGateway(
    body: CreateGatewayRequest,
  ): Promise<{ readonly gateway: RegistryGatewayDto; readonly credentials: MqttCredentials }> {
    return this.http.post('/registry/gateways', body);
  }

  /** A new password (shown once); the broker closes the old session at once. */
  rotateCredentials(kind: 'device' | 'gateway', id: string): Promise<{ readonly credentials: MqttCredentials }> {
    return this.http.post(`${registryPath(kind, id)}/rotate`);
  }

  /** Disabled: disconnected at once and refused until enabled. */
  setRegistryEnabled(kind: 'device' | 'gateway', id: string, enabled: boolean): Promise<unknown> {
    return this.http.post(`${registryPath(kind, id)}/${enabled ? 'enable' : 'disable'}`);
  }

  deleteRegistered(kind: 'device' | 'gateway', id: string): Promise<unknown> {
    return this.http.delete(registryPath(kind, id));
  }

  /** Hangs the devices off the gateway, or off none (null). */
  assignDevices(body: AssignDevicesRequest): Promise<unknown> {
    return this.http.put('/registry/assignments', body);
  }

  provisioningKeys(): Promise<ProvisioningKeyDto[]> {
    return this.http.get<ProvisioningKeyDto[]>('/registry/provisioning-keys');
  }

  /** The answer carries the key's secret, this once. */
  async createProvisioningKey(body: CreateProvisioningKeyRequest): Promise<CreatedProvisioningKey> {
    return createdKey(await this.http.post('/registry/provisioning-keys', body));
  }

  revokeProvisioningKey(id: string): Promise<unknown> {
    return this.http.post(`/registry/provisioning-keys/${encodeURIComponent(id)}/revoke`);
  }

  /** A running exercise's injects, by seq (operator, supervisor, trainer). */
  exerciseInjects(id: string): Promise<ExerciseInjectDto[]> {
    return this.http.get<ExerciseInjectDto[]>(`/exercises/${encodeURIComponent(id)}/injects`);
  }

  /** Injects into a running exercise at `at` or now on its drill clock (supervisor, trainer). */
  injectIntoExercise(id: string, body: ExerciseInjectRequestBody): Promise<ExerciseInjectDto> {
    return this.http.post<ExerciseInjectDto>(`/exercises/${encodeURIComponent(id)}/injects`, body);
  }

  /** Saves an exercise (recording and logged injects) as a script. */
  saveExerciseScript(id: string, name: string): Promise<ExerciseScriptDto> {
    return this.http.post<ExerciseScriptDto>(`/exercises/${encodeURIComponent(id)}/script`, { name });
  }

  exerciseScripts(): Promise<ExerciseScriptDto[]> {
    return this.http.get<ExerciseScriptDto[]>('/exercise-scripts');
  }

  deleteExerciseScript(id: string): Promise<unknown> {
    return this.http.delete(`/exercise-scripts/${encodeURIComponent(id)}`);
  }

  /** Starts an exercise from a script: its planned injects are logged before the replay starts. */
  startExerciseScript(scriptId: string, speed: number): Promise<ExerciseDto> {
    return this.http.post<ExerciseDto>('/exercises', { scriptId, speed });
  }
}
