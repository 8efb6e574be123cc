import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { ExerciseTraineesRequest } from '@ioc/contracts';
import { ApiError } from '../api/http-client';
import type { IocApi } from '../api/ioc-api';
import { pollEvery } from '../api/query-client';

/** The live scoreboard and the action feed, every 3 s while the exercise runs; once it ended, read once. */
const LIVE_EVERY_MS = 3_000;
const TRAINEES_EVERY_MS = 10_000;

// Under the exercises' key: what invalidates the exercises (a stop) reads these again too.
export const trainingKeys = {
  candidates: () => ['exercises', 'trainee-candidates'] as const,
  trainees: (id: string) => ['exercises', id, 'trainees'] as const,
  scoreboard: (id: string) => ['exercises', id, 'scoreboard'] as const,
  actions: (id: string) => ['exercises', id, 'actions'] as const,
  /** Running or ended: the end reads the final scoreboard (and the last actions) once, anew. */
  phase: (running: boolean) => (running ? 'running' : 'ended'),
};

const live = (running: boolean) => (running ? pollEvery(LIVE_EVERY_MS) : { staleTime: 60_000 });

/** Who may be a trainee (trainers and supervisors ask; nothing is asked for anyone else). */
export function useTraineeCandidates(api: IocApi, enabled: boolean) {
  return useQuery({ queryKey: trainingKeys.candidates(), queryFn: () => api.traineeCandidates(), enabled });
}

export function useExerciseTrainees(api: IocApi, exerciseId: string) {
  return useQuery({
    queryKey: trainingKeys.trainees(exerciseId),
    queryFn: () => api.exerciseTrainees(exerciseId),
    ...pollEvery(TRAINEES_EVERY_MS),
  });
}

export function useSetExerciseTrainees(api: IocApi, exerciseId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: ExerciseTraineesRequest) => api.setExerciseTrainees(exerciseId, body),
    onSuccess: (saved) => {
      queryClient.setQueryData(trainingKeys.trainees(exerciseId), saved);
      void queryClient.invalidateQueries({ queryKey: trainingKeys.scoreboard(exerciseId) });
    },
  });
}

/**
 * The scoreboard: every 3 s while the exercise runs (provisional), read once after. A trainee's is refused
 * (EXERCISE_SCORES_NOT_YET) until the end: not retried, and asked only when `enabled`.
 */
export function useScoreboard(api: IocApi, exerciseId: string, running: boolean, enabled = true) {
  return useQuery({
    queryKey: [...trainingKeys.scoreboard(exerciseId), trainingKeys.phase(running)],
    queryFn: () => api.exerciseScoreboard(exerciseId),
    enabled,
    retry: (failures, err) => !(err instanceof ApiError && err.status < 500) && failures < 2,
    ...live(running),
  });
}

/** People's actions on the exercise's incidents, newest first: every 3 s while it runs. */
export function useExerciseActions(api: IocApi, exerciseId: string, running: boolean) {
  return useQuery({
    queryKey: [...trainingKeys.actions(exerciseId), trainingKeys.phase(running)],
    queryFn: () => api.exerciseActions(exerciseId),
    ...live(running),
  });
}
