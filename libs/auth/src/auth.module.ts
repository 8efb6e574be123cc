import { Global, Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import { IOC_CONFIG, type IocConfig } from '@ioc/platform';
import { resolveJwtSecret } from './jwt-secret';
import { TokenService } from './token.service';

/** Global: TokenService for the REST guard and the socket handshake. Needs PlatformModule (IOC_CONFIG). */
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
  providers: [TokenService],
  exports: [TokenService],
})
export class AuthModule {}
