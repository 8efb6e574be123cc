import { Body, Controller, Get, HttpCode, Inject, Ip, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags, ApiTooManyRequestsResponse } from '@nestjs/swagger';
import { CurrentPrincipal, LoginService, Public, UserService, type Principal } from '@ioc/auth';
import {
  ChangePasswordRequestSchema,
  LoginRequestSchema,
  type ChangePasswordRequest,
  type LoginRequest,
} from '@ioc/contracts';
import { ApiZodBody, ZodPipe } from './zod';

@ApiTags('auth')
@Controller('api/v1')
export class AuthController {
  constructor(
    @Inject(UserService) private readonly users: UserService,
    @Inject(LoginService) private readonly logins: LoginService,
  ) {}

  @Public()
  @Post('auth/login')
  @HttpCode(200)
  @ApiOperation({ summary: 'Log in: a bearer token for REST calls and the socket handshake, and the user' })
  @ApiTooManyRequestsResponse({
    description:
      'AUTH_THROTTLED: too many failed sign-ins for this username or from this address (AUTH_LOGIN_*); `Retry-After` says when to try again',
  })
  @ApiZodBody(LoginRequestSchema)
  login(@Body(new ZodPipe(LoginRequestSchema, 'login')) body: LoginRequest, @Ip() address: string | undefined) {
    return this.logins.login(body.username, body.password, address ?? 'unknown');
  }

  @Get('auth/me')
  @ApiBearerAuth()
  @ApiOperation({ summary: 'The user of the token, as stored now' })
  me(@CurrentPrincipal() principal: Principal) {
    return this.users.current(principal);
  }

  @Post('auth/password')
  @HttpCode(204)
  @ApiBearerAuth()
  @ApiOperation({ summary: 'Change your own password (the current one is required: 403 USER_PASSWORD_INCORRECT)' })
  @ApiZodBody(ChangePasswordRequestSchema)
  async changePassword(
    @Body(new ZodPipe(ChangePasswordRequestSchema, 'password change')) body: ChangePasswordRequest,
    @CurrentPrincipal() principal: Principal,
  ): Promise<void> {
    await this.users.changeOwnPassword(principal, body.currentPassword, body.newPassword);
  }
}
