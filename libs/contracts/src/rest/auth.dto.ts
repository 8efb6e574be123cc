import { z } from 'zod';

export const LoginRequestSchema = z
  .object({
    username: z.string().min(1).max(64),
    password: z.string().min(1).max(256),
  })
  .strict();
export type LoginRequest = z.infer<typeof LoginRequestSchema>;

/** Roles of the IOC's users (the same list as @ioc/auth's USER_ROLES). */
export type ApiUserRole = 'operator' | 'supervisor' | 'trainer' | 'integrator' | 'admin';

export interface ApiUser {
  readonly userId: string;
  readonly username: string;
  readonly displayName: string;
  readonly role: ApiUserRole;
}

/** The user table's rule for usernames (lower case; the login lower-cases what is typed). */
const USERNAME = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._-]{1,63}$/, 'username: 2–64 of a–z, 0–9, ".", "_", "-", starting with a letter or digit');
const PASSWORD = z.string().min(10, 'password: at least 10 characters').max(256);
const DISPLAY_NAME = z.string().trim().min(1).max(120);
const ROLE = z.enum(['operator', 'supervisor', 'trainer', 'integrator', 'admin']);

export const CreateUserRequestSchema = z
  .object({ username: USERNAME, displayName: DISPLAY_NAME, role: ROLE, password: PASSWORD })
  .strict();
export type CreateUserRequest = z.infer<typeof CreateUserRequestSchema>;

/** Any of the three; disabling (or taking admin from) the last active admin is refused (USER_LAST_ADMIN). */
export const UpdateUserRequestSchema = z
  .object({ displayName: DISPLAY_NAME.optional(), role: ROLE.optional(), disabled: z.boolean().optional() })
  .strict()
  .refine(
    (v) => v.displayName !== undefined || v.role !== undefined || v.disabled !== undefined,
    'nothing to change: give displayName, role or disabled',
  );
export type UpdateUserRequest = z.infer<typeof UpdateUserRequestSchema>;

/** An admin sets a user's password (a forgotten one, a new user's first). */
export const SetPasswordRequestSchema = z.object({ password: PASSWORD }).strict();
export type SetPasswordRequest = z.infer<typeof SetPasswordRequestSchema>;

/** A user changes their own password. */
export const ChangePasswordRequestSchema = z
  .object({ currentPassword: z.string().min(1).max(256), newPassword: PASSWORD })
  .strict();
export type ChangePasswordRequest = z.infer<typeof ChangePasswordRequestSchema>;

/** A user as user management shows it. */
export interface ApiUserRecord extends ApiUser {
  readonly disabled: boolean;
  readonly createdAt: string;
}

export interface LoginResponse {
  /** Send as `Authorization: Bearer <token>` (REST) and in the socket handshake's `auth.token`. */
  readonly token: string;
  readonly expiresInS: number;
  readonly user: ApiUser;
}
