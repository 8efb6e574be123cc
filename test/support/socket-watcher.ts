import { io, type Socket } from 'socket.io-client';
import {
  CLIENT_EVENTS,
  REALTIME_PATH,
  SERVER_EVENTS,
  type ClientToServerEvents,
  type IncidentEventMessage,
  type ResumeAck,
  type ResyncRequired,
  type ServerToClientEvents,
  type SubscribeAck,
  type SubscribeRequest,
} from '@ioc/contracts';

export type WatcherSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export interface WatcherOptions {
  readonly subscription?: SubscribeRequest;
  /** Seq to resume after on the first connect; null: live from now. */
  readonly afterSeq?: number | null;
  /** socket.io-client's own reconnection (default true, quick: 100–500 ms). */
  readonly reconnection?: boolean;
  /** Called for every received event (the push bench timestamps them). */
  readonly onEvent?: (m: IncidentEventMessage, receivedAt: number) => void;
  /** Keep the messages (default true; the bench keeps counts only). */
  readonly keep?: boolean;
}

/**
 * A client as the console behaves: on every (re)connect it subscribes, then resumes after the last seq it applied.
 * Counts what a delivery guarantee needs: events, duplicates (a seq seen twice) and order violations.
 */
export class SocketWatcher {
  readonly socket: WatcherSocket;
  readonly events: IncidentEventMessage[] = [];
  readonly resyncs: ResyncRequired[] = [];
  readonly acks: ResumeAck[] = [];
  lastSeq: number | null;
  received = 0;
  duplicates = 0;
  outOfOrder = 0;
  connects = 0;
  private readonly seen = new SeqSet();
  private readonly ready: Promise<void>;

  constructor(
    url: string,
    token: string | undefined,
    private readonly options: WatcherOptions = {},
  ) {
    this.lastSeq = options.afterSeq ?? null;
    this.socket = io(url, {
      path: REALTIME_PATH,
      transports: ['websocket'],
      auth: token === undefined ? {} : { token },
      reconnection: options.reconnection ?? true,
      reconnectionDelay: 100,
      reconnectionDelayMax: 500,
      forceNew: true,
    });
    this.socket.on(SERVER_EVENTS.incidentEvents, (batch) => {
      const now = performance.now();
      for (const m of batch) {
        this.received++;
        if (!this.seen.add(m.seq)) this.duplicates++;
        if (this.lastSeq !== null && m.seq <= this.lastSeq) this.outOfOrder++;
        this.lastSeq = this.lastSeq === null ? m.seq : Math.max(this.lastSeq, m.seq);
        if (options.keep ?? true) this.events.push(m);
        options.onEvent?.(m, now);
      }
    });
    this.socket.on(SERVER_EVENTS.resyncRequired, (r) => this.resyncs.push(r));
    this.ready = new Promise((resolve, reject) => {
      this.socket.on('connect', () => {
        this.connects++;
        this.start().then(resolve, reject);
      });
      this.socket.on('connect_error', (err) => {
        if (!this.socket.active) reject(err);
      });
    });
  }

  /** Resolves after the first subscribe + resume; rejects with the handshake error when refused. */
  connected(): Promise<void> {
    return this.ready;
  }

  seqs(): number[] {
    return this.events.map((e) => e.seq);
  }

  async waitFor(predicate: (w: SocketWatcher) => boolean, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate(this)) {
      if (Date.now() > deadline)
        throw new Error(
          `watcher: condition not met in ${timeoutMs} ms (received ${this.received}, last seq ${this.lastSeq})`,
        );
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  close(): void {
    this.socket.disconnect();
  }

  private async start(): Promise<void> {
    const sub: SubscribeAck = await this.socket
      .timeout(10_000)
      .emitWithAck(CLIENT_EVENTS.subscribe, this.options.subscription ?? {});
    if (!sub.ok) throw new Error(`subscribe refused: ${sub.code} ${sub.message}`);
    const ack: ResumeAck = await this.socket
      .timeout(30_000)
      .emitWithAck(CLIENT_EVENTS.resume, { afterSeq: this.lastSeq });
    this.acks.push(ack);
    if (!ack.ok) throw new Error(`resume refused: ${ack.code} ${ack.message}`);
    if (this.lastSeq === null) this.lastSeq = ack.headSeq;
  }
}

/** The handshake refusal of a connection attempt, or undefined when it connects. */
export async function handshakeError(
  url: string,
  auth: Record<string, unknown>,
): Promise<{ message: string; code?: string } | undefined> {
  const socket: WatcherSocket = io(url, {
    path: REALTIME_PATH,
    transports: ['websocket'],
    auth,
    reconnection: false,
    forceNew: true,
  });
  try {
    return await new Promise((resolve) => {
      socket.once('connect', () => resolve(undefined));
      socket.once('connect_error', (err) =>
        resolve({ message: err.message, code: (err as Error & { data?: { code?: string } }).data?.code }),
      );
    });
  } finally {
    socket.disconnect();
  }
}

/**
 * The seqs a watcher has received, one bit each (seqs are dense from 1): the push bench's sockets check ~100,000
 * deliveries a second, where a Set of numbers costs its hashing, its growth and the collector's time.
 */
export class SeqSet {
  private bits = new Uint8Array(1 << 12);

  /** false: already there. */
  add(seq: number): boolean {
    if (!Number.isSafeInteger(seq) || seq < 0) throw new Error(`not a seq: ${seq}`);
    const byte = Math.floor(seq / 8);
    if (byte >= this.bits.length) {
      const grown = new Uint8Array(Math.max(byte + 1, this.bits.length * 2));
      grown.set(this.bits);
      this.bits = grown;
    }
    const bit = 1 << (seq % 8);
    if (this.bits[byte] & bit) return false;
    this.bits[byte] |= bit;
    return true;
  }
}
