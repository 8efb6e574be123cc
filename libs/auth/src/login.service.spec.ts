import pino from 'pino';
import { IocError } from '@ioc/platform';
import { AuthError } from './auth.errors';
import { LoginThrottle, type LoginLimits } from './login-throttle';
import { LoginService } from './login.service';
import type { LoginResult } from './user.service';

const PASSWORD = 'correct horse';
const ok = (username: string): LoginResult => ({
  token: `token-of-${username}`,
  expiresInS: 60,
  user: { userId: `id-${username}`, username, displayName: username, role: 'operator' },
});

/** UserService.login over two users, counting the password checks it was asked for. */
function setup(limits: Partial<LoginLimits> = {}) {
  const checks: string[] = [];
  const users = {
    login: async (username: string, password: string) => {
      checks.push(username);
      const name = username.trim().toLowerCase();
      if (!['operator1', 'operator2'].includes(name) || password !== PASSWORD)
        throw new AuthError('AUTH_INVALID', 'invalid username or password');
      return ok(name);
    },
  };
  const lines: Array<Record<string, unknown>> = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line)) });
  const throttle = LoginThrottle.inMemory({
    maxAttemptsPerAccount: 3,
    maxAttemptsPerAddress: 5,
    windowS: 60,
    ...limits,
  });
  return { service: new LoginService(users, throttle, logger), checks, lines };
}

const failure = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: unknown) => e as IocError,
  );

describe('LoginService', () => {
  it('refuses an account after N failures with AUTH_THROTTLED and the seconds to wait, without checking the password', async () => {
    const { service, checks } = setup();
    for (let i = 0; i < 3; i++)
      expect((await failure(service.login('operator1', 'guess', `10.0.0.${i}`)))?.code).toBe('AUTH_INVALID');
    // From another address, with the right password: the account is throttled, the password not even checked.
    const err = await failure(service.login(' Operator1 ', PASSWORD, '10.0.0.99'));
    expect(err?.code).toBe('AUTH_THROTTLED');
    expect(err?.details).toEqual({ retryAfterS: expect.any(Number) });
    expect(err?.details?.retryAfterS).toBeGreaterThan(55);
    expect(err?.details?.retryAfterS).toBeLessThanOrEqual(60);
    expect(checks).toHaveLength(3);
    // Other accounts are not affected.
    await expect(service.login('operator2', PASSWORD, '10.0.0.99')).resolves.toMatchObject({
      token: expect.any(String),
    });
  });

  it('refuses an address after its failures, whichever usernames it tried', async () => {
    const { service } = setup();
    for (let i = 0; i < 5; i++) await failure(service.login(`user${i}`, 'guess', '192.0.2.7'));
    const err = await failure(service.login('operator2', PASSWORD, '192.0.2.7'));
    expect(err?.code).toBe('AUTH_THROTTLED');
    expect(err?.message).toContain('from this address');
    // Another address still signs in.
    await expect(service.login('operator2', PASSWORD, '192.0.2.8')).resolves.toBeDefined();
  });

  it('counts failures only: successes never throttle, and one clears its account count', async () => {
    const { service } = setup();
    for (let i = 0; i < 20; i++) await service.login('operator1', PASSWORD, '192.0.2.1');
    await failure(service.login('operator1', 'guess', '192.0.2.1'));
    await failure(service.login('operator1', 'guess', '192.0.2.1'));
    await service.login('operator1', PASSWORD, '192.0.2.1');
    await failure(service.login('operator1', 'guess', '192.0.2.1'));
    await failure(service.login('operator1', 'guess', '192.0.2.1'));
    await expect(service.login('operator1', PASSWORD, '192.0.2.1')).resolves.toBeDefined();
  });

  it('lets the account in again once the window has passed', async () => {
    const { service } = setup({ maxAttemptsPerAccount: 1, windowS: 1 });
    await failure(service.login('operator1', 'guess', '192.0.2.1'));
    expect((await failure(service.login('operator1', PASSWORD, '192.0.2.1')))?.code).toBe('AUTH_THROTTLED');
    await new Promise((r) => setTimeout(r, 1_100));
    await expect(service.login('operator1', PASSWORD, '192.0.2.1')).resolves.toBeDefined();
  });

  it('logs each failure and each refusal with the username and the address, never the password', async () => {
    const { service, lines } = setup({ maxAttemptsPerAccount: 1 });
    await failure(service.login('Operator1', 'hunter2-secret', '198.51.100.4'));
    await failure(service.login('operator1', 'hunter2-secret', '198.51.100.4'));
    expect(lines.map((l) => [l.msg, l.username, l.address])).toEqual([
      ['login failed', 'operator1', '198.51.100.4'],
      ['login throttled', 'operator1', '198.51.100.4'],
    ]);
    expect(JSON.stringify(lines)).not.toContain('hunter2');
  });

  it("throttles any password check (a gateway's HTTP Basic) with the sign-ins of the same address", async () => {
    const { service } = setup();
    let checks = 0;
    const wrong = () =>
      service.throttled('gateway:gw-1', '10.0.0.7', async () => {
        checks++;
        throw new AuthError('AUTH_INVALID', 'wrong password');
      });
    for (let i = 0; i < 3; i++) expect((await failure(wrong()))?.code).toBe('AUTH_INVALID');
    expect((await failure(service.throttled('gateway:gw-1', '10.0.0.8', async () => 'ok')))?.code).toBe(
      'AUTH_THROTTLED',
    );
    expect(checks).toBe(3);
    // The address's failures count for sign-ins too: two more and it is refused whatever the account.
    expect((await failure(service.login('operator1', 'guess', '10.0.0.7')))?.code).toBe('AUTH_INVALID');
    expect((await failure(service.login('operator1', 'guess', '10.0.0.7')))?.code).toBe('AUTH_INVALID');
    expect((await failure(service.login('operator2', PASSWORD, '10.0.0.7')))?.code).toBe('AUTH_THROTTLED');
    await expect(service.throttled('gateway:gw-2', '10.0.0.9', async () => 'ok')).resolves.toBe('ok');
  });
});
