import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { dynsecPasswordHash } from './dynsec-password';
import { initialDynsecState, writeInitialDynsec, type DynsecState } from './dynsec-state';

const options = {
  admin: { username: 'ioc-admin', password: 'admin-pw' },
  ingest: { username: 'ioc-ingest', password: 'ingest-pw', shareGroup: 'ioc-ingest' },
};

describe('initialDynsecState', () => {
  const state = initialDynsecState(options);

  it('denies everything by default except unsubscribing', () => {
    expect(state.defaultACLAccess).toEqual({
      publishClientSend: false,
      publishClientReceive: false,
      subscribe: false,
      unsubscribe: true,
    });
  });

  it('holds the admin and ingest identities, each with its role and a hash of its password', () => {
    expect(state.clients.map((c) => [c.username, c.roles.map((r) => r.rolename)])).toEqual([
      ['ioc-admin', ['ioc-admin']],
      ['ioc-ingest', ['ioc-ingest']],
    ]);
    const ingest = state.clients[1];
    expect(ingest.clientid).toBeUndefined();
    expect(dynsecPasswordHash('ingest-pw', Buffer.from(ingest.salt, 'base64'), ingest.iterations).password).toBe(
      ingest.password,
    );
    expect(JSON.stringify(state)).not.toContain('ingest-pw');
  });

  it('lets the admin only command the plugin and answer provisioning requests', () => {
    expect(state.roles.find((r) => r.rolename === 'ioc-admin')?.acls).toEqual([
      { acltype: 'publishClientSend', topic: '$CONTROL/dynamic-security/#', allow: true },
      { acltype: 'publishClientReceive', topic: '$CONTROL/dynamic-security/#', allow: true },
      { acltype: 'subscribePattern', topic: '$CONTROL/dynamic-security/#', allow: true },
      { acltype: 'subscribePattern', topic: '$share/ioc-provision/ioc/provision/v1/+/request', allow: true },
      { acltype: 'subscribePattern', topic: 'ioc/provision/v1/+/request', allow: true },
      { acltype: 'publishClientReceive', topic: 'ioc/provision/v1/+/request', allow: true },
      { acltype: 'publishClientSend', topic: 'ioc/provision/v1/+/response', allow: true },
    ]);
  });

  it('lets the ingest identity join its share group, read device messages and publish feedback', () => {
    expect(state.roles.find((r) => r.rolename === 'ioc-ingest')?.acls).toEqual([
      { acltype: 'subscribePattern', topic: '$share/ioc-ingest/ioc/v1/#', allow: true },
      { acltype: 'subscribePattern', topic: 'ioc/v1/#', allow: true },
      { acltype: 'publishClientReceive', topic: 'ioc/v1/#', allow: true },
      { acltype: 'publishClientSend', topic: 'ioc/feedback/v1/+', allow: true },
    ]);
  });

  it('adds extra identities with their own role, and refuses a username given twice', () => {
    const role = { rolename: 'x', acls: [] };
    const extra = initialDynsecState({ ...options, extra: [{ credentials: { username: 'x', password: 'p' }, role }] });
    expect(extra.clients.map((c) => c.username)).toEqual(['ioc-admin', 'ioc-ingest', 'x']);
    expect(extra.roles.at(-1)).toBe(role);
    expect(() =>
      initialDynsecState({ ...options, extra: [{ credentials: { username: 'ioc-admin', password: 'p' }, role }] }),
    ).toThrow(/ioc-admin/);
  });
});

describe('writeInitialDynsec', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), 'dynsec-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes the state once, readable by its owner only, and leaves an existing file alone', () => {
    const file = path.join(dir, 'dynamic-security.json');
    expect(writeInitialDynsec(file, options)).toBe(true);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const written = JSON.parse(readFileSync(file, 'utf8')) as DynsecState;
    expect(written.clients.map((c) => c.username)).toEqual(['ioc-admin', 'ioc-ingest']);

    writeFileSync(file, '{"the broker":"wrote this"}');
    expect(writeInitialDynsec(file, options)).toBe(false);
    expect(readFileSync(file, 'utf8')).toBe('{"the broker":"wrote this"}');
  });
});
