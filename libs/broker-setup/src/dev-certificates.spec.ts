import { X509Certificate, createPrivateKey } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { ensureDevCertificates } from './dev-certificates';

describe('ensureDevCertificates', () => {
  let dir: string;
  beforeAll(() => (dir = mkdtempSync(path.join(tmpdir(), 'dev-certs-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('makes a CA and a server certificate for localhost, 127.0.0.1 and ::1 signed by it, the key 0600', () => {
    const certs = ensureDevCertificates(path.join(dir, 'certs'));
    expect(certs.created).toBe(true);
    const ca = new X509Certificate(readFileSync(certs.caFile));
    const server = new X509Certificate(readFileSync(certs.certFile));
    expect(ca.ca).toBe(true);
    expect(server.ca).toBe(false);
    expect(server.checkIssued(ca)).toBe(true);
    expect(server.verify(ca.publicKey)).toBe(true);
    expect(server.checkHost('localhost')).toBe('localhost');
    expect(server.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(server.checkIP('::1')).toBe('::1');
    expect(server.checkHost('example.org')).toBeUndefined();
    expect(server.checkPrivateKey(createPrivateKey(readFileSync(certs.keyFile)))).toBe(true);
    expect(statSync(certs.keyFile).mode & 0o777).toBe(0o600);
  });

  it('keeps what it made: a second call changes nothing', () => {
    const before = readFileSync(path.join(dir, 'certs', 'server.crt'), 'utf8');
    const again = ensureDevCertificates(path.join(dir, 'certs'));
    expect(again.created).toBe(false);
    expect(readFileSync(again.certFile, 'utf8')).toBe(before);
  });

  it('names the hosts it is asked for', () => {
    const certs = ensureDevCertificates(path.join(dir, 'other'), { hosts: ['mosquitto', 'localhost'] });
    const server = new X509Certificate(readFileSync(certs.certFile));
    expect(server.checkHost('mosquitto')).toBe('mosquitto');
    expect(server.checkIP('127.0.0.1')).toBeUndefined();
  });
});
