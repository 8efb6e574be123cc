/**
 * The scoring rules of exercises as versioned data (`seeds/scoring.yaml`, issue 19): parsed and validated here, with
 * errors that name the file and the field (SCORING_RULES_INVALID stops the server at boot). Pure but for the loader.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { z } from 'zod';
import { findSeedsDir } from '@ioc/city';
import { INCIDENT_TYPES, type IncidentType } from '@ioc/domain';
import { IncidentError } from '../incident.errors';

const id = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'lowercase letters, digits and dashes (at most 63)');
/** Points of one line: an integer, positive (won) or negative (lost). */
const points = z.number().int().min(-1000).max(1000);
const won = points.min(0, 'points won are 0 or more');
const lost = points.max(0, 'points lost are 0 or less');
const assignee = z.string().trim().min(1).max(200);

const rulesSchema = z
  .object({
    id,
    version: z.number().int().positive(),
    acknowledge: z.object({ inTime: won, late: points, missed: lost }).strict(),
    sopSteps: z.object({ inTime: won, late: points, missed: lost }).strict(),
    assignment: z
      .object({
        correct: won,
        wrong: lost,
        expected: z.partialRecord(z.enum(INCIDENT_TYPES), assignee).default({}),
      })
      .strict(),
    escalation: z.object({ perLevel: lost }).strict(),
    falseAlarm: z
      .object({
        marker: z
          .object({
            field: z.string().regex(/^[a-zA-Z][a-zA-Z0-9]{0,40}$/, 'a field name of the evidence'),
            matches: z
              .string()
              .min(1)
              .max(200)
              .refine((r) => {
                try {
                  new RegExp(r);
                  return true;
                } catch {
                  return false;
                }
              }, 'a regular expression'),
          })
          .strict(),
        reasons: z.array(z.string().trim().min(1).max(100)).min(1).max(20),
        correct: won,
        wrongReason: lost,
        dismissedReal: lost,
      })
      .strict(),
    leftOpen: z.object({ perIncident: lost }).strict(),
  })
  .strict();

export interface ScoringRules {
  readonly id: string;
  readonly version: number;
  readonly acknowledge: { readonly inTime: number; readonly late: number; readonly missed: number };
  readonly sopSteps: { readonly inTime: number; readonly late: number; readonly missed: number };
  readonly assignment: {
    readonly correct: number;
    readonly wrong: number;
    /** Incident type → the assignee expected; other types: see expectedAssignee. */
    readonly expected: Partial<Record<IncidentType, string>>;
  };
  readonly escalation: { readonly perLevel: number };
  readonly falseAlarm: {
    /** An incident is a false alarm when a piece of its evidence has `field` matching `matches` (a regular expression). */
    readonly marker: { readonly field: string; readonly matches: string };
    /** A resolution note that starts with one of these (any case) says "false alarm". */
    readonly reasons: readonly string[];
    readonly correct: number;
    readonly wrongReason: number;
    readonly dismissedReal: number;
  };
  readonly leftOpen: { readonly perIncident: number };
}

/** Parses a rules file's text; `source` (a file name) goes into every error message. */
export function parseScoringRules(text: string, source = 'scoring rules'): ScoringRules {
  let raw: unknown;
  try {
    raw = parseYaml(text, { prettyErrors: true });
  } catch (err) {
    const msg = err instanceof YAMLParseError ? err.message : String(err);
    throw new IncidentError('SCORING_RULES_INVALID', `${source}: not valid YAML: ${msg}`, { source });
  }
  const parsed = rulesSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new IncidentError('SCORING_RULES_INVALID', `${source}: ${problems.join('; ')}`, { source, problems });
  }
  return parsed.data;
}

/** `seeds/scoring.yaml` of the installation (under IOC_SEEDS_DIR when given). */
export function defaultScoringRulesFile(seedsDir?: string): string {
  return path.join(seedsDir ?? findSeedsDir(), 'scoring.yaml');
}

/** Reads and validates the rules file; a missing file is invalid too (the server does not start without rules). */
export function loadScoringRules(file = defaultScoringRulesFile()): ScoringRules {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new IncidentError('SCORING_RULES_INVALID', `${file}: cannot be read: ${(err as Error).message}`, {
      source: file,
    });
  }
  return parseScoringRules(text, path.basename(file));
}
