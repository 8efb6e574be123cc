import { Registry } from 'prom-client';
import type { QuarantinedMessage } from '@ioc/domain';
import { createIngestMetrics } from './ingest-metrics';

describe('createIngestMetrics', () => {
  it('counts quarantined messages by code, every code present from the start', async () => {
    const registry = new Registry();
    const observe = createIngestMetrics(
      registry,
      () => 0,
      () => 2,
    );
    const series = async () => (await registry.metrics()).split('\n');
    expect(await series()).toContain('ioc_ingest_quarantined_total{code="RATE_LIMITED"} 0');
    const limited = { code: 'RATE_LIMITED' } as QuarantinedMessage;
    observe({ units: 2, accepted: 1, stored: 1, duplicates: 0, quarantined: [limited, limited], seconds: 0.01 });
    expect(await series()).toEqual(
      expect.arrayContaining([
        'ioc_ingest_quarantined_total{code="RATE_LIMITED"} 2',
        'ioc_ingest_quarantined_total{code="GATEWAY_DEVICE_NOT_ASSIGNED"} 0',
        'ioc_ingest_messages_total{outcome="quarantined"} 2',
      ]),
    );
  });
});
