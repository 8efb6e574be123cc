// The server's own schema (Node-side, zod): the spec checks the form against it; the bundle never imports it.
import { MAX_SILENCE_MS as SERVER_MAX, SilenceRequestSchema } from '@ioc/contracts';
import {
  activeSilences,
  buildSilenceRequest,
  cityIso,
  cityLocalInput,
  emptyDraft,
  MAX_SILENCE_MS,
  parseCityLocal,
  silenceStatus,
  sortSilences,
  type SilenceDraft,
} from './silence-form';

describe('silence form', () => {
  const now = Date.parse('2026-11-21T10:00:00Z'); // 17:00 in Sóc Trăng
  const draft = (over: Partial<SilenceDraft>): SilenceDraft => ({
    ...emptyDraft(),
    comment: 'thử nghiệm cảm biến',
    ...over,
  });

  it('keeps the server’s longest silence', () => {
    expect(MAX_SILENCE_MS).toBe(SERVER_MAX);
  });

  it('builds a request the server’s schema accepts, ending after the preset from now, with an offset', () => {
    const r = buildSilenceRequest(
      draft({ type: 'bin-fire', zoneId: 'ward-p10', duration: '4h', comment: '  đang sửa cảm biến  ' }),
      now,
    );
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.body).toEqual({
      matchers: { type: 'bin-fire', zoneId: 'ward-p10' },
      endsAt: '2026-11-21T21:00:00.000+07:00',
      comment: 'đang sửa cảm biến',
    });
    expect(Date.parse(r.body.endsAt)).toBe(now + 4 * 3_600_000);
    const parsed = SilenceRequestSchema.safeParse(r.body);
    expect(parsed.success).toBe(true);
    // A zone alone, a type alone: each is enough.
    expect(buildSilenceRequest(draft({ zoneId: 'ward-p1' }), now)).toMatchObject({
      ok: true,
      body: { matchers: { zoneId: 'ward-p1' } },
    });
    expect(buildSilenceRequest(draft({ type: 'congestion' }), now)).toMatchObject({
      ok: true,
      body: { matchers: { type: 'congestion' } },
    });
  });

  it('stays within 7 days on the 7-day preset', () => {
    const r = buildSilenceRequest(draft({ type: 'bin-fire', duration: '7d' }), now);
    expect(r.ok && Date.parse(r.body.endsAt) - now).toBeLessThan(MAX_SILENCE_MS);
    expect(r.ok && Date.parse(r.body.endsAt) - now).toBeGreaterThan(MAX_SILENCE_MS - 5_000);
  });

  it('refuses what the server refuses: no matcher, a short comment, an end time missing, past or too far', () => {
    expect(buildSilenceRequest(draft({ comment: 'ab ' }), now)).toEqual({
      ok: false,
      errors: ['noMatcher', 'commentShort'],
    });
    expect(
      SilenceRequestSchema.safeParse({ matchers: {}, endsAt: cityIso(now + 3_600_000), comment: 'ab' }).success,
    ).toBe(false);
    expect(buildSilenceRequest(draft({ type: 'bin-fire', comment: 'x'.repeat(1001) }), now)).toEqual({
      ok: false,
      errors: ['commentLong'],
    });
    expect(buildSilenceRequest(draft({ type: 'bin-fire', duration: 'until', until: '' }), now)).toEqual({
      ok: false,
      errors: ['endMissing'],
    });
    expect(buildSilenceRequest(draft({ type: 'bin-fire', duration: 'until', until: '2026-11-21T16:59' }), now)).toEqual(
      { ok: false, errors: ['endInPast'] },
    );
    expect(buildSilenceRequest(draft({ type: 'bin-fire', duration: 'until', until: '2026-11-28T17:01' }), now)).toEqual(
      { ok: false, errors: ['tooLong'] },
    );
  });

  it('reads the end time in city time (UTC+7) whatever the browser’s zone', () => {
    expect(parseCityLocal('2026-11-21T18:30')).toBe(Date.parse('2026-11-21T11:30:00Z'));
    expect(parseCityLocal('soon')).toBeNaN();
    expect(cityLocalInput(Date.parse('2026-11-21T11:30:00Z'))).toBe('2026-11-21T18:30');
    const r = buildSilenceRequest(draft({ zoneId: 'ward-p3', duration: 'until', until: '2026-11-22T07:00' }), now);
    expect(r).toMatchObject({ ok: true, body: { endsAt: '2026-11-22T07:00:00.000+07:00' } });
  });
});

describe('silence list', () => {
  const now = Date.parse('2026-11-21T10:00:00Z');
  const at = (min: number) => new Date(now + min * 60_000).toISOString();
  const s = (id: string, from: number, to: number) => ({ id, startsAt: at(from), endsAt: at(to) });

  it('grades silences by their times and lists active, upcoming, then ended, newest first within each', () => {
    expect(silenceStatus(s('a', -10, 10), now)).toBe('active');
    expect(silenceStatus(s('u', 5, 10), now)).toBe('upcoming');
    expect(silenceStatus(s('e', -10, 0), now)).toBe('ended');
    const list = [s('e1', -60, -1), s('a1', -5, 60), s('u1', 30, 90), s('a2', -50, 5), s('e2', -90, -30)];
    expect(sortSilences(list, now).map((x) => x.id)).toEqual(['a1', 'a2', 'u1', 'e1', 'e2']);
    expect(activeSilences(list, now).map((x) => x.id)).toEqual(['a1', 'a2']);
    expect(activeSilences(undefined, now)).toEqual([]);
  });
});
