import { keepPreviousData, QueryClient } from '@tanstack/react-query';
import { ApiError } from './http-client';

/** A failed read is tried again at most this often before the next poll does. */
const MAX_RETRIES = 2;

/**
 * Whether a failed read is worth trying again: not a refusal (4xx: 401 signs the session out, 403 stays forbidden, a
 * bad request stays bad), but a network failure or a server error may pass.
 */
export function shouldRetry(failures: number, err: unknown): boolean {
  if (err instanceof ApiError && err.status >= 400 && err.status < 500) return false;
  return failures < MAX_RETRIES;
}

/**
 * A read polled every `everyMs`. Its answer is fresh for as long, so a second reader that mounts (a tab opened) shows it
 * without reading again. Readers of one query may ask different periods: the query runs at the shortest, because
 * every answer restarts every reader's timer.
 */
export const pollEvery = (everyMs: number) => ({ refetchInterval: everyMs, staleTime: everyMs }) as const;

/**
 * The console's query cache: one per signed-in session (app.tsx), so signing out drops every answer read with that
 * token. Polls go on in a background tab, as the console's timers always did: a wall screen is seldom the focused
 * window, and its header counts must stay current. Coming back to the tab reads again what is older than its period;
 * a read whose key changes shows its last answer until the new one comes.
 */
export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        retry: shouldRetry,
        placeholderData: keepPreviousData,
        refetchIntervalInBackground: true,
        refetchOnWindowFocus: true,
      },
      mutations: { retry: false },
    },
  });
}
