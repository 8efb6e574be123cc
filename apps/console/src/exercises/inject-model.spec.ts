import {
  buildInjectRequest,
  emptyInjectDraft,
  EXERCISE_INJECT_KINDS,
  hasDuration,
  INJECT_TARGETS,
  injectTargetOf,
  wardsOf,
} from './inject-model';

const exercise = { from: '2026-10-28T10:00:00.000+07:00', to: '2026-10-28T14:00:00.000+07:00' };

describe('the inject form', () => {
  it('makes each kind’s request with its target under the name the server takes', () => {
    const build = (kind: (typeof EXERCISE_INJECT_KINDS)[number], target: string) =>
      buildInjectRequest({ ...emptyInjectDraft(kind), target, text: 'ngập sâu', photoRef: 'p/1.jpg' }, exercise);
    expect(build('ward-power-cut', 'ward-p3')).toEqual({
      ok: true,
      body: { kind: 'ward-power-cut', wardId: 'ward-p3' },
    });
    expect(build('gateway-power-cut', ' gw-p3-01 ')).toEqual({
      ok: true,
      body: { kind: 'gateway-power-cut', gatewayId: 'gw-p3-01' },
    });
    expect(build('sensor-drift', 'wl-p2-003')).toEqual({
      ok: true,
      body: { kind: 'sensor-drift', deviceId: 'wl-p2-003', ratePerH: 6 },
    });
    expect(build('false-detection', 'cam-thd-002')).toEqual({
      ok: true,
      body: { kind: 'false-detection', deviceId: 'cam-thd-002', eventType: 'illegal_dumping', count: 3 },
    });
    expect(build('field-report', 'ward-p10')).toEqual({
      ok: true,
      body: { kind: 'field-report', wardId: 'ward-p10', category: 'flooding', text: 'ngập sâu', photoRef: 'p/1.jpg' },
    });
    expect(build('pump-failure', 'pump-p7-01')).toEqual({
      ok: true,
      body: { kind: 'pump-failure', deviceId: 'pump-p7-01' },
    });
  });

  it('takes a drill time within the recording and a duration, in city time', () => {
    const r = buildInjectRequest(
      { ...emptyInjectDraft('camera-dark'), target: 'cam-ph-001', at: '2026-10-28T11:30', durationMin: '45' },
      exercise,
    );
    expect(r).toEqual({
      ok: true,
      body: { kind: 'camera-dark', deviceId: 'cam-ph-001', at: '2026-10-28T11:30:00.000+07:00', durationMin: 45 },
    });
  });

  it('says every reason a draft cannot be sent', () => {
    expect(
      buildInjectRequest(
        { ...emptyInjectDraft('sensor-drift'), at: '2026-10-28T15:00', durationMin: '0', ratePerH: '500' },
        exercise,
      ),
    ).toEqual({ ok: false, errors: ['target', 'duration', 'at', 'rate'] });
    expect(buildInjectRequest({ ...emptyInjectDraft('field-report'), target: 'ward-p1' }, exercise)).toEqual({
      ok: false,
      errors: ['text', 'photo'],
    });
    expect(
      buildInjectRequest({ ...emptyInjectDraft('false-detection'), target: 'cam-1', count: '21' }, exercise),
    ).toEqual({ ok: false, errors: ['count'] });
  });

  it('knows each kind’s target and which kinds last', () => {
    expect(EXERCISE_INJECT_KINDS.every((k) => INJECT_TARGETS[k])).toBe(true);
    expect(EXERCISE_INJECT_KINDS.filter((k) => !hasDuration(k))).toEqual(['false-detection', 'field-report']);
  });

  it('names an inject’s target, and lists wards in the city’s order', () => {
    expect(injectTargetOf({ wardId: 'ward-p3', durationMin: 5 })).toBe('ward-p3');
    expect(injectTargetOf({ lat: 9.6, lon: 105.97 })).toBe('9.6000, 105.9700');
    expect(wardsOf([{ ward: 'ward-p10' }, { ward: 'ward-p2' }, { ward: null }, { ward: 'ward-p2' }])).toEqual([
      'ward-p2',
      'ward-p10',
    ]);
  });
});
