import { deviceTopic } from '@ioc/contracts';
import { DEVICE_TYPE_OF_KIND, MESSAGE_KIND_NAMES, type MessageKind } from '@ioc/domain';
import type { FleetDevice } from '@ioc/testing';

/**
 * How bench:ingest's load generator splits a fleet over its publisher connections ("lanes") when each connection is a
 * broker identity of its own, and what that identity may publish.
 *
 * One broker identity per device is not practical for a 10,000-device fleet (Mosquitto 2.0.11's Dynamic Security
 * plugin rewrites its whole state file after every command: creating thousands of identities takes minutes), and one
 * role listing every device of a lane literally (~1,250 ACLs) would make each publish's check walk 1,250 entries, far
 * more than a device's. So each lane takes an equal, contiguous share of the fleet ordered by message kind (2 or 3
 * kinds a lane with the defaults), and its role holds one `publishClientSend` ACL per kind its devices send: the
 * device's own topic with the id level a `+` (`ioc/v1/<domain>/+/<kind>`), in the registry's kind order. The broker
 * checks a lane's publish by walking those entries until one matches: 1 to 3, as for a device, whose role lists the
 * 1 to 3 kinds of its type literally. The fleet's message mix (every kind alike) and the lanes' equal shares stay as
 * they were with one shared identity. What a lane's role does not give is the per-device partition: it may publish
 * for any device of its kinds.
 */

const KIND_INDEX = new Map<string, number>(MESSAGE_KIND_NAMES.map((k, i) => [k, i]));

/**
 * The devices of each of `lanes` connections: the fleet ordered by kind (registry order, then fleet order), cut into
 * equal contiguous shares; within a share, the fleet's own order (kinds interleaved). Deterministic: the bench and the
 * load generator compute it alike.
 */
export function fleetLanes(devices: readonly FleetDevice[], lanes: number): FleetDevice[][] {
  const indexed = devices.map((d, i) => ({ d, i }));
  indexed.sort((a, b) => KIND_INDEX.get(a.d.kind)! - KIND_INDEX.get(b.d.kind)! || a.i - b.i);
  return Array.from({ length: lanes }, (_, l) =>
    indexed
      .slice(Math.floor((l * devices.length) / lanes), Math.floor(((l + 1) * devices.length) / lanes))
      .sort((a, b) => a.i - b.i)
      .map((x) => x.d),
  );
}

/** The message kinds a lane's devices send, in the registry's order (the order of its role's ACLs). */
export function laneKinds(devices: readonly FleetDevice[]): MessageKind[] {
  const kinds = new Set(devices.map((d) => d.kind));
  return MESSAGE_KIND_NAMES.filter((k) => kinds.has(k));
}

/** A lane's publish ACL topics: its devices' own topics with the device id level a `+`. */
export function laneTopics(devices: readonly FleetDevice[]): string[] {
  return laneKinds(devices).map((k) => deviceTopic(k, '+'));
}

/**
 * ACL entries the broker walks per publish, on average over a fleet whose devices all publish alike: through the
 * lanes' roles, and through the roles the registry gives devices (the kinds of their type, literal, in registry order).
 */
export function meanAclWalk(lanes: readonly FleetDevice[][]): { lanes: number; devices: number } {
  let laneSteps = 0;
  let deviceSteps = 0;
  let n = 0;
  for (const lane of lanes) {
    const kinds = laneKinds(lane);
    for (const d of lane) {
      laneSteps += kinds.indexOf(d.kind) + 1;
      const ofType = MESSAGE_KIND_NAMES.filter((k) => DEVICE_TYPE_OF_KIND[k] === DEVICE_TYPE_OF_KIND[d.kind]);
      deviceSteps += ofType.indexOf(d.kind) + 1;
      n++;
    }
  }
  return { lanes: laneSteps / Math.max(1, n), devices: deviceSteps / Math.max(1, n) };
}

/** The broker username (and pinned client id) of lane `i`. */
export const laneUsername = (i: number) => `bench-lane-${i}`;
