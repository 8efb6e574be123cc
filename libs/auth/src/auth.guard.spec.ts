import { Controller, Get } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { JwtService } from '@nestjs/jwt';
import type { ExecutionContext } from '@nestjs/common';
import { IocError } from '@ioc/platform';
import { AuthError } from './auth.errors';
import { Public, Roles, PRINCIPAL_PROPERTY } from './auth.decorators';
import { AuthGuard, bearerToken, roleAllowed } from './auth.guard';
import type { Principal } from './principal';
import { TokenService, type TokenPrincipal } from './token.service';

@Controller()
class Routes {
  @Public()
  @Get()
  open() {}

  @Get()
  anyone() {}

  @Roles('operator', 'supervisor')
  @Get()
  act() {}
}

const tokens = new TokenService(
  new JwtService({ secret: 'guard-test', signOptions: { algorithm: 'HS256', expiresIn: 60 } }),
);
/** The users as stored: active unless listed as disabled; their stored role may differ from the token's. */
const disabled = new Set<string>();
const storedRole = new Map<string, Principal['role']>();
const guard = new AuthGuard(new Reflector(), tokens, {
  active: async ({ issuedAtS: _iat, expiresAtS: _exp, ...p }: TokenPrincipal) => {
    if (disabled.has(p.userId)) throw new AuthError('AUTH_INVALID', 'user no longer active');
    return { ...p, role: storedRole.get(p.userId) ?? p.role };
  },
});
const user = (role: Principal['role']): Principal => ({ userId: `u-${role}`, username: role, displayName: role, role });

function ctx(handler: keyof Routes, authorization?: string) {
  const req: Record<string, unknown> = { headers: { authorization } };
  const context = {
    getType: () => 'http',
    getHandler: () => Routes.prototype[handler],
    getClass: () => Routes,
    switchToHttp: () => ({ getRequest: () => req }),
  } as unknown as ExecutionContext;
  return { context, req };
}

async function code(p: Promise<unknown>): Promise<string | undefined> {
  return p.then(
    () => undefined,
    (e: unknown) => (e instanceof IocError ? e.code : String(e)),
  );
}

describe('AuthGuard', () => {
  it('lets public routes through without a token', async () => {
    await expect(guard.canActivate(ctx('open').context)).resolves.toBe(true);
  });

  it('refuses a missing or bad token with AUTH_INVALID', async () => {
    expect(await code(guard.canActivate(ctx('anyone').context))).toBe('AUTH_INVALID');
    expect(await code(guard.canActivate(ctx('anyone', 'Bearer nonsense').context))).toBe('AUTH_INVALID');
    expect(await code(guard.canActivate(ctx('anyone', `Basic ${Buffer.from('a:b').toString('base64')}`).context))).toBe(
      'AUTH_INVALID',
    );
  });

  it('puts the principal on the request and checks the roles of the route (admin always allowed)', async () => {
    const op = ctx('act', `Bearer ${await tokens.sign(user('operator'))}`);
    await expect(guard.canActivate(op.context)).resolves.toBe(true);
    expect(op.req[PRINCIPAL_PROPERTY]).toEqual(user('operator'));
    expect(await code(guard.canActivate(ctx('act', `Bearer ${await tokens.sign(user('integrator'))}`).context))).toBe(
      'AUTH_FORBIDDEN',
    );
    await expect(guard.canActivate(ctx('act', `Bearer ${await tokens.sign(user('admin'))}`).context)).resolves.toBe(
      true,
    );
    await expect(
      guard.canActivate(ctx('anyone', `Bearer ${await tokens.sign(user('integrator'))}`).context),
    ).resolves.toBe(true);
  });

  it('refuses a valid token of a user disabled since, and judges by the role the user has now', async () => {
    const op = await tokens.sign(user('operator'));
    const trainer = await tokens.sign(user('trainer'));
    disabled.add('u-operator');
    storedRole.set('u-trainer', 'supervisor');
    try {
      expect(await code(guard.canActivate(ctx('anyone', `Bearer ${op}`).context))).toBe('AUTH_INVALID');
      const t = ctx('act', `Bearer ${trainer}`);
      await expect(guard.canActivate(t.context)).resolves.toBe(true);
      expect(t.req[PRINCIPAL_PROPERTY]).toMatchObject({ role: 'supervisor' });
    } finally {
      disabled.clear();
      storedRole.clear();
    }
  });

  it('parses bearer headers and role lists', () => {
    expect(bearerToken('Bearer abc.def')).toBe('abc.def');
    expect(bearerToken('bearer   abc ')).toBe('abc');
    expect(bearerToken('Bearer a b')).toBeUndefined();
    expect(bearerToken(undefined)).toBeUndefined();
    expect(roleAllowed('trainer', undefined)).toBe(true);
    expect(roleAllowed('trainer', ['operator'])).toBe(false);
    expect(roleAllowed('admin', ['operator'])).toBe(true);
  });
});
