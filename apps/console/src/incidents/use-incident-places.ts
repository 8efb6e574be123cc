import { useCallback, useMemo } from 'react';
import type { CityModel } from '../city/city-model';
import type { Position } from '../city/geometry';
import type { DeviceRow } from '../devices/device-health-view';
import type { MapDevice, PlacedIncident } from '../map/city-map';
import { bySeverityThenTime, matches, type IncidentFilter, type IncidentView } from './incident-store';

/** Where incidents are, from the city model and the devices: for the map, the ward filter and the panel. */
export interface IncidentPlaces {
  /** The devices that have a position, as the map draws them. */
  readonly mapDevices: readonly MapDevice[];
  /** Where an incident is: its zone in the city model, else the mean position of the devices in its evidence. */
  readonly placeOf: (i: IncidentView) => Position | undefined;
  /** The incident's ward: its zone if a ward, else its devices' ward, else the ward where it is placed. */
  readonly wardOf: (i: IncidentView) => string | undefined;
  /** Devices of the incident's zone of the kinds its evidence names (the neighbours behind a zone's median). */
  readonly zoneDevices: (i: IncidentView) => string[];
}

export function useIncidentPlaces(city: CityModel, deviceRows: readonly DeviceRow[]): IncidentPlaces {
  const devicePos = useMemo(() => {
    const m = new Map<string, { at: Position; ward?: string }>();
    for (const r of deviceRows)
      if (r.device.lat != null && r.device.lon != null)
        m.set(r.device.id, { at: [r.device.lon, r.device.lat], ward: r.ward });
    return m;
  }, [deviceRows]);
  const mapDevices: MapDevice[] = useMemo(
    () =>
      deviceRows
        .filter((r) => devicePos.has(r.device.id))
        .map((r) => ({ id: r.device.id, type: r.device.type, health: r.health, at: devicePos.get(r.device.id)!.at })),
    [deviceRows, devicePos],
  );
  const placeOf = useCallback(
    (i: IncidentView): Position | undefined => {
      const zone = city.centreOf(i.zone.id);
      if (zone) return zone;
      const ps = [i.zone.id, ...i.evidence.map((e) => e.deviceId)]
        .map((id) => (id ? devicePos.get(id)?.at : undefined))
        .filter((p): p is Position => !!p);
      if (ps.length === 0) return undefined;
      return [ps.reduce((s, p) => s + p[0], 0) / ps.length, ps.reduce((s, p) => s + p[1], 0) / ps.length];
    },
    [city, devicePos],
  );
  const wardOf = useCallback(
    (i: IncidentView): string | undefined => {
      if (i.zone.kind === 'ward') return i.zone.id;
      const dev = [i.zone.id, ...i.evidence.map((e) => e.deviceId)]
        .map((id) => (id ? devicePos.get(id)?.ward : undefined))
        .find(Boolean);
      if (dev) return dev;
      const p = placeOf(i);
      return p ? city.wardAt(p) : undefined;
    },
    [city, devicePos, placeOf],
  );
  const zoneDevices = useCallback(
    (i: IncidentView): string[] => {
      const types = new Set(
        i.evidence
          .map((e) => e.deviceId && deviceRows.find((r) => r.device.id === e.deviceId)?.device.type)
          .filter(Boolean),
      );
      return deviceRows
        .filter(
          (r) =>
            types.has(r.device.type) &&
            r.health !== 'disabled' &&
            (r.device.catchment === i.zone.id || r.ward === i.zone.id),
        )
        .map((r) => r.device.id);
    },
    [deviceRows],
  );
  return { mapDevices, placeOf, wardOf, zoneDevices };
}

/**
 * The live incidents the console shows (never exercise ones, never closed), those the list's filter keeps (severity,
 * then time), and those of them the map can place.
 */
export function useListedIncidents(
  incidents: readonly IncidentView[],
  filter: IncidentFilter,
  places: Pick<IncidentPlaces, 'placeOf' | 'wardOf'>,
) {
  const { placeOf, wardOf } = places;
  const liveIncidents = useMemo(() => incidents.filter((i) => !i.exercise && i.state !== 'closed'), [incidents]);
  const listed = useMemo(
    () => liveIncidents.filter((i) => matches(i, filter, wardOf)).sort(bySeverityThenTime),
    [liveIncidents, filter, wardOf],
  );
  const placed: PlacedIncident[] = useMemo(
    () => listed.map((incident) => ({ incident, at: placeOf(incident) })).filter((p): p is PlacedIncident => !!p.at),
    [listed, placeOf],
  );
  return { liveIncidents, listed, placed };
}
