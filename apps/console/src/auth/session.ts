import type { ApiUser, LoginResponse } from '@ioc/contracts';

/** The signed-in operator of this tab: sessionStorage, so a reload keeps it and two tabs can be two operators. */
export interface Session {
  readonly token: string;
  readonly user: ApiUser;
  readonly expiresAt: number;
}

const KEY = 'ioc.session';

export function loadSession(now = Date.now()): Session | undefined {
  try {
    const s = JSON.parse(sessionStorage.getItem(KEY) ?? 'null') as Session | null;
    return s && s.expiresAt > now ? s : undefined;
  } catch {
    return undefined;
  }
}

export function saveSession(res: LoginResponse, now = Date.now()): Session {
  const s: Session = { token: res.token, user: res.user, expiresAt: now + res.expiresInS * 1000 };
  sessionStorage.setItem(KEY, JSON.stringify(s));
  return s;
}

export function clearSession(): void {
  sessionStorage.removeItem(KEY);
  for (const k of Object.keys(sessionStorage)) if (k.startsWith('ioc.lastSeq.')) sessionStorage.removeItem(k);
}

/** The resume point of the incident feed, per user. */
export const lastSeqKey = (userId: string) => `ioc.lastSeq.${userId}`;
