import { Test } from '@nestjs/testing';
import { PlatformModule, loadConfig } from '@ioc/platform';
import { createPlainTestDatabase, testLogger, type PlainTestDatabase } from '@ioc/testing';
import {
  DATABASE,
  DeviceRepository,
  MaintenanceService,
  StorageModule,
  TimeseriesRepository,
  type Database,
} from '@ioc/storage';

jest.setTimeout(30_000);

describe('StorageModule', () => {
  let plain: PlainTestDatabase;

  beforeAll(async () => {
    plain = await createPlainTestDatabase();
  });
  afterAll(async () => {
    await plain.drop();
  });

  it('opens and migrates the configured database at boot and closes it on shutdown', async () => {
    const config = loadConfig({ DATABASE_URL: plain.url, DATABASE_POOL_SIZE: '2' });
    const moduleRef = await Test.createTestingModule({
      imports: [PlatformModule.forRoot(config, testLogger), StorageModule.forRoot()],
    }).compile();
    const app = moduleRef.createNestApplication({ logger: false });
    await app.init();

    const db = app.get<Database>(DATABASE);
    expect(db.flavour).toBe('postgres');
    await app.get(DeviceRepository).upsertMany([{ id: 'mod-1', type: 'pump' }]);
    expect(await app.get(DeviceRepository).findById('mod-1')).toMatchObject({ domain: 'flood', provisioned: true });
    expect(app.get(MaintenanceService)).toBeInstanceOf(MaintenanceService);
    expect(app.get(TimeseriesRepository)).toBeInstanceOf(TimeseriesRepository);

    await app.close();
    expect(db.pool.ended).toBe(true);
  });
});
