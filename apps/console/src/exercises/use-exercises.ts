import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { ExerciseDto } from '@ioc/contracts';
import type { IocApi } from '../api/ioc-api';
import { pollEvery } from '../api/query-client';
import { queryKeys } from '../api/query-keys';
import type { RecordingBody } from './exercise-model';

/** The exercises: every 2 s while their tab is open, else every 5 s for the header's "exercise running". */
const EXERCISES_TAB_EVERY_MS = 2_000;
const EXERCISES_EVERY_MS = 5_000;
/** While the tab is open: the exercises' incidents (they never come over the socket), and the recordings. */
const INCIDENTS_EVERY_MS = 2_000;
const RECORDINGS_EVERY_MS = 15_000;
/**
 * Exercise incidents as the tab lists them (the server's newest first): its page of 500 covers the drills running at
 * once, each cut to the watched one's by key prefix.
 */
const INCIDENT_STATES = ['open', 'acknowledged', 'assigned', 'resolved'];
const INCIDENT_LIMIT = 500;

const exercisesQuery = (api: IocApi) => ({ queryKey: queryKeys.exercises(), queryFn: () => api.exercises() });
const running = (exercises: ExerciseDto[]) => exercises.find((e) => e.status === 'running');

/** The last exercises, newest first (`GET /api/v1/exercises`), as the Exercises tab reads them: every 2 s. */
export function useExercises(api: IocApi): readonly ExerciseDto[] | undefined {
  return useQuery({ ...exercisesQuery(api), ...pollEvery(EXERCISES_TAB_EVERY_MS) }).data;
}

/**
 * The running exercise, for the header: the same list read every 5 s (every 2 s while the tab reads it too). Nothing
 * is asked for a role that may not read exercises.
 */
export function useRunningExercise(api: IocApi, canRead: boolean): ExerciseDto | undefined {
  return useQuery({ ...exercisesQuery(api), enabled: canRead, ...pollEvery(EXERCISES_EVERY_MS), select: running }).data;
}

/** Exercise incidents, newest first, every 2 s: the tab picks the current exercise's out of them. */
export function useExerciseIncidents(api: IocApi, enabled = true) {
  return useQuery({
    queryKey: queryKeys.exerciseIncidents(),
    enabled,
    queryFn: () => api.incidents({ exercise: true, state: INCIDENT_STATES, limit: INCIDENT_LIMIT }),
    ...pollEvery(INCIDENTS_EVERY_MS),
  }).data;
}

/** The recordings, newest first, every 15 s; the query's error is the tab's to show. */
export function useRecordings(api: IocApi) {
  return useQuery({
    queryKey: queryKeys.recordings(),
    queryFn: () => api.recordings(),
    ...pollEvery(RECORDINGS_EVERY_MS),
  });
}

// The actions: each is done when the server says so; what it changed is read again after, not awaited (the form
// closes, the list follows).

/** Starts an exercise (throws the server's refusal, `EXERCISE_ACTIVE` while one runs). */
export function useStartExercise(api: IocApi) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: { readonly recordingId: string; readonly speed: number }) => api.startExercise(body),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: queryKeys.exercises() }),
  });
}

/** Stops the running exercise; the server resolves the incidents it leaves active, so those are read again too. */
export function useStopExercise(api: IocApi) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.stopExercise(id),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: queryKeys.exercises() });
      void queryClient.invalidateQueries({ queryKey: queryKeys.exerciseIncidents() });
    },
  });
}

/** Pauses, resumes, changes the speed of or seeks the running exercise; a backward seek resolves the earlier run's incidents. */
export function useSteerExercise(api: IocApi) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (c: Parameters<IocApi['steerExercise']>) => api.steerExercise(...c),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: queryKeys.exercises() });
      void queryClient.invalidateQueries({ queryKey: queryKeys.exerciseIncidents() });
    },
  });
}

export function useCreateRecording(api: IocApi) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: RecordingBody) => api.createRecording(body),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: queryKeys.recordings() }),
  });
}

/** Refused (`RECORDING_IN_USE`) while an exercise of it runs. */
export function useDeleteRecording(api: IocApi) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.deleteRecording(id),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: queryKeys.recordings() }),
  });
}
