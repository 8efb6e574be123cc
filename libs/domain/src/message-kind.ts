/** The three sensing domains of the IOC and the message kinds each one carries. */
export const DOMAINS = ['flood', 'waste', 'camera'] as const;
export type Domain = (typeof DOMAINS)[number];

export const MESSAGE_KINDS = {
  'water-level': 'flood',
  rain: 'flood',
  tide: 'flood',
  pump: 'flood',
  'sluice-gate': 'flood',
  'bin-fill': 'waste',
  'truck-position': 'waste',
  'truck-pickup': 'waste',
  'camera-traffic': 'camera',
  'camera-detection': 'camera',
  'camera-health': 'camera',
} as const satisfies Record<string, Domain>;

export type MessageKind = keyof typeof MESSAGE_KINDS;
export const MESSAGE_KIND_NAMES = Object.keys(MESSAGE_KINDS) as MessageKind[];

export function isMessageKind(value: string): value is MessageKind {
  return Object.prototype.hasOwnProperty.call(MESSAGE_KINDS, value);
}

export function domainOf(kind: MessageKind): Domain {
  return MESSAGE_KINDS[kind];
}

export function kindsOf(domain: Domain): MessageKind[] {
  return MESSAGE_KIND_NAMES.filter((k) => MESSAGE_KINDS[k] === domain);
}

/** Device types in the registry; each message kind comes from exactly one type. */
export const DEVICE_TYPES = [
  'water-level-sensor',
  'rain-gauge',
  'tide-gauge',
  'pump',
  'sluice-gate',
  'bin',
  'truck',
  'camera',
] as const;
export type DeviceType = (typeof DEVICE_TYPES)[number];

export const DEVICE_TYPE_OF_KIND: Record<MessageKind, DeviceType> = {
  'water-level': 'water-level-sensor',
  rain: 'rain-gauge',
  tide: 'tide-gauge',
  pump: 'pump',
  'sluice-gate': 'sluice-gate',
  'bin-fill': 'bin',
  'truck-position': 'truck',
  'truck-pickup': 'truck',
  'camera-traffic': 'camera',
  'camera-detection': 'camera',
  'camera-health': 'camera',
};

export const DOMAIN_OF_DEVICE_TYPE: Record<DeviceType, Domain> = {
  'water-level-sensor': 'flood',
  'rain-gauge': 'flood',
  'tide-gauge': 'flood',
  pump: 'flood',
  'sluice-gate': 'flood',
  bin: 'waste',
  truck: 'waste',
  camera: 'camera',
};
