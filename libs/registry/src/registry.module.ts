import { readFileSync } from 'node:fs';
import {
  Global,
  Inject,
  Module,
  Optional,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { CITY, type City } from '@ioc/city';
import { WALL_CLOCK, IOC_CONFIG, LOGGER, type Clock, type IocConfig, type Logger } from '@ioc/platform';
import { RegistryRepository } from '@ioc/storage';
import { RegistryChangeTap } from '@ioc/queue';
import { DynsecClient } from './dynsec.client';
import { ProvisioningResponder } from './provisioning.responder';
import { ProvisioningService } from './provisioning.service';
import { RegistryService } from './registry.service';
import { PayloadBridge } from './payload-bridge';

/** The broker's administrative client, when the IOC holds an admin identity (MQTT_ADMIN_PASSWORD). */
export const DYNSEC_CLIENT = Symbol('DYNSEC_CLIENT');

/** How often the api role removes the broker identities of provisioning keys that ended. */
const PROVISIONING_SWEEP_MS = 60_000;

/**
 * The device registry of the api role: registers the city's devices at the first start, keeps the broker's identities
 * in step with it at every start, and serves the registry's REST routes. With broker security on, it also answers
 * fleet provisioning requests and removes expired provisioning keys from the broker every minute.
 */
@Global()
@Module({
  providers: [
    {
      provide: DYNSEC_CLIENT,
      inject: [IOC_CONFIG, LOGGER],
      useFactory: (config: IocConfig, logger: Logger) =>
        config.mqtt.admin
          ? new DynsecClient(
              {
                url: config.mqtt.url,
                username: config.mqtt.admin.username,
                password: config.mqtt.admin.password,
                maxPacketBytes: config.ingest.maxPayloadBytes,
                tls: config.mqtt.caFile ? { ca: readFileSync(config.mqtt.caFile) } : undefined,
              },
              logger.child({ component: 'broker-admin' }),
            )
          : undefined,
    },
    {
      provide: RegistryService,
      inject: [RegistryRepository, DYNSEC_CLIENT, CITY, RegistryChangeTap, WALL_CLOCK, LOGGER, IOC_CONFIG],
      useFactory: (
        repo: RegistryRepository,
        dynsec: DynsecClient | undefined,
        city: City,
        tap: RegistryChangeTap,
        clock: Clock,
        logger: Logger,
        config: IocConfig,
      ) =>
        new RegistryService(
          repo,
          dynsec,
          city,
          tap,
          clock,
          logger.child({ component: 'registry' }),
          config.registry.seedSecret,
        ),
    },
    {
      provide: ProvisioningService,
      inject: [RegistryRepository, RegistryService, DYNSEC_CLIENT, CITY, WALL_CLOCK, LOGGER],
      useFactory: (
        repo: RegistryRepository,
        registry: RegistryService,
        dynsec: DynsecClient | undefined,
        city: City,
        clock: Clock,
        logger: Logger,
      ) => new ProvisioningService(repo, registry, dynsec, city, clock, logger.child({ component: 'provisioning' })),
    },
    {
      provide: PayloadBridge,
      inject: [IOC_CONFIG, DYNSEC_CLIENT, LOGGER],
      useFactory: (config: IocConfig, dynsec: DynsecClient | undefined, logger: Logger) =>
        new PayloadBridge(
          {
            url: config.mqtt.url,
            instanceId: config.ingest.instanceId,
            fallback: { username: config.mqtt.username, password: config.mqtt.password },
            tls: config.mqtt.caFile ? { ca: readFileSync(config.mqtt.caFile) } : undefined,
          },
          dynsec,
          logger.child({ component: 'payload-bridge' }),
        ),
    },
    {
      provide: ProvisioningResponder,
      inject: [DYNSEC_CLIENT, ProvisioningService, LOGGER],
      useFactory: (dynsec: DynsecClient | undefined, provisioning: ProvisioningService, logger: Logger) =>
        dynsec
          ? new ProvisioningResponder(dynsec, provisioning, logger.child({ component: 'provisioning' }))
          : undefined,
    },
  ],
  exports: [RegistryService, ProvisioningService, PayloadBridge, DYNSEC_CLIENT],
})
export class RegistryModule implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private sweeper: NodeJS.Timeout | undefined;

  constructor(
    @Inject(RegistryService) private readonly registry: RegistryService,
    @Inject(ProvisioningService) private readonly provisioning: ProvisioningService,
    @Inject(PayloadBridge) private readonly bridge: PayloadBridge,
    @Optional() @Inject(ProvisioningResponder) private readonly responder: ProvisioningResponder | undefined,
    @Optional() @Inject(DYNSEC_CLIENT) private readonly dynsec: DynsecClient | undefined,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.dynsec?.start();
    await this.registry.seedCity();
    await this.registry.reconcile();
    await this.bridge.start();
    if (!this.responder) return;
    try {
      await this.responder.start();
    } catch (err) {
      // The rest of the registry works without it: say what the broker's admin role lacks.
      this.logger.error(
        { err: (err as Error).message },
        "fleet provisioning is off: the admin identity's role lacks the provisioning ACLs (adminAcls)",
      );
    }
    const sweep = () =>
      this.provisioning
        .sweep()
        .catch((err: Error) => this.logger.warn({ err: err.message }, 'provisioning key sweep failed'));
    await sweep();
    this.sweeper = setInterval(() => void sweep(), PROVISIONING_SWEEP_MS);
    this.sweeper.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.sweeper);
    await this.responder?.stop();
    await this.bridge.stop();
    await this.dynsec?.stop();
  }
}
