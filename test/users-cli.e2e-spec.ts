import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { Pool } from 'pg';
import { argon2Hasher } from '@ioc/auth';
import { createPlainTestDatabase, projectRoot, type PlainTestDatabase } from '@ioc/testing';

jest.setTimeout(120_000);

/**
 * The user CLI (`node dist/apps/ioc/src/users.js`, built) against a fresh database, as an operator of the host runs
 * it: the first admin of a deployment without demo users, a locked-out admin's password, roles and disabling, with
 * the REST API's rules (bad input named, the last active admin kept).
 */
describe('users CLI', () => {
  let db: PlainTestDatabase;
  let pool: Pool;

  beforeAll(async () => {
    db = await createPlainTestDatabase();
    pool = new Pool({ connectionString: db.url, max: 1 });
  });

  afterAll(async () => {
    await pool?.end();
    await db?.drop();
  });

  const cli = (args: string[], stdin?: string) =>
    new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
      const child = spawn(process.execPath, [path.join(projectRoot(), 'dist/apps/ioc/src/users.js'), ...args], {
        env: { ...process.env, DATABASE_URL: db.url, LOG_LEVEL: 'warn', AUTH_JWT_SECRET: 'users-cli-test' },
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      let out = '';
      let err = '';
      child.stdout.on('data', (d) => (out += d));
      child.stderr.on('data', (d) => (err += d));
      child.stdin.end(stdin ?? '');
      child.on('exit', (code) => resolve({ code, out, err }));
    });
  const stored = (username: string) =>
    pool
      .query<{ id: string; role: string; disabled: boolean; password_hash: string; display_name: string }>(
        'SELECT * FROM app_user WHERE username = $1',
        [username],
      )
      .then((r) => r.rows[0]);

  it('creates the first admin with the password from standard input, hashed', async () => {
    const r = await cli(['create', 'quantri', '--role', 'admin', '--name', 'Quản trị viên'], 'mật-khẩu-quản-trị\n');
    expect({ code: r.code, err: r.err }).toEqual({ code: 0, err: '' });
    expect(JSON.parse(r.out)).toMatchObject({
      username: 'quantri',
      role: 'admin',
      displayName: 'Quản trị viên',
      disabled: false,
    });
    const row = await stored('quantri');
    expect(row.password_hash.startsWith('$argon2id$')).toBe(true);
    expect(await argon2Hasher.verify(row.password_hash, 'mật-khẩu-quản-trị')).toBe(true);
    const list = await cli(['list']);
    expect(JSON.parse(list.out).map((u: { username: string }) => u.username)).toContain('quantri');
  });

  it('sets a password, changes a role, disables and enables, keeping the last active admin', async () => {
    expect((await cli(['create', 'ca.dem', '--role', 'operator', '--name', 'Ca đêm'], 'ca-đêm-mật-khẩu\n')).code).toBe(
      0,
    );
    expect((await cli(['set-password', 'ca.dem'], 'mật-khẩu-mới-123\n')).code).toBe(0);
    expect(await argon2Hasher.verify((await stored('ca.dem')).password_hash, 'mật-khẩu-mới-123')).toBe(true);
    expect((await cli(['role', 'ca.dem', 'supervisor'])).code).toBe(0);
    expect((await cli(['disable', 'ca.dem'])).code).toBe(0);
    expect(await stored('ca.dem')).toMatchObject({ role: 'supervisor', disabled: true });
    expect((await cli(['enable', 'ca.dem'])).code).toBe(0);
    expect((await stored('ca.dem')).disabled).toBe(false);

    const last = await cli(['disable', 'quantri']);
    expect(last.code).toBe(1);
    expect(last.err).toContain('[USER_LAST_ADMIN]');
    expect((await stored('quantri')).disabled).toBe(false);
  });

  it('names bad input and exits 64 (usage), changing nothing', async () => {
    const bad = await cli(['create', 'Bad Name', '--role', 'root'], 'short\n');
    expect(bad.code).toBe(64);
    for (const field of ['username', 'role', 'displayName', 'password']) expect(bad.err).toContain(field);
    expect((await cli(['frobnicate'])).err).toContain('unknown command "frobnicate"');
    expect((await cli(['create', 'nopass', '--role', 'operator', '--name', 'No pass'])).err).toContain(
      '[USAGE_INVALID] a password is read from standard input',
    );
    const ghost = await cli(['disable', 'ghost']);
    expect({ code: ghost.code, err: ghost.err.trim() }).toEqual({ code: 1, err: '[USER_NOT_FOUND] no user "ghost"' });
    expect((await pool.query('SELECT username FROM app_user ORDER BY username')).rows.map((r) => r.username)).toEqual([
      'ca.dem',
      'quantri',
    ]);
  });
});
