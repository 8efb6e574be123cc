import { draftOf, formatPoints, setTeam, toggle, traineesRequest } from './training-model';

const users = [
  { userId: 'u1', username: 'operator1', displayName: 'Lan', role: 'operator' as const },
  { userId: 'u2', username: 'operator2', displayName: 'Minh', role: 'operator' as const },
];

describe('trainee drafts', () => {
  it('picks with the team typed (or the default), renames, unpicks, and builds the request in the list order', () => {
    let d = toggle(new Map(), 'u2', ' ca-2 ');
    d = toggle(d, 'u1', '');
    expect([...d]).toEqual([
      ['u2', 'ca-2'],
      ['u1', 'default'],
    ]);
    d = setTeam(d, 'u1', 'ca-1');
    expect(setTeam(d, 'u9', 'x')).toBe(d);
    expect(traineesRequest(d, users)).toEqual({
      trainees: [
        { userId: 'u1', team: 'ca-1' },
        { userId: 'u2', team: 'ca-2' },
      ],
    });
    expect(traineesRequest(toggle(d, 'u1', ''), users)).toEqual({ trainees: [{ userId: 'u2', team: 'ca-2' }] });
  });

  it('refuses an empty or a too long team, and leaves out a saved trainee no longer a candidate', () => {
    expect(traineesRequest(new Map([['u1', '  ']]), users)).toEqual({ error: 'teamEmpty' });
    expect(traineesRequest(new Map([['u1', 'x'.repeat(61)]]), users)).toEqual({ error: 'teamLong' });
    const saved = draftOf([
      { userId: 'gone', username: 'x', displayName: 'X', team: 't', assignedBy: 'a', assignedAt: '' },
      { userId: 'u2', username: 'operator2', displayName: 'Minh', team: 't', assignedBy: 'a', assignedAt: '' },
    ]);
    expect(traineesRequest(saved, users)).toEqual({ trainees: [{ userId: 'u2', team: 't' }] });
  });

  it('signs points', () => {
    expect([formatPoints(10), formatPoints(-5), formatPoints(0)]).toEqual(['+10', '−5', '0']);
  });
});
