export type { Principal, UserRole } from './principal';
export { AUTH_ERROR_CODES, AuthError, type AuthErrorCode } from './auth.errors';
export { TokenService, type TokenPrincipal } from './token.service';
export { AuthModule } from './auth.module';
export { argon2Hasher } from './password-hasher';
export { DEMO_PASSWORD } from './demo-users';
export { CurrentPrincipal, Public, Roles } from './auth.decorators';
export { ACTIVE_USER_CACHE_MS, UserService } from './user.service';
export { UsersModule } from './users.module';
