import { INCIDENT_TYPES, MESSAGE_KIND_NAMES, SEVERITIES, ZONE_KINDS } from '@ioc/domain';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { parseDurationMs } from './duration';
import { FIELD_REPORT } from './event';
import { PREDICATES } from './predicates';
import { ZONE_REF_NAMES, type Rule, type RuleSet } from './rule.types';

/**
 * The rule file format (`seeds/rules/*.yaml`): `rules:` is a list; each rule has the common fields below and the
 * `params` of its `detector`. Durations are written `90s`, `15m`, `2h`. Errors name the file, the rule and the path.
 */
const duration = z.string().transform((s, ctx) => {
  const ms = parseDurationMs(s);
  if (ms === undefined) {
    ctx.addIssue({ code: 'custom', message: `"${s}" is not a duration (write 90s, 15m, 2h or 1d)` });
    return z.NEVER;
  }
  return ms;
});
const kind = z.enum([...MESSAGE_KIND_NAMES, FIELD_REPORT] as unknown as [string, ...string[]]);
const zoneKind = z.enum(ZONE_KINDS);
const incidentType = z.enum(INCIDENT_TYPES);
const numOrRef = z.union([
  z.number(),
  z.strictObject({ ref: z.enum(ZONE_REF_NAMES), times: z.number().optional(), plus: z.number().optional() }),
]);
const predicate = z
  .union([
    z.string(),
    z.strictObject({
      fn: z.string(),
      args: z.record(z.string(), z.unknown()).optional(),
      negate: z.boolean().optional(),
    }),
  ])
  .transform((p) =>
    typeof p === 'string'
      ? { fn: p, args: {}, negate: false }
      : { fn: p.fn, args: p.args ?? {}, negate: p.negate ?? false },
  )
  .superRefine((p, ctx) => {
    if (!Object.prototype.hasOwnProperty.call(PREDICATES, p.fn))
      ctx.addIssue({
        code: 'custom',
        message: `unknown predicate "${p.fn}" (known: ${Object.keys(PREDICATES).join(', ')})`,
      });
  });

/** `ward`, `catchment`, or a preference list like `[site:festival-bank, ward]`. */
const zoneSelector = z.union([z.string(), z.array(z.string()).min(1)]).transform((v, ctx) => {
  const prefer = [];
  for (const item of typeof v === 'string' ? [v] : v) {
    const [k, landUse] = item.split(':');
    if (!(ZONE_KINDS as readonly string[]).includes(k)) {
      ctx.addIssue({
        code: 'custom',
        message: `"${item}": zone kind must be one of ${ZONE_KINDS.join(', ')} (optionally kind:landUse)`,
      });
      return z.NEVER;
    }
    prefer.push({ kind: k as (typeof ZONE_KINDS)[number], landUse: landUse ? [landUse] : undefined });
  }
  return { prefer };
});
const group = z
  .strictObject({
    by: zoneSelector,
    minMembers: z.number().int().min(1).default(1),
    minShare: z.number().min(0).max(1).default(0),
    clearBelowMembers: z.number().int().min(1).optional(),
  })
  .transform((g) => ({ ...g, clearBelowMembers: Math.min(g.clearBelowMembers ?? 1, g.minMembers) }));
const band = z.strictObject({ atLeast: numOrRef.optional(), atMost: numOrRef.optional(), level: z.enum(SEVERITIES) });
const severity = z.strictObject({
  by: z.enum(['value', 'members', 'leadMinutes']).default('value'),
  bands: z.array(band).min(1),
  confirmedBoost: z.boolean().optional(),
});
const silenceAfter = z.record(z.string(), duration);

const common = {
  id: z.string().regex(/^[a-z0-9][a-z0-9.-]*$/, 'rule ids are lower-case words joined by - or .'),
  type: incidentType,
  title: z.strictObject({ vi: z.string().min(1), en: z.string().min(1) }),
  description: z.string().optional(),
  enabled: z.boolean().default(true),
  raiseAfter: duration.default(0),
  clearAfter: duration.default(0),
  severity,
  inhibitedBy: z
    .array(
      z.strictObject({
        type: incidentType,
        scope: z.union([z.literal('device'), zoneKind]),
        holdAfterClear: duration.default(0),
      }),
    )
    .default([]),
  absorbs: z.array(z.strictObject({ type: incidentType, scope: z.enum(['zone', 'members']) })).default([]),
  flap: z.strictObject({ maxRaises: z.number().int().min(1), window: duration, clearAfter: duration }).optional(),
  evidenceLimit: z.number().int().min(1).max(200).default(20),
};

const condition = z.union([
  z
    .strictObject({ above: numOrRef, clearBelow: numOrRef.optional() })
    .transform((c) => ({ op: 'above' as const, level: c.above, clear: c.clearBelow ?? c.above })),
  z
    .strictObject({ below: numOrRef, clearAbove: numOrRef.optional() })
    .transform((c) => ({ op: 'below' as const, level: c.below, clear: c.clearAbove ?? c.below })),
  z
    .strictObject({ in: z.array(z.union([z.string(), z.number(), z.boolean()])).min(1) })
    .transform((c) => ({ op: 'in' as const, values: c.in })),
]);
const neighbour = {
  kind,
  field: z.string(),
  zone: zoneKind,
  radiusM: z.number().positive(),
  minNeighbours: z.number().int().min(1).default(2),
  staleAfter: duration,
  steadyRatePerH: z.number().positive(),
};

const detectors = z.discriminatedUnion('detector', [
  z.strictObject({
    ...common,
    detector: z.literal('threshold'),
    params: z.strictObject({
      kinds: z.array(kind).min(1),
      field: z.string(),
      when: condition,
      filter: z.array(predicate).default([]),
      where: z.array(predicate).default([]),
      memberAfter: duration.default(0),
      staleAfter: duration.default(0),
      group,
    }),
  }),
  z.strictObject({
    ...common,
    detector: z.literal('zone-level'),
    params: z.strictObject({
      kind,
      field: z.string(),
      zone: zoneKind,
      aggregate: z.enum(['median', 'max']).default('median'),
      above: numOrRef,
      clearBelow: numOrRef,
      minReporting: z.number().int().min(1).default(1),
      staleAfter: duration,
      excludeFlagged: z.array(incidentType).default([]),
      requiresAny: z.array(predicate).default([]),
      confirm: z
        .strictObject({
          detections: z.array(z.string()).default([]),
          reportCategories: z.array(z.string()).default([]),
          within: duration,
        })
        .optional(),
    }),
  }),
  z.strictObject({
    ...common,
    detector: z.literal('trend'),
    params: z.strictObject({
      kind,
      field: z.string(),
      zone: zoneKind,
      target: numOrRef,
      window: duration,
      minRatePerH: z.number().positive(),
      minLevel: z.number(),
      horizon: duration,
      minReporting: z.number().int().min(1).default(1),
      staleAfter: duration,
      excludeFlagged: z.array(incidentType).default([]),
    }),
  }),
  z.strictObject({ ...common, detector: z.literal('device-silence'), params: z.strictObject({ silenceAfter, group }) }),
  z.strictObject({
    ...common,
    detector: z.literal('zone-silence'),
    params: z.strictObject({
      silenceAfter,
      zone: zoneKind,
      minSilent: z.number().int().min(1),
      raiseShare: z.number().gt(0).max(1),
      clearShare: z.number().min(0).max(1),
    }),
  }),
  z.strictObject({
    ...common,
    detector: z.literal('fill-absence'),
    params: z.strictObject({
      fillAbove: z.number().min(0).max(100),
      resetBelow: z.number().min(0).max(100),
      noPickupWithin: duration,
      group,
    }),
  }),
  z.strictObject({
    ...common,
    detector: z.literal('route-deadline'),
    params: z.strictObject({ minShare: z.number().gt(0).max(1), clearShare: z.number().gt(0).max(1) }),
  }),
  z.strictObject({
    ...common,
    detector: z.literal('count'),
    params: z.strictObject({
      eventTypes: z.array(z.string()).min(1),
      minConfidence: z.number().min(0).max(1).default(0),
      window: z.strictObject({ type: z.enum(['sliding', 'tumbling']), size: duration }),
      minCount: z.number().int().min(1),
      quietAfter: duration,
      reportCategories: z.array(z.string()).default([]),
      reportRadiusM: z.number().positive().default(300),
      group,
    }),
  }),
  z.strictObject({
    ...common,
    detector: z.literal('stuck'),
    params: z.strictObject({
      kind,
      field: z.string(),
      minReadings: z.number().int().min(2),
      minDuration: duration,
      zone: zoneKind,
    }),
  }),
  z.strictObject({
    ...common,
    detector: z.literal('drift'),
    params: z.strictObject({
      ...neighbour,
      window: duration,
      minRatePerH: z.number().positive(),
      minOffset: z.number().positive(),
    }),
  }),
  z.strictObject({
    ...common,
    detector: z.literal('disagreement'),
    params: z.strictObject({ ...neighbour, minOffset: z.number().positive(), relOffset: z.number().min(0) }),
  }),
  z.strictObject({
    ...common,
    detector: z.literal('flooded-waste'),
    params: z.strictObject({
      floodType: incidentType,
      fillAbove: z.number().min(0).max(100),
      minBins: z.number().int().min(1),
      staleAfter: duration,
    }),
  }),
]);

const ruleFile = z.strictObject({ version: z.literal(1), rules: z.array(z.unknown()) });

export interface RuleFileText {
  readonly name: string;
  readonly text: string;
}

export class RuleFileError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid rules:\n  ${problems.join('\n  ')}`);
    this.name = 'RuleFileError';
  }
}

const DEFAULT_FLAP = { maxRaises: 3, window: 3_600_000, clearAfter: 1_800_000 };

function renameMs(params: Record<string, unknown>): Record<string, unknown> {
  // Durations are written without unit suffix in YAML (`staleAfter: 30m`) and carried as `…Ms` in code.
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(params)) {
    if (
      ['memberAfter', 'staleAfter', 'window', 'horizon', 'noPickupWithin', 'quietAfter', 'minDuration'].includes(k) &&
      typeof v === 'number'
    )
      out[`${k}Ms`] = v;
    else if (k === 'silenceAfter') out.silenceAfterMs = v;
    else if (k === 'confirm' && v && typeof v === 'object') {
      const c = v as { detections: string[]; reportCategories: string[]; within: number };
      out.confirm = { detections: c.detections, reportCategories: c.reportCategories, withinMs: c.within };
    } else if (k === 'window' && v && typeof v === 'object') {
      const w = v as { type: string; size: number };
      out.window = { type: w.type, sizeMs: w.size };
    } else out[k] = v;
  }
  return out;
}

/** Parses and validates rule files (pure: text in, rules out). Throws a RuleFileError listing every problem. */
export function parseRuleFiles(files: readonly RuleFileText[]): RuleSet {
  const problems: string[] = [];
  const rules: Rule[] = [];
  const ids = new Map<string, string>();
  for (const f of files) {
    let doc: unknown;
    try {
      doc = parseYaml(f.text, { prettyErrors: true });
    } catch (e) {
      problems.push(`${f.name}: not YAML: ${(e as Error).message.split('\n')[0]}`);
      continue;
    }
    const top = ruleFile.safeParse(doc);
    if (!top.success) {
      for (const i of top.error.issues) problems.push(`${f.name}: ${i.path.join('.') || '(top level)'}: ${i.message}`);
      continue;
    }
    top.data.rules.forEach((raw, index) => {
      const id =
        raw && typeof raw === 'object' && typeof (raw as { id?: unknown }).id === 'string'
          ? (raw as { id: string }).id
          : `#${index + 1}`;
      const parsed = detectors.safeParse(raw);
      if (!parsed.success) {
        for (const i of parsed.error.issues)
          problems.push(`${f.name}: rule ${id}: ${i.path.join('.') || '(rule)'}: ${i.message}`);
        return;
      }
      const r = parsed.data;
      if (ids.has(r.id)) {
        problems.push(`${f.name}: rule ${r.id}: id already used in ${ids.get(r.id)}`);
        return;
      }
      ids.set(r.id, f.name);
      const { raiseAfter, clearAfter, flap, params, ...rest } = r;
      const fl = flap ?? DEFAULT_FLAP;
      rules.push({
        ...rest,
        file: f.name,
        raiseAfterMs: raiseAfter,
        clearAfterMs: clearAfter,
        flap: { maxRaises: fl.maxRaises, windowMs: fl.window, clearAfterMs: fl.clearAfter },
        inhibitedBy: r.inhibitedBy.map((i) => ({ type: i.type, scope: i.scope, holdAfterClearMs: i.holdAfterClear })),
        params: renameMs(params as Record<string, unknown>),
      } as unknown as Rule);
    });
  }
  if (problems.length) throw new RuleFileError(problems);
  return { rules };
}
