import * as path from 'node:path';
import { Global, Module } from '@nestjs/common';
import { buildTopology, CITY, loadCity, TOPOLOGY, type City } from '@ioc/city';
import { loadRules, RULES } from '@ioc/correlation';
import { IOC_CONFIG, type IocConfig } from '@ioc/platform';

/**
 * The seeds every role of the process runs on, read and validated once at boot from `seeds/` (or IOC_SEEDS_DIR): the
 * city model (CITY), its topology (TOPOLOGY) and the correlation rules (RULES). A broken seed file stops the boot with
 * its reason (CityModelError, RuleFileError: file and path of every problem). Needs PlatformModule (IOC_CONFIG).
 */
@Global()
@Module({
  providers: [
    { provide: CITY, inject: [IOC_CONFIG], useFactory: (c: IocConfig) => loadCity(c.correlation.seedsDir) },
    { provide: TOPOLOGY, inject: [CITY], useFactory: (city: City) => buildTopology(city) },
    {
      provide: RULES,
      inject: [IOC_CONFIG],
      useFactory: (c: IocConfig) => loadRules(c.correlation.seedsDir && path.join(c.correlation.seedsDir, 'rules')),
    },
  ],
  exports: [CITY, TOPOLOGY, RULES],
})
export class CityModule {}
