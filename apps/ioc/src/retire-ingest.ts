import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { Logger as NestPinoLogger } from 'nestjs-pino';
import { IngestService } from '@ioc/ingest';
import { createLogger, isIocError, loadConfig } from '@ioc/platform';
import { AppModule } from './app.module';

/**
 * `npm run ingest:retire -- <instanceId> [idleSeconds]`: empties and deletes the broker sessions of an ingest instance
 * that will not run again (scaled down, renamed). Until then the broker keeps queueing that instance's share of the
 * shared subscription for it. Uses the same configuration as the server; nothing else may run as that instance.
 */
async function main(): Promise<void> {
  const [instanceId, idleArg = '5'] = process.argv.slice(2);
  if (!instanceId) throw new Error('usage: ingest:retire <instanceId> [idleSeconds]');
  const idleSeconds = Number(idleArg);
  if (!(idleSeconds > 0)) throw new Error('idleSeconds must be a positive number');
  const config = loadConfig({ ...process.env, IOC_ROLES: 'ingest', INGEST_INSTANCE_ID: instanceId });
  const logger = createLogger(config.log);
  const app = await NestFactory.createApplicationContext(AppModule.forRoot(config, logger), { bufferLogs: true });
  app.useLogger(app.get(NestPinoLogger));
  const received = await app.get(IngestService).retire(idleSeconds * 1000);
  await app.close();
  process.stdout.write(`${JSON.stringify({ retired: instanceId, drained: received })}\n`);
}

main().catch((err) => {
  process.stderr.write(`${isIocError(err) ? `[${err.code}] ` : ''}${(err as Error).message}\n`);
  process.exit(1);
});
