/**
 * A seed file of the city model is missing, not JSON, or invalid: every problem, each naming its file (relative to the
 * seeds directory) and JSON path. The code follows the IOC's error codes; the city library stays free of the
 * platform, so it is a plain Error with a code, as correlation's RuleFileError is.
 */
export class CityModelError extends Error {
  readonly code = 'CITY_INVALID';

  constructor(readonly problems: readonly string[]) {
    super(`invalid city model:\n  ${problems.join('\n  ')}`);
    this.name = 'CityModelError';
  }
}
