import type { Request } from 'express';
import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Put, Req, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Roles, type Principal } from '@ioc/auth';
import {
  ExerciseError,
  ExerciseInjectService,
  ExerciseScoringService,
  ExerciseService,
  ExerciseTraineesService,
  RecordingFileService,
} from '@ioc/correlate';
import {
  EXERCISE_READ_ROLES,
  EXERCISE_WRITE_ROLES,
  ExerciseRequestSchema,
  ExerciseSeekRequestSchema,
  ExerciseSpeedRequestSchema,
  ExerciseTraineesRequestSchema,
  RECORDING_FILE_MEDIA_TYPE,
  RecordingRequestSchema,
  type ExerciseRequest,
  type ExerciseSeekRequest,
  type ExerciseSpeedRequest,
  type ExerciseTraineesRequest,
  type RecordingRequest,
} from '@ioc/contracts';
import { ApiUuidParam, ApiZodBody, uuidPipe, ZodPipe } from './zod';

/** Recordings of stored history, the source of exercises. */
@ApiTags('exercises')
@ApiBearerAuth()
@Controller('api/v1/recordings')
export class RecordingsController {
  constructor(
    @Inject(ExerciseService) private readonly exercises: ExerciseService,
    @Inject(RecordingFileService) private readonly files: RecordingFileService,
  ) {}

  @Post()
  @Roles(...EXERCISE_WRITE_ROLES)
  @ApiOperation({
    summary:
      'Record the device messages and field reports stored in [from, to) (at most 7 days) so exercises can replay them after retention',
  })
  @ApiZodBody(RecordingRequestSchema)
  create(
    @Body(new ZodPipe(RecordingRequestSchema, 'recording')) body: RecordingRequest,
    @CurrentPrincipal() p: Principal,
  ) {
    return this.exercises.record(body, p.userId);
  }

  @Get()
  @Roles(...EXERCISE_READ_ROLES)
  @ApiOperation({ summary: 'Recordings, newest first' })
  list() {
    return this.exercises.recordings();
  }

  @Get(':id/export')
  @Roles(...EXERCISE_WRITE_ROLES)
  @ApiOperation({
    summary:
      'The recording as one self-describing file (.iocrec: gzip of NDJSON, a manifest line then one line per message and field report)',
  })
  @ApiProduces(RECORDING_FILE_MEDIA_TYPE)
  @ApiUuidParam()
  async export(@Param('id', uuidPipe()) id: string): Promise<StreamableFile> {
    const file = await this.files.export(id);
    return new StreamableFile(file.stream, {
      type: RECORDING_FILE_MEDIA_TYPE,
      disposition: `attachment; filename="${file.filename}"`,
    });
  }

  @Post('import')
  @Roles(...EXERCISE_WRITE_ROLES)
  @ApiOperation({
    summary:
      'A new recording from an exported file (raw body, application/gzip or application/octet-stream), in one transaction; ' +
      'refused whole with RECORDING_FILE_INVALID, RECORDING_CITY_MISMATCH or RECORDING_TOO_LARGE and a reason',
  })
  @ApiConsumes(RECORDING_FILE_MEDIA_TYPE, 'application/octet-stream')
  @ApiBody({ schema: { type: 'string', format: 'binary' } })
  import(@Req() req: Request, @CurrentPrincipal() p: Principal) {
    const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    if (!['application/gzip', 'application/x-gzip', 'application/octet-stream'].includes(type))
      throw new ExerciseError(
        'RECORDING_FILE_INVALID',
        `send the file as the raw body, Content-Type application/gzip or application/octet-stream (not "${type || 'none'}")`,
        { reason: 'content-type' },
      );
    return this.files.import(req, p.userId);
  }

  @Delete(':id')
  @HttpCode(204)
  @Roles(...EXERCISE_WRITE_ROLES)
  @ApiOperation({ summary: 'Delete a recording (not while an exercise of it runs; past exercises keep its name)' })
  @ApiUuidParam()
  async remove(@Param('id', uuidPipe()) id: string, @CurrentPrincipal() p: Principal): Promise<void> {
    await this.exercises.deleteRecording(id, p.userId);
  }
}

/**
 * Exercises: a recording replayed through the correlation engine as exercise incidents, several at once (up to
 * EXERCISES_MAX_RUNNING); trainers and supervisors pause, resume, change the speed of, seek and stop a running one.
 */
@ApiTags('exercises')
@ApiBearerAuth()
@Controller('api/v1/exercises')
export class ExercisesController {
  constructor(
    @Inject(ExerciseService) private readonly exercises: ExerciseService,
    @Inject(ExerciseInjectService) private readonly scripted: ExerciseInjectService,
    @Inject(ExerciseTraineesService) private readonly trainees: ExerciseTraineesService,
    @Inject(ExerciseScoringService) private readonly scoring: ExerciseScoringService,
  ) {}

  @Post()
  @Roles(...EXERCISE_WRITE_ROLES)
  @ApiOperation({
    summary:
      'Start replaying a recording (recordingId) or a script (scriptId: its planned injects are logged) at a speed (1–3600, or "max") ' +
      'as exercise incidents; 409 EXERCISE_ACTIVE while EXERCISES_MAX_RUNNING run',
  })
  @ApiZodBody(ExerciseRequestSchema)
  start(@Body(new ZodPipe(ExerciseRequestSchema, 'exercise')) body: ExerciseRequest, @CurrentPrincipal() p: Principal) {
    return this.scripted.start(body, p.userId);
  }

  @Get()
  @Roles(...EXERCISE_READ_ROLES)
  @ApiOperation({
    summary:
      'Exercises, newest first: status, how far the replay has got, decisions applied (a trainee: only their own)',
  })
  list(@CurrentPrincipal() p: Principal) {
    return this.trainees.list(p);
  }

  @Get('trainee-candidates')
  @Roles(...EXERCISE_WRITE_ROLES)
  @ApiOperation({ summary: 'Users who may be assigned as trainees: the enabled operators' })
  candidates() {
    return this.trainees.candidates();
  }

  @Get(':id')
  @Roles(...EXERCISE_READ_ROLES)
  @ApiOperation({ summary: 'One exercise (a trainee: only their own, 403 EXERCISE_NOT_ASSIGNED otherwise)' })
  @ApiUuidParam()
  get(@Param('id', uuidPipe()) id: string, @CurrentPrincipal() p: Principal) {
    return this.trainees.get(id, p);
  }

  @Get(':id/trainees')
  @Roles(...EXERCISE_READ_ROLES)
  @ApiOperation({ summary: "The exercise's trainees and their teams (a trainee: of their own exercise only)" })
  @ApiUuidParam()
  traineesOf(@Param('id', uuidPipe()) id: string, @CurrentPrincipal() p: Principal) {
    return this.trainees.traineesOf(id, p);
  }

  @Put(':id/trainees')
  @Roles(...EXERCISE_WRITE_ROLES)
  @ApiOperation({
    summary:
      'Set the whole trainee group (users and teams; replaces the previous one); 400 EXERCISE_TRAINEE_INVALID for an unknown or disabled user',
  })
  @ApiZodBody(ExerciseTraineesRequestSchema)
  @ApiUuidParam()
  assign(
    @Param('id', uuidPipe()) id: string,
    @Body(new ZodPipe(ExerciseTraineesRequestSchema, 'trainees')) body: ExerciseTraineesRequest,
    @CurrentPrincipal() p: Principal,
  ) {
    return this.trainees.assign(id, body, p.userId);
  }

  @Get(':id/scoreboard')
  @Roles(...EXERCISE_READ_ROLES)
  @ApiOperation({
    summary:
      'Scores per trainee and team with every line traceable (provisional while running); a trainee: their own, after the end (403 EXERCISE_SCORES_NOT_YET before)',
  })
  @ApiUuidParam()
  scoreboard(@Param('id', uuidPipe()) id: string, @CurrentPrincipal() p: Principal) {
    return this.scoring.scoreboardFor(id, p);
  }

  @Get(':id/actions')
  @Roles(...EXERCISE_WRITE_ROLES)
  @ApiOperation({ summary: "People's actions on the exercise's incidents, newest first: who, what, when" })
  @ApiUuidParam()
  actions(@Param('id', uuidPipe()) id: string) {
    return this.trainees.actions(id);
  }

  @Post(':id/stop')
  @HttpCode(200)
  @Roles(...EXERCISE_WRITE_ROLES)
  @ApiOperation({ summary: 'Stop a running exercise; its incidents still active are resolved' })
  @ApiUuidParam()
  stop(@Param('id', uuidPipe()) id: string, @CurrentPrincipal() p: Principal) {
    return this.exercises.stop(id, p.userId);
  }

  @Post(':id/pause')
  @HttpCode(200)
  @Roles(...EXERCISE_WRITE_ROLES)
  @ApiOperation({ summary: 'Pause a running exercise: its drill clock stands still (a no-op when paused)' })
  @ApiUuidParam()
  pause(@Param('id', uuidPipe()) id: string, @CurrentPrincipal() p: Principal) {
    return this.exercises.pause(id, p.userId);
  }

  @Post(':id/resume')
  @HttpCode(200)
  @Roles(...EXERCISE_WRITE_ROLES)
  @ApiOperation({ summary: 'Resume a paused exercise where its clock stood (a no-op when not paused)' })
  @ApiUuidParam()
  resume(@Param('id', uuidPipe()) id: string, @CurrentPrincipal() p: Principal) {
    return this.exercises.resume(id, p.userId);
  }

  @Post(':id/speed')
  @HttpCode(200)
  @Roles(...EXERCISE_WRITE_ROLES)
  @ApiOperation({
    summary: 'Change the speed of a running exercise from now on: 1–3600, or "max" (as fast as it goes)',
  })
  @ApiZodBody(ExerciseSpeedRequestSchema)
  @ApiUuidParam()
  speed(
    @Param('id', uuidPipe()) id: string,
    @Body(new ZodPipe(ExerciseSpeedRequestSchema, 'speed')) body: ExerciseSpeedRequest,
    @CurrentPrincipal() p: Principal,
  ) {
    return this.exercises.speed(id, body.speed, p.userId);
  }

  @Post(':id/seek')
  @HttpCode(200)
  @Roles(...EXERCISE_WRITE_ROLES)
  @ApiOperation({
    summary:
      'Move the drill clock to a time of the recording window: forward fast-forwards (the skipped part is applied, not fanned out by the runner); ' +
      'backward restarts the replay as a new run; 400 EXERCISE_SEEK_INVALID outside the window',
  })
  @ApiZodBody(ExerciseSeekRequestSchema)
  @ApiUuidParam()
  seek(
    @Param('id', uuidPipe()) id: string,
    @Body(new ZodPipe(ExerciseSeekRequestSchema, 'seek')) body: ExerciseSeekRequest,
    @CurrentPrincipal() p: Principal,
  ) {
    return this.exercises.seek(id, body.to, p.userId);
  }
}
