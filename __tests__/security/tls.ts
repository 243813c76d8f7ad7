/**
 * A throw-away certificate authority for tests, made with node:crypto alone: a self-signed CA
 * and a server certificate for 127.0.0.1 / localhost signed by it (X.509 v3 written in DER by a
 * small encoder). The action processes trust the CA through NODE_EXTRA_CA_CERTS, exactly as a
 * runner trusts a corporate CA; nothing turns certificate checks off.
 */
import { createHash, generateKeyPairSync, randomBytes, sign, X509Certificate, type KeyObject } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// --- DER ---------------------------------------------------------------------------------------

function len(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v >>= 8) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}
const tlv = (tag: number, value: Buffer): Buffer => Buffer.concat([Buffer.from([tag]), len(value.length), value]);
const seq = (...items: Buffer[]): Buffer => tlv(0x30, Buffer.concat(items));
const set = (...items: Buffer[]): Buffer => tlv(0x31, Buffer.concat(items));
const explicit = (n: number, value: Buffer): Buffer => tlv(0xa0 + n, value);
const octets = (value: Buffer): Buffer => tlv(0x04, value);
const bits = (value: Buffer, unused = 0): Buffer => tlv(0x03, Buffer.concat([Buffer.from([unused]), value]));
const bool = (v: boolean): Buffer => tlv(0x01, Buffer.from([v ? 0xff : 0x00]));
const nul = (): Buffer => Buffer.from([0x05, 0x00]);
const utf8 = (s: string): Buffer => tlv(0x0c, Buffer.from(s, 'utf8'));

function integer(value: Buffer | number): Buffer {
  let b = typeof value === 'number' ? Buffer.from([value]) : value;
  while (b.length > 1 && b[0] === 0 && (b[1]! & 0x80) === 0) b = b.subarray(1);
  if (b[0]! & 0x80) b = Buffer.concat([Buffer.from([0]), b]);
  return tlv(0x02, b);
}

function oid(text: string): Buffer {
  const arcs = text.split('.').map(Number);
  const out = [40 * arcs[0]! + arcs[1]!];
  for (const arc of arcs.slice(2)) {
    const chunk: number[] = [arc & 0x7f];
    for (let v = arc >> 7; v > 0; v >>= 7) chunk.unshift((v & 0x7f) | 0x80);
    out.push(...chunk);
  }
  return tlv(0x06, Buffer.from(out));
}

function time(d: Date): Buffer {
  const p = (n: number) => String(n).padStart(2, '0');
  const text = `${p(d.getUTCFullYear() % 100)}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}Z`;
  return tlv(0x17, Buffer.from(text, 'ascii'));
}

const name = (cn: string): Buffer => seq(set(seq(oid('2.5.4.3'), utf8(cn))));
const extension = (id: string, critical: boolean, value: Buffer): Buffer => seq(oid(id), ...(critical ? [bool(true)] : []), octets(value));
const SHA256_WITH_RSA = seq(oid('1.2.840.113549.1.1.11'), nul());

function keyId(key: KeyObject): Buffer {
  return createHash('sha1')
    .update(key.export({ type: 'spki', format: 'der' }))
    .digest();
}

function certificate(o: {
  subject: string;
  issuer: string;
  publicKey: KeyObject;
  signingKey: KeyObject;
  issuerPublicKey: KeyObject;
  ca: boolean;
  ipAddresses?: string[];
  dnsNames?: string[];
}): string {
  const now = Date.now();
  const extensions: Buffer[] = [
    extension('2.5.29.19', true, o.ca ? seq(bool(true)) : seq()),
    // keyUsage: CA = digitalSignature, keyCertSign, cRLSign; server = digitalSignature, keyEncipherment
    extension('2.5.29.15', true, o.ca ? bits(Buffer.from([0x86]), 1) : bits(Buffer.from([0xa0]), 5)),
    extension('2.5.29.14', false, octets(keyId(o.publicKey))),
    extension('2.5.29.35', false, seq(tlv(0x80, keyId(o.issuerPublicKey)))),
  ];
  if (!o.ca) {
    extensions.push(extension('2.5.29.37', false, seq(oid('1.3.6.1.5.5.7.3.1'))));
    const names = [
      ...(o.dnsNames ?? []).map((d) => tlv(0x82, Buffer.from(d, 'ascii'))),
      ...(o.ipAddresses ?? []).map((ip) => tlv(0x87, Buffer.from(ip.split('.').map(Number)))),
    ];
    extensions.push(extension('2.5.29.17', false, seq(...names)));
  }
  const serial = randomBytes(12);
  serial[0]! &= 0x7f;
  const tbs = seq(
    explicit(0, integer(2)),
    integer(serial),
    SHA256_WITH_RSA,
    name(o.issuer),
    seq(time(new Date(now - 60 * 60_000)), time(new Date(now + 2 * 24 * 3600_000))),
    name(o.subject),
    o.publicKey.export({ type: 'spki', format: 'der' }),
    explicit(3, seq(...extensions)),
  );
  const der = seq(tbs, SHA256_WITH_RSA, bits(sign('sha256', tbs, o.signingKey)));
  const b64 = der.toString('base64').replace(/.{1,64}/g, '$&\n');
  return `-----BEGIN CERTIFICATE-----\n${b64}-----END CERTIFICATE-----\n`;
}

export interface TestCa {
  /** PEM of the CA certificate (what NODE_EXTRA_CA_CERTS points at). */
  caPem: string;
  /** File holding {@link caPem}. */
  caFile: string;
  /** Server certificate for 127.0.0.1 and localhost, and its key (PEM). */
  cert: string;
  key: string;
}

/** A new CA and a loopback server certificate signed by it (also valid for `extraDnsNames`). */
export function createTestCa(extraDnsNames: string[] = []): TestCa {
  const ca = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const server = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const caPem = certificate({
    subject: 'azureml-actions test CA',
    issuer: 'azureml-actions test CA',
    publicKey: ca.publicKey,
    signingKey: ca.privateKey,
    issuerPublicKey: ca.publicKey,
    ca: true,
  });
  const cert = certificate({
    subject: '127.0.0.1',
    issuer: 'azureml-actions test CA',
    publicKey: server.publicKey,
    signingKey: ca.privateKey,
    issuerPublicKey: ca.publicKey,
    ca: false,
    ipAddresses: ['127.0.0.1'],
    dnsNames: ['localhost', ...extraDnsNames],
  });
  // Fail here, not in a TLS handshake far away, when the encoding is wrong.
  if (!new X509Certificate(cert).verify(new X509Certificate(caPem).publicKey)) throw new Error('test CA: the server certificate does not verify');
  const dir = mkdtempSync(join(tmpdir(), 'aml-ca-'));
  const caFile = join(dir, 'ca.pem');
  writeFileSync(caFile, caPem);
  return { caPem, caFile, cert, key: server.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string };
}
