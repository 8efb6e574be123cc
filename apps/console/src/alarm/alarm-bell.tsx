import { useSyncExternalStore } from 'react';
import { useTranslation } from 'react-i18next';
import type { AlarmCue } from './alarm-cue';

/** The header's bell: rings with the critical incidents still open (their count on it), mutes and unmutes the alarm. */
export function AlarmBell({ alarm, criticalOpen }: { readonly alarm: AlarmCue; readonly criticalOpen: number }) {
  const { t } = useTranslation();
  const beeps = useSyncExternalStore(
    (l) => alarm.subscribe(l),
    () => alarm.count,
  );
  const muted = useSyncExternalStore(
    (l) => alarm.subscribe(l),
    () => alarm.isMuted,
  );
  return (
    <button
      type="button"
      className={`bell${criticalOpen ? ' ringing' : ''}${muted ? ' muted' : ''}`}
      onClick={() => alarm.setMuted(!muted)}
      title={muted ? t('header.unmute') : t('header.mute')}
      aria-label={muted ? t('header.unmute') : t('header.mute')}
      data-testid="alarm-toggle"
      data-beeps={beeps}
      data-muted={muted}
    >
      <BellIcon muted={muted} />
      {criticalOpen ? <span className="bell-count">{criticalOpen}</span> : null}
    </button>
  );
}

/** Drawn, not an emoji: no emoji font needed. */
function BellIcon({ muted }: { readonly muted: boolean }) {
  return (
    <svg
      width="20"
      height="20"
      viewBox="0 0 24 24"
      aria-hidden="true"
      fill="none"
      stroke="currentColor"
      strokeWidth="2"
      strokeLinecap="round"
      strokeLinejoin="round"
    >
      <path d="M6 8a6 6 0 0 1 12 0c0 7 3 9 3 9H3s3-2 3-9" />
      <path d="M10.3 21a1.94 1.94 0 0 0 3.4 0" />
      {muted ? <path d="M3 3l18 18" /> : null}
    </svg>
  );
}
