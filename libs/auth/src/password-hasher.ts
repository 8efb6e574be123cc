import { hash, verify } from '@node-rs/argon2';

/** Password hashing behind a provider (argon2id; tests may use a cheaper one). */
export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(hash: string, password: string): Promise<boolean>;
}

export const PASSWORD_HASHER = Symbol('PASSWORD_HASHER');

/** argon2id with the library's defaults (19 MiB, 2 passes: OWASP's minimum recommendation). */
export const argon2Hasher: PasswordHasher = {
  hash: (password) => hash(password),
  verify: (h, password) => verify(h, password).catch(() => false),
};
