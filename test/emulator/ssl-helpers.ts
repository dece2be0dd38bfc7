// Certificates a user would bring to the import route, made by the test: a CA of the test's own
// (the emulator's CA code, a separate instance), leaves it signs with chosen dates, RSA and
// encrypted keys, and a TLS client that says whether a served certificate verifies.
import { X509Certificate, createPrivateKey, generateKeyPairSync } from "node:crypto";
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
