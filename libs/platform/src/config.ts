import { z } from 'zod';
import { isIP } from 'node:net';
import * as path from 'node:path';
import { PlatformError } from './errors';
import type { ScaledClockSetting } from './clock';

/** Process roles; all run in one process by default and can be split across processes. */
export const ROLES = ['api', 'ingest', 'correlate', 'jobs'] as const;
export type Role = (typeof ROLES)[number];

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const url = (protocols: string[]) =>
  z.string().refine(
    (v) => {
      try {
        return protocols.includes(new URL(v).protocol);
      } catch {
        return false;
      }
    },
    `must be a URL with scheme ${protocols.map((p) => p.replace(':', '://')).join(' or ')}`,
  );

/** One entry of Express's `trust proxy` list: a named range, an address or a subnet. */
function isTrustedProxy(entry: string): boolean {
  if (['loopback', 'linklocal', 'uniquelocal'].includes(entry)) return true;
  const [address, bits, ...rest] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  return bits === undefined || (/^\d+$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128));
}

/** An RFC 3339 time with its offset (2026-10-28T11:00:00+07:00), parsed to epoch ms. */
const rfc3339 = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/, 'an RFC 3339 time with offset')
  .transform((v) => Date.parse(v))
  .refine((ms) => Number.isFinite(ms), 'not a valid time');

/** Every variable, its default and meaning: kept in step with .env.example (a unit test checks). */
export const ENV_SCHEMA = z.object({
  IOC_ROLES: z
    .string()
    .default(ROLES.join(','))
    .transform((v) =>
      v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.enum(ROLES)).min(1, 'at least one role')),
  IOC_DATA_DIR: z.string().min(1).default('./data'),
  // The scenario clock (docs/operations.md, The clock): unset, the system's time.
  IOC_CLOCK_START: rfc3339.optional(),
  IOC_CLOCK_SPEED: z.coerce.number().positive().max(3600).optional(),
  IOC_CLOCK_ANCHOR: rfc3339.optional(),
  HTTP_HOST: z.string().min(1).default('0.0.0.0'),
  HTTP_PORT: int(0, 65535).default(3000),
  HTTP_TRUST_PROXY: z
    .string()
    .default('false')
    .refine(
      (v) => /^(true|false|\d+)$/.test(v) || v.split(',').every((t) => isTrustedProxy(t.trim())),
      'true, false, a number of hops, or addresses/subnets (loopback, linklocal, uniquelocal, 10.0.0.0/8, …)',
    )
    .transform((v): boolean | number | string =>
      v === 'true' ? true : v === 'false' ? false : /^\d+$/.test(v) ? Number(v) : v,
    ),
  DATABASE_URL: z.union([z.literal(''), url(['postgres:', 'postgresql:'])]).default(''),
  DATABASE_POOL_SIZE: int(2, 100).default(8),
  DATABASE_TIMESCALEDB: z.enum(['auto', 'off']).default('auto'),
  REDIS_URL: url(['redis:', 'rediss:']).default('redis://127.0.0.1:6379'),
  REDIS_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_.-]+$/)
    .default('ioc'),
  MQTT_URL: url(['mqtt:', 'mqtts:', 'tcp:', 'ssl:', 'ws:', 'wss:']).default('mqtt://127.0.0.1:1883'),
  MQTT_USERNAME: z.string().optional(),
  MQTT_PASSWORD: z.string().optional(),
  MQTT_ADMIN_USERNAME: z.string().min(1).default('ioc-admin'),
  MQTT_ADMIN_PASSWORD: z.string().optional(),
  MQTT_CA_FILE: z.string().optional(),
  DEVICE_SEED_SECRET: z.string().min(16, 'at least 16 characters').optional(),
  REGISTRY_REFRESH_S: int(1, 3600).default(5),
  INGEST_INSTANCE_ID: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,40}$/)
    .default('ioc'),
  INGEST_SHARE_GROUP: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,40}$/)
    .default('ioc-ingest'),
  // At least 2: on a reconnect a session renews its shared subscription while the others hold it (docs/operations.md, Scaling).
  INGEST_CONNECTIONS: int(2, 4096).default(16),
  INGEST_RECEIVE_MAXIMUM: int(1, 65535).default(1024),
  INGEST_SESSION_EXPIRY_S: int(0, 4294967295).default(7 * 24 * 3600),
  INGEST_MAX_BATCH: int(1, 50000).default(1000),
  INGEST_MAX_CONCURRENT_FLUSHES: int(1, 32).default(3),
  INGEST_MAX_PAYLOAD_BYTES: int(256, 16 * 1024 * 1024).default(256 * 1024),
  INGEST_MAX_FUTURE_SKEW_S: int(0, 365 * 24 * 3600).default(600),
  INGEST_MAX_AGE_S: int(60, 10 * 365 * 24 * 3600).default(30 * 24 * 3600),
  // `register` is a development setting: anyone who can publish adds devices to the registry.
  INGEST_UNKNOWN_DEVICES: z.enum(['register', 'reject']).default('reject'),
  INGEST_DEVICE_RATE_PER_S: z.coerce.number().positive().max(1_000_000).default(10),
  INGEST_DEVICE_BURST: int(1, 10_000_000).default(600),
  INGEST_RETRY_MAX_MS: int(100, 600000).default(10000),
  CORRELATION_ALLOWED_LATENESS_MS: int(0, 600000).default(2000),
  CORRELATION_TICK_MS: int(20, 60000).default(250),
  CORRELATION_EARLY_FIRING: bool.default(true),
  CORRELATION_RECOVERY_S: int(0, 7 * 24 * 3600).default(6 * 3600),
  IOC_SEEDS_DIR: z.string().default(''),
  RECORDING_IMPORT_MAX_BYTES: int(1024, 4 * 1024 * 1024 * 1024).default(128 * 1024 * 1024),
  EXERCISES_MAX_RUNNING: int(1, 20).default(3),
  IOC_CHROMIUM_PATH: z.string().trim().min(1).default('/usr/bin/chromium'),
  ESCALATION_POLICY_FILE: z.string().default(''),
  MAINTENANCE_INTERVAL_S: int(5, 86400).default(60),
  DEVICE_ACTIVITY_FLUSH_S: int(1, 3600).default(5),
  AUTH_JWT_SECRET: z.string().default(''),
  AUTH_TOKEN_TTL_S: int(60, 30 * 24 * 3600).default(12 * 3600),
  AUTH_DEMO_USERS: bool.default(false),
  AUTH_LOGIN_MAX_ATTEMPTS: int(1, 1000).default(5),
  AUTH_LOGIN_MAX_ATTEMPTS_PER_ADDRESS: int(1, 100000).default(30),
  AUTH_LOGIN_WINDOW_S: int(1, 24 * 3600).default(15 * 60),
  METRICS_TOKEN: z.string().min(16, 'at least 16 characters').optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  LOG_PRETTY: bool.default(false),
});

export type Env = z.infer<typeof ENV_SCHEMA>;

export interface IocConfig {
  readonly roles: ReadonlySet<Role>;
  readonly dataDir: string;
  /**
   * The IOC's clock: undefined, the system's; else a scenario clock reading `startMs` at the real time `anchorMs`
   * (IOC_CLOCK_ANCHOR, default when the configuration was loaded) and running `speed` times as fast.
   */
  readonly clock: ScaledClockSetting | undefined;
  readonly http: {
    host: string;
    port: number;
    /** Express's `trust proxy`: which X-Forwarded-For hops give the client's address (throttling, logs). */
    trustProxy: boolean | number | string;
  };
  readonly database: {
    /** Empty: the embedded TimescaleDB (PGlite) under dataDir/pglite. */
    url: string | undefined;
    poolSize: number;
    timescaledb: 'auto' | 'off';
  };
  readonly redis: { url: string; prefix: string };
  readonly mqtt: {
    url: string;
    username?: string;
    password?: string;
    /** The IOC's Dynamic Security admin identity; a password turns broker security management on. */
    admin?: { username: string; password: string };
    /** PEM of the CA the IOC's MQTT connections trust (MQTT_CA_FILE), path. */
    caFile?: string;
  };
  readonly registry: {
    /** Development only: seed devices' passwords derive from it (DEVICE_SEED_SECRET). */
    seedSecret?: string;
    refreshMs: number;
  };
  readonly ingest: {
    instanceId: string;
    shareGroup: string;
    connections: number;
    receiveMaximum: number;
    sessionExpiryS: number;
    maxBatch: number;
    maxConcurrentFlushes: number;
    maxPayloadBytes: number;
    maxFutureSkewMs: number;
    maxAgeMs: number;
    unknownDevices: 'register' | 'reject';
    /** Token bucket per device: over it, messages are quarantined (RATE_LIMITED). */
    deviceRate: { ratePerS: number; burst: number };
    retryMaxMs: number;
  };
  readonly correlation: {
    /** How far behind the driver's clock the engine's watermark runs: later events are counted as late, not applied. */
    allowedLatenessMs: number;
    tickMs: number;
    /** One-reading rules raise when the reading arrives, confirmed or withdrawn at the watermark. */
    earlyFiring: boolean;
    /** On start, the engine's state is rebuilt by replaying this much stored history. */
    recoveryMs: number;
    /** Rules, SOPs and the city model; default: the `seeds/` directory of the installation. */
    seedsDir: string | undefined;
  };
  /** Trainers' recordings: the largest recording file (gzip, as uploaded) an import takes, bytes. */
  readonly recordings: { importMaxBytes: number };
  /** Trainers' exercises: how many may run at once (each jobs process runs up to that many replays). */
  readonly exercises: { maxRunning: number };
  /** After-action reports: the headless Chromium that prints them to PDF (Debian's package `chromium`). */
  readonly reports: { chromiumPath: string };
  /** Escalation policy file; default: escalation.yaml of the seeds directory. */
  readonly escalation: { policyFile: string | undefined };
  readonly jobs: { maintenanceIntervalMs: number; deviceActivityFlushMs: number };
  readonly auth: {
    /** HS256 secret of the access tokens. Undefined: generated once and kept in dataDir/auth-jwt-secret. */
    jwtSecret: string | undefined;
    tokenTtlS: number;
    /** Create one demo user per role when the user table is empty (first start). */
    demoUsers: boolean;
    /** Failed logins within `windowS` after which sign-in is refused (429) for that username, and for that address. */
    login: { maxAttemptsPerAccount: number; maxAttemptsPerAddress: number; windowS: number };
  };
  /** Bearer token of `/metrics` and of `/health`'s detail; undefined: /metrics is public, /health detail admin-only. */
  readonly metricsToken: string | undefined;
  readonly log: { level: Env['LOG_LEVEL']; pretty: boolean };
}

export const IOC_CONFIG = Symbol('IOC_CONFIG');

/**
 * The scenario clock of an environment (IOC_CLOCK_START, IOC_CLOCK_SPEED, IOC_CLOCK_ANCHOR), validated as the IOC
 * validates it: for processes that must keep the IOC's time without its whole configuration (the simulator).
 * Undefined when IOC_CLOCK_START is unset; CONFIG_INVALID when a value is bad.
 */
export function clockSettingFrom(
  env: Record<string, string | undefined>,
  realNowMs: number = Date.now(),
): ScaledClockSetting | undefined {
  const only = Object.fromEntries(Object.entries(env).filter(([k]) => k.startsWith('IOC_CLOCK_')));
  return loadConfig(only, realNowMs).clock;
}

/**
 * Parses and validates the environment once; throws CONFIG_INVALID listing every bad variable. `realNowMs`: the real
 * time of loading, the scenario clock's anchor when IOC_CLOCK_ANCHOR is unset.
 */
export function loadConfig(
  env: Record<string, string | undefined> = process.env,
  realNowMs: number = Date.now(),
): IocConfig {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = ENV_SCHEMA.safeParse(cleaned);
  const problems = parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.') || '(env)'}: ${i.message}`);
  for (const dependent of ['IOC_CLOCK_SPEED', 'IOC_CLOCK_ANCHOR'])
    if (cleaned[dependent] !== undefined && cleaned.IOC_CLOCK_START === undefined)
      problems.push(`${dependent}: only with IOC_CLOCK_START (the time the scenario clock starts at)`);
  if (!parsed.success || problems.length)
    throw new PlatformError('CONFIG_INVALID', `Invalid configuration:\n  - ${problems.join('\n  - ')}`, { problems });
  const e = parsed.data;
  return {
    roles: new Set(e.IOC_ROLES),
    dataDir: path.resolve(e.IOC_DATA_DIR),
    clock:
      e.IOC_CLOCK_START === undefined
        ? undefined
        : { startMs: e.IOC_CLOCK_START, speed: e.IOC_CLOCK_SPEED ?? 1, anchorMs: e.IOC_CLOCK_ANCHOR ?? realNowMs },
    http: { host: e.HTTP_HOST, port: e.HTTP_PORT, trustProxy: e.HTTP_TRUST_PROXY },
    database: { url: e.DATABASE_URL || undefined, poolSize: e.DATABASE_POOL_SIZE, timescaledb: e.DATABASE_TIMESCALEDB },
    redis: { url: e.REDIS_URL, prefix: e.REDIS_PREFIX },
    mqtt: {
      url: e.MQTT_URL,
      username: e.MQTT_USERNAME,
      password: e.MQTT_PASSWORD,
      admin: e.MQTT_ADMIN_PASSWORD ? { username: e.MQTT_ADMIN_USERNAME, password: e.MQTT_ADMIN_PASSWORD } : undefined,
      caFile: e.MQTT_CA_FILE ? path.resolve(e.MQTT_CA_FILE) : undefined,
    },
    registry: { seedSecret: e.DEVICE_SEED_SECRET, refreshMs: e.REGISTRY_REFRESH_S * 1000 },
    ingest: {
      instanceId: e.INGEST_INSTANCE_ID,
      shareGroup: e.INGEST_SHARE_GROUP,
      connections: e.INGEST_CONNECTIONS,
      receiveMaximum: e.INGEST_RECEIVE_MAXIMUM,
      sessionExpiryS: e.INGEST_SESSION_EXPIRY_S,
      maxBatch: e.INGEST_MAX_BATCH,
      maxConcurrentFlushes: e.INGEST_MAX_CONCURRENT_FLUSHES,
      maxPayloadBytes: e.INGEST_MAX_PAYLOAD_BYTES,
      maxFutureSkewMs: e.INGEST_MAX_FUTURE_SKEW_S * 1000,
      maxAgeMs: e.INGEST_MAX_AGE_S * 1000,
      unknownDevices: e.INGEST_UNKNOWN_DEVICES,
      deviceRate: { ratePerS: e.INGEST_DEVICE_RATE_PER_S, burst: e.INGEST_DEVICE_BURST },
      retryMaxMs: e.INGEST_RETRY_MAX_MS,
    },
    correlation: {
      allowedLatenessMs: e.CORRELATION_ALLOWED_LATENESS_MS,
      tickMs: e.CORRELATION_TICK_MS,
      earlyFiring: e.CORRELATION_EARLY_FIRING,
      recoveryMs: e.CORRELATION_RECOVERY_S * 1000,
      seedsDir: e.IOC_SEEDS_DIR ? path.resolve(e.IOC_SEEDS_DIR) : undefined,
    },
    recordings: { importMaxBytes: e.RECORDING_IMPORT_MAX_BYTES },
    exercises: { maxRunning: e.EXERCISES_MAX_RUNNING },
    reports: { chromiumPath: path.resolve(e.IOC_CHROMIUM_PATH) },
    escalation: {
      policyFile: e.ESCALATION_POLICY_FILE
        ? path.resolve(e.ESCALATION_POLICY_FILE)
        : e.IOC_SEEDS_DIR
          ? path.resolve(e.IOC_SEEDS_DIR, 'escalation.yaml')
          : undefined,
    },
    jobs: {
      maintenanceIntervalMs: e.MAINTENANCE_INTERVAL_S * 1000,
      deviceActivityFlushMs: e.DEVICE_ACTIVITY_FLUSH_S * 1000,
    },
    auth: {
      jwtSecret: e.AUTH_JWT_SECRET || undefined,
      tokenTtlS: e.AUTH_TOKEN_TTL_S,
      demoUsers: e.AUTH_DEMO_USERS,
      login: {
        maxAttemptsPerAccount: e.AUTH_LOGIN_MAX_ATTEMPTS,
        maxAttemptsPerAddress: e.AUTH_LOGIN_MAX_ATTEMPTS_PER_ADDRESS,
        windowS: e.AUTH_LOGIN_WINDOW_S,
      },
    },
    metricsToken: e.METRICS_TOKEN,
    log: { level: e.LOG_LEVEL, pretty: e.LOG_PRETTY },
  };
}
