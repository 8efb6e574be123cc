import { useEffect } from 'react';
import { skipToken, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { IncidentDetailDto, IocApi, ReadingDto } from '../api/ioc-api';
import { pollEvery } from '../api/query-client';
import { queryKeys } from '../api/query-keys';
import type { IncidentView } from './incident-store';

/** An exercise incident open in the panel: read every 2 s (exercise incidents never come over the socket). */
const EXERCISE_INCIDENT_EVERY_MS = 2_000;
/** The chart starts this long before the incident opened. */
export const CHART_BEFORE_MS = 60 * 60_000;

const recordOf = (d: IncidentDetailDto) => d.incident;

/**
 * An incident's detail (timeline, SOP progress, the actors' names) for the panel. It follows the record the panel
 * shows: read again whenever that record is at a later version than the detail's.
 */
export function useIncidentDetail(api: IocApi, incident: Pick<IncidentView, 'id' | 'version'>) {
  const { id, version } = incident;
  const queryClient = useQueryClient();
  const query = useQuery({ queryKey: queryKeys.incident(id), queryFn: () => api.incident(id) });
  const detailVersion = query.data?.incident.version;
  useEffect(() => {
    if (detailVersion !== undefined && detailVersion < version)
      void queryClient.invalidateQueries({ queryKey: queryKeys.incident(id), exact: true });
  }, [queryClient, id, version, detailVersion]);
  return query;
}

/**
 * The record of an exercise incident picked in the Exercises tab, read every 2 s while it is open in the panel (the
 * same read as the panel's detail: one request serves both). Undefined while nothing is picked, and while another
 * pick's record would stand in for it.
 */
export function useExerciseIncident(api: IocApi, id: string | undefined): IncidentView | undefined {
  const query = useQuery({
    // Nothing picked: skipped, so nothing is ever read under the empty id.
    queryKey: queryKeys.incident(id ?? ''),
    queryFn: id === undefined ? skipToken : () => api.incident(id),
    ...pollEvery(EXERCISE_INCIDENT_EVERY_MS),
    select: recordOf,
  });
  return query.isPlaceholderData ? undefined : query.data;
}

/** What the panel does: an incident command, and what to clear once the server took it (the form's text). */
export interface IncidentAction {
  readonly run: () => Promise<unknown>;
  readonly after?: () => void;
}

/**
 * The panel's commands (acknowledge, assign, comment, resolve, reopen, SOP step). After one, the incident's detail is
 * read again (and for an exercise incident the tab's list, which shows its state); `onChanged` takes the server's
 * record into the live list. Pending until both are done, so the panel stays busy as long.
 */
export function useIncidentAction(
  incident: Pick<IncidentView, 'id' | 'exercise'>,
  onChanged?: (id: string) => Promise<void>,
) {
  const queryClient = useQueryClient();
  const { id, exercise } = incident;
  return useMutation({
    mutationFn: async ({ run, after }: IncidentAction) => {
      await run();
      after?.();
    },
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: queryKeys.incident(id), exact: true }),
        exercise ? queryClient.invalidateQueries({ queryKey: queryKeys.exerciseIncidents() }) : undefined,
        onChanged?.(id),
      ]),
  });
}

/**
 * Readings of the chart's devices from an hour before the incident opened until now, read again as its evidence
 * grows; a device whose readings cannot be read draws no line. Nothing is asked without devices.
 */
export function useIncidentReadings(
  api: IocApi,
  deviceIds: readonly string[],
  incident: Pick<IncidentView, 'openedAt' | 'evidenceCount'>,
) {
  const { openedAt, evidenceCount } = incident;
  return useQuery({
    queryKey: queryKeys.readings(deviceIds, openedAt, evidenceCount),
    queryFn:
      deviceIds.length === 0
        ? skipToken
        : async (): Promise<Record<string, ReadingDto[]>> => {
            const from = new Date(Math.min(openedAt, Date.now()) - CHART_BEFORE_MS);
            const to = new Date(Date.now() + 60_000);
            const pairs = await Promise.all(
              deviceIds.map((d) =>
                api.readings(d, from, to).then(
                  (r) => [d, r] as const,
                  () => [d, []] as const,
                ),
              ),
            );
            return Object.fromEntries(pairs);
          },
  }).data;
}
