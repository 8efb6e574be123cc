import type { IncidentNotification, Notifier, StoredIncidentEvent } from '@ioc/domain';
import { IncidentError } from '../incident.errors';
import type { IncidentChange } from '../incident.service';
import { AuditedNotifier } from './lifecycle-escalation.port';

const notification = { id: 'n-1', incidentId: 'inc-1', level: 1 } as IncidentNotification;
const escalated = {
  seq: 7,
  incidentId: 'inc-1',
  type: 'escalated',
  data: { level: 1 },
} as unknown as StoredIncidentEvent;
const inner = (): Notifier & { deliver: jest.Mock } => ({
  deliver: jest.fn(async () => ({ ref: 'r-1', duplicate: false })),
});

describe('AuditedNotifier', () => {
  it('delivers, records the level, then hands the escalated event to the sockets', async () => {
    const notifier = inner();
    const incidents = {
      escalate: jest.fn(async () => ({ incidents: [], events: [escalated] }) as unknown as IncidentChange),
    };
    const published = jest.fn(async () => undefined);
    await expect(new AuditedNotifier(notifier, incidents, published).deliver(notification)).resolves.toEqual({
      ref: 'r-1',
      duplicate: false,
    });
    expect(notifier.deliver).toHaveBeenCalledWith(notification);
    expect(incidents.escalate).toHaveBeenCalledWith('inc-1', 1);
    expect(published).toHaveBeenCalledWith([escalated]);
  });

  it('publishes nothing for a level already recorded, nor for an incident resolved meanwhile', async () => {
    const published = jest.fn(async () => undefined);
    const already = { escalate: jest.fn(async () => ({ incidents: [], events: [] }) as unknown as IncidentChange) };
    await new AuditedNotifier(inner(), already, published).deliver(notification);
    const resolved = {
      escalate: jest.fn(async () => Promise.reject(new IncidentError('INCIDENT_INVALID_TRANSITION', 'resolved'))),
    };
    await expect(new AuditedNotifier(inner(), resolved, published).deliver(notification)).resolves.toMatchObject({
      ref: 'r-1',
    });
    expect(published).not.toHaveBeenCalled();
  });

  it('does not fail the delivery when the stream append fails (the gateway reads the event from the database)', async () => {
    const incidents = {
      escalate: jest.fn(async () => ({ incidents: [], events: [escalated] }) as unknown as IncidentChange),
    };
    const published = jest.fn(async () => Promise.reject(new Error('redis down')));
    await expect(new AuditedNotifier(inner(), incidents, published).deliver(notification)).resolves.toMatchObject({
      ref: 'r-1',
    });
  });
});
