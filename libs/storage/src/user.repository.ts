import { Inject, Injectable } from '@nestjs/common';
import { DATABASE, type Database } from './database';
import { inTransaction } from './transaction';
import { isUuid } from './uuid';

/** A user as stored; `role` is one of the auth library's roles (checked by the table). */
export interface StoredUser {
  readonly id: string;
  readonly username: string;
  readonly displayName: string;
  readonly role: string;
  readonly passwordHash: string;
  readonly createdAt: Date;
  readonly disabled: boolean;
  /** Tokens issued before this are refused (set with a new password); null: none are. */
  readonly tokensValidAfter: Date | null;
}

export interface NewUser {
  readonly username: string;
  readonly displayName: string;
  readonly role: string;
  readonly passwordHash: string;
}

export interface UserChanges {
  readonly displayName?: string;
  readonly role?: string;
  readonly disabled?: boolean;
  readonly passwordHash?: string;
  /** Refuse the user's tokens issued before this (with a new password). */
  readonly tokensValidAfter?: Date;
}

/** Advisory lock key of user changes (any constant bigint: 'app_user' in ASCII, as decimal text for pg). */
const USER_CHANGES_LOCK = '7021235374365304178';

interface UserRow {
  id: string;
  username: string;
  display_name: string;
  role: string;
  password_hash: string;
  created_at: Date;
  disabled: boolean;
  tokens_valid_after: Date | null;
}

const toUser = (r: UserRow): StoredUser => ({
  id: r.id,
  username: r.username,
  displayName: r.display_name,
  role: r.role,
  passwordHash: r.password_hash,
  createdAt: r.created_at,
  disabled: r.disabled,
  tokensValidAfter: r.tokens_valid_after,
});

const COLUMNS = 'id, username, display_name, role, password_hash, created_at, disabled, tokens_valid_after';
const SELECT_USER = `SELECT ${COLUMNS} FROM app_user`;

@Injectable()
export class UserRepository {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  async findByUsername(username: string): Promise<StoredUser | undefined> {
    const { rows } = await this.db.pool.query<UserRow>(`${SELECT_USER} WHERE username = $1`, [username]);
    return rows[0] && toUser(rows[0]);
  }

  async findById(id: string): Promise<StoredUser | undefined> {
    // Not a uuid: no such user (rather than a cast error from the database).
    if (!isUuid(id)) return undefined;
    const { rows } = await this.db.pool.query<UserRow>(`${SELECT_USER} WHERE id = $1`, [id]);
    return rows[0] && toUser(rows[0]);
  }

  /** The users among these ids, by id, in one query (ids that are not users — `system`, a device — are left out). */
  async findByIds(ids: Iterable<string>): Promise<Map<string, StoredUser>> {
    const uuids = [...new Set(ids)].filter(isUuid);
    if (uuids.length === 0) return new Map();
    const { rows } = await this.db.pool.query<UserRow>(`${SELECT_USER} WHERE id = ANY($1::uuid[])`, [uuids]);
    return new Map(rows.map((r) => [r.id, toUser(r)]));
  }

  async list(): Promise<StoredUser[]> {
    const { rows } = await this.db.pool.query<UserRow>(`${SELECT_USER} ORDER BY username`);
    return rows.map(toUser);
  }

  async count(): Promise<number> {
    const { rows } = await this.db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM app_user');
    return rows[0].n;
  }

  /** Inserts one user; 'taken' when the username is. */
  async insert(user: NewUser): Promise<StoredUser | 'taken'> {
    const { rows } = await this.db.pool.query<UserRow>(
      `INSERT INTO app_user (username, display_name, role, password_hash) VALUES ($1, $2, $3, $4)
       ON CONFLICT (username) DO NOTHING
       RETURNING ${COLUMNS}`,
      [user.username, user.displayName, user.role, user.passwordHash],
    );
    return rows[0] ? toUser(rows[0]) : 'taken';
  }

  /**
   * Changes a user (the fields given). 'not-found' for no such user; 'last-admin' (nothing changed) when no active
   * admin would be left: changes are serialised by a transaction-level advisory lock, so two admins disabling each
   * other at once cannot both succeed.
   */
  async update(id: string, changes: UserChanges): Promise<StoredUser | 'not-found' | 'last-admin'> {
    if (!isUuid(id)) return 'not-found';
    return inTransaction(
      this.db.pool,
      async (client) => {
        await client.query('SELECT pg_advisory_xact_lock($1)', [USER_CHANGES_LOCK]);
        const { rows } = await client.query<UserRow>(
          `UPDATE app_user SET display_name = COALESCE($2, display_name), role = COALESCE($3, role),
                  disabled = COALESCE($4, disabled), password_hash = COALESCE($5, password_hash),
                  tokens_valid_after = COALESCE($6, tokens_valid_after)
            WHERE id = $1
            RETURNING ${COLUMNS}`,
          [
            id,
            changes.displayName ?? null,
            changes.role ?? null,
            changes.disabled ?? null,
            changes.passwordHash ?? null,
            changes.tokensValidAfter ?? null,
          ],
        );
        if (!rows[0]) return 'not-found' as const;
        const admins = await client.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM app_user WHERE role = 'admin' AND NOT disabled`,
        );
        return admins.rows[0].n === 0 ? ('last-admin' as const) : toUser(rows[0]);
      },
      (outcome) => typeof outcome !== 'string',
    );
  }

  /** Inserts the users whose username is free, in one statement; returns the usernames inserted. */
  async insertMissing(users: readonly NewUser[]): Promise<string[]> {
    if (users.length === 0) return [];
    const { rows } = await this.db.pool.query<{ username: string }>(
      `INSERT INTO app_user (username, display_name, role, password_hash)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[])
       ON CONFLICT (username) DO NOTHING
       RETURNING username`,
      [
        users.map((u) => u.username),
        users.map((u) => u.displayName),
        users.map((u) => u.role),
        users.map((u) => u.passwordHash),
      ],
    );
    return rows.map((r) => r.username);
  }
}
