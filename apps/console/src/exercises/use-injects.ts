import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { IocApi } from '../api/ioc-api';
import { pollEvery } from '../api/query-client';
import { queryKeys } from '../api/query-keys';
import type { ExerciseInjectRequestBody } from './inject-model';

/** The inject log of the exercise on screen: every 2 s, with the incidents each caused. */
const INJECTS_EVERY_MS = 2_000;
const SCRIPTS_EVERY_MS = 15_000;

const injectsKey = (exerciseId: string) => [...queryKeys.exercises(), exerciseId, 'injects'] as const;
const scriptsKey = () => ['exercise-scripts'] as const;

export function useExerciseInjects(api: IocApi, exerciseId: string) {
  return useQuery({
    queryKey: injectsKey(exerciseId),
    queryFn: () => api.exerciseInjects(exerciseId),
    ...pollEvery(INJECTS_EVERY_MS),
  });
}

/** Injects into the running exercise (throws the server's refusal: EXERCISE_INJECT_INVALID with its reason). */
export function useInject(api: IocApi, exerciseId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: ExerciseInjectRequestBody) => api.injectIntoExercise(exerciseId, body),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: injectsKey(exerciseId) }),
  });
}

export function useExerciseScripts(api: IocApi) {
  return useQuery({ queryKey: scriptsKey(), queryFn: () => api.exerciseScripts(), ...pollEvery(SCRIPTS_EVERY_MS) });
}

export function useSaveScript(api: IocApi) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ([exerciseId, name]: readonly [string, string]) => api.saveExerciseScript(exerciseId, name),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: scriptsKey() }),
  });
}

export function useDeleteScript(api: IocApi) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.deleteExerciseScript(id),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: scriptsKey() }),
  });
}

export function useStartScript(api: IocApi) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ([scriptId, speed]: readonly [string, number]) => api.startExerciseScript(scriptId, speed),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: queryKeys.exercises() }),
  });
}
