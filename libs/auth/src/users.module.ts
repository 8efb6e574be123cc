import { Inject, Module, type OnApplicationBootstrap } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { IOC_CONFIG, type IocConfig } from '@ioc/platform';
import { AuthGuard } from './auth.guard';
import { UserService } from './user.service';

/**
 * The api role's REST guard (global) and the demo users on first start. Needs AuthModule, StorageModule and
 * PlatformModule (all global).
 */
@Module({
  providers: [{ provide: APP_GUARD, useClass: AuthGuard }],
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
