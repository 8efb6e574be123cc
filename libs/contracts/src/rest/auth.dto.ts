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

export interface LoginResponse {
  /** Send as `Authorization: Bearer <token>` (REST) and in the socket handshake's `auth.token`. */
  readonly token: string;
  readonly expiresInS: number;
  readonly user: ApiUser;
}
