import { pbkdf2Sync, randomBytes } from 'node:crypto';

/**
 * A password as Mosquitto's Dynamic Security plugin (2.0) stores it: PBKDF2-HMAC-SHA512 of the password over a random
 * 12-byte salt, 64 bytes, both base64. 101 iterations is what `mosquitto_ctrl dynsec init` and the plugin itself write;
 * the broker derives the hash again on every CONNECT on its one thread, so many more iterations would make a fleet's
 * reconnection storm expensive. The file is protected instead (0600, owned by the broker's user).
 */
export interface DynsecPasswordHash {
  readonly password: string;
  readonly salt: string;
  readonly iterations: number;
}

export const DYNSEC_ITERATIONS = 101;
const SALT_BYTES = 12;
const HASH_BYTES = 64;

export function dynsecPasswordHash(
  password: string,
  salt: Buffer = randomBytes(SALT_BYTES),
  iterations = DYNSEC_ITERATIONS,
): DynsecPasswordHash {
  return {
    password: pbkdf2Sync(password, salt, iterations, HASH_BYTES, 'sha512').toString('base64'),
    salt: salt.toString('base64'),
    iterations,
  };
}

/** A fresh random secret, 32 URL-safe characters (192 bits): broker passwords, the demo's device seed secret. */
export function randomSecret(): string {
  return randomBytes(24).toString('base64url');
}
