import IORedis from 'ioredis';
import { deleteRedisPrefix } from '@ioc/testing';
import { LoginThrottle } from './login-throttle';

const limits = { maxAttemptsPerAccount: 3, maxAttemptsPerAddress: 10, windowS: 60 };

describe('LoginThrottle on Redis', () => {
  const prefix = `ioc-login-${process.pid}-${Date.now()}`;
  const clients: IORedis[] = [];
  /** A connection that is up (the server's is, long before a sign-in: a throttle counts in memory until then). */
  const redis = async () => {
    const c = new IORedis('redis://127.0.0.1:6379');
    clients.push(c);
    await c.ping();
    return c;
  };

  afterAll(async () => {
    for (const c of clients) c.disconnect();
    await deleteRedisPrefix(prefix);
  });

  it('counts the failures of every API process together, under its prefix, with the window as expiry', async () => {
    const a = LoginThrottle.onRedis(await redis(), prefix, limits);
    const b = LoginThrottle.onRedis(await redis(), prefix, limits);
    await a.failed('operator1', '192.0.2.1');
    await b.failed('operator1', '192.0.2.2');
    expect(await a.blocked('operator1', '192.0.2.3')).toBeUndefined();
    expect(await b.failed('operator1', '192.0.2.3')).toBe(3);
    const block = await a.blocked('operator1', '192.0.2.4');
    expect(block).toEqual({ scope: 'account', retryAfterMs: expect.any(Number) });
    expect(block!.retryAfterMs).toBeGreaterThan(55_000);
    expect(block!.retryAfterMs).toBeLessThanOrEqual(60_000);
    const ttl = await clients[0].pttl(`${prefix}:login:account:operator1`);
    expect(ttl).toBeGreaterThan(55_000);
    // A success in one process clears the account in all of them.
    await b.succeeded('operator1');
    expect(await a.blocked('operator1', '192.0.2.4')).toBeUndefined();
  });

  it('counts in memory while Redis does not answer, instead of failing sign-in', async () => {
    const down = new IORedis('redis://127.0.0.1:1', { lazyConnect: true, maxRetriesPerRequest: null });
    clients.push(down);
    const t = LoginThrottle.onRedis(down, prefix, limits);
    for (let i = 0; i < 3; i++) await t.failed('operator2', '192.0.2.9');
    expect(await t.blocked('operator2', '192.0.2.9')).toMatchObject({ scope: 'account' });
  });
});
