/**
 * One-off generator of the city model in seeds/ (run: npx tsc devices/tools/generate-seeds.ts … then node).
 * Its outputs are committed and are the source of truth: edit the GeoJSON/JSON, not this file. It is kept to show
 * how the approximate geometry and the default fleet were made (deterministic: a fixed seed, no Math.random).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { pointInPolygon, preparePolygon } from '@ioc/city';

type P = [number, number]; // [lon, lat]
const OUT = path.resolve(process.argv[2] ?? 'seeds');

// sfc32-like tiny PRNG, fixed seed: same output every run.
let s = 0x9e3779b9;
const rnd = (): number => {
  s = (s + 0x6d2b79f5) | 0;
  let t = Math.imul(s ^ (s >>> 15), 1 | s);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const r5 = (x: number) => Math.round(x * 1e5) / 1e5;

// A grid over the city (≈ 9.3 km × 8.3 km ≈ 77 km²); wards and catchments are unions of its cells.
const LONS = [105.93, 105.955, 105.962, 105.973, 105.984, 106.015];
const LATS = [9.565, 9.594, 9.603, 9.612, 9.64];
// Wavy boundaries: every point moves by a smooth function of its own coordinates, so shared edges stay shared.
const wobble = ([x, y]: P): P => {
  const onBox = x === LONS[0] || x === LONS[5] || y === LATS[0] || y === LATS[4];
  const a = onBox ? 0.0016 : 0.0009;
  return [r5(x + a * Math.sin(y * 2900 + x * 700)), r5(y + a * Math.cos(x * 2700 - y * 900))];
};
const subdivide = (a: P, b: P): P[] => {
  const n = Math.max(1, Math.ceil(Math.hypot(b[0] - a[0], b[1] - a[1]) / 0.0022));
  return Array.from({ length: n }, (_, i) => [a[0] + ((b[0] - a[0]) * i) / n, a[1] + ((b[1] - a[1]) * i) / n] as P);
};
/** Boundary of a set of grid cells [row, col] as a closed ring (counter-clockwise). */
function cellsRing(cells: Array<[number, number]>): P[] {
  const key = (p: P) => `${p[0]},${p[1]}`;
  const edges = new Map<string, [P, P]>();
  for (const [r, c] of cells) {
    const q: P[] = [
      [LONS[c], LATS[r]],
      [LONS[c + 1], LATS[r]],
      [LONS[c + 1], LATS[r + 1]],
      [LONS[c], LATS[r + 1]],
    ];
    for (let i = 0; i < 4; i++) {
      const a = q[i];
      const b = q[(i + 1) % 4];
      const rev = `${key(b)}>${key(a)}`;
      if (edges.has(rev)) edges.delete(rev);
      else edges.set(`${key(a)}>${key(b)}`, [a, b]);
    }
  }
  const byStart = new Map<string, [P, P]>();
  for (const e of edges.values()) byStart.set(key(e[0]), e);
  const first = [...edges.values()][0];
  const ring: P[] = [];
  let cur = first;
  do {
    ring.push(...subdivide(cur[0], cur[1]));
    cur = byStart.get(key(cur[1]))!;
  } while (cur !== first);
  const w = ring.map(wobble);
  return [...w, w[0]];
}
const inRing = (p: P, ring: P[]) => pointInPolygon(p, preparePolygon(ring));
const rect = (lon0: number, lat0: number, lon1: number, lat1: number): P[] => [
  [lon0, lat0],
  [lon1, lat0],
  [lon1, lat1],
  [lon0, lat1],
  [lon0, lat0],
];
const dist = (a: P, b: P) => Math.hypot((a[0] - b[0]) * 109_700, (a[1] - b[1]) * 110_600);
const along = (line: P[], m: number): P => {
  let left = m;
  for (let i = 1; i < line.length; i++) {
    const d = dist(line[i - 1], line[i]);
    if (left <= d)
      return [
        r5(line[i - 1][0] + ((line[i][0] - line[i - 1][0]) * left) / d),
        r5(line[i - 1][1] + ((line[i][1] - line[i - 1][1]) * left) / d),
      ];
    left -= d;
  }
  return line[line.length - 1];
};
const length = (line: P[]) => line.slice(1).reduce((d, p, i) => d + dist(line[i], p), 0);
const fc = (features: unknown[], extra: Record<string, unknown> = {}) => ({
  type: 'FeatureCollection',
  ...extra,
  features,
});
const write = (file: string, data: unknown) => {
  mkdirSync(path.dirname(path.join(OUT, file)), { recursive: true });
  writeFileSync(path.join(OUT, file), `${JSON.stringify(data, null, 1)}\n`);
};

// ---------- wards ----------
// 2025 units: after 1 July 2025 the city's wards were merged into wards of Cần Thơ city. Names and grouping are
// approximate and must be checked against the official resolution before any administrative use.
const NEW_UNITS = {
  'soc-trang': { code: 'CT-2025-PHUONG-SOC-TRANG', name: 'Phường Sóc Trăng' },
  'phu-loi': { code: 'CT-2025-PHUONG-PHU-LOI', name: 'Phường Phú Lợi' },
  'my-xuyen': { code: 'CT-2025-PHUONG-MY-XUYEN', name: 'Phường Mỹ Xuyên' },
} as const;
const WARDS: Array<{ n: number; gso: string; unit: keyof typeof NEW_UNITS; cells: Array<[number, number]> }> = [
  { n: 1, gso: '31486', unit: 'soc-trang', cells: [[2, 3]] },
  { n: 2, gso: '31483', unit: 'soc-trang', cells: [[2, 2]] },
  { n: 3, gso: '31492', unit: 'soc-trang', cells: [[1, 2]] },
  { n: 4, gso: '31489', unit: 'soc-trang', cells: [[1, 3]] },
  {
    n: 5,
    gso: '31471',
    unit: 'phu-loi',
    cells: [
      [3, 0],
      [3, 1],
      [3, 2],
      [2, 0],
      [2, 1],
    ],
  },
  { n: 6, gso: '31480', unit: 'phu-loi', cells: [[3, 3]] },
  {
    n: 7,
    gso: '31474',
    unit: 'phu-loi',
    cells: [
      [3, 4],
      [2, 4],
    ],
  },
  {
    n: 8,
    gso: '31477',
    unit: 'my-xuyen',
    cells: [
      [1, 4],
      [0, 4],
    ],
  },
  {
    n: 9,
    gso: '31495',
    unit: 'my-xuyen',
    cells: [
      [1, 0],
      [1, 1],
      [0, 0],
    ],
  },
  {
    n: 10,
    gso: '31498',
    unit: 'my-xuyen',
    cells: [
      [0, 1],
      [0, 2],
      [0, 3],
    ],
  },
];
const wardRings = new Map<string, P[]>();
const wardFeatures = WARDS.map((w) => {
  const ring = cellsRing(w.cells);
  wardRings.set(`ward-p${w.n}`, ring);
  return {
    type: 'Feature',
    id: `ward-p${w.n}`,
    properties: {
      id: `ward-p${w.n}`,
      short: `p${w.n}`,
      name: `Phường ${w.n}`,
      codes: [
        { scheme: 'pre-2025', code: w.gso, name: `Phường ${w.n}`, validTo: '2025-06-30', approximate: true },
        {
          scheme: '2025',
          code: NEW_UNITS[w.unit].code,
          name: NEW_UNITS[w.unit].name,
          validFrom: '2025-07-01',
          approximate: true,
        },
      ],
      geometryApproximate: true,
    },
    geometry: { type: 'Polygon', coordinates: [ring] },
  };
});
write('city/wards.geojson', fc(wardFeatures, { name: 'Sóc Trăng city wards (approximate geometry)' }));

// ---------- river ----------
const MASPERO: P[] = [
  [105.944, 9.566],
  [105.952, 9.58],
  [105.96, 9.592],
  [105.967, 9.599],
  [105.973, 9.6032],
  [105.979, 9.607],
  [105.986, 9.614],
  [105.996, 9.625],
  [106.01, 9.639],
];
const BRIDGES: Array<[string, P]> = [
  ['Cầu C247', [105.96, 9.592]],
  ['Cầu 30/4', [105.9705, 9.6013]],
  ['Cầu Khu Hành Chính', [105.976, 9.605]],
  ['Cầu chữ Y', [105.981, 9.6089]],
  ['Cầu Mạc Đĩnh Chi', [105.986, 9.614]],
];
const tidalReach = [
  ...MASPERO.map(([x, y]) => [r5(x - 0.0005), r5(y + 0.0004)] as P),
  ...[...MASPERO].reverse().map(([x, y]) => [r5(x + 0.0005), r5(y - 0.0004)] as P),
];
write(
  'city/river.geojson',
  fc([
    {
      type: 'Feature',
      id: 'river-maspero',
      properties: { id: 'river-maspero', name: 'Sông Maspero', tidal: true, regime: 'semi-diurnal', widthM: 60 },
      geometry: { type: 'LineString', coordinates: MASPERO },
    },
    {
      type: 'Feature',
      id: 'river-maspero-tidal-reach',
      properties: { id: 'river-maspero-tidal-reach', name: 'Maspero tidal reach (embankment)', kind: 'tidal-reach' },
      geometry: { type: 'Polygon', coordinates: [[...tidalReach, tidalReach[0]]] },
    },
    ...BRIDGES.map(([name, at], i) => ({
      type: 'Feature',
      id: `bridge-${i + 1}`,
      properties: { id: `bridge-${i + 1}`, name, kind: 'bridge' },
      geometry: { type: 'Point', coordinates: at },
    })),
  ]),
);

// ---------- catchments ----------
const CATCHMENTS: Array<{
  id: string;
  name: string;
  cells: Array<[number, number]>;
  outfall: P;
  invertCm: number;
  bankCm: number;
  drainage: number;
  storage: number;
  runoff: number;
  ponding: number;
  gate?: string;
}> = [
  {
    id: 'catch-trung-tam-bac',
    name: 'Trung tâm bắc (chợ Sóc Trăng)',
    cells: [
      [2, 2],
      [2, 3],
    ],
    outfall: [105.9705, 9.6013],
    invertCm: 95,
    bankCm: 165,
    drainage: 26,
    storage: 14,
    runoff: 0.85,
    ponding: 0.3,
    gate: 'sg-p1-01',
  },
  {
    id: 'catch-trung-tam-nam',
    name: 'Trung tâm nam',
    cells: [
      [1, 2],
      [1, 3],
    ],
    outfall: [105.967, 9.599],
    invertCm: 95,
    bankCm: 160,
    drainage: 24,
    storage: 14,
    runoff: 0.8,
    ponding: 0.3,
  },
  {
    id: 'catch-ho-nuoc-ngot',
    name: 'Hồ Nước Ngọt',
    cells: [
      [3, 2],
      [3, 3],
    ],
    outfall: [105.986, 9.614],
    invertCm: 100,
    bankCm: 175,
    drainage: 28,
    storage: 22,
    runoff: 0.6,
    ponding: 0.25,
    gate: 'sg-p6-01',
  },
  {
    id: 'catch-tay-bac',
    name: 'Tây bắc',
    cells: [
      [3, 0],
      [3, 1],
      [2, 0],
      [2, 1],
    ],
    outfall: [105.96, 9.592],
    invertCm: 100,
    bankCm: 180,
    drainage: 22,
    storage: 20,
    runoff: 0.55,
    ponding: 0.2,
  },
  {
    id: 'catch-dong-bac',
    name: 'Đông bắc',
    cells: [
      [3, 4],
      [2, 4],
    ],
    outfall: [105.996, 9.625],
    invertCm: 100,
    bankCm: 175,
    drainage: 24,
    storage: 18,
    runoff: 0.6,
    ponding: 0.22,
    gate: 'sg-p7-01',
  },
  {
    id: 'catch-cho-dau-moi',
    name: 'Chợ đầu mối phường 8',
    cells: [
      [1, 4],
      [0, 4],
    ],
    outfall: [105.979, 9.607],
    invertCm: 95,
    bankCm: 168,
    drainage: 24,
    storage: 15,
    runoff: 0.8,
    ponding: 0.28,
    gate: 'sg-p8-01',
  },
  {
    id: 'catch-tay-nam',
    name: 'Tây nam',
    cells: [
      [1, 0],
      [1, 1],
      [0, 0],
    ],
    outfall: [105.952, 9.58],
    invertCm: 100,
    bankCm: 178,
    drainage: 22,
    storage: 20,
    runoff: 0.55,
    ponding: 0.2,
  },
  {
    id: 'catch-nam',
    name: 'Nam',
    cells: [
      [0, 1],
      [0, 2],
      [0, 3],
    ],
    outfall: [105.944, 9.566],
    invertCm: 100,
    bankCm: 176,
    drainage: 22,
    storage: 20,
    runoff: 0.6,
    ponding: 0.22,
  },
];
const catchRings = new Map<string, P[]>();
const cellArea = (r: number, c: number) =>
  ((LONS[c + 1] - LONS[c]) * 109_700 * (LATS[r + 1] - LATS[r]) * 110_600) / 10_000;
write(
  'city/catchments.geojson',
  fc(
    CATCHMENTS.map((c) => {
      const ring = cellsRing(c.cells);
      catchRings.set(c.id, ring);
      return {
        type: 'Feature',
        id: c.id,
        properties: {
          id: c.id,
          name: c.name,
          areaHa: Math.round(c.cells.reduce((a, [r, col]) => a + cellArea(r, col), 0)),
          runoffCoeff: c.runoff,
          storageMm: c.storage,
          drainageMmH: c.drainage,
          pondingShare: c.ponding,
          outfall: { at: c.outfall, invertCm: c.invertCm, ...(c.gate ? { sluiceGateId: c.gate } : {}) },
          bankCm: c.bankCm,
          warningLevelCm: 20,
        },
        geometry: { type: 'Polygon', coordinates: [ring] },
      };
    }),
    { name: 'Drainage catchments of Sóc Trăng city, each draining to an outfall on the Maspero (approximate)' },
  ),
);

// ---------- roads ----------
const ringRoad = (c: P, rx: number, ry: number, n: number): P[] => {
  const pts = Array.from({ length: n }, (_, i) => {
    const a = (2 * Math.PI * i) / n;
    return [r5(c[0] + rx * Math.cos(a) * (1 + 0.06 * Math.sin(3 * a))), r5(c[1] + ry * Math.sin(a))] as P;
  });
  return [...pts, pts[0]];
};
const CENTRE: P = [105.973, 9.6032];
const ROADS: Array<{ id: string; abbr: string; name: string; roadClass: string; lanes: number; line: P[] }> = [
  {
    id: 'road-ql-1a',
    abbr: 'ql1',
    name: 'Quốc lộ 1A',
    roadClass: 'national',
    lanes: 4,
    line: [
      [105.947, 9.565],
      [105.944, 9.585],
      [105.945, 9.603],
      [105.949, 9.622],
      [105.953, 9.64],
    ],
  },
  {
    id: 'road-ql-60',
    abbr: 'ql60',
    name: 'Quốc lộ 60',
    roadClass: 'national',
    lanes: 4,
    line: [
      [105.975, 9.6055],
      [105.982, 9.615],
      [105.99, 9.627],
      [105.998, 9.64],
    ],
  },
  {
    id: 'road-hung-vuong',
    abbr: 'hv',
    name: 'Hùng Vương',
    roadClass: 'arterial',
    lanes: 4,
    line: [
      [105.958, 9.612],
      [105.966, 9.606],
      [105.973, 9.6032],
      [105.981, 9.598],
      [105.99, 9.59],
    ],
  },
  {
    id: 'road-tran-hung-dao',
    abbr: 'thd',
    name: 'Trần Hưng Đạo',
    roadClass: 'arterial',
    lanes: 4,
    line: [
      [105.972, 9.617],
      [105.9725, 9.609],
      [105.973, 9.6032],
      [105.975, 9.592],
      [105.978, 9.578],
      [105.98, 9.565],
    ],
  },
  {
    id: 'road-tran-quang-khai',
    abbr: 'tqk',
    name: 'Trần Quang Khải',
    roadClass: 'collector',
    lanes: 2,
    line: [
      [105.962, 9.6],
      [105.968, 9.5985],
      [105.976, 9.5965],
      [105.984, 9.595],
    ],
  },
  {
    id: 'road-pham-hung',
    abbr: 'ph',
    name: 'Phạm Hùng',
    roadClass: 'arterial',
    lanes: 4,
    line: [
      [105.962, 9.6075],
      [105.967, 9.611],
      [105.976, 9.6135],
      [105.985, 9.619],
    ],
  },
  {
    id: 'road-le-hong-phong',
    abbr: 'lhp',
    name: 'Lê Hồng Phong',
    roadClass: 'arterial',
    lanes: 4,
    line: [
      [105.966, 9.606],
      [105.958, 9.616],
      [105.948, 9.628],
      [105.94, 9.636],
    ],
  },
  {
    id: 'road-mac-dinh-chi',
    abbr: 'mdc',
    name: 'Mạc Đĩnh Chi',
    roadClass: 'collector',
    lanes: 2,
    line: [
      [105.986, 9.614],
      [105.981, 9.6089],
      [105.976, 9.605],
      [105.9705, 9.6013],
    ],
  },
  {
    id: 'road-nguyen-hue',
    abbr: 'nh',
    name: 'Nguyễn Huệ',
    roadClass: 'collector',
    lanes: 2,
    line: [
      [105.9745, 9.6115],
      [105.9755, 9.6055],
      [105.976, 9.5985],
    ],
  },
  {
    id: 'road-vanh-dai-1',
    abbr: 'vd1',
    name: 'Vành đai I',
    roadClass: 'ring',
    lanes: 4,
    line: ringRoad(CENTRE, 0.016, 0.014, 24),
  },
  {
    id: 'road-vanh-dai-2',
    abbr: 'vd2',
    name: 'Vành đai II',
    roadClass: 'ring',
    lanes: 4,
    line: ringRoad(CENTRE, 0.032, 0.029, 36),
  },
  {
    id: 'road-dong-cho-p8',
    abbr: 'p8',
    name: 'Đường vào chợ đầu mối phường 8',
    roadClass: 'collector',
    lanes: 2,
    line: [
      [105.985, 9.594],
      [105.992, 9.587],
      [105.999, 9.579],
    ],
  },
];
const clipToCity = (line: P[]) => line.filter(([x, y]) => x >= LONS[0] && x <= LONS[5] && y >= LATS[0] && y <= LATS[4]);
for (const r of ROADS) r.line = clipToCity(r.line);
write(
  'city/roads.geojson',
  fc(
    ROADS.map((r) => ({
      type: 'Feature',
      id: r.id,
      properties: { id: r.id, abbr: r.abbr, name: r.name, roadClass: r.roadClass, lanes: r.lanes },
      geometry: { type: 'LineString', coordinates: r.line },
    })),
  ),
);

// ---------- land use ----------
const LAND_USE: Array<{
  id: string;
  name: string;
  kind: string;
  ring: P[];
  capacityPersons?: number;
  areaM2?: number;
}> = [
  {
    id: 'site-cho-soc-trang',
    name: 'Chợ Sóc Trăng (phường 1)',
    kind: 'market',
    ring: rect(105.9735, 9.6035, 105.9775, 9.6068),
  },
  {
    id: 'site-cho-dau-moi-p8',
    name: 'Khu chợ đầu mối phường 8 (239 ha)',
    kind: 'wholesale-market',
    ring: rect(105.99, 9.575, 106.004, 9.5905),
  },
  {
    id: 'site-festival-bank-north',
    name: 'Bờ bắc sông Maspero (đua ghe ngo, Khu Hành Chính – chữ Y)',
    kind: 'festival-bank',
    ring: rect(105.975, 9.6055, 105.982, 9.6095),
    capacityPersons: 45_000,
    areaM2: 15_000,
  },
  {
    id: 'site-festival-bank-south',
    name: 'Bờ nam sông Maspero (đua ghe ngo, 30/4 – Khu Hành Chính)',
    kind: 'festival-bank',
    ring: rect(105.9705, 9.6005, 105.9775, 9.6048),
    capacityPersons: 39_000,
    areaM2: 13_000,
  },
  { id: 'site-ho-nuoc-ngot', name: 'Hồ Nước Ngọt', kind: 'lake', ring: rect(105.969, 9.617, 105.977, 9.623) },
  {
    id: 'site-khu-do-thi-ho-nuoc-ngot',
    name: 'Khu đô thị mới Hồ Nước Ngọt',
    kind: 'residential',
    ring: rect(105.977, 9.617, 105.983, 9.625),
  },
  {
    id: 'site-trung-tam-thuong-mai',
    name: 'Trục thương mại Hùng Vương – Trần Hưng Đạo',
    kind: 'commercial',
    ring: rect(105.9665, 9.5985, 105.979, 9.6032),
  },
];
write(
  'city/land-use.geojson',
  fc(
    LAND_USE.map((l) => ({
      type: 'Feature',
      id: l.id,
      properties: {
        id: l.id,
        name: l.name,
        kind: l.kind,
        ...(l.capacityPersons ? { capacityPersons: l.capacityPersons, areaM2: l.areaM2 } : {}),
      },
      geometry: { type: 'Polygon', coordinates: [l.ring] },
    })),
  ),
);

// ---------- devices ----------
const wardOf = (p: P) => [...wardRings].find(([, ring]) => inRing(p, ring))?.[0] ?? 'ward-p5';
const catchOf = (p: P) => [...catchRings].find(([, ring]) => inRing(p, ring))?.[0] ?? 'catch-tay-bac';
const landOf = (p: P) => LAND_USE.find((l) => l.kind !== 'lake' && l.kind !== 'residential' && inRing(p, l.ring));
const short = (ward: string) => ward.replace('ward-', '');
const counters = new Map<string, number>();
const nextId = (prefix: string, digits: number) => {
  const n = (counters.get(prefix) ?? 0) + 1;
  counters.set(prefix, n);
  return `${prefix}-${String(n).padStart(digits, '0')}`;
};
const devices: Array<Record<string, unknown>> = [];
const site = (type: string, id: string, p: P, extra: Record<string, unknown> = {}) => {
  const ward = wardOf(p);
  const lu = landOf(p);
  devices.push({
    id,
    type,
    ward,
    catchment: catchOf(p),
    lat: r5(p[1]),
    lon: r5(p[0]),
    landUse: lu?.kind ?? 'residential',
    ...(lu ? { siteId: lu.id } : {}),
    ...extra,
  });
};
const randomIn = (ring: P[]): P => {
  const xs = ring.map((p) => p[0]);
  const ys = ring.map((p) => p[1]);
  for (;;) {
    const p: P = [
      r5(Math.min(...xs) + rnd() * (Math.max(...xs) - Math.min(...xs))),
      r5(Math.min(...ys) + rnd() * (Math.max(...ys) - Math.min(...ys))),
    ];
    if (inRing(p, ring)) return p;
  }
};

// Cameras (120): along the roads, plus festival banks, markets and known dumping spots.
const camRoads = ROADS.map((r) => ({ r, len: length(r.line) }));
const totalLen = camRoads.reduce((a, x) => a + x.len, 0);
for (const { r, len } of camRoads) {
  const n = Math.max(2, Math.round((96 * len) / totalLen));
  for (let i = 0; i < n; i++) {
    const p = along(r.line, ((i + 0.5) * len) / n);
    site('camera', nextId(`cam-${r.abbr}`, 3), p, { roadId: r.id, roadClass: r.roadClass, lanes: r.lanes });
  }
}
const nearestRoad = (p: P) => {
  let best = ROADS[0];
  let bd = Infinity;
  for (const r of ROADS)
    for (let m = 0; m < length(r.line); m += 100) {
      const d = dist(p, along(r.line, m));
      if (d < bd) [bd, best] = [d, r];
    }
  return best;
};
for (const lu of LAND_USE.filter(
  (l) => l.kind === 'festival-bank' || l.kind === 'market' || l.kind === 'wholesale-market',
)) {
  const n = lu.kind === 'festival-bank' ? 6 : 4;
  for (let i = 0; i < n; i++) {
    const p = randomIn(lu.ring);
    const r = nearestRoad(p);
    site('camera', nextId(lu.kind === 'festival-bank' ? 'cam-fb' : 'cam-cho', 3), p, {
      roadId: r.id,
      roadClass: 'collector',
      lanes: 2,
      siteId: lu.id,
      landUse: lu.kind,
    });
  }
}
const camCount = devices.filter((d) => d.type === 'camera').length;
for (let i = camCount; i < 120; i++) {
  // Known dumping spots: vacant land by the ring roads and canal banks.
  const r = ROADS[9 + (i % 2)];
  const p = along(r.line, ((0.13 + 0.21 * i) % 1) * length(r.line));
  site('camera', nextId('cam-ds', 3), p, { roadId: r.id, roadClass: r.roadClass, lanes: r.lanes, hotspot: 'dumping' });
}

// Bins (1500): by ward, denser in markets and the centre.
const BIN_SHARE: Record<number, number> = {
  1: 150,
  2: 130,
  3: 130,
  4: 130,
  5: 170,
  6: 120,
  7: 150,
  8: 230,
  9: 140,
  10: 150,
};
for (const w of WARDS) {
  const ring = wardRings.get(`ward-p${w.n}`)!;
  for (let i = 0; i < BIN_SHARE[w.n]; i++) {
    // A quarter of the market wards' bins sit inside the market itself.
    const market = LAND_USE.find(
      (l) => (l.kind === 'market' || l.kind === 'wholesale-market') && wardOf(l.ring[0]) === `ward-p${w.n}`,
    );
    const p = market && i % 4 === 0 ? randomIn(market.ring) : randomIn(ring);
    site('bin', nextId(`bin-p${w.n}`, 4), p);
  }
}
// Festival banks get their own bins too (they sit in p1/p2/p4 wards).
for (const lu of LAND_USE.filter((l) => l.kind === 'festival-bank')) {
  for (const d of devices.filter((x) => x.type === 'bin' && inRing([x.lon as number, x.lat as number], lu.ring)))
    Object.assign(d, { landUse: 'festival-bank', siteId: lu.id });
}

// Water-level sensors (60): at the low points of each catchment, by area.
for (const c of CATCHMENTS) {
  const ring = catchRings.get(c.id)!;
  const n = Math.round((52 * c.cells.length) / 20) + (c.id.startsWith('catch-trung-tam') ? 4 : 0);
  for (let i = 0; i < n; i++) {
    const p = randomIn(ring);
    site('water-level-sensor', nextId(`wl-${short(wardOf(p))}`, 3), p, {
      depthFactor: Math.round((0.7 + rnd() * 0.6) * 100) / 100,
    });
  }
}
// Rain gauges (12), tide gauges (3), pumps (6), sluice gates (4).
for (let i = 0; i < 12; i++) {
  const w = WARDS[i % WARDS.length];
  const p = randomIn(wardRings.get(`ward-p${w.n}`)!);
  site('rain-gauge', nextId(`rg-${short(wardOf(p))}`, 3), p);
}
[0.25, 0.5, 0.8].forEach((f, i) =>
  site('tide-gauge', `tg-maspero-${i + 1}`, along(MASPERO, f * length(MASPERO)), {
    name: ['Trạm triều C247', 'Trạm triều cầu Khu Hành Chính', 'Trạm triều Mạc Đĩnh Chi'][i],
  }),
);
for (const c of CATCHMENTS) {
  if (c.gate) site('sluice-gate', c.gate, c.outfall, { catchment: c.id });
}
for (const c of CATCHMENTS.slice(0, 6)) {
  const p: P = [r5(c.outfall[0] + 0.0012), r5(c.outfall[1] + 0.0008)];
  site('pump', nextId(`pump-${short(wardOf(p))}`, 2), p, {
    catchment: c.id,
    capacityMmH: c.id.startsWith('catch-trung-tam') ? 22 : 18,
    flowM3h: 2400,
  });
}
// Sluice gates and pumps serve their catchment even when they stand just outside its polygon.
for (const c of CATCHMENTS) if (c.gate) devices.find((d) => d.id === c.gate)!.catchment = c.id;

// ---------- routes and trucks (25) ----------
const DEPOT: P = [105.958, 9.586];
const binsByWard = new Map<string, Array<Record<string, unknown>>>();
for (const d of devices.filter((x) => x.type === 'bin'))
  binsByWard.set(d.ward as string, [...(binsByWard.get(d.ward as string) ?? []), d]);
const ROUTES_PER_WARD: Record<string, number> = {
  'ward-p1': 3,
  'ward-p2': 2,
  'ward-p3': 2,
  'ward-p4': 2,
  'ward-p5': 3,
  'ward-p6': 2,
  'ward-p7': 2,
  'ward-p8': 4,
  'ward-p9': 2,
  'ward-p10': 3,
};
const routes: unknown[] = [];
let truckN = 0;
for (const [ward, bins] of [...binsByWard].sort(([a], [b]) => Number(a.slice(6)) - Number(b.slice(6)))) {
  const k = ROUTES_PER_WARD[ward];
  // Split by longitude bands, then order each band as a nearest-neighbour tour from the depot.
  const sorted = [...bins].sort((a, b) => (a.lon as number) - (b.lon as number));
  for (let j = 0; j < k; j++) {
    const part = sorted.slice(Math.floor((j * sorted.length) / k), Math.floor(((j + 1) * sorted.length) / k));
    const tour: Array<Record<string, unknown>> = [];
    let at: P = DEPOT;
    const left = [...part];
    while (left.length) {
      let bi = 0;
      let bd = Infinity;
      left.forEach((b, i) => {
        const d = dist(at, [b.lon as number, b.lat as number]);
        if (d < bd) [bd, bi] = [d, i];
      });
      const [b] = left.splice(bi, 1);
      tour.push(b);
      at = [b.lon as number, b.lat as number];
    }
    truckN++;
    const truckId = `truck-${String(truckN).padStart(2, '0')}`;
    const routeId = `R-${short(ward).toUpperCase()}-${String(j + 1).padStart(2, '0')}`;
    const market = tour.some((b) => b.landUse === 'market' || b.landUse === 'wholesale-market');
    const shifts = market
      ? [
          { start: '04:30', deadline: '08:00' },
          { start: '14:00', deadline: '17:30' },
        ]
      : [{ start: '05:30', deadline: '10:00' }];
    routes.push({ id: routeId, truckId, ward, depot: DEPOT, binIds: tour.map((b) => b.id), shifts });
    for (const b of tour) b.routeId = routeId;
    site('truck', truckId, DEPOT, { routeId, ward });
    devices[devices.length - 1].ward = ward;
  }
}
write('routes.json', {
  description:
    'Waste-collection routes: one truck each, bins in driving order from the depot, daily shifts with deadlines (local time, Asia/Ho_Chi_Minh).',
  routes,
});
// One device per line: readable diffs when someone edits a site.
mkdirSync(OUT, { recursive: true });
writeFileSync(
  path.join(OUT, 'devices.json'),
  `{"description": "Default fleet of the simulated city (device registry). Generated once by devices/tools/generate-seeds.ts; edit freely.",\n "devices": [\n${devices.map((d) => `  ${JSON.stringify(d)}`).join(',\n')}\n]}\n`,
);
const count = (t: string) => devices.filter((d) => d.type === t).length;
process.stdout.write(
  `${JSON.stringify({ cameras: count('camera'), bins: count('bin'), trucks: count('truck'), wl: count('water-level-sensor'), rain: count('rain-gauge'), tide: count('tide-gauge'), pumps: count('pump'), gates: count('sluice-gate'), routes: routes.length })}\n`,
);
