import { useEffect, useRef } from 'react';
import * as maplibregl from 'maplibre-gl';
import type { GeoJSONSource, MapLayerMouseEvent, StyleSpecification } from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';
// MapLibre finds its worker next to its own module by default; in the bundle it is an asset of its own.
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import { useTranslation } from 'react-i18next';
import type { CityModel } from '../city/city-model';
import { bounds, type Position } from '../city/geometry';
import type { DeviceHealth } from '../devices/device-health';
import type { IncidentView } from '../incidents/incident-store';

export interface PlacedIncident {
  readonly incident: IncidentView;
  readonly at: Position;
}

export interface MapDevice {
  readonly id: string;
  readonly type: string;
  readonly health: DeviceHealth;
  readonly at: Position;
}

interface Props {
  readonly city: CityModel;
  readonly devices: readonly MapDevice[];
  readonly incidents: readonly PlacedIncident[];
  readonly selectedId?: string;
  readonly onSelect: (id: string) => void;
}

export const HEALTH_COLOURS: Record<DeviceHealth, string> = {
  online: '#2e9e5b',
  stale: '#e0a526',
  offline: '#d64545',
  never: '#9aa3ab',
  disabled: '#5c6670',
};

maplibregl.setWorkerUrl(workerUrl);

const emptyCollection = { type: 'FeatureCollection' as const, features: [] };

/**
 * Built only from the city model and the device registry: GeoJSON sources, fill/line/circle layers, labels as DOM
 * markers. No tiles, no glyphs, no sprites: the map works with no internet and no tile server.
 */
function cityStyle(city: CityModel): StyleSpecification {
  return {
    version: 8,
    sources: {
      wards: { type: 'geojson', data: city.layers.wards as never },
      catchments: { type: 'geojson', data: city.layers.catchments as never },
      'land-use': { type: 'geojson', data: city.layers['land-use'] as never },
      river: { type: 'geojson', data: city.layers.river as never },
      roads: { type: 'geojson', data: city.layers.roads as never },
      devices: { type: 'geojson', data: emptyCollection },
    },
    layers: [
      { id: 'background', type: 'background', paint: { 'background-color': '#eef1ea' } },
      { id: 'wards-fill', type: 'fill', source: 'wards', paint: { 'fill-color': '#f8f8f3', 'fill-opacity': 0.9 } },
      {
        id: 'land-use-fill',
        type: 'fill',
        source: 'land-use',
        paint: {
          'fill-color': [
            'match',
            ['get', 'kind'],
            'lake',
            '#9cc7e6',
            'market',
            '#f3d9b1',
            'wholesale-market',
            '#f3d9b1',
            'festival-bank',
            '#e8d2ec',
            'commercial',
            '#f2e3c4',
            '#dde9d2',
          ],
          'fill-opacity': 0.8,
        },
      },
      {
        id: 'catchments-line',
        type: 'line',
        source: 'catchments',
        paint: { 'line-color': '#5b8fb9', 'line-width': 1, 'line-dasharray': [3, 2], 'line-opacity': 0.7 },
      },
      { id: 'wards-line', type: 'line', source: 'wards', paint: { 'line-color': '#8a8f86', 'line-width': 1.4 } },
      {
        id: 'river-reach',
        type: 'fill',
        source: 'river',
        filter: ['==', ['geometry-type'], 'Polygon'],
        paint: { 'fill-color': '#8fbfe0', 'fill-opacity': 0.6 },
      },
      {
        id: 'river-line',
        type: 'line',
        source: 'river',
        filter: ['==', ['geometry-type'], 'LineString'],
        paint: { 'line-color': '#3f86c4', 'line-width': ['interpolate', ['linear'], ['zoom'], 11, 3, 15, 10] },
        layout: { 'line-cap': 'round', 'line-join': 'round' },
      },
      {
        id: 'roads-casing',
        type: 'line',
        source: 'roads',
        paint: {
          'line-color': '#b9b2a3',
          'line-width': ['match', ['get', 'roadClass'], 'national', 6, 'arterial', 4.5, 'ring', 4.5, 3],
        },
        layout: { 'line-cap': 'round', 'line-join': 'round' },
      },
      {
        id: 'roads',
        type: 'line',
        source: 'roads',
        paint: {
          'line-color': [
            'match',
            ['get', 'roadClass'],
            'national',
            '#f6c36b',
            'arterial',
            '#fbe3a6',
            'ring',
            '#fbe3a6',
            '#ffffff',
          ],
          'line-width': ['match', ['get', 'roadClass'], 'national', 4, 'arterial', 3, 'ring', 3, 2],
        },
        layout: { 'line-cap': 'round', 'line-join': 'round' },
      },
      {
        id: 'bridges',
        type: 'circle',
        source: 'river',
        filter: ['==', ['geometry-type'], 'Point'],
        paint: {
          'circle-radius': 4,
          'circle-color': '#ffffff',
          'circle-stroke-color': '#3f86c4',
          'circle-stroke-width': 2,
        },
      },
      {
        id: 'devices',
        type: 'circle',
        source: 'devices',
        paint: {
          'circle-radius': ['interpolate', ['linear'], ['zoom'], 11, 1.8, 14, 3.5, 17, 6],
          'circle-color': ['match', ['get', 'health'], ...Object.entries(HEALTH_COLOURS).flat(), '#9aa3ab'] as never,
          'circle-stroke-color': '#ffffff',
          'circle-stroke-width': ['interpolate', ['linear'], ['zoom'], 11, 0, 14, 0.8],
        },
      },
    ],
  };
}

export function CityMap({ city, devices, incidents, selectedId, onSelect }: Props) {
  const { t } = useTranslation();
  const container = useRef<HTMLDivElement>(null);
  const map = useRef<maplibregl.Map | null>(null);
  const markers = useRef(new Map<string, maplibregl.Marker>());
  const onSelectRef = useRef(onSelect);
  onSelectRef.current = onSelect;

  useEffect(() => {
    // The markers' map is the ref's one for good (it is only ever cleared): the cleanup holds it as it is now.
    const placedMarkers = markers.current;
    const m = new maplibregl.Map({
      container: container.current!,
      style: cityStyle(city),
      bounds: bounds(city.wards) as [[number, number], [number, number]],
      fitBoundsOptions: { padding: 20 },
      attributionControl: false,
      dragRotate: false,
      pitchWithRotate: false,
    });
    m.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'top-left');
    m.addControl(new maplibregl.ScaleControl({ unit: 'metric' }), 'bottom-left');
    // Ward names as DOM labels (no glyphs are served).
    for (const w of city.wards) {
      const el = document.createElement('div');
      el.className = 'ward-label';
      el.textContent = String(w.properties.name ?? w.properties.id);
      const at = city.centreOf(String(w.properties.id));
      if (at) new maplibregl.Marker({ element: el }).setLngLat(at as [number, number]).addTo(m);
    }
    const popup = new maplibregl.Popup({ closeButton: false, closeOnClick: true });
    m.on('click', 'devices', (e: MapLayerMouseEvent) => {
      const f = e.features?.[0];
      if (!f) return;
      const el = document.createElement('div');
      el.className = 'device-popup';
      el.textContent = `${String(f.properties.id)} · ${String(f.properties.type)} · ${String(f.properties.healthLabel)}`;
      popup.setLngLat(e.lngLat).setDOMContent(el).addTo(m);
    });
    m.on('mouseenter', 'devices', () => (m.getCanvas().style.cursor = 'pointer'));
    m.on('mouseleave', 'devices', () => (m.getCanvas().style.cursor = ''));
    map.current = m;
    (window as unknown as { __iocMap?: maplibregl.Map }).__iocMap = m;
    return () => {
      m.remove();
      map.current = null;
      placedMarkers.clear();
    };
  }, [city]);

  useEffect(() => {
    const m = map.current;
    if (!m) return;
    const data = {
      type: 'FeatureCollection' as const,
      features: devices.map((d) => ({
        type: 'Feature' as const,
        properties: {
          id: d.id,
          type: t(`deviceType.${d.type}`, { defaultValue: d.type }),
          health: d.health,
          healthLabel: t(`devices.${d.health}`),
        },
        geometry: { type: 'Point' as const, coordinates: [...d.at] },
      })),
    };
    // setData answers when the worker has taken the data; nothing waits for it.
    const apply = () => void (m.getSource('devices') as GeoJSONSource | undefined)?.setData(data);
    if (m.isStyleLoaded()) apply();
    else m.once('load', apply);
  }, [devices, t]);

  useEffect(() => {
    const m = map.current;
    if (!m) return;
    const seen = new Set<string>();
    for (const { incident, at } of incidents) {
      seen.add(incident.id);
      let marker = markers.current.get(incident.id);
      if (!marker) {
        const el = document.createElement('button');
        el.type = 'button';
        el.addEventListener('click', (ev) => {
          ev.stopPropagation();
          onSelectRef.current(incident.id);
        });
        marker = new maplibregl.Marker({ element: el }).setLngLat(at as [number, number]).addTo(m);
        markers.current.set(incident.id, marker);
      }
      marker.setLngLat(at as [number, number]);
      const el = marker.getElement();
      // Keep MapLibre's own marker classes; replace only ours.
      for (const c of [...el.classList])
        if (c.startsWith('sev-') || c.startsWith('state-') || c === 'selected') el.classList.remove(c);
      el.classList.add('incident-marker', `sev-${incident.severity}`, `state-${incident.state}`);
      el.classList.toggle('selected', incident.id === selectedId);
      el.dataset.incidentId = incident.id;
      el.dataset.severity = incident.severity;
      el.dataset.state = incident.state;
      el.title = `${t(`incidentType.${incident.type}`)} · ${t(`severity.${incident.severity}`)} · ${t(`state.${incident.state}`)}`;
    }
    for (const [id, marker] of markers.current)
      if (!seen.has(id)) {
        marker.remove();
        markers.current.delete(id);
      }
  }, [incidents, selectedId, t]);

  return (
    <div className="map-wrap">
      <div ref={container} className="map" data-testid="map" />
      <div className="map-legend">
        <div className="legend-title">{t('map.legendDevices')}</div>
        {(['online', 'stale', 'offline', 'never'] as const).map((h) => (
          <div key={h} className="legend-row">
            <span className="dot" style={{ background: HEALTH_COLOURS[h] }} /> {t(`devices.${h}`)}
          </div>
        ))}
        <div className="legend-title">{t('map.legendIncidents')}</div>
        {(['critical', 'major', 'moderate', 'minor'] as const).map((s) => (
          <div key={s} className="legend-row">
            <span className={`legend-incident sev-${s}`} /> {t(`severity.${s}`)}
          </div>
        ))}
      </div>
    </div>
  );
}
