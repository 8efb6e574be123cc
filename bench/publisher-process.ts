import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { atNiceness, killWithParent } from '@ioc/testing';

/** What `bench/publisher.ts` is told (see there). */
export interface PublisherArgs {
  readonly url: string;
  /**
   * The broker identity every connection authenticates as (the test broker's trusted publisher); the connections share
   * the fleet. Not used when `lanes` is given.
   */
  readonly username?: string;
  readonly password?: string;
  /**
   * One broker identity per connection (bench:ingest): connection i authenticates as lanes[i], with its username as
   * client id (the identity is pinned to it, as a device's is), and publishes only for its own devices
   * (`fleetLanes` in bench/lanes.ts). `connections` must equal lanes.length.
   */
  readonly lanes?: ReadonlyArray<{ readonly username: string; readonly password: string }>;
  /** msg/s offered, spread over the connections; 0: as fast as the broker acknowledges. */
  readonly rate: number;
  /** Message ids count from here (`m-<n>`), so that two runs over one fleet give no id twice. */
  readonly firstSeq: number;
  readonly devices: number;
  readonly connections: number;
  /** Publishes in flight per connection. */
  readonly window: number;
  readonly durationMs: number;
  /** Names the fleet's devices and the connections' client ids. */
  readonly runId: string;
  /** Stamp each message with the time it is sent (bench:latency: the engine takes them in); default: one minute back. */
  readonly liveTimestamps?: boolean;
}

export interface PublisherResult {
  readonly published: number;
  /** Publishes the broker answered with an error reason code (not counted as published). */
  readonly failed: number;
  readonly ms: number;
  readonly cpuSeconds: number;
}

export interface PublisherRun {
  readonly done: Promise<PublisherResult>;
  /** Ends the run before its duration (SIGTERM: the generator stops publishing, and reports as at the end). */
  stop(): void;
}

/**
 * Runs the load generator (`bench/publisher.ts`, built) as its own process at niceness `nice` (it stands in for field
 * devices that would not share the machine), reporting its progress lines to `onProgress`.
 */
export function runPublisher(
  args: PublisherArgs,
  nice: number,
  onProgress: (p: { published: number; ms: number }) => void = () => undefined,
): PublisherRun {
  const command = [process.execPath, path.join(__dirname, 'publisher.js'), JSON.stringify(args)];
  const [file, ...argv] = atNiceness(command, nice);
  const child = spawn(file, argv, { stdio: ['ignore', 'pipe', 'inherit'] });
  killWithParent(child);
  const done = new Promise<PublisherResult>((resolve, reject) => {
    let buf = '';
    let result: PublisherResult | undefined;
    child.stdout.on('data', (d) => {
      buf += d;
      const lines = buf.split('\n');
      buf = lines.pop() ?? '';
      for (const line of lines) {
        const m = JSON.parse(line) as PublisherResult & { done?: boolean };
        if (m.done) result = m;
        else onProgress(m);
      }
    });
    child.on('exit', (code) =>
      code === 0 && result ? resolve(result) : reject(new Error(`publisher exited with ${code}`)),
    );
  });
  return {
    done,
    stop: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    },
  };
}
