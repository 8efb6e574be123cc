import { Inject, Injectable } from '@nestjs/common';
import { WALL_CLOCK, IOC_CONFIG, LOGGER, type Clock, type IocConfig, type Logger } from '@ioc/platform';
import { UserRepository, type StoredUser, type UserChanges } from '@ioc/storage';
import { AuthError } from './auth.errors';
import { DEMO_PASSWORD, DEMO_USERS } from './demo-users';
import { PASSWORD_HASHER, type PasswordHasher } from './password-hasher';
import { isUserRole, normalUsername, type Principal, type UserRole } from './principal';
import { TokenService, type TokenPrincipal } from './token.service';

export interface LoginResult {
  readonly token: string;
  /** Seconds the token is valid. */
  readonly expiresInS: number;
  readonly user: Principal;
}

const BAD_LOGIN = 'invalid username or password';
/**
 * How long a token's user is taken as active (and in its role) without reading the table again: a user disabled, or
 * given another role, by another API process loses the old access within this long; in this process at once.
 */
export const ACTIVE_USER_CACHE_MS = 5_000;

export interface UserRecord extends Principal {
  readonly disabled: boolean;
  readonly createdAt: Date;
}

export interface NewUserRequest {
  readonly username: string;
  readonly displayName: string;
  readonly role: UserRole;
  readonly password: string;
}

export interface UserChangeRequest {
  readonly displayName?: string;
  readonly role?: UserRole;
  readonly disabled?: boolean;
}

function toPrincipal(u: StoredUser): Principal {
  if (!isUserRole(u.role)) throw new AuthError('AUTH_INVALID', `user ${u.username} has an unknown role`);
  return { userId: u.id, username: u.username, displayName: u.displayName, role: u.role };
}

const toRecord = (u: StoredUser): UserRecord => ({ ...toPrincipal(u), disabled: u.disabled, createdAt: u.createdAt });

/** Logins and the user table: password check, token issue, demo users on first start, user management by admins. */
@Injectable()
export class UserService {
  /** Verified instead of a missing user's hash, so a wrong username costs as long as a wrong password. */
  private dummyHash?: Promise<string>;
  /** Token user id → the user as last read (undefined: gone or disabled), the limit on its tokens' age, and when. */
  private readonly activeCache = new Map<
    string,
    { readonly user: Principal | undefined; readonly validAfterS: number; readonly at: number }
  >();

  constructor(
    private readonly users: UserRepository,
    private readonly tokens: TokenService,
    @Inject(PASSWORD_HASHER) private readonly hasher: PasswordHasher,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(IOC_CONFIG) private readonly config: IocConfig,
    @Inject(WALL_CLOCK) private readonly clock: Clock,
  ) {}

  /**
   * Now, to the whole second: the limit a new password puts on its user's tokens. A token's `iat` is in whole seconds,
   * so one issued in the same second as the change (a sign-in right after it) stays valid.
   */
  private wholeSecondNow(): Date {
    return new Date(Math.floor(this.clock.nowMs() / 1000) * 1000);
  }

  /** AUTH_INVALID (one message for unknown user, wrong password and disabled user). */
  async login(username: string, password: string): Promise<LoginResult> {
    const user = await this.users.findByUsername(normalUsername(username));
    if (!user || user.disabled) {
      await this.hasher.verify(await (this.dummyHash ??= this.hasher.hash('not-a-password')), password);
      throw new AuthError('AUTH_INVALID', BAD_LOGIN);
    }
    if (!(await this.hasher.verify(user.passwordHash, password))) throw new AuthError('AUTH_INVALID', BAD_LOGIN);
    const principal = toPrincipal(user);
    this.logger.info({ userId: user.id, username: user.username, role: user.role }, 'user logged in');
    return { token: await this.tokens.sign(principal), expiresInS: this.config.auth.tokenTtlS, user: principal };
  }

  /** The token's user as stored now; AUTH_INVALID once the user is gone or disabled. */
  async current(p: Principal): Promise<Principal> {
    const user = await this.users.findById(p.userId);
    if (!user || user.disabled) throw new AuthError('AUTH_INVALID', 'user no longer active');
    return toPrincipal(user);
  }

  /**
   * The REST guard's and the socket handshake's check of a valid token: its user as stored (its role now, not the
   * token's), read at most every ACTIVE_USER_CACHE_MS; AUTH_INVALID once the user is gone or disabled, or when the
   * token was issued before the user's password was last set.
   */
  async active(p: TokenPrincipal, nowMs = this.clock.nowMs()): Promise<Principal> {
    let entry = this.activeCache.get(p.userId);
    if (!entry || nowMs - entry.at >= ACTIVE_USER_CACHE_MS) {
      const user = await this.users.findById(p.userId);
      const validAfterS = user?.tokensValidAfter ? Math.floor(user.tokensValidAfter.getTime() / 1000) : 0;
      entry = { user: user && !user.disabled ? toPrincipal(user) : undefined, validAfterS, at: nowMs };
      if (this.activeCache.size >= 10_000) this.activeCache.clear();
      this.activeCache.set(p.userId, entry);
    }
    if (!entry.user) throw new AuthError('AUTH_INVALID', 'user no longer active');
    if (p.issuedAtS < entry.validAfterS)
      throw new AuthError('AUTH_INVALID', 'token issued before the password was last set: sign in again');
    return entry.user;
  }

  async list(): Promise<UserRecord[]> {
    return (await this.users.list()).map(toRecord);
  }

  /** USER_EXISTS when the username is taken. */
  async create(actor: Principal, req: NewUserRequest): Promise<UserRecord> {
    const stored = await this.users.insert({
      username: req.username,
      displayName: req.displayName,
      role: req.role,
      passwordHash: await this.hasher.hash(req.password),
    });
    if (stored === 'taken')
      throw new AuthError('USER_EXISTS', `username "${req.username}" is taken`, { username: req.username });
    this.logger.info(
      { userId: stored.id, username: stored.username, role: stored.role, actor: actor.userId },
      'user created',
    );
    return toRecord(stored);
  }

  /** USER_NOT_FOUND; USER_LAST_ADMIN when no active admin would be left (nothing is changed then). */
  async update(actor: Principal, userId: string, changes: UserChangeRequest): Promise<UserRecord> {
    const user = this.changed(userId, await this.users.update(userId, changes));
    this.logger.info({ userId, username: user.username, changes, actor: actor.userId }, 'user changed');
    return user;
  }

  /** An admin sets a user's password. USER_NOT_FOUND. */
  async setPassword(actor: Principal, userId: string, password: string): Promise<UserRecord> {
    const user = this.changed(
      userId,
      await this.users.update(userId, {
        passwordHash: await this.hasher.hash(password),
        tokensValidAfter: this.wholeSecondNow(),
      }),
    );
    this.logger.info({ userId, username: user.username, actor: actor.userId }, 'password set by an admin');
    return user;
  }

  /** A user changes their own password; USER_PASSWORD_INCORRECT when the current one is wrong. */
  async changeOwnPassword(p: Principal, currentPassword: string, newPassword: string): Promise<void> {
    const user = await this.users.findById(p.userId);
    if (!user || user.disabled) throw new AuthError('AUTH_INVALID', 'user no longer active');
    if (!(await this.hasher.verify(user.passwordHash, currentPassword)))
      throw new AuthError('USER_PASSWORD_INCORRECT', 'the current password is not correct');
    this.changed(
      p.userId,
      await this.users.update(p.userId, {
        passwordHash: await this.hasher.hash(newPassword),
        tokensValidAfter: this.wholeSecondNow(),
      } satisfies UserChanges),
    );
    this.logger.info({ userId: p.userId, username: user.username }, 'password changed by its user');
  }

  private changed(userId: string, outcome: StoredUser | 'not-found' | 'last-admin'): UserRecord {
    this.activeCache.delete(userId);
    if (outcome === 'not-found') throw new AuthError('USER_NOT_FOUND', `no user ${userId}`);
    if (outcome === 'last-admin')
      throw new AuthError('USER_LAST_ADMIN', 'this would leave no active admin: make another user admin first');
    return toRecord(outcome);
  }

  /** Creates the demo users when there are no users at all; safe when several API processes start together. */
  async ensureDemoUsers(): Promise<string[]> {
    if ((await this.users.count()) > 0) return [];
    const users = [];
    for (const u of DEMO_USERS) users.push({ ...u, passwordHash: await this.hasher.hash(DEMO_PASSWORD) });
    const created = await this.users.insertMissing(users);
    if (created.length)
      this.logger.warn(
        { usernames: created },
        'demo users created (AUTH_DEMO_USERS=true); set it false for a real deployment',
      );
    return created;
  }
}
