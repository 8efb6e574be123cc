import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import * as path from 'node:path';
import { md, pki, random, util } from 'node-forge';

export interface DevCertificates {
  /** The development CA that clients trust (`--cafile`, MQTT_CA_FILE). */
  readonly caFile: string;
  readonly certFile: string;
  readonly keyFile: string;
  /** False when the files were already there. */
  readonly created: boolean;
}

export interface DevCertificateOptions {
  /** Names and addresses the server certificate is valid for. Default: localhost, 127.0.0.1 and ::1. */
  readonly hosts?: readonly string[];
  readonly now?: Date;
}

export const DEV_CERT_HOSTS = ['localhost', '127.0.0.1', '::1'] as const;
const DAY_MS = 24 * 3600 * 1000;

/**
 * A CA and a server certificate signed by it, for the broker's TLS listener in development and in the demo: generated
 * once into `dir` (ca.crt, server.crt, server.key; the key 0600) and kept. The CA's key is not kept: nothing else is
 * ever signed with it. Delete the directory to generate new ones. Production brokers take certificates from the
 * operator's own CA.
 */
export function ensureDevCertificates(dir: string, opts: DevCertificateOptions = {}): DevCertificates {
  const files = {
    caFile: path.join(dir, 'ca.crt'),
    certFile: path.join(dir, 'server.crt'),
    keyFile: path.join(dir, 'server.key'),
  };
  if (Object.values(files).every((f) => existsSync(f))) return { ...files, created: false };
  const now = opts.now ?? new Date();
  const hosts = opts.hosts ?? DEV_CERT_HOSTS;

  const caKeys = pki.rsa.generateKeyPair({ bits: 2048 });
  const caName = [
    { name: 'commonName', value: 'Soc Trang IOC development CA' },
    { name: 'organizationName', value: 'Soc Trang IOC (development)' },
  ];
  const ca = certificate(caKeys.publicKey, caName, caName, now, 3650);
  ca.setExtensions([
    { name: 'basicConstraints', cA: true, pathLenConstraint: 0, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  ca.sign(caKeys.privateKey, md.sha256.create());

  const serverKeys = pki.rsa.generateKeyPair({ bits: 2048 });
  const server = certificate(serverKeys.publicKey, [{ name: 'commonName', value: hosts[0] }], caName, now, 825);
  server.setExtensions([
    { name: 'basicConstraints', cA: false, critical: true },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    {
      name: 'subjectAltName',
      altNames: hosts.map((h) => (isIP(h) ? { type: 7, ip: h } : { type: 2, value: h })),
    },
    { name: 'subjectKeyIdentifier' },
    { name: 'authorityKeyIdentifier', keyIdentifier: ca.generateSubjectKeyIdentifier().getBytes() },
  ]);
  server.sign(caKeys.privateKey, md.sha256.create());

  mkdirSync(dir, { recursive: true });
  writeFileSync(files.keyFile, pki.privateKeyToPem(serverKeys.privateKey), { mode: 0o600 });
  chmodSync(files.keyFile, 0o600);
  writeFileSync(files.certFile, pki.certificateToPem(server), { mode: 0o644 });
  writeFileSync(files.caFile, pki.certificateToPem(ca), { mode: 0o644 });
  return { ...files, created: true };
}

function certificate(
  publicKey: pki.PublicKey,
  subject: pki.CertificateField[],
  issuer: pki.CertificateField[],
  now: Date,
  days: number,
): pki.Certificate {
  const cert = pki.createCertificate();
  cert.publicKey = publicKey;
  // A positive 16-byte serial (the high bit clear), random so that a regenerated certificate never repeats one.
  cert.serialNumber = `0${util.bytesToHex(random.getBytesSync(16)).slice(1)}`;
  cert.validity.notBefore = new Date(now.getTime() - 3600 * 1000);
  cert.validity.notAfter = new Date(now.getTime() + days * DAY_MS);
  cert.setSubject(subject);
  cert.setIssuer(issuer);
  return cert;
}
