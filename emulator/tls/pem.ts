// Imported certificates: PEM parsing and the checks a real CDN makes before it will serve one
// (key matches, valid now, chain links up). node:crypto does the X.509 work; @peculiar/x509 only
// reads the subjectAltName and CN structurally (node gives them as display strings).
import "reflect-metadata"; // see authority.ts
import * as x509 from "@peculiar/x509";
import { X509Certificate, createPrivateKey, type KeyObject } from "node:crypto";
import type { IssuedCertificate } from "../state";
import { validationError } from "../management/http";

interface PemBlock {
  label: string;
  text: string;
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----\r?\n[\s\S]*?\r?\n-----END \1-----/g;
const KEY_LABELS = ["PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY"];
const EC_CURVES = ["prime256v1", "secp384r1", "secp521r1"];
const MIN_RSA_BITS = 2048;
/** Host-name syntax for names read from a certificate (any number of labels; `*` first only). */
const DNS_NAME = /^(\*\.)?([a-z0-9_-]{1,63}\.)*[a-z0-9_-]{1,63}$/;

/** The PEM blocks of `text`, or undefined when anything but whitespace lies outside them. */
function pemBlocks(text: string): PemBlock[] | undefined {
  const blocks: PemBlock[] = [];
  let rest = text;
  for (const match of text.matchAll(PEM_BLOCK)) {
    blocks.push({ label: match[1], text: match[0] });
    rest = rest.replace(match[0], "");
  }
  return rest.trim() === "" ? blocks : undefined;
}

function parseCertificate(text: string): X509Certificate | undefined {
  try {
    return new X509Certificate(text);
  } catch {
    return undefined;
  }
}

/** `C=US\nO=Example` (node's form) as `C=US, O=Example`, in the certificate's order. */
function distinguishedName(nodeForm: string): string {
  return nodeForm.split("\n").join(", ");
}

/** The facts the API answers about a certificate; `issuedAt` is when the emulator got it. */
export function describeCertificate(certificatePem: string, privateKeyPem: string, chainPem: string, issuedAt: Date): IssuedCertificate {
  const cert = new X509Certificate(certificatePem);
  return {
    certificatePem,
    privateKeyPem,
    chainPem,
    issuer: distinguishedName(cert.issuer),
    serialNumber: cert.serialNumber.toUpperCase(),
    notBefore: new Date(cert.validFrom),
    notAfter: new Date(cert.validTo),
    fingerprintSha256: cert.fingerprint256,
    issuedAt,
  };
}

/** DNS names of the certificate: the CN first when it is one of them (or there are none), lower case. */
function dnsNames(pem: string): string[] {
  let cert: x509.X509Certificate;
  try {
    cert = new x509.X509Certificate(pem);
  } catch {
    throw validationError("certificate", "does not parse as an X.509 certificate");
  }
  const sans = (cert.getExtension(x509.SubjectAlternativeNameExtension)?.names.items ?? [])
    .filter((name) => name.type === "dns")
    .map((name) => name.value.toLowerCase());
  const commonName = cert.subjectName.getField("CN")[0]?.toLowerCase();
  const names =
    commonName !== undefined && DNS_NAME.test(commonName) && (sans.length === 0 || sans.includes(commonName))
      ? [commonName, ...sans]
      : sans;
  return [...new Set(names.filter((name) => DNS_NAME.test(name)))];
}

function readCertificate(text: string, now: Date): { cert: X509Certificate; pem: string; names: string[] } {
  const blocks = pemBlocks(text);
  if (!blocks || blocks.length !== 1 || blocks[0].label !== "CERTIFICATE") {
    throw validationError(
      "certificate",
      "must be exactly one PEM certificate (-----BEGIN CERTIFICATE----- … -----END CERTIFICATE-----); put intermediates in certificate_chain",
    );
  }
  const pem = `${blocks[0].text}\n`;
  const cert = parseCertificate(pem);
  if (!cert) throw validationError("certificate", "does not parse as an X.509 certificate");
  const names = dnsNames(pem);
  if (names.length === 0)
    throw validationError("certificate", "names no DNS name (it has no DNS subjectAltName and no CN that is a host name)");
  const notBefore = new Date(cert.validFrom);
  const notAfter = new Date(cert.validTo);
  if (now.getTime() > notAfter.getTime()) throw validationError("certificate", `expired on ${notAfter.toISOString()}`);
  if (now.getTime() < notBefore.getTime()) throw validationError("certificate", `is not valid before ${notBefore.toISOString()}`);
  return { cert, pem, names };
}

function readPrivateKey(text: string): { key: KeyObject; pem: string } {
  // `openssl ecparam -genkey` writes the curve's parameters before the key; the key names its curve anyway.
  const blocks = pemBlocks(text)?.filter((block) => block.label !== "EC PARAMETERS");
  if (blocks?.some((block) => block.label === "ENCRYPTED PRIVATE KEY") || /Proc-Type:\s*4,ENCRYPTED/.test(text)) {
    throw validationError("private_key", "is encrypted; import it without a passphrase (openssl pkey -in key.pem -out plain-key.pem)");
  }
  if (!blocks || blocks.length !== 1 || !KEY_LABELS.includes(blocks[0].label)) {
    throw validationError(
      "private_key",
      "must be exactly one unencrypted PEM private key (-----BEGIN PRIVATE KEY-----, RSA PRIVATE KEY or EC PRIVATE KEY)",
    );
  }
  const pem = `${blocks[0].text}\n`;
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch {
    throw validationError("private_key", "does not parse as a private key");
  }
  const details = key.asymmetricKeyDetails ?? {};
  const supported =
    (key.asymmetricKeyType === "rsa" && (details.modulusLength ?? 0) >= MIN_RSA_BITS) ||
    (key.asymmetricKeyType === "ec" && EC_CURVES.includes(details.namedCurve ?? ""));
  if (!supported)
    throw validationError("private_key", `must be an RSA key of at least ${MIN_RSA_BITS} bits or an EC key on P-256, P-384 or P-521`);
  return { key, pem };
}

function signedBy(subject: X509Certificate, issuer: X509Certificate): boolean {
  return subject.checkIssued(issuer) && subject.verify(issuer.publicKey);
}

function readChain(text: string, leaf: X509Certificate): string {
  const blocks = pemBlocks(text);
  if (!blocks) throw validationError("certificate_chain", "must hold only PEM certificates (-----BEGIN CERTIFICATE----- blocks)");
  const chain: X509Certificate[] = [];
  for (const [index, block] of blocks.entries()) {
    const cert = block.label === "CERTIFICATE" ? parseCertificate(block.text) : undefined;
    if (!cert) throw validationError("certificate_chain", `certificate ${index + 1} is not a PEM certificate that parses as X.509`);
    const subject = index === 0 ? leaf : chain[index - 1];
    if (!signedBy(subject, cert)) {
      const what = index === 0 ? "certificate" : `chain certificate ${index}`;
      throw validationError(
        "certificate_chain",
        `certificate ${index + 1} did not issue ${what} (its subject is not that issuer, or the signature does not verify)`,
      );
    }
    chain.push(cert);
  }
  return blocks.map((block) => `${block.text}\n`).join("");
}

export interface ImportedCertificate {
  names: string[];
  issued: IssuedCertificate;
}

/** Checks an import request's PEMs on the emulator's clock; each failure is a 400 naming its field. */
export function readImportedCertificate(
  input: { certificate: string; privateKey: string; chain?: string },
  now: Date,
): ImportedCertificate {
  const certificate = readCertificate(input.certificate, now);
  const privateKey = readPrivateKey(input.privateKey);
  if (!certificate.cert.checkPrivateKey(privateKey.key)) {
    throw validationError("private_key", "does not match the certificate's public key");
  }
  const chainPem = input.chain === undefined || input.chain.trim() === "" ? "" : readChain(input.chain, certificate.cert);
  return { names: certificate.names, issued: describeCertificate(certificate.pem, privateKey.pem, chainPem, now) };
}
