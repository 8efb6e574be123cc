import { randomUUID } from 'node:crypto';
import { openTestDatabase, STORAGE_PATHS, type TestDatabase } from '@ioc/testing';
import { SilenceRepository, type Database } from '@ioc/storage';

jest.setTimeout(60_000);

const T0 = Date.parse('2026-11-21T03:00:00.000Z');
const at = (min: number) => new Date(T0 + min * 60_000);

describe.each(STORAGE_PATHS)('silences (%s)', (path) => {
  let opened: TestDatabase | undefined;
  let db: Database;

  beforeAll(async () => {
    opened = await openTestDatabase(path);
    db = opened.db;
  });

  afterAll(() => opened?.close());

  it('keeps silences with their matchers, lists those in force, and ends one early with who did it', async () => {
    const repo = new SilenceRepository(db);
    const tag = randomUUID().slice(0, 8);
    const long = await repo.create({
      id: randomUUID(),
      matchers: { type: 'bin-fire', zoneId: `ward-${tag}` },
      startsAt: at(0),
      endsAt: at(60),
      comment: 'bảo trì',
      createdBy: 'u-1',
    });
    const short = await repo.create({
      id: randomUUID(),
      matchers: { key: `congestion:${tag}` },
      startsAt: at(0),
      endsAt: at(10),
      comment: 'festival',
      createdBy: 'u-2',
    });
    expect(long).toMatchObject({
      matchers: { type: 'bin-fire', zoneId: `ward-${tag}` },
      endsAt: at(60),
      expiredBy: null,
    });
    expect(long.matchers).not.toHaveProperty('key');

    const inForce = async (min: number) =>
      (await repo.inForce(at(min))).map((s) => s.id).filter((id) => id === long.id || id === short.id);
    expect(await inForce(5)).toEqual([short.id, long.id]);
    expect(await inForce(30)).toEqual([long.id]);

    const ended = await repo.expire(long.id, 'u-3', at(20));
    expect(ended).toMatchObject({ endsAt: at(20), expiredBy: 'u-3', expiredAt: at(20) });
    expect(await inForce(30)).toEqual([]);
    // Expiring again never lengthens it; an unknown id is undefined.
    expect((await repo.expire(long.id, 'u-4', at(50)))?.endsAt).toEqual(at(20));
    expect(await repo.expire(randomUUID(), 'u-3', at(20))).toBeUndefined();
  });

  it('refuses a silence without matcher or ending before it starts', async () => {
    const repo = new SilenceRepository(db);
    await expect(
      repo.create({ id: randomUUID(), matchers: {}, startsAt: at(0), endsAt: at(5), comment: 'x', createdBy: 'u' }),
    ).rejects.toMatchObject({ code: '23514' });
    await expect(
      repo.create({
        id: randomUUID(),
        matchers: { type: 'bin-fire' },
        startsAt: at(5),
        endsAt: at(5),
        comment: 'x',
        createdBy: 'u',
      }),
    ).rejects.toMatchObject({ code: '23514' });
  });
});
