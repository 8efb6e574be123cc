export * from './errors';
export * from './clock';
export * from './config';
export * from './logger';
export * from './platform.module';
export * from './metrics';
