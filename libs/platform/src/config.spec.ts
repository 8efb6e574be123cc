import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { ENV_SCHEMA, loadConfig } from './config';
import { IocError } from './errors';

describe('loadConfig', () => {
  it('works with no environment at all: every role, embedded database, local services', () => {
    const c = loadConfig({});
    expect([...c.roles]).toEqual(['api', 'ingest', 'correlate', 'jobs']);
    expect(c.database.url).toBeUndefined();
    expect(c.mqtt.url).toBe('mqtt://127.0.0.1:1883');
    expect(c.redis.url).toBe('redis://127.0.0.1:6379');
    expect(c.ingest.maxFutureSkewMs).toBe(600_000);
  });

  it('parses values and roles', () => {
    const c = loadConfig({
      IOC_ROLES: 'ingest, jobs',
      HTTP_PORT: '8080',
      DATABASE_URL: 'postgres://u@db/ioc',
      LOG_PRETTY: 'true',
    });
    expect([...c.roles]).toEqual(['ingest', 'jobs']);
    expect(c.http.port).toBe(8080);
    expect(c.database.url).toBe('postgres://u@db/ioc');
    expect(c.log.pretty).toBe(true);
  });

  it('lists every bad variable in one CONFIG_INVALID error', () => {
    let err: unknown;
    try {
      loadConfig({
        IOC_ROLES: 'api,teleport',
        HTTP_PORT: '99999',
        DATABASE_URL: 'mysql://x',
        INGEST_CONNECTIONS: 'many',
      });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(IocError);
    const e = err as IocError;
    expect(e.code).toBe('CONFIG_INVALID');
    for (const v of ['IOC_ROLES', 'HTTP_PORT', 'DATABASE_URL', 'INGEST_CONNECTIONS']) expect(e.message).toContain(v);
  });

  it('refuses a lone ingest connection, with the variable and the bound in the message', () => {
    expect(() => loadConfig({ INGEST_CONNECTIONS: '1' })).toThrow(/INGEST_CONNECTIONS.*2/s);
    expect(loadConfig({ INGEST_CONNECTIONS: '2' }).ingest.connections).toBe(2);
  });

  it('.env.example documents every variable', () => {
    const example = readFileSync(path.resolve(__dirname, '../../../.env.example'), 'utf8');
    const documented = [...example.matchAll(/^#?\s*([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1]);
    expect(documented.sort()).toEqual(Object.keys(ENV_SCHEMA.shape).sort());
  });

  it('the production compose file runs every role unless told otherwise', () => {
    const compose = readFileSync(path.resolve(__dirname, '../../../docker/compose.yml'), 'utf8');
    const fallback = compose.match(/IOC_ROLES: \$\{IOC_ROLES:-([^}]*)\}/)?.[1];
    expect(fallback).toBeDefined();
    expect(loadConfig({ IOC_ROLES: fallback }).roles).toEqual(loadConfig({}).roles);
  });

  it("the shipped broker's max_packet_size is the ingest's default payload limit", () => {
    const conf = readFileSync(path.resolve(__dirname, '../../../docker/mosquitto/mosquitto.conf'), 'utf8');
    const limit = conf.match(/^max_packet_size\s+(\d+)\s*$/m)?.[1];
    expect(Number(limit)).toBe(loadConfig({}).ingest.maxPayloadBytes);
  });
});
