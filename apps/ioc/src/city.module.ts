import * as path from 'node:path';
import { Global, Module } from '@nestjs/common';
import {
  buildTopology,
  CITY,
  CITY_MODEL_VERSION,
  loadCity,
  loadCityModelVersion,
  TOPOLOGY,
  type City,
} from '@ioc/city';
import { loadRules, RULES } from '@ioc/correlation';
import { IOC_CONFIG, type IocConfig } from '@ioc/platform';

/**
 * The seeds every role of the process runs on, read and validated once at boot from `seeds/` (or IOC_SEEDS_DIR): the
 * city model (CITY), its version (CITY_MODEL_VERSION), its topology (TOPOLOGY) and the correlation rules (RULES). A broken seed file stops the boot with
 * its reason (CityModelError, RuleFileError: file and path of every problem). Needs PlatformModule (IOC_CONFIG).
 */
@Global()
@Module({
  providers: [
    { provide: CITY, inject: [IOC_CONFIG], useFactory: (c: IocConfig) => loadCity(c.correlation.seedsDir) },
    { provide: TOPOLOGY, inject: [CITY], useFactory: (city: City) => buildTopology(city) },
    {
      provide: CITY_MODEL_VERSION,
      inject: [IOC_CONFIG],
      useFactory: (c: IocConfig) => loadCityModelVersion(c.correlation.seedsDir),
    },
    {
      provide: RULES,
      inject: [IOC_CONFIG],
      useFactory: (c: IocConfig) => loadRules(c.correlation.seedsDir && path.join(c.correlation.seedsDir, 'rules')),
    },
  ],
  exports: [CITY, CITY_MODEL_VERSION, TOPOLOGY, RULES],
})
export class CityModule {}
