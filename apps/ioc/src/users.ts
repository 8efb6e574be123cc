import 'reflect-metadata';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { z } from 'zod';
import { AuthError, AuthModule, UserService, type Principal } from '@ioc/auth';
import { CreateUserRequestSchema, SetPasswordRequestSchema, UpdateUserRequestSchema } from '@ioc/contracts';
import { createLogger, isIocError, loadConfig, PlatformError, PlatformModule } from '@ioc/platform';
import { StorageModule, UserRepository } from '@ioc/storage';

const USAGE = `usage (the password, where one is needed, is read as one line from standard input):
  users list
  users create <username> --role <role> --name <display name>
  users set-password <username>
  users role <username> <role>
  users disable <username> | users enable <username>`;

/** Who the audit log names for changes made here: whoever can run the server's own tools on its host. */
const CLI_ACTOR: Principal = { userId: 'cli', username: 'cli', displayName: 'command line', role: 'admin' };

/** The first line of standard input: `read -rs PW; printf '%s\n' "$PW" | … users set-password admin1`. */
async function passwordFromStdin(): Promise<string> {
  const lines = createInterface({ input: process.stdin, terminal: false });
  for await (const line of lines) {
    lines.close();
    return line;
  }
  throw new PlatformError('USAGE_INVALID', 'a password is read from standard input: none was given');
}

/** Input checked with the REST API's own schemas: USAGE_INVALID naming each problem. */
function valid<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  throw new PlatformError(
    'USAGE_INVALID',
    r.error.issues.map((i) => `${i.path.join('.') || 'input'}: ${i.message}`).join('; '),
  );
}

/**
 * `node dist/apps/ioc/src/users.js <command>` (`npm run users -- <command>`): the user table from the server's host,
 * with the server's configuration — the first admin of a deployment without demo users, or an admin locked out. The
 * same rules as the REST API's user management (libs/auth UserService): the last active admin stays.
 */
async function main(): Promise<void> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: { role: { type: 'string' }, name: { type: 'string' } },
  });
  const [command, username, arg] = positionals;
  if (!command) throw new PlatformError('USAGE_INVALID', USAGE);
  const config = loadConfig();
  const logger = createLogger(config.log);

  @Module({ imports: [PlatformModule.forRoot(config, logger), StorageModule.forRoot(), AuthModule] })
  class UsersCli {}
  const app = await NestFactory.createApplicationContext(UsersCli, { logger: false });
  try {
    const users = app.get(UserService);
    const byName = async (name: string | undefined) => {
      if (!name) throw new PlatformError('USAGE_INVALID', USAGE);
      const user = await app.get(UserRepository).findByUsername(name.trim().toLowerCase());
      if (!user) throw new AuthError('USER_NOT_FOUND', `no user "${name}"`);
      return user.id;
    };
    let result: unknown;
    switch (command) {
      case 'list':
        result = await users.list();
        break;
      case 'create': {
        const req = valid(CreateUserRequestSchema, {
          username,
          role: values.role,
          displayName: values.name,
          password: await passwordFromStdin(),
        });
        result = await users.create(CLI_ACTOR, req);
        break;
      }
      case 'set-password': {
        const id = await byName(username);
        result = await users.setPassword(
          CLI_ACTOR,
          id,
          valid(SetPasswordRequestSchema, { password: await passwordFromStdin() }).password,
        );
        break;
      }
      case 'role':
        result = await users.update(CLI_ACTOR, await byName(username), {
          role: valid(UpdateUserRequestSchema, { role: arg }).role,
        });
        break;
      case 'disable':
      case 'enable':
        result = await users.update(CLI_ACTOR, await byName(username), { disabled: command === 'disable' });
        break;
      default:
        throw new PlatformError('USAGE_INVALID', `unknown command "${command}"\n${USAGE}`);
    }
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } finally {
    await app.close();
  }
}

main().catch((err) => {
  process.stderr.write(`${isIocError(err) ? `[${err.code}] ` : ''}${(err as Error).message}\n`);
  process.exit(isIocError(err, 'USAGE_INVALID') ? 64 : 1);
});
