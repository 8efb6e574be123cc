import type { Topology } from '@ioc/city';
import { backtest, type BacktestResult, type RuleSet } from '@ioc/correlation';
import { PlatformError } from '@ioc/platform';
import type { RawMessageRepository } from '@ioc/storage';
import { toEngineEvent } from './correlation.service';

export interface BacktestCommand {
  readonly rules: RuleSet;
  readonly topology: Topology;
  /** Rule ids to report (all rules run: inhibition and absorption need them). Empty = every rule. */
  readonly ruleIds: readonly string[];
  readonly from: Date;
  readonly to: Date;
  /** Refuses ranges holding more stored messages than this (they are held in memory). */
  readonly maxEvents: number;
}

export interface BacktestReport extends BacktestResult {
  readonly events: number;
}

/**
 * `npm run rules:backtest`: what the rules would have raised over stored history. Reads raw_message in canonical
 * order and runs the same engine as the live role on it, starting to watch at `from`.
 */
export async function runBacktest(
  cmd: BacktestCommand,
  raw: RawMessageRepository,
  progress: (line: string) => void = () => undefined,
): Promise<BacktestReport> {
  const known = new Set(cmd.rules.rules.map((r) => r.id));
  const unknown = cmd.ruleIds.filter((id) => !known.has(id));
  if (unknown.length) {
    throw new PlatformError(
      'USAGE_INVALID',
      `unknown rule ${unknown.join(', ')}; rules are: ${[...known].sort().join(', ')}`,
      { unknown },
    );
  }
  if (!(cmd.from.getTime() < cmd.to.getTime()))
    throw new PlatformError('USAGE_INVALID', '--from must be before --to', {});
  const total = await raw.count(cmd.from, cmd.to);
  if (total > cmd.maxEvents) {
    throw new PlatformError(
      'USAGE_INVALID',
      `${total} stored messages in the range, more than --max-events ${cmd.maxEvents}: narrow the range or raise the limit`,
      { total },
    );
  }
  progress(`reading ${total} stored messages from ${cmd.from.toISOString()} to ${cmd.to.toISOString()}`);
  const events = [];
  for await (const page of raw.range(cmd.from, cmd.to)) {
    for (const m of page) events.push(toEngineEvent(m));
    if (events.length % 50_000 < page.length) progress(`  read ${events.length}/${total}`);
  }
  progress(`running ${cmd.rules.rules.length} rules over ${events.length} events`);
  const result = backtest(cmd.rules, cmd.topology, events, {
    from: cmd.from.getTime(),
    to: cmd.to.getTime(),
    onlyRules: cmd.ruleIds.length ? cmd.ruleIds : undefined,
  });
  return { ...result, events: events.length };
}
