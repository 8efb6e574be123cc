import { z } from 'zod';
import { ID_PATTERN } from '@ioc/contracts';
import { DEVICE_TYPES } from '@ioc/domain';
import { CityModelError } from './city-model.error';
import { LAND_USE_KINDS, type City, type CityLayer, type DeviceSite } from './city.model';

/**
 * The seed files' schemas and the checks across files (a device's ward exists, a route's bins are bins, …). Pure: the
 * parsed JSON of every file in, the typed model out, or a CityModelError naming the file and JSON path of every
 * problem.
 */

const lonLat = z.tuple([z.number().min(-180).max(180), z.number().min(-90).max(90)]);
const ring = z
  .array(lonLat)
  .min(4, 'a ring needs at least four positions')
  .refine(
    (r) => r.length < 4 || (r[0][0] === r[r.length - 1][0] && r[0][1] === r[r.length - 1][1]),
    'a ring must end where it starts',
  );
const polygon = z.object({
  type: z.literal('Polygon'),
  coordinates: z.array(ring).length(1, 'one outer ring and no holes'),
});
const line = z.object({ type: z.literal('LineString'), coordinates: z.array(lonLat).min(2) });
const point = z.object({ type: z.literal('Point'), coordinates: lonLat });
const id = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:-]*$/, 'an id is letters, digits and . _ : -');
const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a local time HH:MM');

const sameId = (f: { id?: string | number; properties: { id: string } }) =>
  f.id === undefined || f.id === f.properties.id;
/** A GeoJSON feature whose `id`, when present, is its `properties.id`. */
const feature = <P extends z.ZodObject<{ id: typeof id }>, G extends z.ZodType>(properties: P, geometry: G) =>
  z
    .object({ type: z.literal('Feature'), id: z.union([z.string(), z.number()]).optional(), properties, geometry })
    .refine((f) => sameId(f as unknown as { id?: string | number; properties: { id: string } }), {
      message: 'the feature id differs from properties.id',
      path: ['id'],
    });
const collection = <F extends z.ZodType>(f: F) =>
  z.object({ type: z.literal('FeatureCollection'), features: z.array(f) });

const wardCode = z.object({
  scheme: z.enum(['pre-2025', '2025']),
  code: z.string().min(1),
  name: z.string().min(1),
  validFrom: z.string().optional(),
  validTo: z.string().optional(),
  approximate: z.boolean().optional(),
});
const wards = collection(
  feature(z.object({ id, short: z.string().min(1), name: z.string().min(1), codes: z.array(wardCode) }), polygon),
);

const catchments = collection(
  feature(
    z.object({
      id,
      name: z.string().min(1),
      areaHa: z.number().positive(),
      runoffCoeff: z.number().min(0).max(1),
      storageMm: z.number().min(0),
      drainageMmH: z.number().min(0),
      pondingShare: z.number().gt(0).max(1),
      outfall: z.object({ at: lonLat, invertCm: z.number(), sluiceGateId: id.optional() }),
      bankCm: z.number(),
      warningLevelCm: z.number().positive(),
    }),
    polygon,
  ),
);

const named = z.object({ id, name: z.string().min(1) });
const river = collection(z.union([feature(named, line), feature(named, polygon), feature(named, point)])).refine(
  (c) => c.features.filter((f) => f.geometry.type === 'LineString').length === 1,
  {
    message: 'the river is one LineString feature (with an optional tidal-reach Polygon and bridge Points)',
    path: ['features'],
  },
);

const roadClass = z.enum(['national', 'arterial', 'ring', 'collector']);
const roads = collection(
  feature(z.object({ id, name: z.string().min(1), roadClass, lanes: z.number().int().min(1).max(16) }), line),
);

const landUse = collection(
  feature(
    z.object({
      id,
      name: z.string().min(1),
      kind: z.enum(LAND_USE_KINDS),
      capacityPersons: z.number().int().positive().optional(),
      areaM2: z.number().positive().optional(),
    }),
    polygon,
  ),
);

const device = z.object({
  id: z.string().regex(new RegExp(ID_PATTERN), `a device id matches ${ID_PATTERN} (it travels in MQTT topics)`),
  type: z.enum(DEVICE_TYPES),
  ward: id,
  catchment: id,
  lat: z.number().min(-90).max(90),
  lon: z.number().min(-180).max(180),
  landUse: z.enum(LAND_USE_KINDS).optional(),
  siteId: id.optional(),
  roadId: id.optional(),
  roadClass: roadClass.optional(),
  lanes: z.number().int().min(1).max(16).optional(),
  routeId: id.optional(),
  name: z.string().optional(),
  depthFactor: z.number().positive().optional(),
  capacityMmH: z.number().positive().optional(),
  flowM3h: z.number().positive().optional(),
  hotspot: z.literal('dumping').optional(),
});
const devices = z.object({ devices: z.array(device) });

const routes = z.object({
  routes: z.array(
    z.object({
      id,
      truckId: id,
      ward: id,
      depot: lonLat,
      binIds: z.array(id),
      shifts: z.array(z.object({ start: hhmm, deadline: hhmm })),
    }),
  ),
});

/** The parsed JSON of each seed file of the city. */
export type CityDocuments = Readonly<Record<CityLayer | 'devices' | 'routes', unknown>>;

/** Where each document comes from, relative to the seeds directory: what problems are reported against. */
export const CITY_FILES: Readonly<Record<keyof CityDocuments, string>> = {
  wards: 'city/wards.geojson',
  catchments: 'city/catchments.geojson',
  river: 'city/river.geojson',
  roads: 'city/roads.geojson',
  'land-use': 'city/land-use.geojson',
  devices: 'devices.json',
  routes: 'routes.json',
};

/** `features[3].properties.id` */
export function jsonPath(path: ReadonlyArray<PropertyKey>): string {
  return path.map((k, i) => (typeof k === 'number' ? `[${k}]` : `${i ? '.' : ''}${String(k)}`)).join('') || '(root)';
}

/** Validates every document and the references between them; throws one CityModelError listing every problem. */
export function parseCity(docs: CityDocuments): City {
  const problems: string[] = [];
  const parse = <T>(key: keyof CityDocuments, schema: z.ZodType<T>): T | undefined => {
    const r = schema.safeParse(docs[key]);
    if (r.success) return r.data;
    for (const issue of r.error.issues) problems.push(`${CITY_FILES[key]} ${jsonPath(issue.path)}: ${issue.message}`);
    return undefined;
  };
  const w = parse('wards', wards);
  const c = parse('catchments', catchments);
  const r = parse('river', river);
  const ro = parse('roads', roads);
  const l = parse('land-use', landUse);
  const d = parse('devices', devices);
  const rt = parse('routes', routes);
  if (!w || !c || !r || !ro || !l || !d || !rt) throw new CityModelError(problems);

  const riverLine = r.features.find((f) => f.geometry.type === 'LineString')!;
  const reach = r.features.find((f) => f.geometry.type === 'Polygon');
  const city: City = {
    wards: w.features.map((f) => ({ ...f.properties, ring: f.geometry.coordinates[0] })),
    catchments: c.features.map((f) => ({ ...f.properties, ring: f.geometry.coordinates[0] })),
    river: {
      id: riverLine.properties.id,
      name: riverLine.properties.name,
      line: riverLine.geometry.coordinates as Array<[number, number]>,
      reach: reach && {
        id: reach.properties.id,
        name: reach.properties.name,
        ring: (reach.geometry.coordinates as Array<Array<[number, number]>>)[0],
      },
      bridges: r.features
        .filter((f) => f.geometry.type === 'Point')
        .map((f) => ({ id: f.properties.id, name: f.properties.name, at: f.geometry.coordinates as [number, number] })),
    },
    roads: ro.features.map((f) => ({ ...f.properties, line: f.geometry.coordinates })),
    landUse: l.features.map((f) => ({ ...f.properties, ring: f.geometry.coordinates[0] })),
    routes: rt.routes,
    devices: d.devices as DeviceSite[],
  };
  problems.push(...crossCheck(city));
  if (problems.length) throw new CityModelError(problems);
  return city;
}

/** References between the files: every id a record names exists, and is of the right kind. */
function crossCheck(city: City): string[] {
  const problems: string[] = [];
  const unique = (file: string, path: string, ids: readonly string[], seen = new Map<string, string>()) => {
    ids.forEach((x, i) => {
      const where = `${file} ${path}[${i}]`;
      const first = seen.get(x);
      if (first) problems.push(`${where}: id "${x}" is used twice (first at ${first})`);
      else seen.set(x, where);
    });
    return seen;
  };
  // Zones share one namespace: an incident's zone id names one of them.
  const zones = new Map<string, string>();
  unique(
    CITY_FILES.wards,
    'features',
    city.wards.map((x) => x.id),
    zones,
  );
  unique(
    CITY_FILES.catchments,
    'features',
    city.catchments.map((x) => x.id),
    zones,
  );
  unique(
    CITY_FILES['land-use'],
    'features',
    city.landUse.map((x) => x.id),
    zones,
  );
  unique(
    CITY_FILES.roads,
    'features',
    city.roads.map((x) => x.id),
    zones,
  );
  unique(
    CITY_FILES.routes,
    'routes',
    city.routes.map((x) => x.id),
    zones,
  );
  unique(
    CITY_FILES.devices,
    'devices',
    city.devices.map((x) => x.id),
  );

  const ids = (list: ReadonlyArray<{ id: string }>) => new Set(list.map((x) => x.id));
  const [wardIds, catchmentIds, siteIds, roadIds, routeIds] = [
    ids(city.wards),
    ids(city.catchments),
    ids(city.landUse),
    ids(city.roads),
    ids(city.routes),
  ];
  const deviceType = new Map(city.devices.map((x) => [x.id, x.type]));
  const refers = (where: string, value: string | undefined, known: ReadonlySet<string>, what: string) => {
    if (value !== undefined && !known.has(value)) problems.push(`${where}: "${value}" is not ${what}`);
  };
  const isA = (where: string, value: string | undefined, type: string) => {
    if (value !== undefined && deviceType.get(value) !== type)
      problems.push(`${where}: "${value}" is not a ${type} of ${CITY_FILES.devices}`);
  };
  city.devices.forEach((x, i) => {
    const at = `${CITY_FILES.devices} devices[${i}]`;
    refers(`${at}.ward`, x.ward, wardIds, `a ward of ${CITY_FILES.wards}`);
    refers(`${at}.catchment`, x.catchment, catchmentIds, `a catchment of ${CITY_FILES.catchments}`);
    refers(`${at}.siteId`, x.siteId, siteIds, `a site of ${CITY_FILES['land-use']}`);
    refers(`${at}.roadId`, x.roadId, roadIds, `a road of ${CITY_FILES.roads}`);
    refers(`${at}.routeId`, x.routeId, routeIds, `a route of ${CITY_FILES.routes}`);
  });
  const routeOfBin = new Map<string, string>();
  city.routes.forEach((r, i) => {
    const at = `${CITY_FILES.routes} routes[${i}]`;
    refers(`${at}.ward`, r.ward, wardIds, `a ward of ${CITY_FILES.wards}`);
    isA(`${at}.truckId`, r.truckId, 'truck');
    r.binIds.forEach((b, j) => {
      isA(`${at}.binIds[${j}]`, b, 'bin');
      const other = routeOfBin.get(b);
      if (other) problems.push(`${at}.binIds[${j}]: bin "${b}" is on route ${other} already`);
      else routeOfBin.set(b, r.id);
    });
  });
  city.catchments.forEach((x, i) =>
    isA(
      `${CITY_FILES.catchments} features[${i}].properties.outfall.sluiceGateId`,
      x.outfall.sluiceGateId,
      'sluice-gate',
    ),
  );
  return problems;
}
