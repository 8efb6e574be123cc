import { JwtService } from '@nestjs/jwt';
import type { ExecutionContext } from '@nestjs/common';
import { AuthError, TokenService, type Principal, type TokenPrincipal } from '@ioc/auth';
import { isIocError, loadConfig } from '@ioc/platform';
import { MetricsTokenGuard, OpsAccess } from './ops-access';

const METRICS_TOKEN = 'metrics-token-for-tests';
const tokens = new TokenService(new JwtService({ secret: 'ops', signOptions: { algorithm: 'HS256', expiresIn: 60 } }));
const disabled = new Set<string>();
const users = {
  active: async ({ issuedAtS: _i, expiresAtS: _e, ...p }: TokenPrincipal): Promise<Principal> => {
    if (disabled.has(p.userId)) throw new AuthError('AUTH_INVALID', 'user no longer active');
    return p;
  },
};
const user = (role: Principal['role']): Principal => ({ userId: `u-${role}`, username: role, displayName: role, role });
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const access = (env: Record<string, string> = { METRICS_TOKEN }, withUsers = true) =>
  withUsers ? new OpsAccess(loadConfig(env), tokens, users) : new OpsAccess(loadConfig(env));
const http = (headers: Record<string, string>) =>
  ({ switchToHttp: () => ({ getRequest: () => ({ headers }) }) }) as unknown as ExecutionContext;

describe('OpsAccess', () => {
  it("shows /health's detail to the metrics token and an active admin's token only", async () => {
    const a = access();
    expect(await a.maySeeDetail({})).toBe(false);
    expect(await a.maySeeDetail(bearer(METRICS_TOKEN))).toBe(true);
    expect(await a.maySeeDetail(bearer(`${METRICS_TOKEN}x`))).toBe(false);
    expect(await a.maySeeDetail(bearer(await tokens.sign(user('admin'))))).toBe(true);
    expect(await a.maySeeDetail(bearer(await tokens.sign(user('supervisor'))))).toBe(false);
    expect(await a.maySeeDetail(bearer('garbage'))).toBe(false);
    disabled.add('u-admin');
    expect(await a.maySeeDetail(bearer(await tokens.sign(user('admin'))))).toBe(false);
    disabled.delete('u-admin');
  });

  it('knows only the metrics token in a process without the api role (no user tokens there)', async () => {
    const a = access({ METRICS_TOKEN }, false);
    expect(await a.maySeeDetail(bearer(METRICS_TOKEN))).toBe(true);
    expect(await a.maySeeDetail(bearer(await tokens.sign(user('admin'))))).toBe(false);
  });

  it('guards /metrics with the token when one is set, and not otherwise', () => {
    const guard = new MetricsTokenGuard(access());
    expect(guard.canActivate(http(bearer(METRICS_TOKEN)))).toBe(true);
    for (const headers of [{}, bearer('wrong'), { authorization: METRICS_TOKEN }]) {
      let err: unknown;
      try {
        guard.canActivate(http(headers));
      } catch (e) {
        err = e;
      }
      expect(isIocError(err, 'AUTH_INVALID')).toBe(true);
    }
    expect(new MetricsTokenGuard(access({})).canActivate(http({}))).toBe(true);
  });
});
