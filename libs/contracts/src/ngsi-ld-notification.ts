import { ID_PATTERN } from './schemas/common.schema';
import { NGSI_LD_MAX_ENTITIES } from './formats/ngsi-ld';

/** The NGSI-LD notification endpoint (HTTP), relative to the server's root. */
export const NGSI_LD_NOTIFY_PATH = 'api/v1/ngsi-ld/notify';

export type NotificationRead =
  | { readonly ok: true; readonly entities: number; readonly subscriptionId?: string }
  | { readonly ok: false; readonly reason: string };

/**
 * The shape check of an NGSI-LD notification (ETSI GS CIM 009, §5.3.1): `type` "Notification", `data` an array of
 * entities each with an `id` and a `type`. What the entities say is the translator's business, judged in the ingest.
 */
export function readNgsiLdNotification(body: unknown): NotificationRead {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    return { ok: false, reason: 'an NGSI-LD notification is a JSON object' };
  const n = body as Record<string, unknown>;
  if (n.type !== 'Notification') return { ok: false, reason: 'type must be "Notification"' };
  if (!Array.isArray(n.data)) return { ok: false, reason: 'data must be an array of entities' };
  if (n.data.length === 0) return { ok: false, reason: 'data holds no entity' };
  if (n.data.length > NGSI_LD_MAX_ENTITIES)
    return { ok: false, reason: `data holds ${n.data.length} entities; the limit is ${NGSI_LD_MAX_ENTITIES}` };
  for (const [i, e] of n.data.entries()) {
    const entity = e as Record<string, unknown> | null;
    if (typeof entity !== 'object' || entity === null || Array.isArray(entity))
      return { ok: false, reason: `data[${i}] is not an entity object` };
    if (typeof entity.id !== 'string' || typeof entity.type !== 'string')
      return { ok: false, reason: `data[${i}] needs a string id and type` };
  }
  return {
    ok: true,
    entities: n.data.length,
    subscriptionId: typeof n.subscriptionId === 'string' ? n.subscriptionId : undefined,
  };
}

const idRe = new RegExp(ID_PATTERN);

/** The bridge id (a topic level) of what a user posts over HTTP: `http-<username>`, kept to the id alphabet. */
export function ngsiLdBridgeId(username: string): string {
  const id = `http-${username.replace(/[^A-Za-z0-9._:-]/g, '_')}`.slice(0, 64);
  return idRe.test(id) ? id : 'http-user';
}
