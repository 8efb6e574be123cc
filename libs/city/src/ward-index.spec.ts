import { loadCity } from './city.loader';
import { buildTopology } from './topology';
import { WardIndex } from './ward-index';

const topology = buildTopology(loadCity());
const wards = new WardIndex(topology);

describe('WardIndex', () => {
  it('knows the ten wards', () => {
    expect([...wards.wards].sort()).toEqual(Array.from({ length: 10 }, (_, i) => `ward-p${i + 1}`).sort());
  });

  it('maps every zone kind to the wards it lies in', () => {
    expect(wards.wardsOf({ kind: 'ward', id: 'ward-p3' })).toEqual(['ward-p3']);
    expect(wards.wardsOf({ kind: 'ward', id: 'ward-p99' })).toEqual([]);
    const device = [...topology.devices.values()][0];
    expect(wards.wardsOf({ kind: 'device', id: device.id })).toEqual([device.ward]);
    const route = [...topology.routes.values()][0];
    expect(wards.wardsOf({ kind: 'route', id: route.id })).toEqual([route.ward]);
    // A catchment spans the wards of its devices: more than one for the city-centre catchment.
    const catchment = [...topology.zones.values()].find((z) => z.kind === 'catchment')!;
    const expected = [...new Set(topology.membersOf(catchment.id).map((d) => d.ward))].sort();
    expect(expected.length).toBeGreaterThan(0);
    expect(wards.wardsOf({ kind: 'catchment', id: catchment.id })).toEqual(expected);
    expect(wards.wardsOf({ kind: 'river', id: 'river-maspero' }).length).toBeGreaterThan(0);
    expect(wards.wardsOf({ kind: 'site', id: 'no-such-site' })).toEqual([]);
  });

  it('puts a zone without devices in the ward of its polygon’s centre', () => {
    const lake = [...topology.zones.values()].find((z) => z.kind === 'site' && topology.membersOf(z.id).length === 0);
    expect(lake).toBeDefined();
    expect(wards.wardsOf({ kind: 'site', id: lake!.id })).toHaveLength(1);
  });
});
