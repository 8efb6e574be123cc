import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { SilenceDto } from '@ioc/contracts';
import type { IocApi } from '../api/ioc-api';
import { pollEvery } from '../api/query-client';
import { queryKeys } from '../api/query-keys';
import type { SilenceBody } from './silence-form';

const SILENCES_EVERY_MS = 15_000;

/**
 * Silences in force, to come, or ended in the last 7 days (`GET /api/v1/silences`, every 15 s): the header's count
 * and the Silences tab. Undefined until the first answer, and for a role that may not read them (nothing is asked).
 */
export function useSilences(api: IocApi, canRead = true): readonly SilenceDto[] | undefined {
  return useQuery({
    queryKey: queryKeys.silences(),
    queryFn: () => api.silences(),
    enabled: canRead,
    ...pollEvery(SILENCES_EVERY_MS),
  }).data;
}

// The actions are done when the server says so; the list is read again after, not awaited (the form closes, the list
// follows, as before).

/** Creates a silence (throws the server's refusal); the list is read again. */
export function useCreateSilence(api: IocApi) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: SilenceBody) => api.createSilence(body),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: queryKeys.silences() }),
  });
}

/** Ends a silence now; the list is read again. */
export function useExpireSilence(api: IocApi) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.expireSilence(id),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: queryKeys.silences() }),
  });
}
