import { CITY_LAYERS, type CityLayer } from '@ioc/city';
import { centroid, contains, shapeOf, type Feature, type FeatureCollection, type Position } from './geometry';

/**
 * The city model the server runs on (`seeds/city/*.geojson`, served at `/city/`): the map's only base layers, and
 * where incidents and devices are placed.
 */
export class CityModel {
  private readonly centroids = new Map<string, Position>();
  private readonly wardShapes: ReadonlyArray<{
    readonly id: string | undefined;
    readonly shape: ReturnType<typeof shapeOf>;
  }>;

  constructor(readonly layers: Readonly<Record<CityLayer, FeatureCollection>>) {
    for (const layer of CITY_LAYERS)
      for (const f of layers[layer].features) {
        const id = featureId(f);
        if (id) this.centroids.set(id, centroid(f.geometry));
      }
    this.wardShapes = this.wards.map((w) => ({ id: featureId(w), shape: shapeOf(w.geometry) }));
  }

  static async load(): Promise<CityModel> {
    const entries = await Promise.all(
      CITY_LAYERS.map(async (name) => {
        const res = await fetch(`/city/${name}.geojson`);
        if (!res.ok) throw new Error(`city layer ${name}: HTTP ${res.status}`);
        return [name, (await res.json()) as FeatureCollection] as const;
      }),
    );
    return new CityModel(Object.fromEntries(entries) as Record<CityLayer, FeatureCollection>);
  }

  get wards(): readonly Feature[] {
    return this.layers.wards.features;
  }

  /** Where a zone of the city model (ward, catchment, site, river) is drawn; undefined for routes and devices. */
  centreOf(zoneId: string): Position | undefined {
    return this.centroids.get(zoneId);
  }

  wardAt(p: Position): string | undefined {
    return this.wardShapes.find((w) => contains(w.shape, p))?.id;
  }

  wardName(wardId: string): string {
    return this.zoneName(wardId);
  }

  /** The name the city model gives a ward, catchment, site or the river; the id itself otherwise. */
  zoneName(zoneId: string): string {
    for (const layer of CITY_LAYERS) {
      const f = this.layers[layer].features.find((x) => featureId(x) === zoneId);
      if (f) return (f.properties.name as string | undefined) ?? zoneId;
    }
    return zoneId;
  }
}

export const featureId = (f: Feature): string | undefined =>
  (f.properties.id as string | undefined) ?? (f.id === undefined ? undefined : String(f.id));
