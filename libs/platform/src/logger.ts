import pino, { type Logger } from 'pino';
import type { IocConfig } from './config';

export type { Logger } from 'pino';
export const LOGGER = Symbol('LOGGER');

/** One structured (JSON) logger per process; components take children with their context (deviceId, jobId...). */
export function createLogger(log: IocConfig['log'], name = 'ioc'): Logger {
  return pino({
    name,
    level: log.level,
    base: { pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    ...(log.pretty ? { transport: { target: 'pino-pretty', options: { singleLine: true } } } : {}),
  });
}
