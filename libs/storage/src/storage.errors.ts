import { IocError } from '@ioc/platform';

/** Codes the storage layer raises. */
export const STORAGE_ERROR_CODES = ['DB_UNAVAILABLE', 'DB_MIGRATION_FAILED', 'STORAGE_WRITE_FAILED'] as const;
export type StorageErrorCode = (typeof STORAGE_ERROR_CODES)[number];

export class StorageError extends IocError<StorageErrorCode> {}
