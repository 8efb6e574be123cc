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

  it('creates no demo users and leaves /metrics open unless asked; throttles sign-in by default', () => {
    const c = loadConfig({});
    expect(c.auth.demoUsers).toBe(false);
    expect(c.metricsToken).toBeUndefined();
    expect(c.auth.login).toEqual({ maxAttemptsPerAccount: 5, maxAttemptsPerAddress: 30, windowS: 900 });
    expect(c.http.trustProxy).toBe(false);
    expect(loadConfig({ AUTH_DEMO_USERS: 'true' }).auth.demoUsers).toBe(true);
  });

  it('takes a metrics token of 16 characters or more, and trust proxy as a flag, hops or addresses', () => {
    expect(() => loadConfig({ METRICS_TOKEN: 'short' })).toThrow(/METRICS_TOKEN/);
    expect(loadConfig({ METRICS_TOKEN: 'x'.repeat(16) }).metricsToken).toBe('x'.repeat(16));
    expect(loadConfig({ HTTP_TRUST_PROXY: 'true' }).http.trustProxy).toBe(true);
    expect(loadConfig({ HTTP_TRUST_PROXY: '2' }).http.trustProxy).toBe(2);
    expect(loadConfig({ HTTP_TRUST_PROXY: 'loopback, 10.0.0.0/8' }).http.trustProxy).toBe('loopback, 10.0.0.0/8');
    expect(loadConfig({ HTTP_TRUST_PROXY: '::1,fd00::/8' }).http.trustProxy).toBe('::1,fd00::/8');
    for (const bad of ['yes-please', '10.0.0.0/33', 'loopback,proxy.example'])
      expect(() => loadConfig({ HTTP_TRUST_PROXY: bad })).toThrow(/HTTP_TRUST_PROXY/);
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

  it('refuses unknown devices and limits each device to 10 msg/s with bursts of 600 unless told otherwise', () => {
    const c = loadConfig({});
    expect(c.ingest.unknownDevices).toBe('reject');
    expect(c.ingest.deviceRate).toEqual({ ratePerS: 10, burst: 600 });
    const dev = loadConfig({
      INGEST_UNKNOWN_DEVICES: 'register',
      INGEST_DEVICE_RATE_PER_S: '0.5',
      INGEST_DEVICE_BURST: '20',
    });
    expect(dev.ingest.unknownDevices).toBe('register');
    expect(dev.ingest.deviceRate).toEqual({ ratePerS: 0.5, burst: 20 });
    expect(() => loadConfig({ INGEST_DEVICE_RATE_PER_S: '0' })).toThrow(/INGEST_DEVICE_RATE_PER_S/);
    expect(() => loadConfig({ INGEST_DEVICE_BURST: '0' })).toThrow(/INGEST_DEVICE_BURST/);
  });

  it('.env.example documents every variable', () => {
    const example = readFileSync(path.resolve(__dirname, '../../../.env.example'), 'utf8');
    const documented = [...example.matchAll(/^#?\s*([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1]);
    expect(documented.sort()).toEqual(Object.keys(ENV_SCHEMA.shape).sort());
  });

  it('the shipped image and compose files create no demo users', () => {
    for (const file of ['docker/compose.yml', 'docker/compose.split-roles.yml', 'docker/Dockerfile']) {
      const text = readFileSync(path.resolve(__dirname, '../../../', file), 'utf8');
      expect(text).not.toMatch(/AUTH_DEMO_USERS[=:]\s*['"]?(true|1|yes)/);
    }
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
