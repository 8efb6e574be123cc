import { SeqSet } from './socket-watcher';

describe('SeqSet', () => {
  it('tells a seq seen before from a new one, across its growth', () => {
    const seen = new SeqSet();
    expect(seen.add(1)).toBe(true);
    expect(seen.add(1)).toBe(false);
    expect(seen.add(0)).toBe(true);
    expect(seen.add(100_000)).toBe(true);
    expect(seen.add(1)).toBe(false);
    expect(seen.add(99_999)).toBe(true);
    expect(seen.add(100_000)).toBe(false);
    expect(() => seen.add(-1)).toThrow('not a seq');
  });
});
