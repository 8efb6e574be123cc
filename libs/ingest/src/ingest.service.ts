import type { Logger } from 'pino';
import type { DeviceRepository } from '@ioc/storage';
import type { IocConfig } from '@ioc/platform';
import type { DeviceDirectory, DirectorySnapshot, LastSeenTracker } from './device-directory';
import type { IngestPipeline } from './ingest-pipeline';
import type { MqttIngestConnections } from './mqtt-ingest.service';

/** Reads the registry's devices and gateways, for the device directory. */
export type DirectoryLoader = () => Promise<DirectorySnapshot>;

/**
 * Runs the ingest role: loads the device directory, opens the MQTT sessions, flushes last-seen times,
 * and shuts down without losing what was acknowledged.
 */
export class IngestService {
  private timers: NodeJS.Timeout[] = [];
  private stopped = false;
  private reloadQueued = false;
  private reloading: Promise<void> = Promise.resolve();

  constructor(
    private readonly config: IocConfig,
    private readonly devices: DeviceRepository,
    private readonly loadDirectory: DirectoryLoader,
    /** The registry updates it in place when a device or gateway changes (between reloads). */
    readonly directory: DeviceDirectory,
    private readonly lastSeen: LastSeenTracker,
    readonly pipeline: IngestPipeline,
    readonly connections: MqttIngestConnections,
    private readonly logger: Logger,
  ) {}

  async start(): Promise<void> {
    await this.reloadDirectory();
    await this.connections.start();
    this.timers.push(setInterval(() => void this.flushLastSeen(), this.config.jobs.deviceActivityFlushMs));
    this.timers.push(
      setInterval(
        () => void this.reloadDirectory().catch((err) => this.logger.warn({ err }, 'device directory reload failed')),
        // Registrations and disabling done by another process's registry take effect within this period.
        this.config.registry.refreshMs,
      ),
    );
  }

  /**
   * Reloads the directory soon, once: a reload in progress may have read the registry before the change, so another
   * follows it. Called when the registry in this process changed something.
   */
  requestReload(): void {
    if (this.reloadQueued) return;
    this.reloadQueued = true;
    const run = async () => {
      await this.reloading;
      this.reloadQueued = false;
      await this.reloadDirectory();
    };
    this.reloading = run().catch((err) => this.logger.warn({ err }, 'device directory reload failed'));
  }

  async reloadDirectory(): Promise<void> {
    const { devices, gateways } = await this.loadDirectory();
    this.directory.replaceAll(devices, gateways);
    this.logger.debug(
      { devices: this.directory.size, gateways: this.directory.gatewayCount },
      'device directory loaded',
    );
  }

  async flushLastSeen(): Promise<void> {
    const entries = this.lastSeen.take();
    if (entries.length === 0) return;
    try {
      await this.devices.touchLastSeen(entries);
    } catch (err) {
      this.lastSeen.restore(entries);
      this.logger.warn({ err, devices: entries.length }, 'last-seen flush failed; will retry');
    }
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    await this.shutdown(() => this.connections.stop());
    this.logger.info({ ...this.pipeline.stats }, 'ingest stopped');
  }

  /** Empties and deletes this instance's broker sessions (see MqttIngestConnections.retire); the instance is gone after. */
  async retire(idleMs: number): Promise<number> {
    this.logger.info(
      { instanceId: this.config.ingest.instanceId },
      'retiring: draining the sessions, then deleting them',
    );
    let received = 0;
    await this.shutdown(async () => {
      received = await this.connections.retire(idleMs);
    });
    this.logger.info(
      { instanceId: this.config.ingest.instanceId, ...this.pipeline.stats },
      'retired: sessions deleted',
    );
    return received;
  }

  /** Stops the timers, lets `disconnect` take the sessions down, then writes the last last-seen times. */
  private async shutdown(disconnect: () => Promise<void>): Promise<void> {
    this.stopped = true;
    this.timers.forEach(clearInterval);
    this.timers = [];
    await disconnect();
    await this.flushLastSeen();
  }
}
