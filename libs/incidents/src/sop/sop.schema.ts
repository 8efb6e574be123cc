/**
 * Standard operating procedures as versioned data (`seeds/sops/<incident-type>.yaml`): parsed and validated here,
 * with errors that name the file and the field. Pure: the loader reads the files.
 */
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { z } from 'zod';
import {
  INCIDENT_TYPES,
  SOP_OWNER_ROLES,
  type AttachedSop,
  type BilingualText,
  type IncidentType,
  type SopStep,
} from '@ioc/domain';
import { IncidentError } from '../incident.errors';

/** CAP 1.2 `category` values. */
export const CAP_CATEGORIES = [
  'Geo',
  'Met',
  'Safety',
  'Security',
  'Rescue',
  'Fire',
  'Health',
  'Env',
  'Transport',
  'Infra',
  'CBRNE',
  'Other',
] as const;
export type CapCategory = (typeof CAP_CATEGORIES)[number];
/** CAP 1.2 `responseType` values. */
export const CAP_RESPONSE_TYPES = [
  'Shelter',
  'Evacuate',
  'Prepare',
  'Execute',
  'Avoid',
  'Monitor',
  'Assess',
  'AllClear',
  'None',
] as const;
export type CapResponseType = (typeof CAP_RESPONSE_TYPES)[number];
/** CAP 1.2 `certainty` values the SOP may set for its type. */
export const CAP_CERTAINTIES = ['Observed', 'Likely', 'Possible', 'Unlikely', 'Unknown'] as const;
export type CapCertainty = (typeof CAP_CERTAINTIES)[number];

const text = (max: number) => z.string().trim().min(1).max(max);
const bilingual = (max: number) => z.object({ vi: text(max), en: text(max) }).strict();
const id = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'lowercase letters, digits and dashes (at most 63)');

const stepSchema = z
  .object({
    id,
    text: bilingual(500),
    owner: z.enum(SOP_OWNER_ROLES),
    dueWithinMin: z
      .number()
      .int()
      .positive()
      .max(7 * 24 * 60),
  })
  .strict();

export const sopSchema = z
  .object({
    id,
    incidentType: z.enum(INCIDENT_TYPES),
    version: z.number().int().positive(),
    title: bilingual(200),
    /** Advice to the public, CAP `instruction`. */
    instruction: bilingual(1000),
    cap: z
      .object({
        event: bilingual(100),
        categories: z.array(z.enum(CAP_CATEGORIES)).min(1),
        responseTypes: z.array(z.enum(CAP_RESPONSE_TYPES)).min(1),
        certainty: z.enum(CAP_CERTAINTIES),
      })
      .strict(),
    steps: z.array(stepSchema).min(1).max(50),
  })
  .strict()
  .superRefine((sop, ctx) => {
    const seen = new Set<string>();
    sop.steps.forEach((s, i) => {
      if (seen.has(s.id))
        ctx.addIssue({ code: 'custom', path: ['steps', i, 'id'], message: `duplicate step id "${s.id}"` });
      seen.add(s.id);
    });
  });

export type SopFile = z.infer<typeof sopSchema>;

/** A validated SOP: what an incident attaches, plus the CAP metadata of its type. */
export interface Sop extends AttachedSop {
  readonly incidentType: IncidentType;
  readonly cap: {
    readonly event: BilingualText;
    readonly categories: readonly CapCategory[];
    readonly responseTypes: readonly CapResponseType[];
    readonly certainty: CapCertainty;
  };
  readonly steps: readonly SopStep[];
}

function formatIssues(issues: readonly z.core.$ZodIssue[]): string {
  return issues.map((i) => `${i.path.length > 0 ? i.path.join('.') : '(root)'}: ${i.message}`).join('; ');
}

/** Parses one SOP file's text; `source` (a file name) goes into every error message. */
export function parseSop(yamlText: string, source: string): Sop {
  let raw: unknown;
  try {
    raw = parseYaml(yamlText, { prettyErrors: true });
  } catch (err) {
    const msg = err instanceof YAMLParseError ? err.message : String(err);
    throw new IncidentError('SOP_INVALID', `${source}: not valid YAML: ${msg}`, { source });
  }
  const result = sopSchema.safeParse(raw);
  if (!result.success) {
    throw new IncidentError('SOP_INVALID', `${source}: ${formatIssues(result.error.issues)}`, {
      source,
      issues: result.error.issues.length,
    });
  }
  return result.data;
}

/** What an incident keeps: this SOP's version, without its CAP metadata. */
export function attachable(sop: Sop): AttachedSop {
  return { id: sop.id, version: sop.version, title: sop.title, instruction: sop.instruction, steps: sop.steps };
}
