import { collectDefaultMetrics, Registry } from 'prom-client';

/** One Prometheus registry per process (prom-client behind a provider); components register their own metrics. */
export const METRICS_REGISTRY = Symbol('METRICS_REGISTRY');

export function createMetricsRegistry(): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ app: 'ioc' });
  collectDefaultMetrics({ register: registry, prefix: 'ioc_' });
  return registry;
}
