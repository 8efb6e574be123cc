import { connect, type Socket } from 'node:net';
import { generate, parser as packetParser, type IConnackPacket, type IPubackPacket, type Packet } from 'mqtt-packet';
import { fleet, messageBody, type FleetDevice } from '@ioc/testing';
import { fleetLanes } from './lanes';
import type { PublisherArgs } from './publisher-process';

/**
 * Load generator, run as its own process: `devices` devices publish QoS 1 messages over `connections` MQTT 5
 * connections, keeping up to `window` publishes in flight per connection, for `durationMs`, as fast as the broker
 * acknowledges or paced at `rate` msg/s. The connections share one identity and the whole fleet, or (`lanes`) each is
 * an identity of its own that publishes only for its devices (bench/lanes.ts).
 * Reports on stdout as JSON lines: progress, then {"done":true,"published":N,"failed":N,"ms":N,"cpuSeconds":N}
 * (published = acknowledged by the broker with a success reason code; cpuSeconds: this process's CPU time).
 *
 * It shares two cores with the broker, the database and the IOC it loads, so it spends as little as it can per
 * message: packets are encoded and parsed by mqtt-packet (the codec MQTT.js itself uses), and each connection writes
 * the publishes that its received PUBACKs freed in one socket write, where an MQTT.js client per connection makes a
 * promise, a store entry and a write per message (in bench:ingest about 34 µs of CPU per message, against 9–16).
 */
const OPTS = { protocolVersion: 5 } as const;

/** One MQTT 5 connection publishing at QoS 1 with `window` packet ids in flight. */
class Lane {
  private readonly socket: Socket;
  private readonly parser = packetParser(OPTS);
  private inFlight = 0;
  private out: Buffer[] = [];
  /** Packet ids free but held back by the pacing. */
  private parked: number[] = [];
  private ended = false;
  private connected = false;
  published = 0;
  failed = 0;

  constructor(
    url: URL,
    credentials: { username: string; password: string },
    private readonly clientId: string,
    private readonly window: number,
    private readonly next: () => { topic: string; payload: string } | null | 'later',
    private readonly onDone: (err?: Error) => void,
  ) {
    this.socket = connect(Number(url.port || 1883), url.hostname);
    this.socket.setNoDelay(true);
    this.socket.on('data', (chunk) => {
      this.parser.parse(chunk);
      this.flush();
    });
    this.socket.on('error', (err) => this.finish(err));
    this.socket.on('close', () =>
      this.finish(this.ended ? undefined : new Error(`${this.clientId}: connection closed by the broker`)),
    );
    this.parser.on('packet', (p: Packet) => this.onPacket(p));
    this.parser.on('error', (err) => this.finish(err));
    this.socket.write(
      generate(
        {
          cmd: 'connect',
          protocolId: 'MQTT',
          protocolVersion: 5,
          clean: true,
          clientId,
          keepalive: 0,
          username: credentials.username,
          password: Buffer.from(credentials.password),
        },
        OPTS,
      ),
    );
  }

  private onPacket(p: Packet): void {
    if (p.cmd === 'connack') {
      const code = (p as IConnackPacket).reasonCode ?? 0;
      if (code !== 0) return this.finish(new Error(`${this.clientId}: connection refused, reason code ${code}`));
      this.connected = true;
      for (let id = 1; id <= this.window; id++) if (!this.send(id)) break;
      if (this.inFlight === 0 && this.parked.length === 0) this.end();
    } else if (p.cmd === 'puback') {
      this.inFlight--;
      if (((p as IPubackPacket).reasonCode ?? 0) < 0x80) this.published++;
      else this.failed++;
      // The freed packet id carries the next message.
      if (!this.send(p.messageId!) && this.inFlight === 0 && this.parked.length === 0) this.end();
    }
  }

  /** Sends what the pacing allows now on the parked packet ids (called on a timer when paced). */
  pump(): void {
    if (!this.connected || this.ended) return;
    while (this.parked.length > 0) {
      const m = this.next();
      if (m === 'later') break;
      if (!m) {
        this.parked = [];
        break;
      }
      this.publish(this.parked.pop()!, m);
    }
    this.flush();
    if (this.inFlight === 0 && this.parked.length === 0 && !this.ended) this.end();
  }

  private send(messageId: number): boolean {
    const m = this.next();
    if (m === 'later') {
      this.parked.push(messageId);
      return true;
    }
    if (!m) return false;
    this.publish(messageId, m);
    return true;
  }

  private publish(messageId: number, m: { topic: string; payload: string }): void {
    this.inFlight++;
    this.out.push(
      generate(
        { cmd: 'publish', topic: m.topic, payload: m.payload, qos: 1, messageId, retain: false, dup: false },
        OPTS,
      ),
    );
  }

  private flush(): void {
    if (this.out.length === 0 || this.ended) return;
    this.socket.write(this.out.length === 1 ? this.out[0] : Buffer.concat(this.out));
    this.out = [];
  }

  private end(): void {
    if (this.ended) return;
    this.flush();
    this.ended = true;
    this.socket.end(generate({ cmd: 'disconnect', reasonCode: 0 }, OPTS));
  }

  private finish(err?: Error): void {
    if (err) this.socket.destroy();
    this.onDone(err);
  }
}

async function main(): Promise<void> {
  const a = JSON.parse(process.argv[2]) as PublisherArgs;
  const url = new URL(a.url);
  if (a.lanes && a.lanes.length !== a.connections)
    throw new Error(`${a.lanes.length} lane identities for ${a.connections} connections`);
  const devices = fleet(a.devices, `bench-${a.runId}`);
  // Shared: every connection takes the fleet's next device. Lanes: each connection cycles through its own devices.
  const groups = a.lanes ? fleetLanes(devices, a.connections) : [devices];
  const t0 = Date.now();
  const baseTs = t0 - 60_000;
  let seq = 0;
  let stopAt = t0 + a.durationMs;
  // Stopped early (PublisherRun.stop): publishing ends as at the end of the duration, and the run reports.
  process.on('SIGTERM', () => (stopAt = 0));
  const started = performance.now();
  type Next = () => { topic: string; payload: string } | null | 'later';
  const nextOf = (own: readonly FleetDevice[]): Next => {
    let k = 0;
    let lastTs = NaN;
    let lastDate = new Date(0);
    return () => {
      // The clock is read every 256 messages (a syscall-free read, but still not free at this rate).
      if ((seq & 255) === 0 && Date.now() >= stopAt) return null;
      if (own.length === 0) return null;
      if (a.rate > 0 && seq >= ((performance.now() - started) * a.rate) / 1000) return 'later';
      // Message ids count over the whole run (no id twice); each device's timestamps step 1 ms per round of its group.
      const n = seq++;
      const d = own[k % own.length];
      const ts = a.liveTimestamps ? Date.now() : baseTs + Math.floor(k / own.length);
      k++;
      if (ts !== lastTs) {
        lastTs = ts;
        lastDate = new Date(ts);
      }
      return { topic: d.topic, payload: JSON.stringify(messageBody(d.kind, a.firstSeq + n, lastDate)) };
    };
  };
  const nexts = groups.map(nextOf);
  const lanes: Lane[] = [];
  const done = Promise.all(
    Array.from(
      { length: a.connections },
      (_, i) =>
        new Promise<void>((resolve, reject) => {
          const identity = a.lanes?.[i];
          const credentials = identity ?? { username: a.username ?? '', password: a.password ?? '' };
          lanes.push(
            new Lane(
              url,
              credentials,
              identity ? identity.username : `bench-pub-${a.runId}-${i}`,
              a.window,
              nexts[a.lanes ? i : 0],
              (err) => (err ? reject(err) : resolve()),
            ),
          );
        }),
    ),
  );
  const published = () => lanes.reduce((n, l) => n + l.published, 0);
  const pacer = a.rate > 0 ? setInterval(() => lanes.forEach((l) => l.pump()), 2) : undefined;
  const progress = setInterval(
    () => process.stdout.write(`${JSON.stringify({ progress: true, published: published(), ms: Date.now() - t0 })}\n`),
    1000,
  );
  await done;
  clearInterval(progress);
  if (pacer) clearInterval(pacer);
  const cpu = process.cpuUsage();
  const failed = lanes.reduce((n, l) => n + l.failed, 0);
  process.stdout.write(
    `${JSON.stringify({ done: true, published: published(), failed, ms: Date.now() - t0, cpuSeconds: (cpu.user + cpu.system) / 1e6 })}\n`,
  );
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack}\n`);
  process.exit(1);
});
