import * as path from 'node:path';
import {
  Inject,
  Module,
  type BeforeApplicationShutdown,
  type DynamicModule,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { DelayedError } from 'bullmq';
import { createMessageValidators, JOBS, QUEUES } from '@ioc/contracts';
import { CLOCK, LOGGER, IOC_CONFIG, type Clock, type IocConfig, type Logger } from '@ioc/platform';
import { JobRunner, type WorkerTuning } from '@ioc/queue';
import { ExerciseInjectRepository, ExerciseRepository, IncidentRepository, UserRepository } from '@ioc/storage';
import {
  CITY,
  CITY_MODEL_VERSION,
  TOPOLOGY,
  planConnections,
  type City,
  type CityModelVersion,
  type Topology,
} from '@ioc/city';
import { RULES, type RuleSet } from '@ioc/correlation';
import {
  IncidentChangeFanout,
  IncidentCommandsModule,
  IncidentService,
  defaultScoringRulesFile,
  loadScoringRules,
} from '@ioc/incidents';
import { ExerciseInjectService, type InjectCity } from './exercise-inject.service';
import { ExerciseRunner } from './exercise-runner';
import { ExerciseScoringService, SCORING_RULES } from './exercise-scoring.service';
import { ExerciseTraineesService } from './exercise-trainees.service';
import { ExerciseService, exerciseJobOptions } from './exercise.service';
import { RecordingFileService } from './recording-file.service';

export const EXERCISE_JOBS = Symbol('EXERCISE_JOBS');
const RUN_WORKER = Symbol('EXERCISE_RUN_WORKER');
/** The city injects are checked against and compiled in: the topology and the seeds' gateways. */
const INJECT_CITY = Symbol('EXERCISE_INJECT_CITY');

/**
 * One exercise job runs for as long as its replay (hours at speed 1): BullMQ renews its lock while it runs. A worker
 * that dies leaves the lock to expire (30 s) and the stalled check (every 15 s) gives the job to the next worker,
 * which takes the exercise up from its checkpoint; a job may stall that way many times before BullMQ gives it up.
 * A worker runs as many replays at once as exercises may run (EXERCISES_MAX_RUNNING).
 */
export const EXERCISE_WORKER: WorkerTuning = {
  lockDurationMs: 30_000,
  stalledIntervalMs: 15_000,
  maxStalledCount: 20,
};
/** How soon a run interrupted by a stopping process is taken up again (by another worker, or this one restarted). */
const RESUME_AFTER_MS = 1_000;

type ExerciseJobRunner = JobRunner<typeof QUEUES.exercises>;

export interface ExercisesModuleOptions {
  /** Run exercises in this process (the jobs role); otherwise only start and stop them (the api role). */
  readonly worker: boolean;
}

/** Trainers' exercises: ExerciseService (recordings, start, steer, stop) and, in the jobs role, the runner of their replays. */
@Module({})
export class ExercisesModule implements OnApplicationBootstrap, BeforeApplicationShutdown {
  constructor(
    @Inject(EXERCISE_JOBS) private readonly jobs: ExerciseJobRunner,
    @Inject(ExerciseRunner) private readonly runner: ExerciseRunner,
    @Inject(ExerciseService) private readonly service: ExerciseService,
    @Inject(ExerciseRepository) private readonly repo: ExerciseRepository,
    @Inject(RUN_WORKER) private readonly runWorker: boolean,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  static forRoot(opts: ExercisesModuleOptions): DynamicModule {
    return {
      module: ExercisesModule,
      // Global: the api role's controllers use the service.
      global: true,
      imports: [IncidentCommandsModule],
      providers: [
        { provide: RUN_WORKER, useValue: opts.worker },
        {
          provide: INJECT_CITY,
          inject: [CITY, TOPOLOGY],
          useFactory: (city: City, topology: Topology): InjectCity => ({
            topology,
            gatewayOf: planConnections(city.devices).gatewayOf,
          }),
        },
        {
          provide: ExerciseInjectService,
          inject: [
            ExerciseInjectRepository,
            ExerciseRepository,
            ExerciseService,
            UserRepository,
            INJECT_CITY,
            CLOCK,
            LOGGER,
          ],
          useFactory: (
            repo: ExerciseInjectRepository,
            exercises: ExerciseRepository,
            service: ExerciseService,
            users: UserRepository,
            city: InjectCity,
            clock: Clock,
            logger: Logger,
          ) =>
            new ExerciseInjectService(
              repo,
              exercises,
              service,
              users,
              city,
              clock,
              logger.child({ component: 'exercise-injects' }),
            ),
        },
        {
          provide: EXERCISE_JOBS,
          inject: [IOC_CONFIG, LOGGER],
          useFactory: (config: IocConfig, logger: Logger): ExerciseJobRunner =>
            new JobRunner(
              {
                redisUrl: config.redis.url,
                prefix: config.redis.prefix,
                queue: QUEUES.exercises,
                ...EXERCISE_WORKER,
                concurrency: config.exercises.maxRunning,
              },
              logger.child({ component: 'exercises' }),
            ),
        },
        {
          provide: ExerciseService,
          inject: [
            ExerciseRepository,
            UserRepository,
            IncidentService,
            IncidentRepository,
            IncidentChangeFanout,
            EXERCISE_JOBS,
            CLOCK,
            LOGGER,
            IOC_CONFIG,
          ],
          useFactory: (
            repo: ExerciseRepository,
            users: UserRepository,
            incidents: IncidentService,
            incidentRepo: IncidentRepository,
            fanout: IncidentChangeFanout,
            jobs: ExerciseJobRunner,
            clock: Clock,
            logger: Logger,
            config: IocConfig,
          ) =>
            new ExerciseService(
              repo,
              users,
              incidents,
              incidentRepo,
              fanout,
              jobs,
              clock,
              logger.child({ component: 'exercises' }),
              { maxRunning: config.exercises.maxRunning },
            ),
        },
        {
          provide: RecordingFileService,
          inject: [ExerciseRepository, UserRepository, CITY_MODEL_VERSION, IOC_CONFIG, CLOCK, LOGGER],
          useFactory: (
            repo: ExerciseRepository,
            users: UserRepository,
            cityModel: CityModelVersion,
            config: IocConfig,
            clock: Clock,
            logger: Logger,
          ) =>
            new RecordingFileService(
              repo,
              users,
              createMessageValidators(),
              { cityModel, importMaxBytes: config.recordings.importMaxBytes },
              clock,
              logger.child({ component: 'recording-files' }),
            ),
        },
        {
          provide: ExerciseRunner,
          inject: [
            ExerciseRepository,
            ExerciseService,
            IncidentService,
            IncidentChangeFanout,
            RULES,
            INJECT_CITY,
            ExerciseInjectRepository,
            CLOCK,
            LOGGER,
          ],
          useFactory: (
            repo: ExerciseRepository,
            service: ExerciseService,
            incidents: IncidentService,
            fanout: IncidentChangeFanout,
            rules: RuleSet,
            city: InjectCity,
            injects: ExerciseInjectRepository,
            clock: Clock,
            logger: Logger,
          ) =>
            new ExerciseRunner(
              repo,
              service,
              incidents,
              fanout,
              { rules, ...city },
              clock,
              logger.child({ component: 'exercises' }),
              undefined,
              injects,
            ),
        },
        // seeds/scoring.yaml (under IOC_SEEDS_DIR when set), validated at boot: an invalid file stops the start.
        {
          provide: SCORING_RULES,
          inject: [IOC_CONFIG],
          useFactory: (config: IocConfig) =>
            loadScoringRules(
              defaultScoringRulesFile(config.correlation.seedsDir && path.resolve(config.correlation.seedsDir)),
            ),
        },
        ExerciseTraineesService,
        ExerciseScoringService,
      ],
      exports: [
        ExerciseService,
        ExerciseInjectService,
        RecordingFileService,
        ExerciseTraineesService,
        ExerciseScoringService,
      ],
    };
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.runWorker) {
      this.jobs.open();
      return;
    }
    await this.jobs.start({
      [JOBS.runExercise]: async (job, token) => {
        const result = await this.runner.run(job.data.exerciseId);
        if (result.outcome === 'interrupted' && token) {
          await job.moveToDelayed(Date.now() + RESUME_AFTER_MS, token);
          throw new DelayedError();
        }
        return result;
      },
    });
    await this.reconcile();
  }

  /**
   * What a crash can leave: a running exercise whose job is gone (Redis lost it, or adding it failed) gets its job
   * again (a no-op while the job exists), and an ended one whose incidents were not resolved is wound up.
   */
  private async reconcile(): Promise<void> {
    for (const e of await this.repo.listExercises(50)) {
      try {
        if (e.status === 'running')
          await this.jobs.add(JOBS.runExercise, { exerciseId: e.id }, exerciseJobOptions(e.id));
        else if (!e.woundUp) await this.service.windUp(e);
      } catch (err) {
        this.logger.error({ err, exerciseId: e.id }, 'reconciling an exercise failed');
      }
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.runner.interrupt();
    await this.jobs.close();
  }
}
