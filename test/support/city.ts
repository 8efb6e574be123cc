import { Global, Module } from '@nestjs/common';
import { buildTopology, CITY, loadCity, TOPOLOGY, type City, type Topology } from '@ioc/city';
import { loadRules, RULES, type RuleSet } from '@ioc/correlation';

let seeds: { city: City; topology: Topology; rules: RuleSet } | undefined;

/** The repository's seeds, read once per test process. */
export function repositorySeeds(): { readonly city: City; readonly topology: Topology; readonly rules: RuleSet } {
  if (!seeds) {
    const city = loadCity();
    seeds = { city, topology: buildTopology(city), rules: loadRules() };
  }
  return seeds;
}

/**
 * What the application's CityModule provides (CITY, TOPOLOGY, RULES), from the repository's seeds: for tests that build
 * library modules (IncidentsModule, RealtimeModule, …) without the application.
 */
@Global()
@Module({
  providers: [
    { provide: CITY, useFactory: () => repositorySeeds().city },
    { provide: TOPOLOGY, useFactory: () => repositorySeeds().topology },
    { provide: RULES, useFactory: () => repositorySeeds().rules },
  ],
  exports: [CITY, TOPOLOGY, RULES],
})
export class SeedsTestModule {}
