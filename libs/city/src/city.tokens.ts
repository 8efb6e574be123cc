/**
 * Injection tokens for the composition root (the city library has no Nest module): the application loads the city once
 * at boot and provides it under these; library modules inject them.
 */
/** The validated city model (`City`). */
export const CITY = Symbol('CITY');
/** The engine's view of that city (`Topology`), built once so its caches are shared by every role of the process. */
export const TOPOLOGY = Symbol('TOPOLOGY');
/** The city model's version (`CityModelVersion`): what a recording file says it was made on. */
export const CITY_MODEL_VERSION = Symbol('CITY_MODEL_VERSION');
