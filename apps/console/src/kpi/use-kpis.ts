import { useEffect } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import type { KpiReport } from '@ioc/contracts';
import type { IocApi } from '../api/ioc-api';
import { pollEvery } from '../api/query-client';
import { queryKeys } from '../api/query-keys';
import type { LiveIncidents } from '../incidents/live-incidents';

const KPIS_EVERY_MS = 15_000;
/** Incident changes on the live feed between two reads of the KPIs, besides the polling. */
const CHANGES_PER_READ = 5;

/**
 * The KPI report (`GET /api/v1/kpis`): every 15 s, and again after every few changes of the live incident set, so
 * the counts move with the list.
 */
export function useKpis(api: IocApi, live: Pick<LiveIncidents, 'subscribe' | 'getSnapshot'>): KpiReport | undefined {
  const queryClient = useQueryClient();
  // The feed is an external store: followed by a subscription of its own, which re-renders nothing, rather than by a
  // counter in the query's key (each new counter value would be a new cache entry).
  useEffect(() => {
    const step = () => Math.floor(live.getSnapshot().revision / CHANGES_PER_READ);
    let last = step();
    const unsubscribe = live.subscribe(() => {
      if (step() === last) return;
      last = step();
      void queryClient.invalidateQueries({ queryKey: queryKeys.kpis() });
    });
    return () => {
      unsubscribe();
    };
  }, [live, queryClient]);
  return useQuery({ queryKey: queryKeys.kpis(), queryFn: () => api.kpis(), ...pollEvery(KPIS_EVERY_MS) }).data;
}
