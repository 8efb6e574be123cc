import pino from 'pino';
import { JwtService } from '@nestjs/jwt';
import { IocError, loadConfig, systemClock } from '@ioc/platform';
import type { NewUser, StoredUser, UserChanges, UserRepository } from '@ioc/storage';
import { DEMO_PASSWORD, DEMO_USERS } from './demo-users';
import { argon2Hasher, type PasswordHasher } from './password-hasher';
import { TokenService } from './token.service';
import { ACTIVE_USER_CACHE_MS, UserService } from './user.service';

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
  async insert(u: NewUser) {
    if (this.rows.some((r) => r.username === u.username)) return 'taken' as const;
    const row = { ...u, id: `id-${u.username}`, createdAt: new Date(0), disabled: false, tokensValidAfter: null };
    this.rows.push(row);
    return row;
  }
  async update(id: string, changes: UserChanges) {
    const i = this.rows.findIndex((u) => u.id === id);
    if (i < 0) return 'not-found' as const;
    const next = { ...this.rows[i], ...Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined)) };
    const after = this.rows.map((u, j) => (j === i ? next : u));
    if (!after.some((u) => u.role === 'admin' && !u.disabled)) return 'last-admin' as const;
    this.rows[i] = next;
    return next;
  }
  async insertMissing(users: readonly NewUser[]) {
    const added: string[] = [];
    for (const u of users) {
      if (this.rows.some((r) => r.username === u.username)) continue;
      this.rows.push({ ...u, id: `id-${u.username}`, createdAt: new Date(0), disabled: false, tokensValidAfter: null });
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
  const service = new UserService(
    users as unknown as UserRepository,
    tokens,
    plainHasher,
    pino({ level: 'silent' }),
    loadConfig({}),
    systemClock,
  );
  return { users, tokens, service };
}

const codeOf = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: unknown) => (e instanceof IocError ? e.code : e),
  );

describe('UserService', () => {
  it('creates one demo user per role on an empty table, and only then', async () => {
    const { users, service } = setup();
    expect(await service.ensureDemoUsers()).toEqual(DEMO_USERS.map((u) => u.username));
    expect(new Set(users.rows.map((u) => u.role))).toEqual(
      new Set(['operator', 'supervisor', 'trainer', 'integrator', 'admin']),
    );
    expect(users.rows.every((u) => u.passwordHash === `plain:${DEMO_PASSWORD}`)).toBe(true);
    users.rows.splice(1);
    expect(await service.ensureDemoUsers()).toEqual([]);
  });

  it('logs in with the right password only, and gives a token for the principal', async () => {
    const { service, tokens } = setup();
    await service.ensureDemoUsers();
    const r = await service.login(' Operator1 ', DEMO_PASSWORD);
    expect(r.user).toEqual({
      userId: 'id-operator1',
      username: 'operator1',
      displayName: 'Nguyễn Thị Lan',
      role: 'operator',
    });
    expect(r.expiresInS).toBe(43_200);
    await expect(tokens.verify(r.token)).resolves.toEqual({
      ...r.user,
      issuedAtS: expect.any(Number),
      expiresAtS: expect.any(Number),
    });
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

describe('UserService: user management', () => {
  const admin = { userId: 'id-admin1', username: 'admin1', displayName: 'Admin', role: 'admin' } as const;

  it('creates users with a hashed password once per username; they log in', async () => {
    const { users, service } = setup();
    await service.ensureDemoUsers();
    const made = await service.create(admin, {
      username: 'lan.nguyen',
      displayName: 'Nguyễn Lan',
      role: 'operator',
      password: 'mật-khẩu-dài',
    });
    expect(made).toMatchObject({ username: 'lan.nguyen', role: 'operator', disabled: false });
    expect(users.rows.find((u) => u.username === 'lan.nguyen')?.passwordHash).toBe('plain:mật-khẩu-dài');
    expect((await service.login('lan.nguyen', 'mật-khẩu-dài')).user.role).toBe('operator');
    expect(
      await codeOf(
        service.create(admin, { username: 'lan.nguyen', displayName: 'x', role: 'admin', password: 'mật-khẩu-dài' }),
      ),
    ).toBe('USER_EXISTS');
  });

  it('changes, disables and re-enables users, but never the last active admin', async () => {
    const { service } = setup();
    await service.ensureDemoUsers();
    expect(await service.update(admin, 'id-operator2', { role: 'supervisor', displayName: 'Minh' })).toMatchObject({
      role: 'supervisor',
      displayName: 'Minh',
    });
    expect(await service.update(admin, 'id-operator2', { disabled: true })).toMatchObject({ disabled: true });
    expect(await codeOf(service.login('operator2', DEMO_PASSWORD))).toBe('AUTH_INVALID');
    expect(await service.update(admin, 'id-operator2', { disabled: false })).toMatchObject({ disabled: false });
    expect(await codeOf(service.update(admin, 'id-admin1', { disabled: true }))).toBe('USER_LAST_ADMIN');
    expect(await codeOf(service.update(admin, 'id-admin1', { role: 'operator' }))).toBe('USER_LAST_ADMIN');
    expect(await codeOf(service.update(admin, 'id-nobody', { disabled: true }))).toBe('USER_NOT_FOUND');
  });

  it('lets an admin set a password, and a user change their own with the current one', async () => {
    const { service } = setup();
    await service.ensureDemoUsers();
    await service.setPassword(admin, 'id-trainer1', 'mới-đặt-lại-1');
    const { user } = await service.login('trainer1', 'mới-đặt-lại-1');
    expect(await codeOf(service.changeOwnPassword(user, 'wrong', 'khác-hẳn-22'))).toBe('USER_PASSWORD_INCORRECT');
    await service.changeOwnPassword(user, 'mới-đặt-lại-1', 'khác-hẳn-22');
    expect(await codeOf(service.login('trainer1', 'mới-đặt-lại-1'))).toBe('AUTH_INVALID');
    await expect(service.login('trainer1', 'khác-hẳn-22')).resolves.toBeDefined();
    expect(await codeOf(service.setPassword(admin, 'id-nobody', 'whatever-long'))).toBe('USER_NOT_FOUND');
  });

  it('takes a token user as active for a few seconds, and drops that at once when this process changes the user', async () => {
    const { users, service, tokens } = setup();
    await service.ensureDemoUsers();
    const user = await tokens.verify((await service.login('operator1', DEMO_PASSWORD)).token);
    await expect(service.active(user, 0)).resolves.toEqual({
      userId: 'id-operator1',
      username: 'operator1',
      displayName: 'Nguyễn Thị Lan',
      role: 'operator',
    });
    // Changed behind this process's back (another API process): seen once the cached read is older than the limit.
    const i = users.rows.findIndex((u) => u.username === 'operator1');
    users.rows[i] = { ...users.rows[i], role: 'supervisor' };
    await expect(service.active(user, ACTIVE_USER_CACHE_MS - 1)).resolves.toMatchObject({ role: 'operator' });
    await expect(service.active(user, ACTIVE_USER_CACHE_MS)).resolves.toMatchObject({ role: 'supervisor' });
    // Changed by this process: at once.
    await service.update(admin, user.userId, { disabled: true });
    expect(await codeOf(service.active(user, ACTIVE_USER_CACHE_MS + 1))).toBe('AUTH_INVALID');
    expect(await codeOf(service.active({ ...user, userId: 'id-ghost' }))).toBe('AUTH_INVALID');
  });

  it("refuses a user's tokens issued before their password was last set, by an admin or by themselves", async () => {
    const { service, tokens } = setup();
    await service.ensureDemoUsers();
    const before = await tokens.verify((await service.login('operator2', DEMO_PASSWORD)).token);
    await expect(service.active(before)).resolves.toMatchObject({ username: 'operator2' });
    await service.setPassword(admin, 'id-operator2', 'đặt-lại-sau-sự-cố');
    const nowS = Math.floor(Date.now() / 1000);
    // Issued a second before the change: refused; in the same second (signing in again at once) or later: valid.
    expect(await codeOf(service.active({ ...before, issuedAtS: nowS - 1 }))).toBe('AUTH_INVALID');
    await expect(service.active({ ...before, issuedAtS: nowS })).resolves.toMatchObject({ username: 'operator2' });
    const again = await tokens.verify((await service.login('operator2', 'đặt-lại-sau-sự-cố')).token);
    await expect(service.active(again)).resolves.toMatchObject({ username: 'operator2' });

    await service.changeOwnPassword(again, 'đặt-lại-sau-sự-cố', 'tự-đổi-mật-khẩu');
    expect(await codeOf(service.active({ ...again, issuedAtS: Math.floor(Date.now() / 1000) - 1 }))).toBe(
      'AUTH_INVALID',
    );
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
