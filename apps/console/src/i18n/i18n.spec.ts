import { DEVICE_TYPES, INCIDENT_DOMAIN_NAMES, INCIDENT_STATES, INCIDENT_TYPES, SEVERITIES } from '@ioc/domain';
import { en } from './en';
import { vi } from './vi';

const keys = (o: object, prefix = ''): string[] =>
  Object.entries(o).flatMap(([k, v]) =>
    typeof v === 'object' && v !== null ? keys(v as object, `${prefix}${k}.`) : [`${prefix}${k}`],
  );

describe('console messages', () => {
  it('has the same keys in Vietnamese and English, none empty', () => {
    expect(keys(en).sort()).toEqual(keys(vi).sort());
    for (const lang of [vi, en])
      for (const k of keys(lang))
        expect(k.split('.').reduce<unknown>((o, p) => (o as Record<string, unknown>)[p], lang)).not.toBe('');
  });

  it('names every incident type, severity, state, domain and device type of the domain model in both languages', () => {
    for (const lang of [vi, en]) {
      expect(Object.keys(lang.incidentType).sort()).toEqual([...INCIDENT_TYPES].sort());
      expect(Object.keys(lang.severity).sort()).toEqual([...SEVERITIES].sort());
      expect(Object.keys(lang.state).sort()).toEqual([...INCIDENT_STATES].sort());
      expect(Object.keys(lang.domain).sort()).toEqual([...INCIDENT_DOMAIN_NAMES].sort());
      expect(Object.keys(lang.deviceType).sort()).toEqual([...DEVICE_TYPES].sort());
    }
  });
});
