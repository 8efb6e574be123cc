/**
 * `@ioc/contracts` as the browser sees it (vite and tsconfig alias it here): the socket.io contract, which is pure, and
 * the REST DTO types. The package's index also holds the MQTT schemas and their validators (ajv, typebox), which have
 * no place in the console's bundle.
 */
export * from '../../../libs/contracts/src/realtime';
export * from '../../../libs/contracts/src/roles';
export * from '../../../libs/contracts/src/silence-limits';
export type * from '../../../libs/contracts/src/rest';
