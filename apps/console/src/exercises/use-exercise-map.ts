import { useMemo } from 'react';
import type { IocApi } from '../api/ioc-api';
import type { IncidentView } from '../incidents/incident-store';
import type { PlacedIncident } from '../map/city-map';
import type { Position } from '../city/geometry';
import { incidentsOf } from './exercise-model';
import { useExerciseIncidents } from './use-exercises';

/**
 * The watched exercise's incidents as the map shows them, while the trainer (or a trainee) is on the Exercises tab:
 * those of its current run that are not closed, where they are. Pure.
 */
export function exerciseMapIncidents(
  all: readonly IncidentView[],
  runPrefix: string | undefined,
  placeOf: (i: IncidentView) => Position | undefined,
): PlacedIncident[] {
  return incidentsOf(all, runPrefix)
    .filter((i) => i.state !== 'closed')
    .map((incident) => ({ incident, at: placeOf(incident) }))
    .filter((p): p is PlacedIncident => !!p.at);
}

/** exerciseMapIncidents over the exercise incidents the Exercises tab polls (one query, shared); none when `runPrefix` is unset. */
export function useExerciseMap(
  api: IocApi,
  runPrefix: string | undefined,
  placeOf: (i: IncidentView) => Position | undefined,
): PlacedIncident[] | undefined {
  const all = useExerciseIncidents(api, runPrefix !== undefined);
  return useMemo(
    () => (runPrefix === undefined ? undefined : exerciseMapIncidents(all ?? [], runPrefix, placeOf)),
    [all, runPrefix, placeOf],
  );
}
