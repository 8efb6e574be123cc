import 'reflect-metadata';
import { createLogger, isIocError, loadConfig } from '@ioc/platform';
import { migrate, openDatabase } from '@ioc/storage';

/** `npm run migrate -- up|down [count]`: runs the versioned SQL migrations against the configured database. */
async function main(): Promise<void> {
  const [direction = 'up', countArg] = process.argv.slice(2);
  if (direction !== 'up' && direction !== 'down') throw new Error(`usage: migrate up|down [count]; got "${direction}"`);
  const count = countArg === undefined ? undefined : countArg === 'all' ? Infinity : Number(countArg);
  if (count !== undefined && !(count === Infinity || (Number.isInteger(count) && count > 0)))
    throw new Error('count must be a positive integer or "all"');
  const config = loadConfig();
  const logger = createLogger(config.log);
  const db = await openDatabase({ ...config.database, dataDir: config.dataDir, migrate: false }, logger);
  try {
    const ran = await migrate(db, direction, count, logger);
    logger.info({ direction, ran }, ran.length ? 'migrations applied' : 'nothing to migrate');
  } finally {
    await db.close();
  }
}

main().catch((err) => {
  process.stderr.write(`${isIocError(err) ? `[${err.code}] ` : ''}${(err as Error).message}\n`);
  process.exit(1);
});
