export * from './mosquitto';
export * from './database';
