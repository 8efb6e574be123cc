import IORedis, { type Redis, type RedisOptions } from 'ioredis';

export const REDIS = Symbol('REDIS');

/**
 * Redis connections for the event stream and BullMQ. `maxRetriesPerRequest: null` is what BullMQ workers require:
 * commands wait for a reconnect instead of failing while Redis restarts.
 */
export function createRedis(url: string, options: RedisOptions = {}): Redis {
  return new IORedis(url, { maxRetriesPerRequest: null, enableReadyCheck: true, lazyConnect: false, ...options });
}
