import pino from 'pino';
import { JwtService } from '@nestjs/jwt';
import { IocError, loadConfig } from '@ioc/platform';
import type { NewUser, StoredUser, UserRepository } from '@ioc/storage';
import { DEMO_PASSWORD, DEMO_USERS } from './demo-users';
import { argon2Hasher, type PasswordHasher } from './password-hasher';
import { TokenService } from './token.service';
import { UserService } from './user.service';

/** The user table in memory (username unique), as UserRepository behaves. */
class FakeUsers {
  readonly rows: StoredUser[] = [];
  async findByUsername(username: string) {
    return this.rows.find((u) => u.username === username);
  }
  async findById(id: string) {
    return this.rows.find((u) => u.id === id);
  }
  async list() {
    return [...this.rows];
  }
  async count() {
    return this.rows.length;
  }
  async insertMissing(users: readonly NewUser[]) {
    const added: string[] = [];
    for (const u of users) {
      if (this.rows.some((r) => r.username === u.username)) continue;
      this.rows.push({ ...u, id: `id-${u.username}`, createdAt: new Date(0), disabled: false });
      added.push(u.username);
    }
    return added;
  }
}

// A cheap hasher keeps the unit test fast; argon2 itself is checked once below.
const plainHasher: PasswordHasher = { hash: async (p) => `plain:${p}`, verify: async (h, p) => h === `plain:${p}` };

function setup() {
  const users = new FakeUsers();
  const tokens = new TokenService(new JwtService({ secret: 's', signOptions: { algorithm: 'HS256', expiresIn: 60 } }));
  const service = new UserService(users as unknown as UserRepository, tokens, plainHasher, pino({ level: 'silent' }), loadConfig({}));
  return { users, tokens, service };
}

const codeOf = (p: Promise<unknown>) => p.then(() => undefined, (e: unknown) => (e instanceof IocError ? e.code : e));

describe('UserService', () => {
  it('creates one demo user per role on an empty table, and only then', async () => {
    const { users, service } = setup();
    expect(await service.ensureDemoUsers()).toEqual(DEMO_USERS.map((u) => u.username));
    expect(new Set(users.rows.map((u) => u.role))).toEqual(new Set(['operator', 'supervisor', 'trainer', 'integrator', 'admin']));
    expect(users.rows.every((u) => u.passwordHash === `plain:${DEMO_PASSWORD}`)).toBe(true);
    users.rows.splice(1);
    expect(await service.ensureDemoUsers()).toEqual([]);
  });

  it('logs in with the right password only, and gives a token for the principal', async () => {
    const { service, tokens } = setup();
    await service.ensureDemoUsers();
    const r = await service.login(' Operator1 ', DEMO_PASSWORD);
    expect(r.user).toEqual({ userId: 'id-operator1', username: 'operator1', displayName: 'Nguyễn Thị Lan', role: 'operator' });
    expect(r.expiresInS).toBe(43_200);
    await expect(tokens.verify(r.token)).resolves.toEqual(r.user);
    expect(await codeOf(service.login('operator1', 'wrong'))).toBe('AUTH_INVALID');
    expect(await codeOf(service.login('ghost', DEMO_PASSWORD))).toBe('AUTH_INVALID');
  });

  it('refuses disabled users at login and on /me', async () => {
    const { users, service } = setup();
    await service.ensureDemoUsers();
    const { user } = await service.login('supervisor1', DEMO_PASSWORD);
    const i = users.rows.findIndex((u) => u.username === 'supervisor1');
    users.rows[i] = { ...users.rows[i], disabled: true };
    expect(await codeOf(service.login('supervisor1', DEMO_PASSWORD))).toBe('AUTH_INVALID');
    expect(await codeOf(service.current(user))).toBe('AUTH_INVALID');
  });
});

describe('argon2Hasher', () => {
  it('hashes with argon2id and verifies', async () => {
    const h = await argon2Hasher.hash('geheim');
    expect(h.startsWith('$argon2id$')).toBe(true);
    await expect(argon2Hasher.verify(h, 'geheim')).resolves.toBe(true);
    await expect(argon2Hasher.verify(h, 'other')).resolves.toBe(false);
    await expect(argon2Hasher.verify('garbage', 'geheim')).resolves.toBe(false);
  });
});
