import { Global, Inject, Module, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { Logger } from 'pino';
import { createMessageValidators, MessageDecoder } from '@ioc/contracts';
import type { Registry } from 'prom-client';
import { CLOCK, IOC_CONFIG, LOGGER, METRICS_REGISTRY, type Clock, type IocConfig } from '@ioc/platform';
import {
  DATABASE,
  DeviceRepository,
  IngestRepository,
  RegistryRepository,
  ingestRepositoryOptionsFor,
  isDataRejection,
  type Database,
} from '@ioc/storage';
import { AcceptedMessageTap, DeviceMessageStream, RegistryChangeTap } from '@ioc/queue';
import { DeviceDirectory, LastSeenTracker } from './device-directory';
import { DeviceRateLimiter } from './device-rate-limiter';
import { IngestPipeline } from './ingest-pipeline';
import { MQTT_CONNECTOR, mqttConnector, type MqttConnector } from './mqtt-connector';
import { MqttIngestConnections } from './mqtt-ingest.service';
import { IngestService } from './ingest.service';
import { createIngestMetrics } from './ingest-metrics';

/** The ingest role, wired from the platform, storage and queue providers. */
@Global()
@Module({
  providers: [
    { provide: MQTT_CONNECTOR, useValue: mqttConnector },
    {
      provide: IngestService,
      inject: [
        IOC_CONFIG,
        DATABASE,
        DeviceMessageStream,
        MQTT_CONNECTOR,
        CLOCK,
        LOGGER,
        METRICS_REGISTRY,
        AcceptedMessageTap,
        RegistryChangeTap,
      ],
      useFactory: (
        config: IocConfig,
        db: Database,
        stream: DeviceMessageStream,
        connector: MqttConnector,
        clock: Clock,
        root: Logger,
        registry: Registry,
        tap: AcceptedMessageTap,
        changes: RegistryChangeTap,
      ) => {
        const logger = root.child({ component: 'ingest' });
        const repo = new IngestRepository(db.pool, ingestRepositoryOptionsFor(db));
        const directory = new DeviceDirectory(config.ingest.unknownDevices);
        const rateLimiter = new DeviceRateLimiter(config.ingest.deviceRate);
        const devices = new DeviceRepository(db);
        const registrations = new RegistryRepository(db);
        const lastSeen = new LastSeenTracker();
        const decoder = new MessageDecoder(createMessageValidators(), config.ingest);
        // The metrics, the pipeline and the connections refer to one another through callbacks that run only once all
        // three exist.
        const observeCommit = createIngestMetrics(
          registry,
          () => pipeline.pending,
          () => connections.connectedCount,
        );
        const pipeline: IngestPipeline = new IngestPipeline(
          decoder,
          directory,
          rateLimiter,
          lastSeen,
          {
            commit: (batch) => repo.commit(batch),
            // Only a refusal of the data itself quarantines; every other failure is retried until it passes.
            isTransient: (err) => !isDataRejection(err),
            publishStored: (messages, wire) => stream.publish(messages, wire),
            notifyRejected: (rejected) => connections.notifyRejected(rejected),
            notifyOutcome: (outcome) => connections.notifyOutcome(outcome),
            observeCommit,
            observeAccepted: (messages) => {
              if (tap.hasListeners) tap.emit(messages);
            },
          },
          clock,
          logger,
          {
            maxBatch: config.ingest.maxBatch,
            // The embedded database serves one connection, so one transaction at a time.
            maxConcurrentFlushes: db.embedded
              ? 1
              : Math.min(config.ingest.maxConcurrentFlushes, config.database.poolSize - 1),
            retryMaxMs: config.ingest.retryMaxMs,
          },
        );
        const connections = new MqttIngestConnections(
          { mqtt: config.mqtt, ingest: config.ingest },
          connector,
          pipeline,
          logger,
        );
        const loadDirectory = async () => {
          const [all, gateways] = await Promise.all([registrations.devices(), registrations.gateways()]);
          return {
            devices: all.map((d) => ({
              id: d.id,
              type: d.type,
              status: d.status,
              gatewayId: d.gatewayId ?? undefined,
            })),
            gateways: gateways.map((g) => ({ id: g.id, status: g.status })),
          };
        };
        const service = new IngestService(
          config,
          devices,
          loadDirectory,
          directory,
          lastSeen,
          pipeline,
          connections,
          logger,
        );
        // A registration changed in this process (the api role's registry): reload at once rather than at the next tick.
        changes.subscribe(() => service.requestReload());
        return service;
      },
    },
  ],
  exports: [IngestService],
})
export class IngestModule implements OnApplicationBootstrap, BeforeApplicationShutdown {
  constructor(@Inject(IngestService) private readonly ingest: IngestService) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.ingest.start();
  }

  /** Before storage closes its pool: drain commits, then disconnect. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.ingest.stop();
  }
}
