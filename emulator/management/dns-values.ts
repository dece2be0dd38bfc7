// The values of a record set, checked per type and turned into the canonical form the API
// answers (sorted, so the order a client sent them in never shows up as a change).
import { isIPv6 } from "node:net";
import type { DnsRecordType } from "../state";
import { validationError } from "./http";
import { canonicalHostName } from "./dns-names";

const IPV4_OCTET = "(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]\\d|\\d)";
const IPV4 = new RegExp(`^${IPV4_OCTET}(\\.${IPV4_OCTET}){3}$`);
const MAX_VALUES = 100;
const MAX_TXT_LENGTH = 2048;

/**
 * RFC 5952 text (lower case, longest run of zero groups compressed, no leading zeros), as the
 * WHATWG URL parser writes an IPv6 host. Embedded IPv4 comes out in hex:
 * `::ffff:192.0.2.1` → `::ffff:c000:201`.
 */
export function canonicalIpv6(raw: string): string | undefined {
  if (raw.includes("%") || !isIPv6(raw)) return undefined;
  return new URL(`http://[${raw}]/`).hostname.slice(1, -1);
}

function canonicalValue(type: DnsRecordType, raw: string): string | undefined {
  switch (type) {
    case "A":
      return IPV4.test(raw) ? raw : undefined;
    case "AAAA":
      return canonicalIpv6(raw);
    case "CNAME":
    case "MX":
    case "NS":
      return canonicalHostName(raw);
    case "TXT":
      return raw.length >= 1 && raw.length <= MAX_TXT_LENGTH && /^[\x20-\x7e]+$/.test(raw) ? raw : undefined;
  }
}

const RULE: Record<DnsRecordType, string> = {
  A: "must be a dotted-quad IPv4 address without leading zeros",
  AAAA: "must be an IPv6 address",
  CNAME: "must be a host name (labels of 1-63 characters of a-z, 0-9, - and _)",
  MX: "must be a host name (labels of 1-63 characters of a-z, 0-9, - and _)",
  NS: "must be a host name (labels of 1-63 characters of a-z, 0-9, - and _)",
  TXT: `must be 1-${MAX_TXT_LENGTH} printable ASCII characters`,
};

export function canonicalRecordValues(type: DnsRecordType, raw: unknown): string[] {
  if (!Array.isArray(raw) || raw.length < 1 || raw.length > MAX_VALUES) {
    throw validationError("values", `must be a list of 1-${MAX_VALUES} strings`);
  }
  if (type === "CNAME" && raw.length !== 1) throw validationError("values", "a CNAME record takes exactly one host name");
  const values = raw.map((value: unknown, index) => {
    const field = `values[${index}]`;
    if (typeof value !== "string") throw validationError("values", `${field} must be a string`);
    const canonical = canonicalValue(type, value);
    if (canonical === undefined) throw validationError("values", `${field} ${JSON.stringify(value)} ${RULE[type]}`);
    return canonical;
  });
  const sorted = [...values].sort();
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i] === sorted[i - 1]) throw validationError("values", `${JSON.stringify(sorted[i])} is given more than once`);
  }
  return sorted;
}
