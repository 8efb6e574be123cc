import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { JwtService } from '@nestjs/jwt';
import { IocError } from '@ioc/platform';
import { JWT_SECRET_FILE, resolveJwtSecret } from './jwt-secret';
import type { Principal } from './principal';
import { TokenService } from './token.service';

const alice: Principal = {
  userId: '7f7c1a52-4a55-4e0b-9d59-6a0e2b3c4d5e',
  username: 'operator1',
  displayName: 'Nguyễn Thị Lan',
  role: 'operator',
};
const service = (secret: string, expiresIn = 3600) =>
  new TokenService(
    new JwtService({
      secret,
      signOptions: { algorithm: 'HS256', expiresIn },
      verifyOptions: { algorithms: ['HS256'] },
    }),
  );

async function authError(p: Promise<unknown>): Promise<IocError> {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(IocError);
  expect((e as IocError).code).toBe('AUTH_INVALID');
  return e as IocError;
}

describe('TokenService', () => {
  it('round-trips a principal, with the times it was issued and expires (whole seconds)', async () => {
    const s = service('s1');
    const before = Math.floor(Date.now() / 1000);
    const verified = await s.verify(await s.sign(alice));
    expect(verified).toEqual({ ...alice, issuedAtS: expect.any(Number), expiresAtS: expect.any(Number) });
    expect(verified.issuedAtS).toBeGreaterThanOrEqual(before);
    expect(verified.issuedAtS).toBeLessThanOrEqual(Math.floor(Date.now() / 1000));
    expect(verified.expiresAtS).toBe(verified.issuedAtS + 3600);
  });

  it('signs a shorter-lived token when asked', async () => {
    const s = service('s1');
    const verified = await s.verify(await s.sign(alice, 5));
    expect(verified.expiresAtS).toBe(verified.issuedAtS + 5);
  });

  it('refuses a token signed with another secret, a tampered one and garbage', async () => {
    const token = await service('other').sign(alice);
    await authError(service('s1').verify(token));
    const [h, , sig] = (await service('s1').sign(alice)).split('.');
    const forged = Buffer.from(JSON.stringify({ sub: alice.userId, username: 'x', name: 'x', role: 'admin' })).toString(
      'base64url',
    );
    await authError(service('s1').verify(`${h}.${forged}.${sig}`));
    await authError(service('s1').verify('not-a-token'));
  });

  it('refuses an expired token with the reason', async () => {
    const s = service('s1', 1);
    const token = await s.sign(alice);
    const jwt = new JwtService({ secret: 's1' });
    const expired = await jwt.signAsync({
      ...jwt.decode<Record<string, unknown>>(token),
      exp: Math.floor(Date.now() / 1000) - 10,
    });
    expect((await authError(s.verify(expired))).message).toBe('token expired');
  });

  it('refuses a validly signed token without a known role', async () => {
    const jwt = new JwtService({ secret: 's1' });
    await authError(service('s1').verify(await jwt.signAsync({ sub: 'u', username: 'u', name: 'u', role: 'root' })));
    await authError(service('s1').verify(await jwt.signAsync({ username: 'u', name: 'u', role: 'admin' })));
  });
});

describe('resolveJwtSecret', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), 'ioc-auth-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('uses the configured secret and writes nothing', () => {
    expect(resolveJwtSecret('configured', dir)).toBe('configured');
    expect(() => readFileSync(path.join(dir, JWT_SECRET_FILE))).toThrow();
  });

  it('generates a secret once and keeps it across restarts', () => {
    const first = resolveJwtSecret(undefined, path.join(dir, 'nested'));
    expect(first.length).toBeGreaterThanOrEqual(64);
    expect(resolveJwtSecret(undefined, path.join(dir, 'nested'))).toBe(first);
    expect(readFileSync(path.join(dir, 'nested', JWT_SECRET_FILE), 'utf8')).toBe(first);
    expect(resolveJwtSecret(undefined, dir)).not.toBe(first);
  });
});
