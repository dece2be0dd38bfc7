// The emulator's own certificate authority. node:crypto parses and verifies certificates but
// cannot build or sign one, so @peculiar/x509 (WebCrypto underneath, CommonJS build) assembles
// and signs them (with Node's global WebCrypto, which it finds by itself); keys are ECDSA P-256,
// which WebCrypto generates in about a millisecond.
import "reflect-metadata"; // @peculiar/x509's dependency injection (tsyringe) needs it loaded first
import * as x509 from "@peculiar/x509";
import { KeyObject, createPrivateKey, randomBytes, webcrypto } from "node:crypto";

const EC_P256 = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" };
const HOUR_MS = 3600_000;
const DAY_MS = 24 * HOUR_MS;
const CA_LIFETIME_MS = 3650 * DAY_MS;

/** A certificate and its key, both PEM. */
export interface KeyAndCertificate {
  certificatePem: string;
  privateKeyPem: string;
}

async function newKeyPair(): Promise<webcrypto.CryptoKeyPair> {
  return (await webcrypto.subtle.generateKey(EC_P256, true, ["sign", "verify"])) as webcrypto.CryptoKeyPair;
}

function privateKeyPem(key: webcrypto.CryptoKey): string {
  return KeyObject.from(key).export({ type: "pkcs8", format: "pem" }) as string;
}

/** A positive serial of 16 random bytes (RFC 5280 §4.1.2.2: at most 20 octets, positive). */
function serialNumber(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0] & 0x7f) | 0x01;
  return bytes.toString("hex");
}

export class CertificateAuthority {
  private constructor(
    private readonly certificate: x509.X509Certificate,
    private readonly signingKey: webcrypto.CryptoKey,
  ) {}

  /** The CA a data dir kept, so the certificates it issued before a restart stay valid. */
  static async fromPem(saved: KeyAndCertificate): Promise<CertificateAuthority> {
    const certificate = new x509.X509Certificate(saved.certificatePem);
    const der = createPrivateKey(saved.privateKeyPem).export({ type: "pkcs8", format: "der" });
    const signingKey = await webcrypto.subtle.importKey("pkcs8", der, EC_P256, true, ["sign"]);
    return new CertificateAuthority(certificate, signingKey);
  }

  /** A new CA valid from an hour before `now` for ten years. */
  static async create(now: Date): Promise<CertificateAuthority> {
    const keys = await newKeyPair();
    const certificate = await x509.X509CertificateGenerator.createSelfSigned({
      serialNumber: serialNumber(),
      name: `CN=MamuteCloud Emulator CA ${randomBytes(4).toString("hex")}, O=MamuteCloud Emulator`,
      notBefore: new Date(now.getTime() - HOUR_MS),
      notAfter: new Date(now.getTime() + CA_LIFETIME_MS),
      keys,
      signingAlgorithm: EC_P256,
      extensions: [
        new x509.BasicConstraintsExtension(true, 0, true),
        new x509.KeyUsagesExtension(
          x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature,
          true,
        ),
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      ],
    });
    return new CertificateAuthority(certificate, keys.privateKey);
  }

  get certificatePem(): string {
    return this.certificate.toString("pem");
  }

  /** What a data dir keeps (the key is a secret: it is written only to the data dir). */
  toPem(): KeyAndCertificate {
    return { certificatePem: this.certificatePem, privateKeyPem: privateKeyPem(this.signingKey) };
  }

  /** A server certificate for `names` (the first is also the subject CN), with a new key. */
  async issue(names: readonly string[], notBefore: Date, notAfter: Date): Promise<KeyAndCertificate> {
    const keys = await newKeyPair();
    const certificate = await x509.X509CertificateGenerator.create({
      serialNumber: serialNumber(),
      subject: `CN=${names[0]}`,
      issuer: this.certificate.subject,
      notBefore,
      notAfter,
      publicKey: keys.publicKey,
      signingKey: this.signingKey,
      signingAlgorithm: EC_P256,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
        new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
        new x509.SubjectAlternativeNameExtension(names.map((value) => ({ type: "dns" as const, value }))),
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
        await x509.AuthorityKeyIdentifierExtension.create(this.certificate),
      ],
    });
    return { certificatePem: certificate.toString("pem"), privateKeyPem: privateKeyPem(keys.privateKey) };
  }
}
