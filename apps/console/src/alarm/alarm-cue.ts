/**
 * The audible cue for critical incidents: a short two-tone beep made with the Web Audio API (no sound file to fetch).
 * Muting is remembered on this browser. Browsers only let a page play sound after a user gesture; signing in is one.
 */
const MUTE_KEY = 'ioc.alarmMuted';

export class AlarmCue {
  private ctx?: AudioContext;
  private muted = localStorage.getItem(MUTE_KEY) === '1';
  /** Beeps played (or due while muted): shown on the bell so the cue is visible too, and checked by the browser tests. */
  count = 0;
  private readonly listeners = new Set<() => void>();

  get isMuted(): boolean {
    return this.muted;
  }

  setMuted(muted: boolean): void {
    this.muted = muted;
    localStorage.setItem(MUTE_KEY, muted ? '1' : '0');
    this.emit();
  }

  /** Call from a user gesture (sign-in, a click) so that later beeps may play. */
  unlock(): void {
    try {
      this.ctx ??= new AudioContext();
      void this.ctx.resume();
    } catch {
      // No audio device: the cue stays visible only.
    }
  }

  beep(): void {
    this.count += 1;
    this.emit();
    if (this.muted) return;
    try {
      this.ctx ??= new AudioContext();
      const ctx = this.ctx;
      const t0 = ctx.currentTime;
      for (const [i, freq] of [880, 660, 880].entries()) {
        const osc = ctx.createOscillator();
        const gain = ctx.createGain();
        osc.type = 'square';
        osc.frequency.value = freq;
        const start = t0 + i * 0.18;
        gain.gain.setValueAtTime(0.0001, start);
        gain.gain.exponentialRampToValueAtTime(0.2, start + 0.02);
        gain.gain.exponentialRampToValueAtTime(0.0001, start + 0.15);
        osc.connect(gain).connect(ctx.destination);
        osc.start(start);
        osc.stop(start + 0.16);
      }
    } catch {
      // No audio device: the banner and the bell still show it.
    }
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(): void {
    for (const l of this.listeners) l();
  }
}
