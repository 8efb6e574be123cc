export { PLATFORM_ERROR_CODES, IocError, PlatformError, isIocError, type PlatformErrorCode } from './errors';
export {
  CLOCK,
  WALL_CLOCK,
  scaledClock,
  systemClock,
  type Clock,
  type ScaledClockSetting,
  type TimerClock,
} from './clock';
export { IOC_CONFIG, clockSettingFrom, loadConfig, type IocConfig } from './config';
export { LOGGER, createLogger, type Logger } from './logger';
export { PlatformModule, clockFor } from './platform.module';
export { METRICS_REGISTRY } from './metrics';
export { backoffDelay, realSleep, retry, type Backoff, type RetryOptions, type Sleep } from './retry';
export { PdfPrinter, launchHeadlessChromium, type BrowserLauncher, type PdfPrinterOptions } from './pdf-printer';
