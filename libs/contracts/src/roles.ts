/**
 * Which user roles may do what, where the server's guard and the console's screens must agree. Admin may do
 * everything (the server's guard lets admin through every route), so it is not listed.
 */
/** Who reads incidents, and who acts on them (acknowledge, assign, comment, resolve, reopen, SOP steps). */
export const INCIDENT_READ_ROLES = ['operator', 'supervisor', 'trainer'] as const;
export const INCIDENT_ACT_ROLES = ['operator', 'supervisor'] as const;
export const SILENCE_READ_ROLES = ['operator', 'supervisor', 'trainer'] as const;
export const SILENCE_WRITE_ROLES = ['operator', 'supervisor'] as const;
/** Exercises: trainers (and supervisors) record and run them; everyone who watches incidents may see them. */
export const EXERCISE_READ_ROLES = ['operator', 'supervisor', 'trainer'] as const;
export const EXERCISE_WRITE_ROLES = ['supervisor', 'trainer'] as const;
/** Who may see the users (GET /api/v1/users); changing them is the admin's alone. */
export const USER_READ_ROLES = ['supervisor'] as const;

/** Who registers devices and gateways, issues and revokes their credentials and provisioning keys. */
export const REGISTRY_ROLES = ['integrator'] as const;

/** Whether `role` may do what `allowed` lists (admin always may). */
export function roleMay(role: string, allowed: readonly string[]): boolean {
  return role === 'admin' || allowed.includes(role);
}
