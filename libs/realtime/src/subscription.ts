import type { IncidentEventMessage, SubscribeAck } from '@ioc/contracts';
import { INCIDENT_DOMAIN_NAMES, type IncidentDomain } from '@ioc/domain';

const MAX_WARDS = 64;

/** What one socket receives. Sockets with equal subscriptions share a room (`key`), so a batch is encoded once for them. */
export class Subscription {
  /** Canonical: equal subscriptions have equal keys. */
  readonly key: string;

  private constructor(
    readonly wards: ReadonlySet<string> | null,
    readonly domains: ReadonlySet<IncidentDomain> | null,
    readonly exercise: boolean,
    /** Exercise incidents only of these key prefixes (a trainee's exercises); null: every exercise. */
    readonly keyPrefixes: readonly string[] | null = null,
  ) {
    const list = (s: ReadonlySet<string> | null) => (s ? [...s].sort().join(',') : '*');
    const prefixes = exercise && keyPrefixes ? `|${[...keyPrefixes].sort().join(',') || '-'}` : '';
    this.key = `${exercise ? 'exercise' : 'live'}|${list(wards)}|${list(domains)}${prefixes}`;
  }

  /** This subscription kept to the exercises of these key prefixes (no effect on a live one). */
  within(keyPrefixes: readonly string[] | null): Subscription {
    return new Subscription(this.wards, this.domains, this.exercise, keyPrefixes);
  }

  /** Every ward and domain, live incidents: what a socket gets before it subscribes. */
  static readonly ALL = new Subscription(null, null, false);

  /** Validates a client's request; the error text says which field is wrong. */
  static parse(req: unknown, knownWards: ReadonlySet<string>): Subscription | string {
    if (req === undefined || req === null) return Subscription.ALL;
    if (typeof req !== 'object' || Array.isArray(req))
      return 'subscribe expects an object { wards?, domains?, exercise? }';
    const r = req as Record<string, unknown>;
    for (const k of Object.keys(r)) if (!['wards', 'domains', 'exercise'].includes(k)) return `unknown field "${k}"`;
    const strings = (v: unknown, field: string): string[] | string => {
      if (v === undefined || v === null) return [];
      if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) return `${field} must be an array of strings`;
      return v as string[];
    };
    const wards = strings(r.wards, 'wards');
    if (typeof wards === 'string') return wards;
    if (wards.length > MAX_WARDS) return `wards: at most ${MAX_WARDS}`;
    const unknownWard = wards.find((w) => !knownWards.has(w));
    if (unknownWard !== undefined) return `wards: unknown ward "${unknownWard}"`;
    const domains = strings(r.domains, 'domains');
    if (typeof domains === 'string') return domains;
    const unknownDomain = domains.find((d) => !(INCIDENT_DOMAIN_NAMES as string[]).includes(d));
    if (unknownDomain !== undefined)
      return `domains: unknown domain "${unknownDomain}" (one of ${INCIDENT_DOMAIN_NAMES.join(', ')})`;
    if (r.exercise !== undefined && typeof r.exercise !== 'boolean') return 'exercise must be a boolean';
    return new Subscription(
      wards.length ? new Set(wards) : null,
      domains.length ? new Set(domains as IncidentDomain[]) : null,
      r.exercise === true,
    );
  }

  matches(m: IncidentEventMessage): boolean {
    const i = m.incident;
    if (i.exercise !== this.exercise) return false;
    if (this.domains && !this.domains.has(i.domain)) return false;
    if (this.wards && !i.wards.some((w) => this.wards!.has(w))) return false;
    if (this.exercise && this.keyPrefixes && !this.keyPrefixes.some((p) => i.key.startsWith(p))) return false;
    return true;
  }

  toAck(): Omit<Extract<SubscribeAck, { ok: true }>, 'ok'> {
    return {
      wards: this.wards ? [...this.wards].sort() : [],
      domains: this.domains ? [...this.domains].sort() : [],
      exercise: this.exercise,
    };
  }
}
