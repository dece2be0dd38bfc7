// PEM certificates and private keys as ImportedCertificate takes them: canonical text (so a
// reformatted file gives no diff) and the checks a TLS server would otherwise fail on later
// (parses, key matches, not expired, chain in order), all with node:crypto, at `check`.
// No message here ever quotes a private key, nor any part of one.
import { X509Certificate, createPrivateKey, type KeyObject } from "node:crypto";

interface PemBlock {
  /** The label after BEGIN: `CERTIFICATE`, `PRIVATE KEY`, `RSA PRIVATE KEY`, … */
  label: string;
  /** The base64 body without whitespace. */
  body: string;
}

const BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END ([A-Z0-9 ]+)-----/g;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

export type Outcome<T> = { value: T } | { error: string };

/**
 * The PEM blocks of a text. Text between blocks (openssl's `subject=` lines, comments) is dropped:
 * it is not part of what a server sends. Line endings, indentation and line width do not matter.
 */
function pemBlocks(raw: string): Outcome<PemBlock[]> {
  const blocks: PemBlock[] = [];
  for (const match of raw.matchAll(BLOCK)) {
    const [, label, content, endLabel] = match;
    if (label !== endLabel) return { error: `a PEM block that begins "${label}" ends "${endLabel}"` };
    // RFC 1421 headers (`Proc-Type: 4,ENCRYPTED`) mark a legacy encrypted key.
    if (/^[ \t]*[A-Za-z-]+:/m.test(content)) {
      return {
        error: `the ${label} block has headers (${/Proc-Type|DEK-Info/.test(content) ? "it is encrypted" : "unexpected"}); give it unencrypted, without headers`,
      };
    }
    const body = content.replace(/\s+/g, "");
    if (body === "" || !BASE64.test(body) || body.length % 4 !== 0) return { error: `the ${label} block is not valid base64` };
    blocks.push({ label, body });
  }
  if (blocks.length === 0) return { error: "holds no PEM block (expected text starting with -----BEGIN …-----)" };
  return { value: blocks };
}

/** The one text form kept in state: blocks only, 64-column base64, `\n` line ends, a final newline. */
function pemText(blocks: PemBlock[]): string {
  return blocks
    .map(({ label, body }) => `-----BEGIN ${label}-----\n${body.match(/.{1,64}/g)!.join("\n")}\n-----END ${label}-----\n`)
    .join("");
}

function derOf(block: PemBlock): Buffer {
  return Buffer.from(block.body, "base64");
}

/** `CN=www.example.com` (or the whole subject when it has no CN), for messages. */
function subjectName(cert: X509Certificate): string {
  const cn = cert.subject.split("\n").find((line) => line.startsWith("CN="));
  return cn ?? cert.subject.replace(/\n/g, ", ");
}

function validityProblem(cert: X509Certificate, now: Date): string | undefined {
  const notAfter = new Date(cert.validTo);
  if (notAfter.getTime() <= now.getTime()) {
    return `expired on ${notAfter.toISOString()} (${subjectName(cert)}); renew it and import the new one`;
  }
  const notBefore = new Date(cert.validFrom);
  if (notBefore.getTime() > now.getTime()) {
    return `is not valid before ${notBefore.toISOString()} (${subjectName(cert)}); import it once it is valid`;
  }
  return undefined;
}

/** The DNS names a certificate covers: its DNS subjectAltNames, else a host-name CN. */
function dnsNames(cert: X509Certificate): string[] {
  const sans = (cert.subjectAltName ?? "")
    .split(", ")
    .filter((entry) => entry.startsWith("DNS:"))
    .map((entry) => entry.slice(4));
  if (sans.length) return sans;
  const cn = /^CN=(.*)$/m.exec(cert.subject)?.[1];
  return cn && /^(\*\.)?[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)+\.?$/.test(cn) ? [cn] : [];
}

function parseCertificates(raw: string, what: string): Outcome<{ pem: string; certs: X509Certificate[] }> {
  const blocks = pemBlocks(raw);
  if ("error" in blocks) return blocks;
  const other = blocks.value.find((block) => block.label !== "CERTIFICATE");
  if (other) {
    const hint = other.label.includes("PRIVATE KEY") ? "; the private key goes in privateKey" : "";
    return { error: `holds a ${other.label} block; ${what} takes CERTIFICATE blocks only${hint}` };
  }
  const certs: X509Certificate[] = [];
  for (const [index, block] of blocks.value.entries()) {
    try {
      certs.push(new X509Certificate(derOf(block)));
    } catch {
      const which = blocks.value.length > 1 ? `certificate ${index + 1} ` : "";
      return { error: `${which}is not a valid X.509 certificate (its DER content does not parse)` };
    }
  }
  return { value: { pem: pemText(blocks.value), certs } };
}

/** The site's certificate: one CERTIFICATE block, not expired. Returns its canonical PEM. */
export function checkCertificate(raw: string, now = new Date()): Outcome<string> {
  const parsed = parseCertificates(raw, "certificate");
  if ("error" in parsed) return parsed;
  const { certs, pem } = parsed.value;
  if (certs.length > 1) {
    return {
      error:
        `holds ${certs.length} certificates; put only the site's own certificate here and the certificates that issued it ` +
        "in certificateChain",
    };
  }
  const invalid = validityProblem(certs[0], now);
  if (invalid) return { error: invalid };
  if (dnsNames(certs[0]).length === 0) {
    return {
      error: `names no DNS name (${subjectName(certs[0])}, no DNS subjectAltName): a CDN certificate must cover the site's host names`,
    };
  }
  return { value: pem };
}

/** The issuing certificates: one or more CERTIFICATE blocks, none expired. Order is checked with the certificate. */
export function checkChain(raw: string, now = new Date()): Outcome<string> {
  const parsed = parseCertificates(raw, "certificateChain");
  if ("error" in parsed) return parsed;
  const { certs, pem } = parsed.value;
  for (const [index, cert] of certs.entries()) {
    const invalid = validityProblem(cert, now);
    if (invalid) return { error: `certificate ${index + 1} ${invalid}` };
  }
  return { value: pem };
}

/** One unencrypted private key (PKCS#8, PKCS#1 or SEC1). Returns its canonical PEM. */
export function checkPrivateKey(raw: string): Outcome<string> {
  const blocks = pemBlocks(raw);
  if ("error" in blocks) return blocks;
  if (blocks.value.length !== 1) return { error: `holds ${blocks.value.length} PEM blocks; give exactly one private key` };
  const [block] = blocks.value;
  if (block.label === "ENCRYPTED PRIVATE KEY") {
    return { error: "is encrypted; give the key unencrypted (e.g. `openssl pkey -in key.pem -out plain.pem`)" };
  }
  if (!/^(RSA |EC )?PRIVATE KEY$/.test(block.label)) {
    return { error: `holds a ${block.label} block, not a private key (expected BEGIN PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY)` };
  }
  const pem = pemText(blocks.value);
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch {
    return { error: `is not a valid ${block.label.toLowerCase()} (its content does not parse)` };
  }
  const unsupported = keyTypeProblem(key);
  return unsupported ? { error: unsupported } : { value: pem };
}

const EC_CURVES: Record<string, string> = { prime256v1: "P-256", secp384r1: "P-384", secp521r1: "P-521" };

/** The key types the CDN serves: RSA of 2048 bits or more, ECDSA on P-256, P-384 or P-521. */
function keyTypeProblem(key: KeyObject): string | undefined {
  const details = key.asymmetricKeyDetails ?? {};
  if (key.asymmetricKeyType === "rsa") {
    const bits = details.modulusLength ?? 0;
    return bits >= 2048 ? undefined : `is an RSA key of ${bits} bits; the CDN needs RSA of at least 2048 bits, or ECDSA`;
  }
  if (key.asymmetricKeyType === "ec") {
    const curve = details.namedCurve ?? "unknown";
    return EC_CURVES[curve] ? undefined : `is an EC key on curve ${curve}; the CDN takes P-256, P-384 or P-521`;
  }
  return `is a ${key.asymmetricKeyType} key; the CDN takes RSA (2048 bits or more) or ECDSA (P-256, P-384, P-521) keys`;
}

function certificatesOf(pem: string): X509Certificate[] {
  const blocks = pemBlocks(pem);
  if ("error" in blocks) throw new Error(blocks.error);
  return blocks.value.map((block) => new X509Certificate(derOf(block)));
}

/** Whether `issuer` signed `cert`: names chain up and the signature verifies. */
function issued(issuer: X509Certificate, cert: X509Certificate): boolean {
  return cert.checkIssued(issuer) && cert.verify(issuer.publicKey);
}

/** The private key belongs to the certificate. Both already checked on their own. */
export function keyMatchesCertificate(certificatePem: string, privateKeyPem: string): string | undefined {
  const [cert] = certificatesOf(certificatePem);
  let key: KeyObject;
  try {
    key = createPrivateKey(privateKeyPem);
  } catch {
    return "does not parse";
  }
  if (cert.checkPrivateKey(key)) return undefined;
  return (
    `does not belong to the certificate (${subjectName(cert)}): its public key differs from the certificate's. ` +
    "Give the key that was used to request this certificate"
  );
}

/**
 * The chain starts with the certificate that issued the site's certificate, and each next one
 * issued the one before (a root at the end is allowed), as TLS sends them.
 */
export function chainOrderProblem(certificatePem: string, chainPem: string): string | undefined {
  const [leaf] = certificatesOf(certificatePem);
  const chain = certificatesOf(chainPem);
  const itself = chain.findIndex((cert) => cert.fingerprint256 === leaf.fingerprint256);
  if (itself !== -1) {
    return `holds the certificate itself (certificate ${itself + 1}); give only the certificates that issued it (a full-chain file goes in two parts)`;
  }
  const ordered = [leaf, ...chain];
  const broken = ordered.findIndex((cert, index) => index > 0 && !issued(cert, ordered[index - 1]));
  if (broken === -1) return undefined;

  const reversed = [leaf, ...[...chain].reverse()];
  if (chain.length > 1 && reversed.every((cert, index) => index === 0 || issued(cert, reversed[index - 1]))) {
    return "is in reverse order: list the certificate that issued the site's certificate first, then the one that issued it, up to the root";
  }
  const child = ordered[broken - 1];
  const actualIssuer = chain.findIndex((cert) => issued(cert, child));
  const childName = broken === 1 ? `the certificate (${subjectName(child)})` : `certificate ${broken - 1} (${subjectName(child)})`;
  if (actualIssuer !== -1) {
    return (
      `is out of order: certificate ${broken} (${subjectName(chain[broken - 1])}) did not issue ${childName}; ` +
      `certificate ${actualIssuer + 1} (${subjectName(chain[actualIssuer])}) did, so it must come right after it`
    );
  }
  return (
    `does not continue ${childName}: certificate ${broken} (${subjectName(chain[broken - 1])}) did not issue it, nor does ` +
    `any certificate in the chain (its issuer is ${child.issuer.replace(/\n/g, ", ")})`
  );
}

/** SHA-256 of the DER certificate as upper-case hex pairs joined by `:`, as the API reports it. */
export function fingerprintOf(certificatePem: string): string {
  return certificatesOf(certificatePem)[0].fingerprint256;
}
