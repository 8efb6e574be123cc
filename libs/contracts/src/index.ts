export * from './topics';
export * from './schemas';
export * from './validation';
export * from './events';
export * from './asyncapi';
export * from './realtime';
export * from './rest';
export * from './device-message-wire';
