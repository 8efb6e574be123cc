import { io, type Socket } from 'socket.io-client';
import {
  CLIENT_EVENTS,
  REALTIME_ERROR_CODES,
  REALTIME_PATH,
  SERVER_EVENTS,
  type ClientToServerEvents,
  type IncidentEventMessage,
  type RealtimeConnectError,
  type ServerToClientEvents,
} from '@ioc/contracts';
import type { IncidentNotification } from '@ioc/domain';

export type FeedStatus = 'connecting' | 'live' | 'offline' | 'unauthorised';

export interface FeedHandlers {
  /** A batch of incident events, ascending seq. */
  events(events: IncidentEventMessage[]): void;
  /** The server cannot replay from our seq: reload the incidents over REST; delivery resumes from `headSeq`. */
  resync(headSeq: number): Promise<void>;
  status(status: FeedStatus): void;
  /** Caught up: every event up to `headSeq` has been delivered. */
  live(headSeq: number): void;
  notification(n: IncidentNotification): void;
}

/**
 * The incident feed over socket.io: authenticated handshake, then on every (re)connect `subscribe` (everything:
 * the console filters locally, so its counts are whole) and `resume` from the last seq applied. The socket.io client
 * reconnects by itself with backoff; each reconnect resumes where the store stands.
 */
export class RealtimeFeed {
  private socket?: Socket<ServerToClientEvents, ClientToServerEvents>;

  constructor(
    private readonly token: string,
    /** The highest seq applied; null before anything was loaded (then delivery starts live from now). */
    private readonly lastSeq: () => number | null,
    private readonly on: FeedHandlers,
  ) {}

  start(): void {
    const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io({
      path: REALTIME_PATH,
      auth: { token: this.token },
      transports: ['websocket', 'polling'],
    });
    this.socket = socket;
    this.on.status('connecting');
    socket.on('connect', () => void this.resume(this.lastSeq()));
    socket.on('disconnect', (reason) => {
      this.on.status('offline');
      // Closed by the server on purpose (this user was disabled or given another role), which socket.io does not retry:
      // connect again at once and let the handshake decide (refused: 'unauthorised').
      if (reason === 'io server disconnect') socket.connect();
    });
    socket.on('connect_error', (err: Error & { data?: RealtimeConnectError }) => {
      const code = err.data?.code;
      if (code === REALTIME_ERROR_CODES.unauthenticated || code === REALTIME_ERROR_CODES.forbidden) {
        this.on.status('unauthorised');
        socket.disconnect();
      } else this.on.status('offline');
    });
    socket.on(SERVER_EVENTS.incidentEvents, (events) => this.on.events(events));
    socket.on(SERVER_EVENTS.resyncRequired, ({ headSeq }) => void this.resync(headSeq));
    socket.on(SERVER_EVENTS.notification, (n) => this.on.notification(n));
    // Diagnostics (and the browser tests): drop and restore the connection as a network failure would.
    (window as unknown as { __iocFeed?: unknown }).__iocFeed = {
      drop: () => socket.disconnect(),
      restore: () => socket.connect(),
    };
  }

  stop(): void {
    this.socket?.disconnect();
    this.socket = undefined;
  }

  private async resync(headSeq: number): Promise<void> {
    await this.on.resync(headSeq);
    await this.resume(headSeq);
  }

  private async resume(afterSeq: number | null): Promise<void> {
    const socket = this.socket;
    if (!socket) return;
    this.on.status('connecting');
    const sub = await socket.emitWithAck(CLIENT_EVENTS.subscribe, {});
    if (!sub.ok) return this.on.status('offline');
    const res = await socket.emitWithAck(CLIENT_EVENTS.resume, { afterSeq });
    if (res.ok) {
      this.on.live(res.headSeq);
      return this.on.status('live');
    }
    if (res.code === REALTIME_ERROR_CODES.resyncRequired && res.headSeq !== undefined) return this.resync(res.headSeq);
    this.on.status('offline');
    // Database unavailable on the server side: try again shortly on the same connection.
    setTimeout(() => void (this.socket === socket && socket.connected && this.resume(this.lastSeq())), 2_000);
  }
}
