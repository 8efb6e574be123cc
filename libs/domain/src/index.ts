export * from './message-kind';
export * from './device-message';
export * from './device';
export * from './incident';
export * from './incident-lifecycle';
export * from './notification';
export * from './field-report';
export * from './incident-evolve';
