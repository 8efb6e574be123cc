import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type {
  AssignDevicesRequest,
  CreateDeviceRequest,
  CreateGatewayRequest,
  CreateProvisioningKeyRequest,
} from '@ioc/contracts';
import type { IocApi } from '../api/ioc-api';
import { pollEvery } from '../api/query-client';
import { queryKeys } from '../api/query-keys';
import type { SecretShown } from './registry-model';

/** The registry changes mostly by its users' hands (read again after each change); last-seen times move on their own. */
const REGISTRY_EVERY_MS = 30_000;

export type RegistryKind = 'device' | 'gateway';

/** Every registered device (`GET /api/v1/registry/devices`; 1,729 in the city's seed): filtered and paged in the page. */
export function useRegistryDevices(api: IocApi) {
  return useQuery({
    queryKey: queryKeys.registryDevices(),
    queryFn: () => api.registryDevices(),
    ...pollEvery(REGISTRY_EVERY_MS),
  });
}

export function useRegistryGateways(api: IocApi) {
  return useQuery({
    queryKey: queryKeys.registryGateways(),
    queryFn: () => api.registryGateways(),
    ...pollEvery(REGISTRY_EVERY_MS),
  });
}

export function useProvisioningKeys(api: IocApi, enabled = true) {
  return useQuery({
    queryKey: queryKeys.provisioningKeys(),
    queryFn: () => api.provisioningKeys(),
    enabled,
    ...pollEvery(REGISTRY_EVERY_MS),
  });
}

/**
 * The registry's changes. Each throws the server's refusal; after one, every registry list is read again (not
 * awaited), and the console's device list too (the map and the Devices tab show a disabled device as such).
 *
 * The actions whose answer carries a password or a secret (create, rotate, create a key) are deliberately not
 * `useMutation`s: a mutation keeps its answer in the query client's mutation cache after it is done. Their answer goes
 * only to the caller, which holds it in the credentials dialog's state until the dialog closes.
 */
export function useRegistryChanges(api: IocApi) {
  const queryClient = useQueryClient();
  const invalidate = () => {
    void queryClient.invalidateQueries({ queryKey: queryKeys.registry() });
    void queryClient.invalidateQueries({ queryKey: queryKeys.devices() });
  };
  const afterwards = async <T>(action: Promise<T>): Promise<T> => {
    try {
      return await action;
    } finally {
      invalidate();
    }
  };
  return {
    setEnabled: useMutation({
      mutationFn: ({ kind, id, enabled }: { kind: RegistryKind; id: string; enabled: boolean }) =>
        api.setRegistryEnabled(kind, id, enabled),
      onSettled: invalidate,
    }),
    remove: useMutation({
      mutationFn: ({ kind, id }: { kind: RegistryKind; id: string }) => api.deleteRegistered(kind, id),
      onSettled: invalidate,
    }),
    assign: useMutation({
      mutationFn: (body: AssignDevicesRequest) => api.assignDevices(body),
      onSettled: invalidate,
    }),
    revokeKey: useMutation({
      mutationFn: (id: string) => api.revokeProvisioningKey(id),
      onSettled: invalidate,
    }),
    /** Null for a device behind a gateway, which has no credentials of its own. */
    createDevice: async (body: CreateDeviceRequest): Promise<SecretShown | null> => {
      const r = await afterwards(api.createRegistryDevice(body));
      return r.credentials ? { kind: 'device', id: r.device.id, credentials: r.credentials } : null;
    },
    createGateway: async (body: CreateGatewayRequest): Promise<SecretShown> => {
      const r = await afterwards(api.createRegistryGateway(body));
      return { kind: 'gateway', id: r.gateway.id, credentials: r.credentials };
    },
    rotate: async (kind: RegistryKind, id: string): Promise<SecretShown> => {
      const r = await afterwards(api.rotateCredentials(kind, id));
      return { kind, id, credentials: r.credentials };
    },
    createKey: async (body: CreateProvisioningKeyRequest): Promise<SecretShown> => {
      const r = await afterwards(api.createProvisioningKey(body));
      return { kind: 'key', id: r.key.id, key: r.key, secret: r.secret };
    },
  };
}
export type RegistryChanges = ReturnType<typeof useRegistryChanges>;
