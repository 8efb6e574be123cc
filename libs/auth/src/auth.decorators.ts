import { createParamDecorator, SetMetadata, type ExecutionContext } from '@nestjs/common';
import type { Principal, UserRole } from './principal';

export const IS_PUBLIC = 'ioc:auth:public';
export const ROLES = 'ioc:auth:roles';

/** The route needs no token (health, metrics, login, API docs). */
export const Public = () => SetMetadata(IS_PUBLIC, true);

/** Only these roles (and admin, who may do everything) may call the route; without it any authenticated user may. */
export const Roles = (...roles: UserRole[]) => SetMetadata(ROLES, roles);

/** Request property the guard stores the caller in. */
export const PRINCIPAL_PROPERTY = 'principal';

/** The authenticated caller of the request. */
export const CurrentPrincipal = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal => {
  const principal = ctx.switchToHttp().getRequest<Record<string, unknown>>()[PRINCIPAL_PROPERTY];
  if (!principal) throw new Error('CurrentPrincipal on a route without the auth guard');
  return principal as Principal;
});
