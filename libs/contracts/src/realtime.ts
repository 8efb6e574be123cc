/**
 * The socket.io contract between the IOC's real-time gateway (api role) and its clients (the operator console, tools).
 * Event names are constants; the maps below type both ends (`Server<ClientToServerEvents, ServerToClientEvents>`,
 * `Socket<ServerToClientEvents, ClientToServerEvents>` from socket.io-client).
 *
 * Delivery guarantee: every incident event carries its global `seq` (increasing in commit order, gaps allowed). A
 * client keeps the highest seq it has applied and, on every (re)connect, sends `subscribe` then `resume { afterSeq }`:
 * the server sends everything committed after it (from the database) and then live events, in seq order, each once.
 */
import type {
  IncidentDomain,
  IncidentNotification,
  IncidentState,
  IncidentType,
  Severity,
  StoredIncidentEvent,
  ZoneRef,
  BilingualText,
} from '@ioc/domain';

/** Engine.IO path of the gateway (same HTTP port as the REST API). */
export const REALTIME_PATH = '/socket.io';
/** The socket.io namespace of the incident feed. */
export const REALTIME_NAMESPACE = '/';

/** User roles that may open a socket (integrators push data, they do not watch the city). */
export const REALTIME_WATCH_ROLES = ['operator', 'supervisor', 'trainer', 'admin'] as const;

/** Client → server. */
export const CLIENT_EVENTS = {
  /** Choose what to receive (wards, domains, live or exercise); takes effect for the next delivery. */
  subscribe: 'subscribe',
  /** Start (or restart) delivery after a seq: catch-up from the database, then live. */
  resume: 'resume',
} as const;

/** Server → client. */
export const SERVER_EVENTS = {
  /** A batch of incident events, ascending seq, each above every seq sent before on this connection. */
  incidentEvents: 'incident:events',
  /** The client's afterSeq cannot be served event by event (too far behind, or unknown): reload, then resume from headSeq. */
  resyncRequired: 'incident:resync-required',
  /** An escalation or reminder for the socket's role (live only; the incident's `escalated` event is the durable record). */
  notification: 'notification',
} as const;

/** Codes in `connect_error` (`err.data.code`) and in negative acknowledgements. */
export const REALTIME_ERROR_CODES = {
  /** No token, or a token that is malformed, forged or expired. */
  unauthenticated: 'AUTH_INVALID',
  /** A valid token whose role may not watch. */
  forbidden: 'AUTH_FORBIDDEN',
  invalidRequest: 'REALTIME_INVALID_REQUEST',
  resyncRequired: 'REALTIME_RESYNC_REQUIRED',
} as const;
export type RealtimeErrorCode = (typeof REALTIME_ERROR_CODES)[keyof typeof REALTIME_ERROR_CODES];

/** `connect_error` payload: `err.message` is human-readable, `err.data` is this. */
export interface RealtimeConnectError {
  readonly code: RealtimeErrorCode;
}

/** What a client needs to place an incident without another request: its current state and the wards it touches. */
export interface IncidentSummary {
  readonly id: string;
  readonly key: string;
  readonly type: IncidentType;
  readonly domain: IncidentDomain;
  readonly zone: ZoneRef;
  /** Wards the zone lies in (a catchment or the river can span several); empty when unknown. */
  readonly wards: readonly string[];
  readonly severity: Severity;
  readonly state: IncidentState;
  readonly title: BilingualText;
  readonly exercise: boolean;
}

/**
 * One incident event as committed, with the incident's summary. The summary is at least as recent as the event (a
 * catch-up sends the current one), so a client applies the event to its timeline and takes the summary as is.
 */
export type IncidentEventMessage = StoredIncidentEvent & {
  readonly incident: IncidentSummary;
  /**
   * An exercise's event that a forward seek skipped (applied, not happening now): show it, do not alert on it (no sound,
   * no flash). Set on events pushed as they are committed; a catch-up from the database does not carry it.
   */
  readonly quiet?: true;
};

export interface SubscribeRequest {
  /** Ward ids (`ward-p3`); omitted or empty: every ward. */
  readonly wards?: readonly string[];
  /** Incident domains; omitted or empty: every domain. */
  readonly domains?: readonly IncidentDomain[];
  /** true: trainers' exercise incidents only; default: live incidents only. */
  readonly exercise?: boolean;
}

export interface ResumeRequest {
  /** The highest seq the client has applied; omitted or null: start with live events from now (see `headSeq`). */
  readonly afterSeq?: number | null;
}

export interface RealtimeNack {
  readonly ok: false;
  readonly code: RealtimeErrorCode;
  readonly message: string;
  /** With REALTIME_RESYNC_REQUIRED: reload the state (REST), then resume from this seq. */
  readonly headSeq?: number;
}

export type SubscribeAck =
  | {
      readonly ok: true;
      readonly wards: readonly string[];
      readonly domains: readonly IncidentDomain[];
      readonly exercise: boolean;
    }
  | RealtimeNack;

/** Sent after the catch-up events: delivery is live from here on. */
export type ResumeAck =
  | {
      readonly ok: true;
      /** Events sent from the database for this resume. */
      readonly replayed: number;
      /** Every event up to this seq has been sent (those matching the subscription). */
      readonly headSeq: number;
    }
  | RealtimeNack;

export interface ResyncRequired {
  readonly reason: 'too-far-behind' | 'ahead-of-server';
  readonly headSeq: number;
}

export interface ClientToServerEvents {
  [CLIENT_EVENTS.subscribe]: (request: SubscribeRequest, ack: (response: SubscribeAck) => void) => void;
  [CLIENT_EVENTS.resume]: (request: ResumeRequest, ack: (response: ResumeAck) => void) => void;
}

export interface ServerToClientEvents {
  [SERVER_EVENTS.incidentEvents]: (events: IncidentEventMessage[]) => void;
  [SERVER_EVENTS.resyncRequired]: (payload: ResyncRequired) => void;
  [SERVER_EVENTS.notification]: (notification: IncidentNotification) => void;
}

/** What the handshake carries: `io(url, { auth: { token } })`. */
export interface RealtimeHandshakeAuth {
  readonly token: string;
}
