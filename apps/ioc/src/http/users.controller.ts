import { Body, Controller, Get, HttpCode, Inject, Param, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles, UserService, type Principal } from '@ioc/auth';
import {
  CreateUserRequestSchema,
  SetPasswordRequestSchema,
  UpdateUserRequestSchema,
  USER_READ_ROLES,
  type CreateUserRequest,
  type SetPasswordRequest,
  type UpdateUserRequest,
} from '@ioc/contracts';
import { RealtimeService } from '@ioc/realtime';
import { ApiUuidParam, ApiZodBody, uuidPipe, ZodPipe } from './zod';

/**
 * User management (admin; the list also for supervisors). A user disabled, given another role or a new password loses
 * the old access at once in this process and within UserService's ACTIVE_USER_CACHE_MS in the others; their open
 * sockets are closed at once in every API process (and would be at the gateway's next check anyway).
 */
@ApiTags('users')
@ApiBearerAuth()
@Controller('api/v1/users')
export class UsersController {
  constructor(
    @Inject(UserService) private readonly users: UserService,
    @Inject(RealtimeService) private readonly realtime: RealtimeService,
  ) {}

  @Get()
  @Roles(...USER_READ_ROLES)
  @ApiOperation({ summary: 'Users, their roles and whether they are disabled (supervisor, admin)' })
  list() {
    return this.users.list();
  }

  @Post()
  @Roles('admin')
  @ApiOperation({ summary: 'Create a user (admin). 409 USER_EXISTS when the username is taken' })
  @ApiZodBody(CreateUserRequestSchema)
  create(
    @Body(new ZodPipe(CreateUserRequestSchema, 'user')) body: CreateUserRequest,
    @CurrentPrincipal() p: Principal,
  ) {
    return this.users.create(p, body);
  }

  @Patch(':id')
  @Roles('admin')
  @ApiUuidParam()
  @ApiOperation({
    summary:
      "Change a user's display name or role, disable or enable (admin). 409 USER_LAST_ADMIN: never the last active admin",
  })
  @ApiZodBody(UpdateUserRequestSchema)
  async update(
    @Param('id', uuidPipe()) id: string,
    @Body(new ZodPipe(UpdateUserRequestSchema, 'change')) body: UpdateUserRequest,
    @CurrentPrincipal() p: Principal,
  ) {
    const user = await this.users.update(p, id, body);
    if (body.disabled === true || body.role !== undefined) this.realtime.disconnectUser(id);
    return user;
  }

  @Post(':id/password')
  @HttpCode(200)
  @Roles('admin')
  @ApiUuidParam()
  @ApiOperation({ summary: "Set a user's password (admin)" })
  @ApiZodBody(SetPasswordRequestSchema)
  async setPassword(
    @Param('id', uuidPipe()) id: string,
    @Body(new ZodPipe(SetPasswordRequestSchema, 'password')) body: SetPasswordRequest,
    @CurrentPrincipal() p: Principal,
  ) {
    const user = await this.users.setPassword(p, id, body.password);
    this.realtime.disconnectUser(id);
    return user;
  }
}
