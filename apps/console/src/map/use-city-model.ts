import { useQuery } from '@tanstack/react-query';
import { queryKeys } from '../api/query-keys';
import { CityModel } from '../city/city-model';

/** The city model the map, the lists and the forms place things in: read once a session, never stale. */
export function useCityModel() {
  return useQuery({ queryKey: queryKeys.city(), queryFn: () => CityModel.load(), staleTime: Infinity });
}
