import { Inject, Injectable } from '@nestjs/common';
import { IOC_CONFIG, IocError, LOGGER, type IocConfig, type Logger } from '@ioc/platform';
import { UserRepository, type StoredUser } from '@ioc/storage';
import { DEMO_PASSWORD, DEMO_USERS } from './demo-users';
import { PASSWORD_HASHER, type PasswordHasher } from './password-hasher';
import { isUserRole, type Principal } from './principal';
import { TokenService } from './token.service';

export interface LoginResult {
  readonly token: string;
  /** Seconds the token is valid. */
  readonly expiresInS: number;
  readonly user: Principal;
}

const BAD_LOGIN = 'invalid username or password';

function toPrincipal(u: StoredUser): Principal {
  if (!isUserRole(u.role)) throw new IocError('AUTH_INVALID', `user ${u.username} has an unknown role`);
  return { userId: u.id, username: u.username, displayName: u.displayName, role: u.role };
}

/** Logins and the user table: password check, token issue, demo users on first start. */
@Injectable()
export class UserService {
  /** Verified instead of a missing user's hash, so a wrong username costs as long as a wrong password. */
  private dummyHash?: Promise<string>;

  constructor(
    private readonly users: UserRepository,
    private readonly tokens: TokenService,
    @Inject(PASSWORD_HASHER) private readonly hasher: PasswordHasher,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(IOC_CONFIG) private readonly config: IocConfig,
  ) {}

  /** AUTH_INVALID (one message for unknown user, wrong password and disabled user). */
  async login(username: string, password: string): Promise<LoginResult> {
    const user = await this.users.findByUsername(username.trim().toLowerCase());
    if (!user || user.disabled) {
      await this.hasher.verify(await (this.dummyHash ??= this.hasher.hash('not-a-password')), password);
      throw new IocError('AUTH_INVALID', BAD_LOGIN);
    }
    if (!(await this.hasher.verify(user.passwordHash, password))) throw new IocError('AUTH_INVALID', BAD_LOGIN);
    const principal = toPrincipal(user);
    this.logger.info({ userId: user.id, username: user.username, role: user.role }, 'user logged in');
    return { token: await this.tokens.sign(principal), expiresInS: this.config.auth.tokenTtlS, user: principal };
  }

  /** The token's user as stored now; AUTH_INVALID once the user is gone or disabled. */
  async current(p: Principal): Promise<Principal> {
    const user = await this.users.findById(p.userId);
    if (!user || user.disabled) throw new IocError('AUTH_INVALID', 'user no longer active');
    return toPrincipal(user);
  }

  async list(): Promise<Array<Principal & { readonly disabled: boolean; readonly createdAt: Date }>> {
    return (await this.users.list()).map((u) => ({ ...toPrincipal(u), disabled: u.disabled, createdAt: u.createdAt }));
  }

  /** Creates the demo users when there are no users at all; safe when several API processes start together. */
  async ensureDemoUsers(): Promise<string[]> {
    if ((await this.users.count()) > 0) return [];
    const users = [];
    for (const u of DEMO_USERS) users.push({ ...u, passwordHash: await this.hasher.hash(DEMO_PASSWORD) });
    const created = await this.users.insertMissing(users);
    if (created.length) this.logger.warn({ usernames: created }, 'demo users created (AUTH_DEMO_USERS=true); set it false for a real deployment');
    return created;
  }
}
