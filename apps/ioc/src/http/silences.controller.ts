import { Body, Controller, Get, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles, type Principal } from '@ioc/auth';
import { SilenceService } from '@ioc/api';
import { SILENCE_READ_ROLES, SILENCE_WRITE_ROLES, SilenceRequestSchema, type SilenceRequest } from '@ioc/contracts';
import { ApiUuidParam, ApiZodBody, uuidPipe, ZodPipe } from './zod';

/** Silences (Alertmanager's): the engine neither raises nor updates matching incidents while one lasts. */
@ApiTags('silences')
@ApiBearerAuth()
@Controller('api/v1/silences')
export class SilencesController {
  constructor(@Inject(SilenceService) private readonly silences: SilenceService) {}

  @Post()
  @Roles(...SILENCE_WRITE_ROLES)
  @ApiOperation({
    summary: 'Silence matching incidents until endsAt (at most 7 days); applied by the correlate role within seconds',
  })
  @ApiZodBody(SilenceRequestSchema)
  create(@Body(new ZodPipe(SilenceRequestSchema, 'silence')) body: SilenceRequest, @CurrentPrincipal() p: Principal) {
    return this.silences.create(body, p.userId);
  }

  @Get()
  @Roles(...SILENCE_READ_ROLES)
  @ApiOperation({ summary: 'Silences in force, to come, or ended in the last 7 days; newest first' })
  list() {
    return this.silences.list();
  }

  @Post(':id/expire')
  @HttpCode(200)
  @Roles(...SILENCE_WRITE_ROLES)
  @ApiOperation({ summary: 'End a silence now (the record stays, with who ended it)' })
  @ApiUuidParam()
  expire(@Param('id', uuidPipe()) id: string, @CurrentPrincipal() p: Principal) {
    return this.silences.expire(id, p.userId);
  }
}
