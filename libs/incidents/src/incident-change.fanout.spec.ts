import pino from 'pino';
import type { StoredIncidentEvent } from '@ioc/domain';
import type { IncidentEventStream, IncidentEventTap } from '@ioc/queue';
import type { EscalationService } from './escalation/escalation.service';
import { IncidentChangeFanout } from './incident-change.fanout';
import type { IncidentChange } from './incident.service';

function fanout() {
  const tapped: StoredIncidentEvent[][] = [];
  const published: StoredIncidentEvent[][] = [];
  const timers: string[] = [];
  const f = new IncidentChangeFanout(
    { publish: async (e: StoredIncidentEvent[]) => void published.push(e) } as unknown as IncidentEventStream,
    { emit: (e: StoredIncidentEvent[]) => void tapped.push(e) } as unknown as IncidentEventTap,
    {
      schedule: async (id: string) => void timers.push(`schedule ${id}`),
      cancel: async (id: string) => void timers.push(`cancel ${id}`),
    } as unknown as EscalationService,
    pino({ level: 'silent' }),
  );
  return { f, tapped, published, timers };
}

const opened = {
  seq: 7,
  version: 1,
  incidentId: 'i-1',
  at: 1_000,
  actor: 'system',
  type: 'opened',
  data: {},
} as unknown as StoredIncidentEvent;
const change = { events: [opened], incidents: [] } as unknown as IncidentChange;

describe('IncidentChangeFanout', () => {
  it('pushes a change to the sockets as it is and plans its escalation', async () => {
    const x = fanout();
    await x.f.changed(change);
    expect(x.tapped).toEqual([[opened]]);
    expect(x.published).toEqual([[opened]]);
    expect(x.timers).toEqual(['schedule i-1']);
  });

  it('pushes a change quietly flagged, with no escalation: a seek skipped it, nobody is to be alerted', async () => {
    const x = fanout();
    await x.f.quietly(change);
    expect(x.tapped).toEqual([[{ ...opened, quiet: true }]]);
    expect(x.published).toEqual([[{ ...opened, quiet: true }]]);
    expect(x.timers).toEqual([]);
  });
});
