import type { Namespace, Socket } from 'socket.io';
import type { Logger } from 'pino';
import {
  REALTIME_ERROR_CODES,
  SERVER_EVENTS,
  type ClientToServerEvents,
  type IncidentEventMessage,
  type ResumeAck,
  type ServerToClientEvents,
  type SubscribeAck,
} from '@ioc/contracts';
import type { IncidentNotification } from '@ioc/domain';
import type { TokenPrincipal } from '@ioc/auth';
import type { FeedLog, IncidentFeed } from './incident-feed';
import { Subscription } from './subscription';

export type IocNamespace = Namespace<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;
export type IocSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

export interface SocketData {
  /** The socket's user as the handshake (and each later check) found it, with its token's issue time. */
  principal: TokenPrincipal;
}

/**
 * The exercises a socket's user may watch: null for all of them (trainers, supervisors, admins), or their incidents' key
 * prefixes (a trainee's own exercises). Asked when a socket subscribes to exercises and on each periodic recheck, never
 * per delivery.
 */
export type ExerciseScopePort = (principal: {
  readonly userId: string;
  readonly role: string;
}) => Promise<readonly string[] | null>;

export interface RealtimeOptions {
  /** Events read from the database per catch-up page. */
  readonly catchUpPage: number;
  /** More events than this to catch up on (or to buffer while catching up): the client reloads instead. */
  readonly catchUpMax: number;
}

/**
 * Where a socket stands:
 * - idle: connected, nothing requested yet (or told to resync);
 * - catching-up: reading the database after the client's seq; live batches are buffered meanwhile;
 * - ahead: caught up beyond the feed's head (the database was ahead of the stream); live batches are filtered by seq
 *   until the feed passes it;
 * - live: in its subscription's room, receiving every batch as the feed dispatches it.
 */
type Mode = 'idle' | 'catching-up' | 'ahead' | 'live';

interface Client {
  readonly socket: IocSocket;
  sub: Subscription;
  mode: Mode;
  /** ahead: highest seq sent. */
  lastSeq: number;
  buffer: IncidentEventMessage[];
  /** Incremented by every resume and on disconnect: an older catch-up stops when it sees a newer generation. */
  generation: number;
}

const roomOf = (sub: Subscription) => `watch:${sub.key}`;

/** Escalation recipients → user roles whose sockets show the notification (admins see everything). */
const NOTIFY_ROLES: Record<string, readonly string[]> = {
  operator: ['operator', 'admin'],
  supervisor: ['supervisor', 'admin'],
  'duty-manager': ['supervisor', 'admin'],
};

/**
 * Delivers the feed to this process's sockets, each event once and in seq order per socket, from the client's last
 * seq. Only local sockets: every API process runs its own feed and emits with `local`, so an event never crosses the
 * Redis adapter and no socket gets it from two processes.
 */
export class RealtimeService {
  private nsp?: IocNamespace;
  private readonly clients = new Map<string, Client>();
  /** Live sockets per subscription room, to know which rooms a batch goes to. */
  private readonly rooms = new Map<string, { sub: Subscription; live: number }>();

  constructor(
    private readonly feed: IncidentFeed,
    private readonly log: Pick<FeedLog, 'eventsSince' | 'headSeq'>,
    private readonly knownWards: ReadonlySet<string>,
    private readonly options: RealtimeOptions,
    private readonly logger: Logger,
    private readonly exerciseScope: ExerciseScopePort,
  ) {
    feed.onBatch((batch) => this.dispatch(batch));
  }

  attach(nsp: IocNamespace): void {
    this.nsp = nsp;
  }

  connected(socket: IocSocket): void {
    this.clients.set(socket.id, { socket, sub: Subscription.ALL, mode: 'idle', lastSeq: 0, buffer: [], generation: 0 });
    for (const role of Object.keys(NOTIFY_ROLES))
      if (NOTIFY_ROLES[role].includes(socket.data.principal.role)) void socket.join(`notify:${role}`);
    void socket.join(userRoom(socket.data.principal.userId));
  }

  /**
   * Closes every socket of a user, in every API process (through the Redis adapter): after the user is disabled or
   * given another role. A client that connects again meets the handshake's check of the user as stored now.
   */
  disconnectUser(userId: string): void {
    this.nsp?.in(userRoom(userId)).disconnectSockets(true);
  }

  disconnected(socket: IocSocket): void {
    const c = this.clients.get(socket.id);
    if (!c) return;
    c.generation++;
    this.leaveLive(c);
    this.clients.delete(socket.id);
  }

  /** Sockets of this process. */
  get connections(): number {
    return this.clients.size;
  }

  /** Sockets of every API process (asked through the Redis adapter). */
  async clusterConnections(): Promise<number> {
    return this.nsp ? (await this.nsp.fetchSockets()).length : 0;
  }

  async subscribe(socket: IocSocket, request: unknown): Promise<SubscribeAck> {
    const c = this.clients.get(socket.id);
    if (!c) return this.nack(REALTIME_ERROR_CODES.invalidRequest, 'not connected');
    const parsed = Subscription.parse(request, this.knownWards);
    if (typeof parsed === 'string') return this.nack(REALTIME_ERROR_CODES.invalidRequest, parsed);
    // Exercises: a trainee's socket gets their own exercises' incidents only, never another exercise's.
    const sub = parsed.exercise ? parsed.within(await this.exerciseScope(socket.data.principal)) : parsed;
    if (!this.clients.has(socket.id)) return this.nack(REALTIME_ERROR_CODES.invalidRequest, 'not connected');
    this.resubscribe(c, sub);
    return { ok: true, ...sub.toAck() };
  }

  /**
   * Reads again the exercises each exercise-watching socket of a restricted user may see (a trainer has assigned or
   * removed them since) and moves it to its new room. Called periodically by the gateway.
   */
  async refreshExerciseScopes(): Promise<void> {
    for (const c of [...this.clients.values()]) {
      if (!c.sub.exercise || c.sub.keyPrefixes === null) continue;
      const prefixes = await this.exerciseScope(c.socket.data.principal);
      const next = c.sub.within(prefixes);
      if (next.key !== c.sub.key && this.clients.get(c.socket.id) === c) this.resubscribe(c, next);
    }
  }

  private resubscribe(c: Client, sub: Subscription): void {
    if (c.mode === 'live') {
      this.leaveLive(c);
      c.sub = sub;
      this.joinLive(c);
    } else {
      c.sub = sub;
    }
  }

  async resume(socket: IocSocket, request: unknown): Promise<ResumeAck> {
    const c = this.clients.get(socket.id);
    if (!c) return this.nack(REALTIME_ERROR_CODES.invalidRequest, 'not connected');
    const afterSeq = (request as { afterSeq?: unknown } | null | undefined)?.afterSeq;
    if (afterSeq !== undefined && afterSeq !== null && !(Number.isSafeInteger(afterSeq) && (afterSeq as number) >= 0)) {
      return this.nack(REALTIME_ERROR_CODES.invalidRequest, 'afterSeq must be a non-negative integer or null');
    }
    const generation = ++c.generation;
    this.leaveLive(c);
    c.buffer = [];
    if (afterSeq === undefined || afterSeq === null) {
      // From now on: the client loads the current state over REST and applies events after headSeq.
      this.joinLive(c);
      return { ok: true, replayed: 0, headSeq: this.feed.head };
    }
    c.mode = 'catching-up';
    let cursor = afterSeq as number;
    let replayed = 0;
    let scanned = 0;
    try {
      if (cursor > this.feed.head && cursor > (await this.log.headSeq())) return this.resync(c, 'ahead-of-server');
      for (;;) {
        const rows = await this.log.eventsSince(cursor, this.options.catchUpPage);
        if (c.generation !== generation)
          return this.nack(REALTIME_ERROR_CODES.invalidRequest, 'superseded by a later resume');
        scanned += rows.length;
        if (scanned > this.options.catchUpMax) return this.resync(c, 'too-far-behind');
        if (rows.length > 0) {
          const messages = (await this.feed.withCurrentSummaries(rows)).filter((m) => c.sub.matches(m));
          if (c.generation !== generation)
            return this.nack(REALTIME_ERROR_CODES.invalidRequest, 'superseded by a later resume');
          if (messages.length > 0) socket.emit(SERVER_EVENTS.incidentEvents, messages);
          replayed += messages.length;
          cursor = rows[rows.length - 1].seq;
        }
        if (rows.length < this.options.catchUpPage) break;
      }
    } catch (err) {
      this.logger.warn({ err, socket: socket.id }, 'catch-up failed');
      if (c.generation === generation) c.mode = 'idle';
      throw err;
    }
    // Synchronous from here to the mode change, so no batch is dispatched in between. The database covered every seq
    // up to `cursor` and everything dispatched before this catch-up began; the buffer holds what was dispatched since.
    const rest = c.buffer.filter((m) => m.seq > cursor);
    c.buffer = [];
    if (rest.length > 0) {
      socket.emit(SERVER_EVENTS.incidentEvents, rest);
      cursor = rest[rest.length - 1].seq;
    }
    if (cursor > this.feed.head) {
      c.mode = 'ahead';
      c.lastSeq = cursor;
    } else {
      this.joinLive(c);
    }
    return { ok: true, replayed: replayed + rest.length, headSeq: Math.max(cursor, this.feed.head) };
  }

  notify(n: IncidentNotification): void {
    const rooms = n.recipients.map((r) => `notify:${r}`);
    if (rooms.length > 0) this.nsp?.local.to(rooms).emit(SERVER_EVENTS.notification, n);
  }

  /** One feed batch (ascending seq, all above every earlier batch). */
  private dispatch(batch: readonly IncidentEventMessage[]): void {
    const nsp = this.nsp;
    if (!nsp) return;
    for (const [room, { sub, live }] of this.rooms) {
      if (live === 0) continue;
      const matching = batch.filter((m) => sub.matches(m));
      if (matching.length > 0) nsp.local.to(room).emit(SERVER_EVENTS.incidentEvents, matching);
    }
    const top = batch[batch.length - 1].seq;
    for (const c of this.clients.values()) {
      if (c.mode === 'catching-up') {
        for (const m of batch) if (c.sub.matches(m)) c.buffer.push(m);
        if (c.buffer.length > this.options.catchUpMax) {
          c.generation++;
          this.resync(c, 'too-far-behind');
        }
      } else if (c.mode === 'ahead') {
        const newer = batch.filter((m) => m.seq > c.lastSeq && c.sub.matches(m));
        if (newer.length > 0) c.socket.emit(SERVER_EVENTS.incidentEvents, newer);
        if (top >= c.lastSeq) this.joinLive(c);
        else if (newer.length > 0) c.lastSeq = newer[newer.length - 1].seq;
      }
    }
  }

  private joinLive(c: Client): void {
    c.mode = 'live';
    const room = roomOf(c.sub);
    void c.socket.join(room);
    const r = this.rooms.get(room);
    if (r) r.live++;
    else this.rooms.set(room, { sub: c.sub, live: 1 });
  }

  private leaveLive(c: Client): void {
    if (c.mode !== 'live') return;
    const room = roomOf(c.sub);
    void c.socket.leave(room);
    const r = this.rooms.get(room);
    if (r && --r.live === 0) this.rooms.delete(room);
    c.mode = 'idle';
  }

  private resync(c: Client, reason: 'too-far-behind' | 'ahead-of-server'): ResumeAck {
    this.leaveLive(c);
    c.mode = 'idle';
    c.buffer = [];
    const headSeq = this.feed.head;
    c.socket.emit(SERVER_EVENTS.resyncRequired, { reason, headSeq });
    return {
      ok: false,
      code: REALTIME_ERROR_CODES.resyncRequired,
      message: `cannot resume event by event (${reason}): reload, then resume from headSeq`,
      headSeq,
    };
  }

  private nack(code: (typeof REALTIME_ERROR_CODES)[keyof typeof REALTIME_ERROR_CODES], message: string) {
    return { ok: false as const, code, message };
  }
}

/** The room of one user's sockets. */
const userRoom = (userId: string) => `user:${userId}`;
