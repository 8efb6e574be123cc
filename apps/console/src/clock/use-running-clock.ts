import { useEffect, useMemo, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import type { IocApi } from '../api/ioc-api';
import { pollEvery } from '../api/query-client';
import { queryKeys } from '../api/query-keys';
import { iocClock, readClock, tickEvery, type RunningClock } from './running-clock';

/** The KPI report carries the IOC's clock; read as often as the tiles read it (one query, one cache entry). */
const KPIS_EVERY_MS = 15_000;

/** What a running clock reads now, shown again as it moves (each of its seconds, at most 10 times a second). */
export function useClockReading(clock: RunningClock | undefined): number | undefined {
  const [, setTick] = useState(0);
  const every = tickEvery(clock);
  useEffect(() => {
    if (!every) return;
    const id = setInterval(() => setTick((n) => n + 1), every);
    return () => clearInterval(id);
  }, [every, clock]);
  return clock ? readClock(clock, Date.now()) : undefined;
}

export interface IocClock {
  readonly clock: RunningClock;
  /** Clock ms per real ms (1: the system clock's pace). */
  readonly speed: number;
  /** The IOC runs on a scenario clock (IOC_CLOCK_START), not the system's. */
  readonly scenario: boolean;
}

/** The IOC's clock as the KPI report gives it (`clock`), run on from when the answer came; undefined until then. */
export function useIocClock(api: IocApi): IocClock | undefined {
  const { data, dataUpdatedAt } = useQuery({
    queryKey: queryKeys.kpis(),
    queryFn: () => api.kpis(),
    ...pollEvery(KPIS_EVERY_MS),
  });
  const reading = data?.clock;
  return useMemo(
    () =>
      reading
        ? { clock: iocClock(reading, dataUpdatedAt), speed: reading.speed, scenario: reading.scenario }
        : undefined,
    [reading, dataUpdatedAt],
  );
}
