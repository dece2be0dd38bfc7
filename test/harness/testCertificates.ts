// Certificates made by the tests themselves: a root CA, intermediates, and server certificates
// (valid, expired, not yet valid) with their keys, all PEM. node:crypto cannot sign a certificate,
// so this uses @peculiar/x509, the library the emulator's CA signs with.
import "reflect-metadata";
import * as x509 from "@peculiar/x509";
import { KeyObject, randomBytes, webcrypto } from "node:crypto";

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

type CryptoKeyPair = webcrypto.CryptoKeyPair;

const EC_P256 = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" };
const DAY_MS = 24 * 3600_000;

export interface KeyPair {
  keys: CryptoKeyPair;
  privateKeyPem: string;
}

export interface ServerCertificate {
  certificatePem: string;
  privateKeyPem: string;
}

export async function newKeyPair(): Promise<KeyPair> {
  const keys = (await webcrypto.subtle.generateKey(EC_P256, true, ["sign", "verify"])) as CryptoKeyPair;
  const privateKeyPem = KeyObject.from(keys.privateKey as webcrypto.CryptoKey).export({ type: "pkcs8", format: "pem" }) as string;
  return { keys, privateKeyPem };
}

function serial(): string {
  const bytes = randomBytes(12);
  bytes[0] = (bytes[0] & 0x7f) | 0x01;
  return bytes.toString("hex");
}

export interface Validity {
  notBefore?: Date;
  notAfter?: Date;
}

function validity(options: Validity): { notBefore: Date; notAfter: Date } {
  const now = Date.now();
  return { notBefore: options.notBefore ?? new Date(now - DAY_MS), notAfter: options.notAfter ?? new Date(now + 90 * DAY_MS) };
}

export class TestCa {
  private constructor(
    readonly certificate: x509.X509Certificate,
    private readonly keys: CryptoKeyPair,
  ) {}

  static async root(name = "Test Root CA"): Promise<TestCa> {
    const { keys } = await newKeyPair();
    const certificate = await x509.X509CertificateGenerator.createSelfSigned({
      serialNumber: serial(),
      name: `CN=${name}, O=pulumi-mamutecloud tests`,
      ...validity({ notAfter: new Date(Date.now() + 3650 * DAY_MS) }),
      keys,
      signingAlgorithm: EC_P256,
      extensions: [
        new x509.BasicConstraintsExtension(true, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      ],
    });
    return new TestCa(certificate, keys);
  }

  get certificatePem(): string {
    return this.certificate.toString("pem");
  }

  /** A CA certificate signed by this one. */
  async intermediate(name: string, options: Validity = {}): Promise<TestCa> {
    const { keys } = await newKeyPair();
    const certificate = await x509.X509CertificateGenerator.create({
      serialNumber: serial(),
      subject: `CN=${name}, O=pulumi-mamutecloud tests`,
      issuer: this.certificate.subject,
      ...validity({ notAfter: new Date(Date.now() + 1000 * DAY_MS), ...options }),
      publicKey: keys.publicKey,
      signingKey: this.keys.privateKey,
      signingAlgorithm: EC_P256,
      extensions: [
        new x509.BasicConstraintsExtension(true, 0, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
        await x509.AuthorityKeyIdentifierExtension.create(this.certificate),
      ],
    });
    return new TestCa(certificate, keys);
  }

  /** A server certificate for `names` (the first also its CN), with a new key unless one is given. */
  async server(names: readonly string[], options: Validity & { key?: KeyPair } = {}): Promise<ServerCertificate> {
    const key = options.key ?? (await newKeyPair());
    const certificate = await x509.X509CertificateGenerator.create({
      serialNumber: serial(),
      subject: `CN=${names[0]}`,
      issuer: this.certificate.subject,
      ...validity(options),
      publicKey: key.keys.publicKey,
      signingKey: this.keys.privateKey,
      signingAlgorithm: EC_P256,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
        new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
        new x509.SubjectAlternativeNameExtension(names.map((value) => ({ type: "dns" as const, value }))),
        await x509.AuthorityKeyIdentifierExtension.create(this.certificate),
      ],
    });
    return { certificatePem: certificate.toString("pem"), privateKeyPem: key.privateKeyPem };
  }
}

export const DAY = DAY_MS;
