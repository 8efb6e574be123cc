import type { IncidentEventMessage } from '@ioc/contracts';
import type { IncidentNotification } from '@ioc/domain';
import type { IocApi } from '../api/ioc-api';
import type { AlarmCue } from '../alarm/alarm-cue';
import { RealtimeFeed, type FeedStatus } from '../realtime/realtime-feed';
import { IncidentStore, type IncidentView } from './incident-store';

export interface LiveSnapshot {
  readonly incidents: readonly IncidentView[];
  readonly status: FeedStatus;
  readonly loaded: boolean;
  /** Last seq applied (the resume point). */
  readonly lastSeq: number;
  /** Incidents whose records changed since the last snapshot (to refresh an open panel). */
  readonly revision: number;
  /** Escalations addressed to this user's role since the console opened, newest first, each once. */
  readonly notifications: readonly IncidentNotification[];
}

/** Escalation notices kept on screen. */
const MAX_NOTIFICATIONS = 20;

/** States loaded at start: the active ones plus the recently resolved (the "all states" filter shows them). */
const LOADED_STATES = ['open', 'acknowledged', 'assigned', 'resolved'];
/** A reminder beep while a critical incident stays open (unacknowledged). */
const REMINDER_MS = 60_000;

/**
 * The console's live incident set: loads the records over REST, then folds the pushed events into them
 * (IncidentStore: each change once), keeps the resume seq in sessionStorage, and sounds the alarm when an incident
 * becomes critical. Events that arrive while the first load runs wait for it.
 */
export class LiveIncidents {
  private store: IncidentStore;
  private feed?: RealtimeFeed;
  private status: FeedStatus = 'connecting';
  private loaded = false;
  private pending: IncidentEventMessage[] = [];
  private snapshot: LiveSnapshot;
  private readonly listeners = new Set<() => void>();
  private reminder?: ReturnType<typeof setInterval>;
  private notifications: IncidentNotification[] = [];

  constructor(
    private readonly api: IocApi,
    private readonly token: string,
    private readonly seqKey: string,
    private readonly alarm: AlarmCue,
  ) {
    const saved = Number(sessionStorage.getItem(seqKey));
    this.store = new IncidentStore(Number.isFinite(saved) ? saved : 0);
    this.snapshot = this.makeSnapshot(0);
  }

  start(): void {
    // Resume from the stored seq if this tab had one (a reload), else start live from now.
    const hadSeq = this.store.lastSeq > 0;
    this.feed = new RealtimeFeed(this.token, () => (hadSeq || this.loaded ? this.store.lastSeq : null), {
      events: (events) => this.onEvents(events),
      resync: (headSeq) => this.reload(headSeq),
      status: (s) => {
        this.status = s;
        this.changed();
      },
      live: (headSeq) => {
        this.store.noteSeq(headSeq);
        sessionStorage.setItem(this.seqKey, String(this.store.lastSeq));
      },
      notification: (n) => this.onNotification(n),
    });
    this.feed.start();
    void this.reload();
    this.reminder = setInterval(() => {
      if (this.store.all().some((i) => i.severity === 'critical' && i.state === 'open' && !i.exercise))
        this.alarm.beep();
    }, REMINDER_MS);
  }

  stop(): void {
    this.feed?.stop();
    if (this.reminder) clearInterval(this.reminder);
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): LiveSnapshot => this.snapshot;

  /** After an action of ours: take the server's record now rather than wait for its event. */
  async refresh(id: string): Promise<void> {
    const detail = await this.api.incident(id);
    if (this.store.upsert(detail.incident)) this.changed();
  }

  private async reload(headSeq?: number): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        const records = await this.api.incidents({ state: LOADED_STATES, limit: 500 });
        for (const r of records) this.store.upsert(r);
        break;
      } catch {
        await new Promise((r) => setTimeout(r, Math.min(10_000, 500 * 2 ** attempt)));
      }
    }
    if (headSeq !== undefined) this.store.noteSeq(headSeq);
    this.loaded = true;
    const pending = this.pending;
    this.pending = [];
    this.fold(pending);
  }

  /** An escalation for this role: shown once (a redelivery has the same id) and sounded. */
  private onNotification(n: IncidentNotification): void {
    if (this.notifications.some((x) => x.id === n.id)) return;
    this.notifications = [n, ...this.notifications].slice(0, MAX_NOTIFICATIONS);
    this.alarm.beep();
    this.changed();
  }

  /** The operator has read them. */
  dismissNotifications(): void {
    this.notifications = [];
    this.changed();
  }

  private onEvents(events: IncidentEventMessage[]): void {
    if (!this.loaded) this.pending.push(...events);
    else this.fold(events);
  }

  private fold(events: readonly IncidentEventMessage[]): void {
    let beep = false;
    for (const e of events) {
      const r = this.store.apply(e, e.incident);
      if (r.kind === 'applied' && r.becameCritical && !r.incident.exercise && !e.quiet) beep = true;
      if (r.kind === 'refetch') void this.refresh(r.incidentId).catch(() => undefined);
    }
    sessionStorage.setItem(this.seqKey, String(this.store.lastSeq));
    if (beep) this.alarm.beep();
    this.changed();
  }

  private changed(): void {
    this.snapshot = this.makeSnapshot(this.snapshot.revision + 1);
    for (const l of this.listeners) l();
  }

  private makeSnapshot(revision: number): LiveSnapshot {
    return {
      incidents: this.store.all(),
      status: this.status,
      loaded: this.loaded,
      lastSeq: this.store.lastSeq,
      revision,
      notifications: this.notifications,
    };
  }
}
