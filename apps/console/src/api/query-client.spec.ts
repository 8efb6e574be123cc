import { ApiError } from './http-client';
import { shouldRetry } from './query-client';

describe('shouldRetry', () => {
  it('never tries a refusal again: unauthorised, forbidden, invalid, not found', () => {
    for (const status of [400, 401, 403, 404, 409])
      expect(shouldRetry(0, new ApiError(status, undefined, 'no'))).toBe(false);
  });

  it('tries a network failure or a server error twice more, then leaves it to the next poll', () => {
    for (const err of [
      new ApiError(0, 'NETWORK', 'down'),
      new ApiError(503, undefined, 'busy'),
      new Error('city layer wards: HTTP 502'),
    ]) {
      expect(shouldRetry(0, err)).toBe(true);
      expect(shouldRetry(1, err)).toBe(true);
      expect(shouldRetry(2, err)).toBe(false);
    }
  });
});
