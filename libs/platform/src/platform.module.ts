import { Global, Module, type DynamicModule } from '@nestjs/common';
import type { Logger } from 'pino';
import { CLOCK, WALL_CLOCK, scaledClock, systemClock, type TimerClock } from './clock';
import { IOC_CONFIG, type IocConfig } from './config';
import { LOGGER } from './logger';
import { createMetricsRegistry, METRICS_REGISTRY } from './metrics';

/** The IOC's clock for a configuration: the system's, or the scenario clock it sets (IOC_CLOCK_*). */
export function clockFor(config: Pick<IocConfig, 'clock'>): TimerClock {
  return config.clock ? scaledClock(config.clock) : systemClock;
}

/**
 * Config, logger, clocks and metrics registry for the whole application, built once at boot and injected everywhere.
 * CLOCK is the IOC's time (the scenario's when one is set); WALL_CLOCK is always the real time.
 */
@Global()
@Module({})
export class PlatformModule {
  static forRoot(config: IocConfig, logger: Logger, clock: TimerClock = clockFor(config)): DynamicModule {
    return {
      module: PlatformModule,
      providers: [
        { provide: IOC_CONFIG, useValue: config },
        { provide: LOGGER, useValue: logger },
        { provide: CLOCK, useValue: clock },
        { provide: WALL_CLOCK, useValue: systemClock },
        { provide: METRICS_REGISTRY, useFactory: createMetricsRegistry },
      ],
      exports: [IOC_CONFIG, LOGGER, CLOCK, WALL_CLOCK, METRICS_REGISTRY],
    };
  }
}
