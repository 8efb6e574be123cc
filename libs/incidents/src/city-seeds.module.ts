import { Module } from '@nestjs/common';
import * as path from 'node:path';
import { loadRules, loadTopology, type RuleSet, type Topology } from '@ioc/correlation';
import { IOC_CONFIG, type IocConfig } from '@ioc/platform';

/** The city topology and the correlation rules of `seeds/` (or IOC_SEEDS_DIR), read and validated once per process. */
export interface CitySeeds {
  readonly topology: Topology;
  readonly rules: RuleSet;
}

export const CITY_SEEDS = Symbol('CITY_SEEDS');

/** Reads the topology and the rules from a seeds directory (default: the repository's seeds/). */
export function loadCitySeeds(seedsDir: string | undefined): CitySeeds {
  return { topology: loadTopology(seedsDir), rules: loadRules(seedsDir ? path.join(seedsDir, 'rules') : undefined) };
}

/**
 * One reading of the city model for every role of the process (correlate, the API's devices and KPIs, the real-time
 * gateway's wards): a broken seed file stops the boot once, with its reason. Needs PlatformModule (IOC_CONFIG).
 */
@Module({
  providers: [{ provide: CITY_SEEDS, inject: [IOC_CONFIG], useFactory: (c: IocConfig) => loadCitySeeds(c.correlation.seedsDir) }],
  exports: [CITY_SEEDS],
})
export class CitySeedsModule {}
