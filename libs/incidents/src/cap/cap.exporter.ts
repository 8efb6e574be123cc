/**
 * CAP 1.2 export of incidents (OASIS Common Alerting Protocol, `docs/cap/CAP-v1.2.xsd`). An incident's timeline
 * becomes a chain of messages: `Alert` when it opens, `Update` when its severity rises or it reopens, `Cancel` when it
 * is resolved; each Update and Cancel references every earlier message of the chain ("sender,identifier,sent").
 * Exercises are `status=Exercise`. Each message has a Vietnamese (vi-VN) and an English (en-US) `info` block, and the
 * zone's polygon as its area. Pure: the SOPs and the city model are given.
 */
import { create } from 'xmlbuilder2';
import type { XMLBuilder } from 'xmlbuilder2/lib/interfaces';
import {
  evolve,
  type BilingualText,
  type IncidentRecord,
  type IncidentType,
  type Severity,
  type StoredIncidentEvent,
} from '@ioc/domain';
import { IncidentError } from '../incident.errors';
import type { SopCatalog } from '../sop/sop.catalog';
import type { CapCategory, CapCertainty, CapResponseType } from '../sop/sop.schema';
import { capCircle, capPolygon, type ZoneAreas } from './zone-areas';

export const CAP_NAMESPACE = 'urn:oasis:names:tc:emergency:cap:1.2';
export const DEFAULT_CAP_SENDER = 'ioc@soctrang.local';

export type CapMsgType = 'Alert' | 'Update' | 'Cancel';
export type CapStatus = 'Actual' | 'Exercise';
export type CapUrgency = 'Immediate' | 'Expected' | 'Future' | 'Past' | 'Unknown';
export type CapSeverity = 'Extreme' | 'Severe' | 'Moderate' | 'Minor' | 'Unknown';

export interface CapExportOptions {
  /** CAP `sender`: globally unique, no spaces, commas, `<` or `&`. */
  readonly sender?: string;
  readonly senderName?: BilingualText;
  /** Offset of the times written (CAP forbids "Z"); Việt Nam has no daylight saving: +07:00. */
  readonly utcOffsetMinutes?: number;
  /** Evidence lines in the description, most recent first. */
  readonly evidenceLines?: number;
}

export interface CapMessage {
  readonly identifier: string;
  readonly sender: string;
  readonly sent: string;
  readonly status: CapStatus;
  readonly msgType: CapMsgType;
  /** "sender,identifier,sent" of every earlier message of the incident, oldest first. */
  readonly references: readonly string[];
  readonly incidentId: string;
  /** The event (its place in the incident's stream) this message reports. */
  readonly version: number;
  readonly xml: string;
}

const SEVERITY: Record<Severity, CapSeverity> = {
  minor: 'Minor',
  moderate: 'Moderate',
  major: 'Severe',
  critical: 'Extreme',
};
/** Types that forecast rather than observe: the event is expected, not happening. */
const FORECAST_TYPES: readonly IncidentType[] = ['rising-water', 'king-tide-watch'];
const LANGS = [
  ['vi', 'vi-VN'],
  ['en', 'en-US'],
] as const;
type Lang = (typeof LANGS)[number][0];

const TEXT = {
  senderName: {
    vi: 'Trung tâm Điều hành đô thị thông minh Sóc Trăng (IOC)',
    en: 'Sóc Trăng Intelligent Operations Centre (IOC)',
  },
  ended: { vi: 'Đã kết thúc', en: 'Ended' },
  update: { vi: 'Cập nhật', en: 'Update' },
  allClear: {
    vi: 'Sự cố đã được xử lý hoặc điều kiện gây ra đã chấm dứt. Không cần hành động thêm.',
    en: 'The incident has been handled or its condition has ended. No further action is needed.',
  },
  severity: {
    vi: { minor: 'nhẹ', moderate: 'trung bình', major: 'nghiêm trọng', critical: 'rất nghiêm trọng' },
    en: { minor: 'minor', moderate: 'moderate', major: 'major', critical: 'critical' },
  },
  state: {
    vi: {
      open: 'mới',
      acknowledged: 'đã tiếp nhận',
      assigned: 'đang xử lý',
      resolved: 'đã xử lý xong',
      closed: 'đã đóng',
    },
    en: {
      open: 'open',
      acknowledged: 'acknowledged',
      assigned: 'being handled',
      resolved: 'resolved',
      closed: 'closed',
    },
  },
  opened: { vi: 'mở lúc', en: 'opened' },
  level: { vi: 'Mức độ', en: 'Severity' },
  status: { vi: 'Trạng thái', en: 'Status' },
  evidence: { vi: 'Bằng chứng', en: 'Evidence' },
};

const pad = (n: number) => String(n).padStart(2, '0');

/** CAP dateTime: whole seconds with an explicit offset, "2026-10-20T18:05:00+07:00". */
export function capDateTime(ms: number, offsetMinutes = 420): string {
  const d = new Date(Math.floor(ms / 1000) * 1000 + offsetMinutes * 60_000);
  const sign = offsetMinutes < 0 ? '-' : '+';
  const off = Math.abs(offsetMinutes);
  return (
    `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}` +
    `${sign}${pad(Math.floor(off / 60))}:${pad(off % 60)}`
  );
}

/** Which message an event calls for, if any. */
function messageFor(event: StoredIncidentEvent): CapMsgType | undefined {
  switch (event.type) {
    case 'opened':
      return 'Alert';
    case 'severity-raised':
    case 'reopened':
      return 'Update';
    case 'resolved':
      return 'Cancel';
    default:
      return undefined;
  }
}

export class CapExporter {
  private readonly sender: string;
  private readonly offset: number;

  constructor(
    private readonly sops: SopCatalog,
    private readonly areas: ZoneAreas,
    private readonly opts: CapExportOptions = {},
  ) {
    this.sender = opts.sender ?? DEFAULT_CAP_SENDER;
    if (/[\s,<&]/.test(this.sender))
      throw new IncidentError('INCIDENT_INVALID_COMMAND', 'CAP sender may not contain spaces, commas, < or &');
    this.offset = opts.utcOffsetMinutes ?? 420;
  }

  /**
   * The message chain of one incident from its full timeline (oldest first, as IncidentRepository.timeline returns
   * it). Events of one command (same time) make one message, so a reopen that also raises the severity is one Update.
   */
  messages(timeline: readonly StoredIncidentEvent[]): CapMessage[] {
    const out: CapMessage[] = [];
    let state: IncidentRecord | undefined;
    let pending: { type: CapMsgType; event: StoredIncidentEvent } | undefined;
    timeline.forEach((event, i) => {
      state = evolve(state, event);
      const type = messageFor(event);
      // The first event of a command decides the message type (an Alert stays an Alert, a Cancel a Cancel).
      if (type && !pending) pending = { type, event };
      const next = timeline[i + 1];
      if (pending && (!next || next.at !== event.at)) {
        out.push(this.message(state, pending.type, event.version, event.at, out));
        pending = undefined;
      }
    });
    return out;
  }

  /** The latest message of the chain: what a CAP feed shows for the incident now. */
  latest(timeline: readonly StoredIncidentEvent[]): CapMessage {
    const all = this.messages(timeline);
    if (all.length === 0)
      throw new IncidentError('INCIDENT_NOT_FOUND', 'an incident timeline starts with its opened event');
    return all[all.length - 1];
  }

  private message(
    incident: IncidentRecord,
    msgType: CapMsgType,
    version: number,
    at: number,
    earlier: readonly CapMessage[],
  ): CapMessage {
    const identifier = `ioc-soctrang-${incident.id}-${version}`;
    const sent = capDateTime(at, this.offset);
    const status: CapStatus = incident.exercise ? 'Exercise' : 'Actual';
    const references = earlier.map((m) => `${m.sender},${m.identifier},${m.sent}`);
    const root = create({ version: '1.0', encoding: 'UTF-8' }).ele(CAP_NAMESPACE, 'alert');
    const el = (parent: XMLBuilder, name: string, text: string | number) => parent.ele(name).txt(String(text)).up();
    el(root, 'identifier', identifier);
    el(root, 'sender', this.sender);
    el(root, 'sent', sent);
    el(root, 'status', status);
    el(root, 'msgType', msgType);
    el(root, 'scope', 'Public');
    if (incident.exercise) el(root, 'note', 'Exercise / Diễn tập: not a real incident');
    else if (msgType === 'Cancel' && incident.resolution) el(root, 'note', incident.resolution);
    if (references.length > 0) el(root, 'references', references.join(' '));
    el(root, 'incidents', incident.id);
    for (const [lang, tag] of LANGS) this.info(root.ele('info'), lang, tag, incident, msgType);
    return {
      identifier,
      sender: this.sender,
      sent,
      status,
      msgType,
      references,
      incidentId: incident.id,
      version,
      xml: root.end({ prettyPrint: true }),
    };
  }

  private info(info: XMLBuilder, lang: Lang, tag: string, incident: IncidentRecord, msgType: CapMsgType): void {
    const el = (name: string, text: string | number) => info.ele(name).txt(String(text)).up();
    const sop = this.sops.forType(incident.type);
    const categories: readonly CapCategory[] = sop?.cap.categories ?? ['Other'];
    const responseTypes: readonly CapResponseType[] =
      msgType === 'Cancel' ? ['AllClear'] : (sop?.cap.responseTypes ?? ['Monitor']);
    const certainty: CapCertainty = sop?.cap.certainty ?? 'Observed';
    const urgency: CapUrgency =
      msgType === 'Cancel' ? 'Past' : FORECAST_TYPES.includes(incident.type) ? 'Expected' : 'Immediate';
    el('language', tag);
    for (const c of categories) el('category', c);
    el('event', sop?.cap.event[lang] ?? incident.type);
    for (const r of responseTypes) el('responseType', r);
    el('urgency', urgency);
    el('severity', SEVERITY[incident.severity]);
    el('certainty', certainty);
    const code = info.ele('eventCode');
    code.ele('valueName').txt('ioc:incident-type').up().ele('value').txt(incident.type);
    el('onset', capDateTime(incident.openedAt, this.offset));
    el('senderName', (this.opts.senderName ?? TEXT.senderName)[lang]);
    const prefix =
      msgType === 'Cancel' ? `${TEXT.ended[lang]}: ` : msgType === 'Update' ? `${TEXT.update[lang]}: ` : '';
    el('headline', `${prefix}${incident.title[lang]}`);
    el('description', this.description(incident, lang));
    // The SOP version the incident opened with carries the advice; the current one if it had none.
    const instruction =
      msgType === 'Cancel' ? TEXT.allClear[lang] : (incident.sop?.instruction[lang] ?? sop?.instruction[lang]);
    if (instruction) el('instruction', instruction);
    for (const [name, value] of [
      ['ioc:state', incident.state],
      ['ioc:rule', incident.ruleId],
      ['ioc:zone', `${incident.zone.kind}:${incident.zone.id}`],
    ]) {
      info.ele('parameter').ele('valueName').txt(name).up().ele('value').txt(value);
    }
    const area = this.areas.areaOf(incident.zone);
    const a = info.ele('area');
    a.ele('areaDesc').txt(area.desc[lang]);
    for (const ring of area.rings) a.ele('polygon').txt(capPolygon(ring));
    if (area.circle) a.ele('circle').txt(capCircle(area.circle.at, area.circle.radiusKm));
    for (const g of area.geocodes) a.ele('geocode').ele('valueName').txt(g.valueName).up().ele('value').txt(g.value);
  }

  private description(incident: IncidentRecord, lang: Lang): string {
    const lines = [
      `${TEXT.level[lang]}: ${TEXT.severity[lang][incident.severity]}. ${TEXT.status[lang]}: ${TEXT.state[lang][incident.state]}, ${TEXT.opened[lang]} ${capDateTime(incident.openedAt, this.offset)}.`,
    ];
    const evidence = [...incident.evidence].reverse().slice(0, this.opts.evidenceLines ?? 5);
    if (evidence.length > 0)
      lines.push(`${TEXT.evidence[lang]}:`, ...evidence.map((e) => `- ${capDateTime(e.at, this.offset)} ${e.summary}`));
    return lines.join('\n');
  }
}
