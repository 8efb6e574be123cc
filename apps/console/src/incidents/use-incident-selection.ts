import { useState } from 'react';
import type { IocApi } from '../api/ioc-api';
import { newer } from '../exercises/exercise-model';
import type { IncidentView } from './incident-store';
import { useExerciseIncident } from './use-incident';

/**
 * The incident open in the panel: a live one (its record is the live feed's), or an exercise incident picked in the
 * Exercises tab. That one is not in the live store (the socket feed is live incidents only), so its record is the
 * pick, read again over REST while it is open and after an action.
 */
export function useIncidentSelection(api: IocApi, liveIncidents: readonly IncidentView[]) {
  const [selectedId, setSelectedId] = useState<string>();
  const [exercisePick, setExercisePick] = useState<IncidentView>();
  const pick = exercisePick && exercisePick.id === selectedId ? exercisePick : undefined;
  const pickRead = useExerciseIncident(api, pick?.id);
  const selectExercise = (i: IncidentView) => {
    setExercisePick(i);
    setSelectedId(i.id);
  };
  const selected = selectedId
    ? (liveIncidents.find((i) => i.id === selectedId && !i.exercise) ?? (pick ? newer(pick, pickRead) : undefined))
    : undefined;
  return { selectedId, select: setSelectedId, selectExercise, selected };
}
