export * from './mosquitto';
export * from './factories';
export * from './server';
export * from './database';
export * from './project-root';
export * from './redis';
export * from './tcp-proxy';
export * from './stack';
