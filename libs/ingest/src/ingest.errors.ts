import { IocError } from '@ioc/platform';

/** Codes of the ingest role, which holds the server's connections to the MQTT broker. */
export const INGEST_ERROR_CODES = ['MQTT_UNAVAILABLE'] as const;
export type IngestErrorCode = (typeof INGEST_ERROR_CODES)[number];

export class IngestError extends IocError<IngestErrorCode> {}
