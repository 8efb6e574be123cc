import type { StoredIncident } from '@ioc/storage';
import { KnownIncidents } from './known-incidents';

const record = (key: string, state: StoredIncident['state'] = 'open', exercise = false) =>
  ({ id: `id-${key}-${state}`, key, exercise, state, version: 1, lastSeq: 1 }) as unknown as StoredIncident;

describe('KnownIncidents', () => {
  it('keeps the last record per key and exercise, and forgets a key once its incident is closed', () => {
    const known = new KnownIncidents();
    known.note([record('a'), record('a', 'open', true)], 5);
    expect(known.get('a', false)).toMatchObject({ id: 'id-a-open', exercise: false, updatedAt: 5 });
    expect(known.get('a', true)).toMatchObject({ exercise: true });
    known.note([record('a', 'closed')], 6);
    expect(known.get('a', false)).toBeUndefined();
    expect(known.get('a', true)).toBeDefined();
    known.read('a', true, undefined);
    expect(known.get('a', true)).toBeUndefined();
  });

  it('forgets the least recently used keys past its bound', () => {
    const known = new KnownIncidents(2);
    known.note([record('a'), record('b')], 1);
    known.get('a', false);
    known.note([record('c')], 2);
    expect([known.get('a', false)?.key, known.get('b', false)?.key, known.get('c', false)?.key]).toEqual([
      'a',
      undefined,
      'c',
    ]);
    expect(known.size).toBe(2);
  });
});
