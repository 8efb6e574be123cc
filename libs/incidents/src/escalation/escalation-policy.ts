/**
 * Escalation of unacknowledged incidents as data (`seeds/escalation.yaml`): parsed and validated here, and the pure
 * planning function that says which notification is next for an incident. Time is passed in; nothing here reads a
 * clock or does I/O.
 */
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { z } from 'zod';
import {
  ESCALATION_ROLES,
  SEVERITIES,
  type EscalationRole,
  type IncidentState,
  maxSeverity,
  type NotificationKind,
  type Severity,
  type StoredIncidentEvent,
} from '@ioc/domain';
import { IncidentError } from '../incident.errors';

const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/;
const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const;

/** "500ms", "30s", "5m", "2h" → milliseconds. */
export function parseDuration(text: string): number {
  const m = DURATION.exec(text.trim());
  if (!m) throw new Error(`not a duration: ${JSON.stringify(text)} (e.g. 500ms, 30s, 5m, 2h)`);
  return Math.round(Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS]);
}

const duration = z
  .string()
  .regex(DURATION, 'a duration such as 500ms, 30s, 5m or 2h')
  .transform(parseDuration)
  .pipe(
    z
      .number()
      .int()
      .positive('must be longer than 0')
      .max(7 * 24 * 3_600_000, 'at most 7 days'),
  );
const recipients = z
  .array(z.enum(ESCALATION_ROLES))
  .min(1)
  .max(ESCALATION_ROLES.length)
  .refine((r) => new Set(r).size === r.length, 'recipients repeat');

const ladderSchema = z
  .object({
    levels: z
      .array(z.object({ after: duration, notify: recipients }).strict())
      .max(10)
      .default([])
      .refine(
        (ls) => ls.every((l, i) => i === 0 || l.after > ls[i - 1].after),
        'levels must come strictly later one after another',
      ),
    reminders: z
      .object({ every: duration, max: z.number().int().min(1).max(100), notify: recipients })
      .strict()
      .optional(),
  })
  .strict()
  .refine(
    (l) => l.levels.length > 0 || l.reminders !== undefined,
    'a severity needs levels or reminders (leave it out to never escalate)',
  );

const policySchema = z
  .object({
    version: z.literal(1),
    /** How notifications reach people (the console for now). */
    channel: z.string().regex(/^[a-z][a-z0-9-]{0,31}$/),
    severities: z.partialRecord(z.enum(SEVERITIES), ladderSchema),
  })
  .strict();

export interface EscalationLevel {
  readonly afterMs: number;
  readonly notify: readonly EscalationRole[];
}
export interface EscalationLadder {
  /** Level i+1 fires afterMs after the incident opened. */
  readonly levels: readonly EscalationLevel[];
  /** After the last level, every everyMs, at most max times. */
  readonly reminders?: { readonly everyMs: number; readonly max: number; readonly notify: readonly EscalationRole[] };
}
export interface EscalationPolicy {
  readonly channel: string;
  /** Severities left out never escalate. */
  readonly severities: Partial<Record<Severity, EscalationLadder>>;
}

/** Parses a policy file's text (YAML or JSON); errors name the source and the field. */
export function parseEscalationPolicy(text: string, source = 'escalation policy'): EscalationPolicy {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (err) {
    const where = err instanceof YAMLParseError ? ` at line ${err.linePos?.[0].line}` : '';
    throw new IncidentError('ESCALATION_POLICY_INVALID', `${source}: not YAML${where}: ${(err as Error).message}`, {
      source,
    });
  }
  const parsed = policySchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new IncidentError('ESCALATION_POLICY_INVALID', `${source}:\n  - ${problems.join('\n  - ')}`, {
      source,
      problems,
    });
  }
  const severities: Partial<Record<Severity, EscalationLadder>> = {};
  for (const [severity, ladder] of Object.entries(parsed.data.severities) as Array<
    [Severity, z.infer<typeof ladderSchema>]
  >) {
    severities[severity] = {
      levels: ladder.levels.map((l) => ({ afterMs: l.after, notify: l.notify })),
      ...(ladder.reminders && {
        reminders: { everyMs: ladder.reminders.every, max: ladder.reminders.max, notify: ladder.reminders.notify },
      }),
    };
  }
  return { channel: parsed.data.channel, severities };
}

/** `seeds/escalation.yaml` of the repository (found upwards from here: src/ under jest, dist/ when built). */
export function defaultEscalationPolicyFile(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'seeds', 'escalation.yaml');
    if (existsSync(candidate)) return candidate;
    if (path.dirname(dir) === dir)
      throw new IncidentError('ESCALATION_POLICY_INVALID', `no seeds/escalation.yaml above ${__dirname}`);
  }
}

export function loadEscalationPolicy(file = defaultEscalationPolicyFile()): EscalationPolicy {
  return parseEscalationPolicy(readFileSync(file, 'utf8'), path.basename(file));
}

/** What escalation needs to know of an incident (times in epoch ms). */
export interface EscalationIncident {
  readonly id: string;
  readonly severity: Severity;
  readonly state: IncidentState;
  readonly openedAt: number;
  readonly acknowledgedAt?: number;
}

/** One notification to send: level n of the incident, due at dueAt. */
export interface EscalationStep {
  readonly level: number;
  readonly kind: NotificationKind;
  readonly dueAt: number;
  readonly recipients: readonly EscalationRole[];
}

/**
 * The next notification for an incident, given the last level already claimed (0: none) and the time now; undefined
 * when the incident is no longer open (acknowledged or later), its severity does not escalate, or the ladder is done.
 *
 * Due times count from openedAt, so they do not drift when a worker is late. Escalation levels are never skipped: a
 * late level is sent as soon as possible, then the next. Reminders that were all missed (workers down) collapse into
 * the latest one due: nobody needs five reminders at once.
 */
export function planNextEscalation(
  incident: EscalationIncident,
  policy: EscalationPolicy,
  lastLevel: number,
  now: number,
): EscalationStep | undefined {
  if (incident.state !== 'open') return undefined;
  return nextEscalationStep(policy, incident.severity, incident.openedAt, lastLevel, now);
}

/** planNextEscalation without the state check (to find the job to cancel once acknowledged). */
export function nextEscalationStep(
  policy: EscalationPolicy,
  severity: Severity,
  openedAt: number,
  lastLevel: number,
  now: number,
): EscalationStep | undefined {
  const ladder = policy.severities[severity];
  if (!ladder) return undefined;
  const levels = ladder.levels;
  if (lastLevel < levels.length) {
    const l = levels[lastLevel];
    return { level: lastLevel + 1, kind: 'escalation', dueAt: openedAt + l.afterMs, recipients: l.notify };
  }
  const r = ladder.reminders;
  const sent = lastLevel - levels.length;
  if (!r || sent >= r.max) return undefined;
  const anchor = openedAt + (levels.length ? levels[levels.length - 1].afterMs : 0);
  const overdue = Math.floor((now - anchor) / r.everyMs);
  const k = Math.max(sent + 1, Math.min(overdue, r.max));
  return { level: levels.length + k, kind: 'reminder', dueAt: anchor + k * r.everyMs, recipients: r.notify };
}

/**
 * The escalation steps an incident would have been sent live while it waited for someone, for an exercise (exercise
 * incidents page nobody): every level and every reminder (none collapse into the latest, as late timers' would) due
 * before it left state open (acknowledged, assigned, resolved or closed) or before `until` (the drill ended), on the
 * ladder of the highest severity it had reached by then. The scorer's penalties and the report's escalations.
 */
export function escalationsWouldFire(
  policy: EscalationPolicy,
  openedAt: number,
  events: readonly StoredIncidentEvent[],
  until: number,
): EscalationStep[] {
  const answered = events.find((e) => LEFT_OPEN.has(e.type) && e.at >= openedAt)?.at ?? Infinity;
  const end = Math.min(answered, until);
  let severity: Severity | undefined;
  for (const e of events) {
    if (e.at > end) break;
    if (e.type === 'opened') severity = e.data.severity;
    else if (e.type === 'severity-raised') severity = severity ? maxSeverity(severity, e.data.to) : e.data.to;
  }
  const steps: EscalationStep[] = [];
  for (let level = 0; severity;) {
    const step = nextEscalationStep(policy, severity, openedAt, level, openedAt);
    if (!step || step.dueAt >= end) break;
    steps.push(step);
    level = step.level;
  }
  return steps;
}

/** The events that take an incident out of state open, where escalation stops. */
const LEFT_OPEN: ReadonlySet<StoredIncidentEvent['type']> = new Set(['acknowledged', 'assigned', 'resolved', 'closed']);
