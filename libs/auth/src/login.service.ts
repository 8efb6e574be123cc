import { Inject, Injectable } from '@nestjs/common';
import { isIocError, LOGGER, type Logger } from '@ioc/platform';
import { AuthError } from './auth.errors';
import { LoginThrottle } from './login-throttle';
import { normalUsername } from './principal';
import { UserService, type LoginResult } from './user.service';

/**
 * Sign-in at the HTTP edge: UserService's password check behind a throttle per username and per client address.
 * AUTH_THROTTLED (with `retryAfterS`) once either has used up its failures in the window, before the password is
 * checked; every failure is logged with the username and the address (never the password).
 */
@Injectable()
export class LoginService {
  private readonly log: Logger;

  constructor(
    @Inject(UserService) private readonly users: Pick<UserService, 'login'>,
    @Inject(LoginThrottle) private readonly throttle: LoginThrottle,
    @Inject(LOGGER) logger: Logger,
  ) {
    this.log = logger.child({ component: 'login' });
  }

  async login(username: string, password: string, address: string): Promise<LoginResult> {
    return this.throttled(normalUsername(username), address, () => this.users.login(username, password));
  }

  /**
   * Any password check behind the same throttle: `account` names what is guessed at (a username, or `gateway:<id>` for
   * a gateway's HTTP Basic password), `attempt` throws AUTH_INVALID on a wrong password. AUTH_THROTTLED before the
   * attempt once the account or the address has used up its failures.
   */
  async throttled<T>(account: string, address: string, attempt: () => Promise<T>): Promise<T> {
    const block = await this.throttle.blocked(account, address);
    if (block) {
      const retryAfterS = Math.max(1, Math.ceil(block.retryAfterMs / 1000));
      this.log.warn({ username: account, address, scope: block.scope, retryAfterS }, 'login throttled');
      throw new AuthError(
        'AUTH_THROTTLED',
        `too many failed sign-ins ${block.scope === 'account' ? 'for this account' : 'from this address'}: try again in ${retryAfterS} s`,
        { retryAfterS },
      );
    }
    try {
      const result = await attempt();
      await this.throttle.succeeded(account);
      return result;
    } catch (err) {
      if (isIocError(err, 'AUTH_INVALID')) {
        const failures = await this.throttle.failed(account, address);
        this.log.warn(
          { username: account, address, failures, maxFailures: this.throttle.limits.maxAttemptsPerAccount },
          'login failed',
        );
      }
      throw err;
    }
  }
}
