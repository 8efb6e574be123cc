import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, type RateLimiterAbstract } from 'rate-limiter-flexible';

export interface LoginLimits {
  /** Failed sign-ins for one username within the window, after which that username is refused until it ends. */
  readonly maxAttemptsPerAccount: number;
  /** Failed sign-ins from one client address within the window, after which that address is refused. */
  readonly maxAttemptsPerAddress: number;
  readonly windowS: number;
}

/** Why a sign-in is refused before its password is even checked, and for how long. */
export interface LoginBlock {
  readonly scope: 'account' | 'address';
  readonly retryAfterMs: number;
}

/**
 * Counts failed sign-ins per username and per client address, each in a fixed window from its first failure
 * (rate-limiter-flexible). Only failures count: a control room of operators behind one address signs in as often as
 * it likes. A success clears its username's count, never its address's (one valid account must not buy an attacker
 * more guesses at the others).
 */
export class LoginThrottle {
  constructor(
    private readonly byAccount: RateLimiterAbstract,
    private readonly byAddress: RateLimiterAbstract,
    readonly limits: LoginLimits,
  ) {}

  /** Counters in this process's memory: each API process counts on its own (tests, a single process). */
  static inMemory(limits: LoginLimits): LoginThrottle {
    return new LoginThrottle(
      new RateLimiterMemory({ points: limits.maxAttemptsPerAccount, duration: limits.windowS }),
      new RateLimiterMemory({ points: limits.maxAttemptsPerAddress, duration: limits.windowS }),
      limits,
    );
  }

  /**
   * Counters in Redis, shared by every API process under `<prefix>:login:*`. While Redis does not answer, each process
   * counts in its own memory instead (the insurance limiter), so sign-in neither fails nor goes unthrottled.
   */
  static onRedis(redis: Redis, prefix: string, limits: LoginLimits): LoginThrottle {
    const counter = (scope: LoginBlock['scope'], points: number) =>
      new RateLimiterRedis({
        storeClient: redis,
        keyPrefix: `${prefix}:login:${scope}`,
        points,
        duration: limits.windowS,
        rejectIfRedisNotReady: true,
        insuranceLimiter: new RateLimiterMemory({ points, duration: limits.windowS }),
      });
    return new LoginThrottle(
      counter('account', limits.maxAttemptsPerAccount),
      counter('address', limits.maxAttemptsPerAddress),
      limits,
    );
  }

  /** The block on this username or address, if either has used up its failures (the longer wait when both have). */
  async blocked(username: string, address: string): Promise<LoginBlock | undefined> {
    const [account, from] = await Promise.all([this.byAccount.get(username), this.byAddress.get(address)]);
    const blocks: LoginBlock[] = [];
    if (account && account.consumedPoints >= this.limits.maxAttemptsPerAccount)
      blocks.push({ scope: 'account', retryAfterMs: account.msBeforeNext });
    if (from && from.consumedPoints >= this.limits.maxAttemptsPerAddress)
      blocks.push({ scope: 'address', retryAfterMs: from.msBeforeNext });
    return blocks.sort((a, b) => b.retryAfterMs - a.retryAfterMs)[0];
  }

  /** One more failure for both; resolves to the failures counted so far in the username's window. */
  async failed(username: string, address: string): Promise<number> {
    const [account] = await Promise.all([this.byAccount.penalty(username, 1), this.byAddress.penalty(address, 1)]);
    return account.consumedPoints;
  }

  async succeeded(username: string): Promise<void> {
    await this.byAccount.delete(username);
  }
}
