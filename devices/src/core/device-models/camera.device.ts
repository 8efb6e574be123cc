import { centreOf, distanceM, type LandUse } from '@ioc/city';
import { demandShare, floodCapacityFactor, laneCapacity, traffic } from '../camera.model';
import { r1, REPORT_INTERVAL_S, type DeviceModel, type DeviceWorld, type SimDevice } from '../device-model';
import { chance, normal, pick, poisson, uniform } from '../rng';
import { localHour, localWeekday, parseTime } from '../time';

const CAMERA_HEALTH_S = 300;
const MODEL_VERSION = 'yolov8s-ioc-2.3';
/** A camera this close to a festival site's centre sees the festival's traffic. */
const FESTIVAL_NEAR_M = 1200;

interface CameraState {
  /** The festival bank the camera watches, if any: crowd density. */
  readonly festivalSite: LandUse | undefined;
  readonly nearFestival: boolean;
  /** Illegal dumping the scenario stages in front of this camera. */
  readonly dumping: Array<{ readonly perH: number; readonly fromT: number; readonly toT: number }>;
}

/**
 * An edge-analytics camera: per-lane traffic from the road's demand curve (slowed by standing water and the festival),
 * detections (standing water, crowd density, littering, illegal parking and dumping, false positives) on channel 0,
 * and its health (online, tampered, frame rate) on channel 1.
 */
export class CameraModel implements DeviceModel {
  readonly channelIntervalsS = [REPORT_INTERVAL_S.camera, CAMERA_HEALTH_S];
  private readonly cameras = new Map<SimDevice, CameraState>();

  constructor(private readonly world: DeviceWorld) {}

  add(d: SimDevice): void {
    const { festival, scenario, startMs } = this.world;
    const site = d.site.siteId ? this.world.site(d.site.siteId) : undefined;
    const toT = (s: string) => (parseTime(s) - startMs) / 1000;
    this.cameras.set(d, {
      festivalSite: site?.kind === 'festival-bank' ? site : undefined,
      nearFestival: !!festival?.sites.some(
        (s) => distanceM([d.site.lon, d.site.lat], centreOf(s.ring)) < FESTIVAL_NEAR_M,
      ),
      dumping: (scenario.cameras?.dumping ?? [])
        .filter((x) => x.camera === d.site.id)
        .map((x) => ({ perH: x.perH, fromT: x.from ? toT(x.from) : 0, toT: x.to ? toT(x.to) : Infinity })),
    });
  }

  report(d: SimDevice, ch: number, t: number, iv: number): number {
    if (ch === 1) {
      const tampered = !!this.world.fault(d, 'camera-tamper', t);
      this.world.emit(d, 'camera-health', t, {
        online: true,
        tampered,
        fps: tampered ? 0 : r1(normal(d.rng, 25, 0.4)),
      });
      return this.world.reportIntervalS ?? CAMERA_HEALTH_S;
    }
    this.readings(d, t, iv);
    return iv;
  }

  private readings(d: SimDevice, t: number, iv: number): void {
    const { world } = this;
    const cam = this.cameras.get(d)!;
    const rng = d.rng;
    const ms = world.startMs + t * 1000;
    const site = d.site;
    const roadClass = site.roadClass ?? 'collector';
    const lanes = Math.max(1, Math.min(16, site.lanes ?? 2));
    const tampered = !!world.fault(d, 'camera-tamper', t);
    const depth = d.catchment?.state.depthCm ?? 0;
    const crowd = world.festivalCrowd(t);
    const fest = world.festival;
    const demandFactor =
      (world.scenario.traffic?.demandFactor ?? 1) * (cam.nearFestival ? 1 + ((fest?.traffic ?? 1) - 1) * crowd : 1);
    const weekend = localWeekday(ms) === 0 ? 0.85 : 1;
    const demand =
      laneCapacity(roadClass) * demandShare(localHour(ms)) * demandFactor * weekend * (0.8 + 0.25 * d.factor - 0.2);
    const tr = traffic(roadClass, demand, floodCapacityFactor(depth));
    const laneData = Array.from({ length: lanes }, (_, i) => ({
      lane: i + 1,
      vehicleCount: tampered ? 0 : poisson(rng, (tr.flowVehHPerLane * iv) / 3600),
      avgSpeedKmh: tampered ? 0 : r1(Math.max(1, tr.speedKmh * (1 + normal(rng, 0, 0.05)))),
    }));
    world.emit(d, 'camera-traffic', t, {
      intervalS: Math.max(1, Math.min(3600, Math.round(iv))),
      lanes: laneData,
      congestion: tampered ? 'free' : tr.congestion,
    });
    if (tampered) return;

    const hours = iv / 3600;
    const detect = (eventType: string, confidence: number, extra: Record<string, unknown> = {}) =>
      world.emit(d, 'camera-detection', t, {
        eventType,
        confidence: Math.round(confidence * 1000) / 1000,
        modelVersion: MODEL_VERSION,
        snapshotRef: `snap/${site.id}/${d.seq + 1}.jpg`,
        ...extra,
      });
    if (depth > 5 && chance(rng, Math.min(1, iv / 300))) detect('standing_water', Math.min(0.99, 0.6 + depth / 100));
    if (cam.festivalSite && crowd > 0) {
      const persons =
        fest!.peak *
        crowd *
        ((cam.festivalSite.capacityPersons ?? 1) / fest!.sites.reduce((a, s) => a + (s.capacityPersons ?? 1), 0));
      const density = Math.min(
        20,
        Math.max(0, (persons / (cam.festivalSite.areaM2 ?? 10000)) * (1 + normal(rng, 0, 0.05))),
      );
      if (density > 0.3)
        detect('crowd_density', uniform(rng, 0.85, 0.97), {
          densityPerM2: Math.round(density * 100) / 100,
          count: Math.round(density * 250),
        });
      for (let i = poisson(rng, fest!.littering * crowd * hours); i > 0; i--)
        detect('littering', uniform(rng, 0.7, 0.95));
    }
    const h = localHour(ms);
    const market = d.landUse === 'market' || d.landUse === 'wholesale-market';
    if (market && h >= 4 && h < 12) {
      for (let i = poisson(rng, 0.6 * hours); i > 0; i--) detect('illegal_parking', uniform(rng, 0.75, 0.95));
      for (let i = poisson(rng, 0.4 * hours); i > 0; i--) detect('sidewalk_encroachment', uniform(rng, 0.7, 0.93));
    }
    let dumpingRate = site.hotspot === 'dumping' ? 0.03 : 0;
    for (const x of cam.dumping) if (t >= x.fromT && t < x.toT) dumpingRate += x.perH;
    for (let i = poisson(rng, dumpingRate * hours); i > 0; i--) detect('illegal_dumping', uniform(rng, 0.75, 0.96));
    for (let i = poisson(rng, 0.01 * hours); i > 0; i--) detect('littering', uniform(rng, 0.7, 0.9));
    // False positives: the analytics model sees things that are not there, at the configured rate.
    const fp = world.scenario.cameras?.falsePositivesPerCamH ?? 0.02;
    for (let i = poisson(rng, fp * hours); i > 0; i--)
      detect(pick(rng, ['littering', 'illegal_dumping', 'illegal_parking', 'standing_water']), uniform(rng, 0.35, 0.6));
  }
}
