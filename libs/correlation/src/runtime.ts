import type { IncidentSignal, ZoneKind, ZoneRef } from '@ioc/domain';
import type { EngineEvent, EngineEventKind } from './event';
import type { Rule, ZoneSelector } from './rule.types';
import type { TimerTarget } from './timer-heap';
import type { DeviceNode, Topology } from '@ioc/city';
import type { World } from './world';
import type { Alarm } from './alarm';

/** What the engine offers the detectors and alarm books (one instance per engine). */
export interface Runtime {
  readonly topology: Topology;
  readonly world: World;
  /** Event time being processed (an event's ts or a timer's due time). */
  readonly now: number;
  /** When the engine started watching (absence patterns measure from here at the earliest). */
  readonly startedAt: number;
  /** Whether this device's absence is judged (EngineOptions.watchedDevices). */
  watched(deviceId: string): boolean;
  schedule(due: number, target: TimerTarget, arg: string): void;
  emit(signal: IncidentSignal): void;
  /** End of the silence covering this incident, or undefined. */
  silencedUntil(rule: Rule, key: string, zone: ZoneRef): number | undefined;
  /** Called when an alarm is raised: clears what it absorbs and returns their keys. */
  absorb(rule: Rule, alarm: Alarm): string[];
  /** Is this alarm held back because an incident that absorbs its type covers it? */
  absorbed(rule: Rule, alarm: Alarm): boolean;
  countSuppressed(reason: 'inhibited' | 'silenced' | 'absorbed'): void;
}

/** A pattern template, configured by one rule. */
export interface Detector extends TimerTarget {
  readonly rule: Rule;
  /** Event kinds it listens to; `all` = every event (liveness). */
  readonly kinds: readonly EngineEventKind[] | 'all';
  /** Called once the engine has its first watermark (absence timers start then). */
  start?(): void;
  onEvent(e: EngineEvent, device: DeviceNode | undefined): void;
}

/** The zone an incident about this device belongs to, by the rule's preference list. */
export function selectZone(sel: ZoneSelector, d: DeviceNode, topology: Topology): ZoneRef | undefined {
  for (const p of sel.prefer) {
    const id = d.zones[p.kind];
    if (!id) continue;
    if (p.landUse && !p.landUse.includes(topology.zones.get(id)?.landUse ?? '')) continue;
    return { kind: p.kind, id };
  }
  return undefined;
}

export function zoneName(topology: Topology, zone: ZoneRef): string {
  return topology.zones.get(zone.id)?.name ?? zone.id;
}

/** Is this device's contribution to `rule` inhibited now (its own or its zone's incident of another type)? */
export function deviceInhibited(rule: Rule, d: DeviceNode, world: World): boolean {
  for (const i of rule.inhibitedBy) {
    if (i.scope === 'device') {
      if (world.isFlagged(i.type, d.id)) return true;
    } else {
      const z = d.zones[i.scope as ZoneKind];
      if (z && world.zoneActiveOrHeld(i.type, z, i.holdAfterClearMs)) return true;
    }
  }
  return false;
}
