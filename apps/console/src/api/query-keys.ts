/**
 * Every key of the console's query cache: a reader and the actions that change what it read name the same key here,
 * and an action invalidates it. The cache is the session's (one per sign-in), so no key names the user.
 */
export const queryKeys = {
  /** The city model (`/city/*.geojson`): read once a session. */
  city: () => ['city'] as const,
  devices: () => ['devices'] as const,
  /** A device's readings behind an incident's chart: which devices, from when, for how much evidence. */
  readings: (deviceIds: readonly string[], openedAt: number, evidenceCount: number) =>
    ['readings', { deviceIds, openedAt, evidenceCount }] as const,
  kpis: () => ['kpis'] as const,
  silences: () => ['silences'] as const,
  users: () => ['users'] as const,
  /** The device registry (integrators, admins): every key below starts with it, so a change invalidates them all. */
  registry: () => ['registry'] as const,
  registryDevices: () => ['registry', 'devices'] as const,
  registryGateways: () => ['registry', 'gateways'] as const,
  provisioningKeys: () => ['registry', 'provisioning-keys'] as const,
  recordings: () => ['recordings'] as const,
  exercises: () => ['exercises'] as const,
  /** Exercise incidents (never on the socket, which carries live ones): the Exercises tab lists them. */
  exerciseIncidents: () => ['incidents', 'exercise'] as const,
  /** An ended exercise's after-action report: its JSON and its page in each language (a saved review invalidates both). */
  exerciseReport: (id: string) => ['exercise-report', id] as const,
  exerciseReportPage: (id: string, lang: string) => ['exercise-report', id, 'page', lang] as const,
  /** One incident's detail (record, timeline, SOP progress): the panel's, and the record of a picked exercise incident. */
  incident: (id: string) => ['incidents', 'detail', id] as const,
};
