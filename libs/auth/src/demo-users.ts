import type { UserRole } from './principal';

export interface DemoUser {
  readonly username: string;
  readonly displayName: string;
  readonly role: UserRole;
}

/** Shared by every demo user; listed in the README (Demo users). Only created while the user table is empty (AUTH_DEMO_USERS). */
export const DEMO_PASSWORD = 'ioc-demo-2025';

/** One per role, and two operators (a hand-over between two consoles needs both). */
export const DEMO_USERS: readonly DemoUser[] = [
  { username: 'operator1', displayName: 'Nguyễn Thị Lan', role: 'operator' },
  { username: 'operator2', displayName: 'Trần Văn Minh', role: 'operator' },
  { username: 'supervisor1', displayName: 'Lê Hoàng Nam', role: 'supervisor' },
  { username: 'trainer1', displayName: 'Phạm Thu Hà', role: 'trainer' },
  { username: 'integrator1', displayName: 'Thạch Sô Phanh', role: 'integrator' },
  { username: 'admin1', displayName: 'Quản trị hệ thống', role: 'admin' },
];
