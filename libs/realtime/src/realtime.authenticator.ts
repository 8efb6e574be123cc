import { Inject, Injectable } from '@nestjs/common';
import { TokenService, UserService, type Principal } from '@ioc/auth';
import { REALTIME_WATCH_ROLES } from '@ioc/contracts';
import { IocError } from '@ioc/platform';

/**
 * Who may open a socket: a valid token (AUTH_INVALID otherwise) of a user still active (AUTH_INVALID once disabled)
 * whose role, as stored now, watches incidents (AUTH_FORBIDDEN).
 */
@Injectable()
export class RealtimeAuthenticator {
  constructor(
    private readonly tokens: TokenService,
    @Inject(UserService) private readonly users: Pick<UserService, 'active'>,
  ) {}

  async authenticate(token: unknown): Promise<Principal> {
    if (typeof token !== 'string' || token.length === 0) {
      throw new IocError('AUTH_INVALID', 'missing token: connect with io(url, { auth: { token } })');
    }
    const principal = await this.users.active(await this.tokens.verify(token));
    if (!(REALTIME_WATCH_ROLES as readonly string[]).includes(principal.role)) {
      throw new IocError('AUTH_FORBIDDEN', `role ${principal.role} may not watch incidents (${REALTIME_WATCH_ROLES.join(', ')} may)`);
    }
    return principal;
  }
}
