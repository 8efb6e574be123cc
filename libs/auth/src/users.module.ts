import { Inject, Module, type OnApplicationBootstrap } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { IOC_CONFIG, type IocConfig } from '@ioc/platform';
import { AuthGuard } from './auth.guard';
import { argon2Hasher, PASSWORD_HASHER } from './password-hasher';
import { UserService } from './user.service';

/**
 * The api role's users: logins, the global REST guard, demo users on first start. Needs AuthModule, StorageModule and
 * PlatformModule (all global).
 */
@Module({
  providers: [{ provide: PASSWORD_HASHER, useValue: argon2Hasher }, UserService, { provide: APP_GUARD, useClass: AuthGuard }],
  exports: [UserService],
})
export class UsersModule implements OnApplicationBootstrap {
  constructor(
    @Inject(UserService) private readonly users: UserService,
    @Inject(IOC_CONFIG) private readonly config: IocConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.auth.demoUsers) await this.users.ensureDemoUsers();
  }
}
