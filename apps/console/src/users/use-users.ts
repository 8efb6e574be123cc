import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { ApiUserRecord, CreateUserRequest, UpdateUserRequest } from '@ioc/contracts';
import type { IocApi } from '../api/ioc-api';
import { queryKeys } from '../api/query-keys';

const byUsername = (users: ApiUserRecord[]) => [...users].sort((a, b) => a.username.localeCompare(b.username));

/** The users by username (`GET /api/v1/users`; supervisors and admins), read when the tab opens and after a change. */
export function useUsers(api: IocApi) {
  return useQuery({ queryKey: queryKeys.users(), queryFn: () => api.users(), select: byUsername });
}

/**
 * The admin's changes to users: create, change (role, disabled) and set a password. Each throws the server's refusal
 * (the last active admin stays, passwords of at least 10 characters); after one, the list is read again (not awaited:
 * the notice shows at once, the list follows, as before).
 */
export function useUserChanges(api: IocApi) {
  const queryClient = useQueryClient();
  const onSuccess = () => void queryClient.invalidateQueries({ queryKey: queryKeys.users() });
  return {
    create: useMutation({ mutationFn: (body: CreateUserRequest) => api.createUser(body), onSuccess }),
    update: useMutation({
      mutationFn: ({ id, changes }: { readonly id: string; readonly changes: UpdateUserRequest }) =>
        api.updateUser(id, changes),
      onSuccess,
    }),
    setPassword: useMutation({
      mutationFn: ({ id, password }: { readonly id: string; readonly password: string }) =>
        api.setUserPassword(id, password),
      onSuccess,
    }),
  };
}
