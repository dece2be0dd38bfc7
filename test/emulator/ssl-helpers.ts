// Certificates a user would bring to the import route, made by the test: a CA of the test's own
// (the emulator's CA code, a separate instance), leaves it signs with chosen dates, RSA and
// encrypted keys, and a TLS client that says whether a served certificate verifies.
import "reflect-metadata";
import * as x509 from "@peculiar/x509";
import { KeyObject, X509Certificate, createPrivateKey, generateKeyPairSync, webcrypto } from "node:crypto";
import { connect, createServer, type SecureContextOptions } from "node:tls";
import type { AddressInfo } from "node:net";
import { CertificateAuthority } from "../../emulator/tls/authority";

const DAY_MS = 86400_000;

export interface TestLeaf {
  certificate: string;
  privateKey: string;
}

export class TestCa {
  private constructor(readonly authority: CertificateAuthority) {}

  static async create(): Promise<TestCa> {
    return new TestCa(await CertificateAuthority.create(new Date()));
  }

  get certificate(): string {
    return this.authority.certificatePem;
  }

  /** A leaf for `names`, valid from `fromDays` to `toDays` days from now. */
  async leaf(names: string[], fromDays = -1, toDays = 30): Promise<TestLeaf> {
    const now = Date.now();
    const issued = await this.authority.issue(names, new Date(now + fromDays * DAY_MS), new Date(now + toDays * DAY_MS));
    return { certificate: issued.certificatePem, privateKey: issued.privateKeyPem };
  }
}

/** A self-signed RSA-2048 certificate, as `openssl req -x509 -newkey rsa:2048` makes. */
export async function selfSignedRsa(name: string): Promise<TestLeaf> {
  const algorithm = { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256", publicExponent: new Uint8Array([1, 0, 1]), modulusLength: 2048 };
  const keys = (await webcrypto.subtle.generateKey(algorithm, true, ["sign", "verify"])) as webcrypto.CryptoKeyPair;
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: "0a",
    name: `CN=${name}`,
    notBefore: new Date(Date.now() - DAY_MS),
    notAfter: new Date(Date.now() + 30 * DAY_MS),
    keys,
    signingAlgorithm: algorithm,
  });
  return {
    certificate: cert.toString("pem"),
    privateKey: KeyObject.from(keys.privateKey).export({ type: "pkcs1", format: "pem" }) as string,
  };
}

/** The key as `openssl ecparam -genkey` writes it: EC PARAMETERS, then a SEC1 `EC PRIVATE KEY`. */
export function withEcParameters(privateKeyPem: string): string {
  const sec1 = createPrivateKey(privateKeyPem).export({ type: "sec1", format: "pem" }) as string;
  return `-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n${sec1}`;
}

export function rsaKey(bits: number): string {
  return generateKeyPairSync("rsa", { modulusLength: bits }).privateKey.export({ type: "pkcs8", format: "pem" }) as string;
}

export function encrypted(privateKeyPem: string): string {
  return createPrivateKey(privateKeyPem).export({ type: "pkcs8", format: "pem", cipher: "aes-256-cbc", passphrase: "secret" }) as string;
}

export function fingerprint(pem: string): string {
  return new X509Certificate(pem).fingerprint256;
}

/**
 * Serves `served` on a loopback TLS server and connects as a client that trusts only `ca`, asking
 * for `servername`: undefined when the handshake verifies, else the client's error code.
 */
export async function tlsVerifyError(served: SecureContextOptions, ca: string, servername: string): Promise<string | undefined> {
  const server = createServer(served, (socket) => socket.end());
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  try {
    return await new Promise<string | undefined>((resolve) => {
      const socket = connect({ host: "127.0.0.1", port: (server.address() as AddressInfo).port, ca, servername }, () => {
        socket.destroy();
        resolve(undefined);
      });
      socket.once("error", (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    });
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}
