import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthError } from './auth.errors';
import { IS_PUBLIC, PRINCIPAL_PROPERTY, ROLES } from './auth.decorators';
import type { Principal, UserRole } from './principal';
import { TokenService } from './token.service';
import { UserService } from './user.service';

/** `Authorization: Bearer <token>` → the token, or undefined. */
export function bearerToken(header: string | string[] | undefined): string | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  const m = value?.match(/^Bearer\s+(\S+)\s*$/i);
  return m?.[1];
}

/** Whether a role may call a route restricted to `allowed` (undefined: any authenticated user). Admin may do everything. */
export function roleAllowed(role: UserRole, allowed: readonly UserRole[] | undefined): boolean {
  return allowed === undefined || role === 'admin' || allowed.includes(role);
}

/**
 * The REST API's global guard: every route needs a valid bearer token unless marked @Public(); @Roles() narrows it.
 * AUTH_INVALID (401) without a valid token or once its user is disabled, AUTH_FORBIDDEN (403) for a role the route
 * does not allow. The role is the user's as stored (UserService.active), not the one the token was issued with.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: TokenService,
    @Inject(UserService) private readonly users: Pick<UserService, 'active'>,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    if (ctx.getType() !== 'http') return true; // sockets authenticate in their own handshake
    const targets = [ctx.getHandler(), ctx.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    const req = ctx
      .switchToHttp()
      .getRequest<{ headers: Record<string, string | string[] | undefined> } & Record<string, unknown>>();
    const token = bearerToken(req.headers.authorization);
    if (!token)
      throw new AuthError(
        'AUTH_INVALID',
        'missing bearer token (Authorization: Bearer <token>; POST /api/v1/auth/login)',
      );
    const principal: Principal = await this.users.active(await this.tokens.verify(token));
    req[PRINCIPAL_PROPERTY] = principal;
    const allowed = this.reflector.getAllAndOverride<UserRole[] | undefined>(ROLES, targets);
    if (!roleAllowed(principal.role, allowed)) {
      throw new AuthError(
        'AUTH_FORBIDDEN',
        `role ${principal.role} may not do this (allowed: ${['admin', ...(allowed ?? [])].join(', ')})`,
        { role: principal.role, allowed },
      );
    }
    return true;
  }
}
