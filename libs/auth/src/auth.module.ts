import { Global, Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { IOC_CONFIG, type IocConfig } from '@ioc/platform';
import { resolveJwtSecret } from './jwt-secret';
import { argon2Hasher, PASSWORD_HASHER } from './password-hasher';
import { TokenService } from './token.service';
import { UserService } from './user.service';

/**
 * Global: TokenService and UserService (whose `active` check both the REST guard and the socket handshake make).
 * Needs PlatformModule (IOC_CONFIG, LOGGER) and StorageModule (UserRepository).
 */
@Global()
@Module({
  imports: [
    JwtModule.registerAsync({
      inject: [IOC_CONFIG],
      useFactory: (config: IocConfig) => ({
        secret: resolveJwtSecret(config.auth.jwtSecret, config.dataDir),
        signOptions: { algorithm: 'HS256', expiresIn: config.auth.tokenTtlS },
        verifyOptions: { algorithms: ['HS256'] },
      }),
    }),
  ],
  providers: [TokenService, { provide: PASSWORD_HASHER, useValue: argon2Hasher }, UserService],
  exports: [TokenService, UserService],
})
export class AuthModule {}
