import { Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { IOC_CONFIG, type IocConfig } from '@ioc/platform';
import { DeviceMessageStream } from './event-stream';
import { IncidentEventStream } from './incident-event-stream';
import { AcceptedMessageTap, FieldReportTap, IncidentEventTap, RegistryChangeTap } from './in-process-tap';
import { FieldReportStream } from './field-report-stream';
import { createRedis, REDIS } from './redis.provider';

/** Redis (one shared command connection) and the internal streams on it. */
@Global()
@Module({
  providers: [
    AcceptedMessageTap,
    FieldReportTap,
    IncidentEventTap,
    RegistryChangeTap,
    { provide: REDIS, inject: [IOC_CONFIG], useFactory: (config: IocConfig) => createRedis(config.redis.url) },
    {
      provide: DeviceMessageStream,
      inject: [REDIS, IOC_CONFIG],
      useFactory: (redis: Redis, config: IocConfig) => new DeviceMessageStream(redis, config.redis.prefix),
    },
    {
      provide: IncidentEventStream,
      inject: [REDIS, IOC_CONFIG],
      useFactory: (redis: Redis, config: IocConfig) => new IncidentEventStream(redis, config.redis.prefix),
    },
    {
      provide: FieldReportStream,
      inject: [REDIS, IOC_CONFIG],
      useFactory: (redis: Redis, config: IocConfig) => new FieldReportStream(redis, config.redis.prefix),
    },
  ],
  exports: [
    REDIS,
    DeviceMessageStream,
    IncidentEventStream,
    AcceptedMessageTap,
    FieldReportTap,
    IncidentEventTap,
    RegistryChangeTap,
    FieldReportStream,
  ],
})
export class QueueModule implements OnApplicationShutdown {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  async onApplicationShutdown(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
