import { useEffect, useMemo, useSyncExternalStore } from 'react';
import { AlarmCue } from '../alarm/alarm-cue';
import type { IocApi } from '../api/ioc-api';
import { lastSeqKey, type Session } from '../auth/session';
import { LiveIncidents } from './live-incidents';

/**
 * The session's live incident feed (socket.io, not REST: no query cache) and its alarm, started while mounted.
 * `onLogout(true)` when the socket's handshake refuses the session (its user disabled, or no longer allowed to
 * watch), as a refused REST call does.
 */
export function useLiveIncidents(api: IocApi, session: Session, onLogout: (byServer: boolean) => void) {
  const alarm = useMemo(() => new AlarmCue(), []);
  const live = useMemo(
    () => new LiveIncidents(api, session.token, lastSeqKey(session.user.userId), alarm),
    [api, session, alarm],
  );
  useEffect(() => {
    live.start();
    const unlock = () => alarm.unlock();
    document.addEventListener('pointerdown', unlock, { once: true });
    return () => {
      live.stop();
      document.removeEventListener('pointerdown', unlock);
    };
  }, [live, alarm]);
  const snap = useSyncExternalStore(live.subscribe, live.getSnapshot);
  useEffect(() => {
    if (snap.status === 'unauthorised') onLogout(true);
  }, [snap.status, onLogout]);
  return { alarm, live, snap };
}
