/** Who may use the IOC: every REST call and socket connection acts as one authenticated principal with one role. */
export const USER_ROLES = ['operator', 'supervisor', 'trainer', 'integrator', 'admin'] as const;
export type UserRole = (typeof USER_ROLES)[number];

export interface Principal {
  readonly userId: string;
  readonly username: string;
  readonly displayName: string;
  readonly role: UserRole;
}

export function isUserRole(v: unknown): v is UserRole {
  return typeof v === 'string' && (USER_ROLES as readonly string[]).includes(v);
}

/** Usernames are compared trimmed and in lower case (sign-in, the throttle's count). */
export function normalUsername(username: string): string {
  return username.trim().toLowerCase();
}
