import 'reflect-metadata';
import { parseArgs } from 'node:util';
import * as path from 'node:path';
import { buildTopology, loadCity } from '@ioc/city';
import { runBacktest } from '@ioc/correlate';
import { loadRules } from '@ioc/correlation';
import { createLogger, isIocError, loadConfig, PlatformError } from '@ioc/platform';
import { openDatabase, RawMessageRepository } from '@ioc/storage';

const USAGE =
  'usage: npm run rules:backtest -- [--rule <id>]... --from <ISO time> --to <ISO time> [--max-events N] [--json]';
const local = (ms: number) => new Date(ms + 7 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ');

function parseTime(name: string, v: string | undefined): Date {
  const d = v === undefined ? undefined : new Date(v);
  if (!d || Number.isNaN(d.getTime()))
    throw new PlatformError(
      'USAGE_INVALID',
      `--${name} must be an ISO 8601 time (e.g. 2026-10-28T00:00:00+07:00)\n${USAGE}`,
    );
  return d;
}

/** What the rules would have raised over the configured database's stored history (see runBacktest). */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      rule: { type: 'string', multiple: true },
      from: { type: 'string' },
      to: { type: 'string' },
      'max-events': { type: 'string' },
      json: { type: 'boolean' },
    },
    strict: true,
  });
  const from = parseTime('from', values.from);
  const to = parseTime('to', values.to);
  const maxEvents = Number(values['max-events'] ?? 5_000_000);
  if (!Number.isInteger(maxEvents) || maxEvents <= 0)
    throw new PlatformError('USAGE_INVALID', `--max-events must be a positive integer\n${USAGE}`);
  const config = loadConfig();
  const logger = createLogger({ ...config.log, level: 'warn' });
  const seedsDir = config.correlation.seedsDir;
  const topology = buildTopology(loadCity(seedsDir));
  const rules = loadRules(seedsDir && path.join(seedsDir, 'rules'));
  const db = await openDatabase({ ...config.database, dataDir: config.dataDir, migrate: false }, logger);
  try {
    const say = (line: string) => process.stderr.write(`${line}\n`);
    const report = await runBacktest(
      { rules, topology, ruleIds: values.rule ?? [], from, to, maxEvents },
      new RawMessageRepository(db),
      say,
    );
    if (values.json) process.stdout.write(`${JSON.stringify(report.incidents)}\n`);
    else {
      say(`raised (local time, UTC+7):`);
      for (const i of report.incidents) {
        const cleared = i.clearedAt === undefined ? 'still active' : `cleared ${local(i.clearedAt)}`;
        say(
          `  ${local(i.raisedAt)}  ${i.severity.padEnd(8)} ${i.type.padEnd(24)} ${i.zone.id.padEnd(26)} ${cleared.padEnd(24)} evidence ${i.evidence}  ${i.title.en}`,
        );
      }
    }
    const s = report.stats;
    process.stdout.write(
      `${JSON.stringify({ rules: values.rule ?? 'all', from: from.toISOString(), to: to.toISOString(), events: report.events, incidents: report.incidents.length, late: s.late, duplicates: s.duplicates, unknownDevices: s.unknownDevices })}\n`,
    );
  } finally {
    await db.close();
  }
}

main().catch((err) => {
  process.stderr.write(`${isIocError(err) ? `[${err.code}] ` : ''}${(err as Error).message}\n`);
  process.exit(1);
});
