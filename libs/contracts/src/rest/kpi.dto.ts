import { z } from 'zod';
import { isoTime } from './common.dto';

export const KpiQuerySchema = z
  .object({
    /** Window start for MTTA/MTTR and bins emptied on time (default: 24 h before `to`). */
    from: isoTime.optional(),
    /** Window end (default: now). */
    to: isoTime.optional(),
  })
  .strict();
export type KpiQuery = z.infer<typeof KpiQuerySchema>;

/**
 * The IOC's clock (CLOCK): the system's, or a scenario's (IOC_CLOCK_START, IOC_CLOCK_SPEED) that the engine, timers,
 * escalations, SOP deadlines and KPIs all follow. A client runs it on from `now` at `speed` (clock ms per real ms).
 */
export interface IocClockReading {
  /** The IOC's time when the answer was made. */
  readonly now: string;
  /** Clock milliseconds per real millisecond: 1 on the system clock. */
  readonly speed: number;
  /** True when the IOC runs on a scenario clock (IOC_CLOCK_START is set), not the system's. */
  readonly scenario: boolean;
}

export interface KpiReport {
  /** The IOC's time when the report was started (its window ends here by default). */
  readonly at: string;
  readonly window: { readonly from: string; readonly to: string };
  /** Live incidents not yet resolved (open, acknowledged, assigned), per incident domain, and per severity. */
  readonly activeIncidents: {
    readonly total: number;
    readonly byDomain: Readonly<Record<string, number>>;
    readonly bySeverity: Readonly<Record<string, number>>;
  };
  /** Street water-level sensors whose latest reading (at most `freshWithinS` old) is at or above their catchment's warning level. */
  readonly floodSensorsOverWarning: {
    readonly over: number;
    readonly reporting: number;
    readonly total: number;
    readonly freshWithinS: number;
    readonly deviceIds: readonly string[];
  };
  /** Share of cameras heard from within `seenWithinS`. */
  readonly cameraUptime: {
    readonly online: number;
    readonly total: number;
    readonly ratio: number | null;
    readonly seenWithinS: number;
  };
  /** Scheduled bin collections (route shift × bin) whose deadline fell in the window, and those picked up between shift start and deadline. */
  readonly binsEmptiedOnTime: {
    readonly scheduled: number;
    readonly onTime: number;
    readonly ratio: number | null;
    readonly target: number;
    readonly meetsTarget: boolean | null;
  };
  /** Mean time to acknowledge / resolve of live incidents opened in the window, ms. */
  readonly mtta: { readonly ms: number | null; readonly acknowledged: number; readonly opened: number };
  readonly mttr: { readonly ms: number | null; readonly resolved: number; readonly opened: number };
  /** The IOC's clock, for the console's header (scenario time when the IOC runs on one). */
  readonly clock: IocClockReading;
}
