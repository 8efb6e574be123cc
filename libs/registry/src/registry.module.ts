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
import { CLOCK, IOC_CONFIG, LOGGER, type Clock, type IocConfig, type Logger } from '@ioc/platform';
import { RegistryRepository } from '@ioc/storage';
import { RegistryChangeTap } from '@ioc/queue';
import { DynsecClient } from './dynsec.client';
import { RegistryService } from './registry.service';

/** The broker's administrative client, when the IOC holds an admin identity (MQTT_ADMIN_PASSWORD). */
export const DYNSEC_CLIENT = Symbol('DYNSEC_CLIENT');

/**
 * The device registry of the api role: registers the city's devices at the first start, keeps the broker's identities
 * in step with it at every start, and serves the registry's REST routes.
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
      inject: [RegistryRepository, DYNSEC_CLIENT, CITY, RegistryChangeTap, CLOCK, LOGGER, IOC_CONFIG],
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
  ],
  exports: [RegistryService, DYNSEC_CLIENT],
})
export class RegistryModule implements OnApplicationBootstrap, BeforeApplicationShutdown {
  constructor(
    @Inject(RegistryService) private readonly registry: RegistryService,
    @Optional() @Inject(DYNSEC_CLIENT) private readonly dynsec: DynsecClient | undefined,
    @Inject(RegistryChangeTap) private readonly tap: RegistryChangeTap,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.dynsec?.start();
    const seeded = await this.registry.seedCity();
    await this.registry.reconcile();
    if (seeded) this.tap.emit([]);
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.dynsec?.stop();
  }
}
