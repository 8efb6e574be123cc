import { Inject, Injectable } from '@nestjs/common';
import { AuthError, TokenService, UserService, type TokenPrincipal } from '@ioc/auth';
import { REALTIME_WATCH_ROLES } from '@ioc/contracts';
import { WALL_CLOCK, type Clock } from '@ioc/platform';

/**
 * Who may open a socket: a valid token (AUTH_INVALID otherwise, and once it expires) of a user still active
 * (AUTH_INVALID once disabled) whose role, as stored now, watches incidents (AUTH_FORBIDDEN).
 */
@Injectable()
export class RealtimeAuthenticator {
  constructor(
    private readonly tokens: TokenService,
    @Inject(UserService) private readonly users: Pick<UserService, 'active'>,
    @Inject(WALL_CLOCK) private readonly clock: Clock,
  ) {}

  /** The handshake: the token's user as stored, with the token's issue time (kept for `admit` later). */
  async authenticate(token: unknown): Promise<TokenPrincipal> {
    if (typeof token !== 'string' || token.length === 0) {
      throw new AuthError('AUTH_INVALID', 'missing token: connect with io(url, { auth: { token } })');
    }
    return this.admit(await this.tokens.verify(token));
  }

  /**
   * Whether a verified token still admits its socket: not expired, the user active, the token not older than their
   * last password, their role as stored now one that watches. Made at the handshake and again, every
   * ACTIVE_USER_CACHE_MS, for each open socket (the gateway), so that a change made where no socket server runs
   * (another process's cache, the users CLI) also ends the user's open sockets.
   */
  async admit(credentials: TokenPrincipal): Promise<TokenPrincipal> {
    if (credentials.expiresAtS * 1000 <= this.clock.nowMs()) throw new AuthError('AUTH_INVALID', 'token expired');
    const principal = {
      ...(await this.users.active(credentials)),
      issuedAtS: credentials.issuedAtS,
      expiresAtS: credentials.expiresAtS,
    };
    if (!(REALTIME_WATCH_ROLES as readonly string[]).includes(principal.role)) {
      throw new AuthError(
        'AUTH_FORBIDDEN',
        `role ${principal.role} may not watch incidents (${REALTIME_WATCH_ROLES.join(', ')} may)`,
      );
    }
    return principal;
  }
}
