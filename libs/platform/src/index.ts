export { PLATFORM_ERROR_CODES, IocError, PlatformError, isIocError, type PlatformErrorCode } from './errors';
export { CLOCK, systemClock, type Clock } from './clock';
export { IOC_CONFIG, loadConfig, type IocConfig } from './config';
export { LOGGER, createLogger, type Logger } from './logger';
export { PlatformModule } from './platform.module';
export { METRICS_REGISTRY } from './metrics';
export { backoffDelay, realSleep, retry, type Backoff, type RetryOptions, type Sleep } from './retry';
