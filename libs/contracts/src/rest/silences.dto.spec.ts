import { SilenceRequestSchema } from './silences.dto';

const ok = {
  matchers: { type: 'bin-fire', zoneId: 'ward-p10' },
  endsAt: '2026-11-21T12:00:00+07:00',
  comment: 'pump station maintenance',
};

describe('SilenceRequestSchema', () => {
  it('accepts matchers, an end and a reason; the start defaults later to now', () => {
    const r = SilenceRequestSchema.safeParse(ok);
    expect(r.success).toBe(true);
    expect(r.data?.endsAt).toEqual(new Date('2026-11-21T05:00:00.000Z'));
  });

  it.each([
    ['no matcher', { ...ok, matchers: {} }, 'at least one matcher'],
    ['an unknown incident type', { ...ok, matchers: { type: 'alien-landing' } }, 'type'],
    ['an unknown field', { ...ok, everything: true }, 'everything'],
    ['an end before the start', { ...ok, startsAt: '2026-11-21T13:00:00+07:00' }, 'after startsAt'],
    ['more than 7 days', { ...ok, startsAt: '2026-11-01T00:00:00+07:00' }, '7 days'],
    ['no reason', { ...ok, comment: ' ' }, 'comment'],
    ['a time without offset', { ...ok, endsAt: '2026-11-21 12:00' }, 'endsAt'],
  ])('refuses %s with a reason', (_what, body, reason) => {
    const r = SilenceRequestSchema.safeParse(body);
    expect(r.success).toBe(false);
    expect(JSON.stringify(r.error?.issues)).toContain(reason);
  });
});
