import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles, type Principal } from '@ioc/auth';
import { ExerciseInjectService } from '@ioc/correlate';
import {
  EXERCISE_READ_ROLES,
  EXERCISE_WRITE_ROLES,
  ExerciseInjectRequestSchema,
  ExerciseScriptRequestSchema,
  SaveExerciseScriptRequestSchema,
  type ExerciseInjectRequest,
  type ExerciseScriptRequest,
  type SaveExerciseScriptRequest,
} from '@ioc/contracts';
import { ApiUuidParam, ApiZodBody, uuidPipe, ZodPipe } from './zod';

/** A running exercise's injects (its log) and saving an exercise as a script. */
@ApiTags('exercises')
@ApiBearerAuth()
@Controller('api/v1/exercises')
export class ExerciseInjectsController {
  constructor(@Inject(ExerciseInjectService) private readonly injects: ExerciseInjectService) {}

  @Post(':id/injects')
  @Roles(...EXERCISE_WRITE_ROLES)
  @ApiOperation({
    summary:
      'Inject an event into a running exercise (a sensor sticks or drifts, a camera goes dark or is tampered with, a false detection, ' +
      'a field report, a pump or sluice-gate failure, a gateway or ward power cut) at `at` (recording time) or now on its drill clock; ' +
      '400 EXERCISE_INJECT_INVALID for an unknown target or a time the replay has already passed',
  })
  @ApiZodBody(ExerciseInjectRequestSchema)
  @ApiUuidParam()
  inject(
    @Param('id', uuidPipe()) id: string,
    @Body(new ZodPipe(ExerciseInjectRequestSchema, 'inject')) body: ExerciseInjectRequest,
    @CurrentPrincipal() p: Principal,
  ) {
    return this.injects.inject(id, body, p.userId);
  }

  @Get(':id/injects')
  @Roles(...EXERCISE_READ_ROLES)
  @ApiOperation({ summary: "The exercise's inject log, by seq: drill time, kind, target, incidents it caused" })
  @ApiUuidParam()
  list(@Param('id', uuidPipe()) id: string) {
    return this.injects.injects(id);
  }

  @Post(':id/script')
  @Roles(...EXERCISE_WRITE_ROLES)
  @ApiOperation({ summary: 'Save a running or ended exercise (its recording and logged injects) as a script' })
  @ApiZodBody(SaveExerciseScriptRequestSchema)
  @ApiUuidParam()
  save(
    @Param('id', uuidPipe()) id: string,
    @Body(new ZodPipe(SaveExerciseScriptRequestSchema, 'script')) body: SaveExerciseScriptRequest,
    @CurrentPrincipal() p: Principal,
  ) {
    return this.injects.saveAsScript(id, body.name, p.userId);
  }
}

/** Scripts: a recording with injects planned at times of it, run again as an exercise by any trainer. */
@ApiTags('exercises')
@ApiBearerAuth()
@Controller('api/v1/exercise-scripts')
export class ExerciseScriptsController {
  constructor(@Inject(ExerciseInjectService) private readonly injects: ExerciseInjectService) {}

  @Post()
  @Roles(...EXERCISE_WRITE_ROLES)
  @ApiOperation({ summary: 'A script: a recording and injects planned at times of it ({at, kind, …})' })
  @ApiZodBody(ExerciseScriptRequestSchema)
  create(
    @Body(new ZodPipe(ExerciseScriptRequestSchema, 'script')) body: ExerciseScriptRequest,
    @CurrentPrincipal() p: Principal,
  ) {
    return this.injects.createScript(body, p.userId);
  }

  @Get()
  @Roles(...EXERCISE_READ_ROLES)
  @ApiOperation({ summary: 'Scripts, newest first' })
  list() {
    return this.injects.scripts();
  }

  @Delete(':id')
  @HttpCode(204)
  @Roles(...EXERCISE_WRITE_ROLES)
  @ApiOperation({ summary: 'Delete a script (exercises started from it keep their injects)' })
  @ApiUuidParam()
  async remove(@Param('id', uuidPipe()) id: string, @CurrentPrincipal() p: Principal): Promise<void> {
    await this.injects.deleteScript(id, p.userId);
  }
}
