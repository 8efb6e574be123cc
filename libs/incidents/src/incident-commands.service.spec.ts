import pino from 'pino';
import type { StoredIncidentEvent } from '@ioc/domain';
import { IncidentEventTap, type IncidentEventStream } from '@ioc/queue';
import type { EscalationService } from './escalation/escalation.service';
import { IncidentChangeFanout } from './incident-change.fanout';
import { IncidentCommandService } from './incident-commands.service';
import type { IncidentChange, IncidentService } from './incident.service';
import { ExerciseAccessService } from './exercise-access/exercise-access.service';
import type { StoredIncident } from '@ioc/storage';

const ID = '0b7f3c2e-6a51-4a8e-9f3e-1d2c3b4a5e6f';
const event = (type: StoredIncidentEvent['type'], seq: number) =>
  ({ incidentId: ID, at: 1, actor: 'u1', type, data: {}, seq, version: seq }) as unknown as StoredIncidentEvent;

/** Incident ids → key and exercise flag; trainee u-t trains in the exercise `exercise-aaaaaaaa/`. */
const STORED: Record<string, Pick<StoredIncident, 'id' | 'key' | 'exercise'>> = {
  [ID]: { id: ID, key: 'flood:ward-p2', exercise: false },
  'ex-a': { id: 'ex-a', key: 'exercise-aaaaaaaa/flood:ward-p2', exercise: true },
  'ex-b': { id: 'ex-b', key: 'exercise-bbbbbbbb/flood:ward-p2', exercise: true },
};

function setup(result: (method: string, args: unknown[]) => IncidentChange, opts: { publishFails?: boolean } = {}) {
  const calls: Array<[string, ...unknown[]]> = [];
  const incidents = new Proxy({} as IncidentService, {
    get:
      (_, method: string) =>
      async (...args: unknown[]) => {
        calls.push([method, ...args]);
        return result(method, args);
      },
  });
  const published: StoredIncidentEvent[][] = [];
  const stream = {
    publish: async (events: StoredIncidentEvent[]) => {
      if (opts.publishFails) throw new Error('redis down');
      published.push(events);
      return '1-0';
    },
  } as unknown as IncidentEventStream;
  const timers: string[] = [];
  const escalation = {
    cancel: async (id: string) => (timers.push(`cancel ${id}`), true),
    schedule: async (id: string) => (timers.push(`schedule ${id}`), undefined),
  } as unknown as EscalationService;
  const local = new IncidentEventTap();
  const delivered: Array<readonly StoredIncidentEvent[]> = [];
  local.subscribe((events) => delivered.push(events));
  return {
    service: new IncidentCommandService(
      incidents,
      new IncidentChangeFanout(stream, local, escalation, pino({ level: 'silent' })),
      new ExerciseAccessService(
        {
          assignmentsOf: async (userId: string) =>
            userId === 'u-t' ? [{ exerciseId: 'e-a', keyPrefix: 'exercise-aaaaaaaa/' }] : [],
        },
        { now: () => new Date(0), nowMs: () => 0 },
      ),
      { findById: async (id: string) => STORED[id] as StoredIncident | undefined },
    ),
    calls,
    published,
    delivered,
    timers,
  };
}

const change = (...events: StoredIncidentEvent[]): IncidentChange => ({ events, incidents: [] });

describe('IncidentCommandService', () => {
  it('acknowledges as the user, publishes the committed events and cancels the escalation', async () => {
    const h = setup(() => change(event('acknowledged', 7)));
    await h.service.execute({ action: 'acknowledge', incidentId: ID, by: 'u1', role: 'supervisor' });
    expect(h.calls).toEqual([['acknowledge', ID, 'u1']]);
    expect(h.published).toEqual([[event('acknowledged', 7)]]);
    // This process's sockets get them without the Redis round trip.
    expect(h.delivered).toEqual([[event('acknowledged', 7)]]);
    expect(h.timers).toEqual([`cancel ${ID}`]);
  });

  it('maps every command to the lifecycle with its arguments', async () => {
    const h = setup(() => change(event('commented', 1)));
    await h.service.execute({ action: 'assign', incidentId: ID, by: 'u1', role: 'supervisor', assignee: 'waste-team' });
    await h.service.execute({ action: 'comment', incidentId: ID, by: 'u1', role: 'supervisor', text: 'hi' });
    await h.service.execute({ action: 'resolve', incidentId: ID, by: 'u1', role: 'supervisor', note: 'done' });
    await h.service.execute({ action: 'reopen', incidentId: ID, by: 'u2', role: 'supervisor', reason: 'again' });
    await h.service.execute({ action: 'close', incidentId: ID, by: 'u2', role: 'supervisor' });
    await h.service.execute({
      action: 'complete-sop-step',
      incidentId: ID,
      by: 'u1',
      role: 'supervisor',
      stepId: 'confirm',
      note: 'ok',
    });
    expect(h.calls).toEqual([
      ['assign', ID, 'waste-team', 'u1'],
      ['comment', ID, 'hi', 'u1'],
      ['resolve', ID, 'u1', 'done'],
      ['reopen', ID, 'u2', 'again'],
      ['close', ID, 'u2'],
      ['completeSopStep', ID, 'confirm', 'u1', 'ok'],
    ]);
  });

  it('plans the escalation again on a reopen, and leaves timers alone for a comment', async () => {
    const reopen = setup(() => change(event('reopened', 3)));
    await reopen.service.execute({ action: 'reopen', incidentId: ID, by: 'u1', role: 'supervisor' });
    expect(reopen.timers).toEqual([`schedule ${ID}`]);
    const comment = setup(() => change(event('commented', 4)));
    await comment.service.execute({ action: 'comment', incidentId: ID, by: 'u1', role: 'supervisor', text: 'x' });
    expect(comment.timers).toEqual([]);
  });

  it('publishes nothing when nothing changed, and keeps a committed change when the stream is down', async () => {
    const none = setup(() => change());
    await none.service.execute({ action: 'acknowledge', incidentId: ID, by: 'u1', role: 'supervisor' });
    expect(none.published).toEqual([]);
    expect(none.timers).toEqual([]);
    const down = setup(() => change(event('acknowledged', 9)), { publishFails: true });
    await expect(
      down.service.execute({ action: 'acknowledge', incidentId: ID, by: 'u1', role: 'supervisor' }),
    ).resolves.toEqual(change(event('acknowledged', 9)));
    expect(down.timers).toEqual([`cancel ${ID}`]);
  });

  it('lets lifecycle errors through (the HTTP edge maps their codes)', async () => {
    const h = setup(() => {
      throw Object.assign(new Error('no'), { code: 'INCIDENT_INVALID_TRANSITION' });
    });
    await expect(
      h.service.execute({ action: 'close', incidentId: ID, by: 'u1', role: 'supervisor' }),
    ).rejects.toMatchObject({
      code: 'INCIDENT_INVALID_TRANSITION',
    });
    expect(h.published).toEqual([]);
  });

  it('lets a trainee act only on the incidents of their own exercise, and live ones', async () => {
    const h = setup(() => change(event('acknowledged', 1)));
    const ack = (incidentId: string, by = 'u-t', role = 'operator') =>
      h.service.execute({ action: 'acknowledge', incidentId, by, role });
    await ack('ex-a');
    await ack(ID);
    await expect(ack('ex-b')).rejects.toMatchObject({ code: 'EXERCISE_NOT_ASSIGNED' });
    await expect(ack('ex-a', 'u-other')).rejects.toMatchObject({ code: 'EXERCISE_NOT_ASSIGNED' });
    await expect(ack('missing')).rejects.toMatchObject({ code: 'INCIDENT_NOT_FOUND' });
    // A supervisor (or a trainer's demonstration by an admin) acts on every exercise.
    await ack('ex-b', 'u-s', 'supervisor');
    expect(h.calls).toEqual([
      ['acknowledge', 'ex-a', 'u-t'],
      ['acknowledge', ID, 'u-t'],
      ['acknowledge', 'ex-b', 'u-s'],
    ]);
  });
});
