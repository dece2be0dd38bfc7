// Certificate names: which host names a certificate covers (RFC 6125), the canonical form of a
// requested name, and the DNS record that validates a name.
import { createHash } from "node:crypto";
import type { CertificateValidationRecord, SslCertificate } from "../state";
import { canonicalZoneDomain } from "../management/dns-names";
import { validationError } from "../management/http";

/** The distribution domains' parent: the CDN's own names, covered by the edge's certificate. */
export const CDN_DOMAIN = "mamutecdn.com";
const MAX_NAME_LENGTH = 253;
/** `_` + 32 hex + `.` goes in front of a name to make its validation record's name. */
const VALIDATION_LABEL_LENGTH = 34;

function bareHostName(hostname: string): string {
  const lower = hostname.toLowerCase();
  return lower.endsWith(".") ? lower.slice(0, -1) : lower;
}

/**
 * RFC 6125 §6.4.3: a `*` is a whole left-most label and stands for exactly one label, so
 * `*.example.com` covers `a.example.com`, not `example.com` nor `a.b.example.com`. Returns the
 * label `*` stood for, or undefined when `pattern` is no wildcard or does not cover `host`.
 */
export function wildcardLabel(pattern: string, host: string): string | undefined {
  if (!pattern.startsWith("*.")) return undefined;
  const suffix = pattern.slice(1);
  if (!host.endsWith(suffix)) return undefined;
  const label = host.slice(0, -suffix.length);
  return label.length > 0 && !label.includes(".") ? label : undefined;
}

export function nameCovers(certificateName: string, hostname: string): boolean {
  const host = bareHostName(hostname);
  const name = bareHostName(certificateName);
  return name.startsWith("*.") ? wildcardLabel(name, host) !== undefined : name === host;
}

/** Whether `hostname` is `domainName` or one of the subject alternative names (wildcards per RFC 6125). */
export function certificateCovers(cert: Pick<SslCertificate, "domainName" | "subjectAlternativeNames">, hostname: string): boolean {
  return certificateNames(cert).some((name) => nameCovers(name, hostname));
}

/** The names a certificate covers: `domainName` first, then its other names, each once. */
export function certificateNames(cert: Pick<SslCertificate, "domainName" | "subjectAlternativeNames">): string[] {
  return [cert.domainName, ...cert.subjectAlternativeNames];
}

/**
 * A requested name in canonical form: lower case, no trailing dot, a host name of two labels or
 * more, optionally `*.` in front. `field` and `where` say which request value is at fault.
 */
export function canonicalCertificateName(raw: string, field: string, where = ""): string {
  const lower = bareHostName(raw);
  const wildcard = lower.startsWith("*.");
  const base = wildcard ? lower.slice(2) : lower;
  let domain: string;
  try {
    domain = canonicalZoneDomain(base, field);
  } catch (error) {
    const rule = (error as Error).message.slice(field.length + 2);
    throw validationError(field, `${where}${rule}${wildcard ? " (after the leading *.)" : ""}`);
  }
  if (domain === CDN_DOMAIN || domain.endsWith(`.${CDN_DOMAIN}`)) {
    throw validationError(
      field,
      `${where}names in ${CDN_DOMAIN} belong to the CDN's distribution domains, which the edge already serves with its own certificate`,
    );
  }
  if (domain.length + VALIDATION_LABEL_LENGTH + 1 > MAX_NAME_LENGTH) {
    throw validationError(
      field,
      `${where}must be at most ${MAX_NAME_LENGTH - VALIDATION_LABEL_LENGTH - 1} characters (its validation record adds ${VALIDATION_LABEL_LENGTH})`,
    );
  }
  return wildcard ? `*.${domain}` : domain;
}

function derivedLabel(purpose: string, domain: string): string {
  return `_${createHash("sha256").update(`mamutecloud-emulator ${purpose} ${domain}`).digest("hex").slice(0, 32)}`;
}

/**
 * One CNAME per distinct name once `*.` is removed, derived from the name alone: every
 * certificate for a name asks for the same record, so one record validates them all.
 */
export function validationRecordsFor(names: readonly string[]): CertificateValidationRecord[] {
  const records: CertificateValidationRecord[] = [];
  for (const name of names) {
    const domainName = name.startsWith("*.") ? name.slice(2) : name;
    if (records.some((record) => record.domainName === domainName)) continue;
    records.push({
      domainName,
      name: `${derivedLabel("validation-name", domainName)}.${domainName}.`,
      type: "CNAME",
      value: `${derivedLabel("validation-value", domainName)}.validation.${CDN_DOMAIN}.`,
      validated: false,
    });
  }
  return records;
}
