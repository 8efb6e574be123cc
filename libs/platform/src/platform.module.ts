import { Global, Module, type DynamicModule } from '@nestjs/common';
import type { Logger } from 'pino';
import { CLOCK, systemClock, type Clock } from './clock';
import { IOC_CONFIG, type IocConfig } from './config';
import { LOGGER } from './logger';
import { createMetricsRegistry, METRICS_REGISTRY } from './metrics';

/** Config, logger, clock and metrics registry for the whole application, built once at boot and injected everywhere. */
@Global()
@Module({})
export class PlatformModule {
  static forRoot(config: IocConfig, logger: Logger, clock: Clock = systemClock): DynamicModule {
    return {
      module: PlatformModule,
      providers: [
        { provide: IOC_CONFIG, useValue: config },
        { provide: LOGGER, useValue: logger },
        { provide: CLOCK, useValue: clock },
        { provide: METRICS_REGISTRY, useFactory: createMetricsRegistry },
      ],
      exports: [IOC_CONFIG, LOGGER, CLOCK, METRICS_REGISTRY],
    };
  }
}
