import { Inject, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { IOC_CONFIG, LOGGER, type IocConfig, type Logger } from '@ioc/platform';
import { DATABASE, type Database } from './database';
import { openDatabase } from './database.provider';
import { SignalDeadLetterRepository } from './signal-dead-letter.repository';
import { DeviceRepository } from './device.repository';
import { RegistryRepository } from './registry.repository';
import { ExerciseRepository } from './exercise.repository';
import { ExerciseInjectRepository } from './exercise-inject.repository';
import { ExerciseReportRepository } from './exercise-report.repository';
import { FieldReportRepository } from './field-report.repository';
import { KpiRepository } from './kpi.repository';
import { UserRepository } from './user.repository';
import { IncidentNotificationRepository } from './incident-notification.repository';
import { MaintenanceService } from './maintenance.service';
import { QuarantineRepository } from './quarantine.repository';
import { RawMessageRepository } from './raw-message.repository';
import { SilenceRepository } from './silence.repository';
import { ReadingsRepository } from './readings.repository';
import { TimeseriesRepository } from './timeseries.repository';

const EXPORTED = [
  DeviceRepository,
  RegistryRepository,
  QuarantineRepository,
  TimeseriesRepository,
  ReadingsRepository,
  RawMessageRepository,
  SilenceRepository,
  IncidentNotificationRepository,
  MaintenanceService,
  UserRepository,
  FieldReportRepository,
  KpiRepository,
  ExerciseRepository,
  ExerciseInjectRepository,
  SignalDeadLetterRepository,
  ExerciseReportRepository,
];

/** The database (migrated at boot) and its repositories; closes the pool and the embedded server on shutdown. */
@Module({})
export class StorageModule implements OnApplicationShutdown {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  static forRoot(): DynamicModule {
    return {
      module: StorageModule,
      global: true,
      providers: [
        {
          provide: DATABASE,
          inject: [IOC_CONFIG, LOGGER],
          useFactory: (config: IocConfig, logger: Logger): Promise<Database> =>
            openDatabase({ ...config.database, dataDir: config.dataDir, migrate: true }, logger),
        },
        ...EXPORTED,
      ],
      exports: [DATABASE, ...EXPORTED],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.db.close();
  }
}
