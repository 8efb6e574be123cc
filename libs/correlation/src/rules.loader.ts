import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { findSeedsDir } from '@ioc/city';
import { parseRuleFiles, type RuleFileText } from './rule-file';
import type { RuleSet } from './rule.types';

/** The only file access of the correlation library (the city model is @ioc/city's): reads the rule files of `seeds/`. */

/** Reads every `*.yaml` under `seeds/rules/` (or `dir`), in name order, and validates them (errors name file, rule and path). */
export function loadRules(dir = path.join(findSeedsDir(), 'rules')): RuleSet {
  const files: RuleFileText[] = readdirSync(dir)
    .filter((f) => f.endsWith('.yaml') || f.endsWith('.yml'))
    .sort()
    .map((f) => ({ name: path.join(path.basename(dir), f), text: readFileSync(path.join(dir, f), 'utf8') }));
  return parseRuleFiles(files);
}

/** Injection token of the validated rule set (`RuleSet`), provided once by the composition root. */
export const RULES = Symbol('RULES');
