// The values of a record set, checked per type and turned into the canonical form the API
// answers (sorted, so the order a client sent them in never shows up as a change). Values are
// zone-file presentation text: `10 mx1.example.com.`, `10 5 5060 sip.example.com.`,
// `0 issue "letsencrypt.org"`, so one list of strings holds every type.
import { isIPv6 } from "node:net";
import type { DnsRecordType } from "../state";
import { validationError } from "./http";
import { canonicalHostName } from "./dns-names";

const IPV4_OCTET = "(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]\\d|\\d)";
const IPV4 = new RegExp(`^${IPV4_OCTET}(\\.${IPV4_OCTET}){3}$`);
const MAX_VALUES = 100;
const MAX_TXT_LENGTH = 2048;
export const PRIORITY_MAX = 65535;
const CAA_TAGS = ["issue", "issuewild", "iodef"];

/**
 * RFC 5952 text (lower case, longest run of zero groups compressed, no leading zeros), as the
 * WHATWG URL parser writes an IPv6 host. Embedded IPv4 comes out in hex:
 * `::ffff:192.0.2.1` → `::ffff:c000:201`.
 */
export function canonicalIpv6(raw: string): string | undefined {
  if (raw.includes("%") || !isIPv6(raw)) return undefined;
  return new URL(`http://[${raw}]/`).hostname.slice(1, -1);
}

/** A host name that cannot be an address: its last label is not all digits (`192.0.2.1` is refused). */
function canonicalTarget(raw: string): string | undefined {
  const host = canonicalHostName(raw);
  return host === undefined || /(^|\.)\d+\.$/.test(host) ? undefined : host;
}

/** A decimal 16-bit field (`010` reads as 10). */
function uint(raw: string, max: number): number | undefined {
  if (!/^\d{1,6}$/.test(raw)) return undefined;
  const value = Number(raw);
  return value <= max ? value : undefined;
}

function fieldsOf(raw: string): string[] {
  return raw.trim().split(/\s+/);
}

/** `10 mx1.example.com.`; a bare host name takes `legacyPriority` (the set-wide `priority` field). */
function canonicalMx(raw: string, legacyPriority: number | undefined): string | undefined {
  const fields = fieldsOf(raw);
  if (fields.length === 1 && legacyPriority !== undefined) fields.unshift(String(legacyPriority));
  if (fields.length !== 2) return undefined;
  const priority = uint(fields[0], PRIORITY_MAX);
  const exchange = canonicalHostName(fields[1]);
  return priority === undefined || exchange === undefined ? undefined : `${priority} ${exchange}`;
}

/** `priority weight port target`; a target of `.` says the service is not offered (RFC 2782). */
function canonicalSrv(raw: string): string | undefined {
  const fields = fieldsOf(raw);
  if (fields.length !== 4) return undefined;
  const numbers = fields.slice(0, 3).map((field) => uint(field, PRIORITY_MAX));
  const target = fields[3] === "." ? "." : canonicalTarget(fields[3]);
  return numbers.includes(undefined) || target === undefined ? undefined : `${numbers.join(" ")} ${target}`;
}

/** Zone-file character-strings (`"abc" "def"`), with `\"` and `\\` escapes, joined; else undefined. */
function unquoted(raw: string): string | undefined {
  const text = raw.trim();
  if (!/^"(?:[^"\\]|\\.)*"(?:\s+"(?:[^"\\]|\\.)*")*$/.test(text)) return undefined;
  return [...text.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((match) => match[1].replace(/\\(.)/g, "$1")).join("");
}

const PRINTABLE = /^[\x20-\x7e]*$/;

/** RFC 8659 issue value: an issuer domain (or none) and `; key=value` parameters. */
function canonicalIssueValue(value: string): string | undefined {
  const [issuerPart, ...parameterParts] = value.split(";");
  const issuer = issuerPart.trim().toLowerCase().replace(/\.$/, "");
  if (issuer !== "" && canonicalHostName(issuer) === undefined) return undefined;
  const parameters = parameterParts.map((part) => part.trim()).filter((part) => part !== "");
  if (!parameters.every((parameter) => /^[a-z0-9]+=[\x21-\x3a\x3c-\x7e]*$/i.test(parameter))) return undefined;
  if (parameters.length === 0) return issuer === "" ? ";" : issuer;
  return `${issuer}; ${parameters.join("; ")}`;
}

function canonicalIodefValue(value: string): string | undefined {
  const url = URL.canParse(value) ? new URL(value) : undefined;
  return url && ["mailto:", "http:", "https:"].includes(url.protocol) ? value : undefined;
}

/** `flags tag "value"`: flags 0-255, tag lower case, the value always in quotes. */
function canonicalCaa(raw: string): string | undefined {
  const match = /^(\d+)\s+([A-Za-z0-9]+)\s+(.*)$/.exec(raw.trim());
  if (!match) return undefined;
  const flags = uint(match[1], 255);
  const tag = match[2].toLowerCase();
  const value = unquoted(match[3]) ?? match[3];
  if (flags === undefined || !CAA_TAGS.includes(tag) || value.includes('"') || !PRINTABLE.test(value)) return undefined;
  const canonical = tag === "iodef" ? canonicalIodefValue(value) : canonicalIssueValue(value);
  return canonical === undefined ? undefined : `${flags} ${tag} "${canonical}"`;
}

/** Text as sent, or, when it starts with a double quote, zone-file strings joined. */
function canonicalTxt(raw: string): string | undefined {
  const text = raw.trimStart().startsWith('"') ? unquoted(raw) : raw;
  if (text === undefined) return undefined;
  return text.length >= 1 && text.length <= MAX_TXT_LENGTH && PRINTABLE.test(text) ? text : undefined;
}

function canonicalValue(type: DnsRecordType, raw: string, legacyPriority: number | undefined): string | undefined {
  switch (type) {
    case "A":
      return IPV4.test(raw) ? raw : undefined;
    case "AAAA":
      return canonicalIpv6(raw);
    case "CNAME":
      return canonicalTarget(raw);
    case "NS":
      return canonicalHostName(raw);
    case "MX":
      return canonicalMx(raw, legacyPriority);
    case "SRV":
      return canonicalSrv(raw);
    case "CAA":
      return canonicalCaa(raw);
    case "TXT":
      return canonicalTxt(raw);
  }
}

const HOST = "a host name (labels of 1-63 characters of a-z, 0-9, - and _)";
const RULE: Record<DnsRecordType, string> = {
  A: "must be a dotted-quad IPv4 address without leading zeros",
  AAAA: "must be an IPv6 address",
  CNAME: `must be ${HOST}, not an IP address`,
  NS: `must be ${HOST}`,
  MX: `must be "<priority> <host>": a priority from 0 to ${PRIORITY_MAX} and ${HOST}, like "10 mx1.example.com"`,
  SRV:
    `must be "<priority> <weight> <port> <target>": three integers from 0 to ${PRIORITY_MAX} and ${HOST} ` +
    '(or "." for no service), like "10 5 5060 sip.example.com"',
  CAA:
    'must be "<flags> <tag> \\"<value>\\"": flags 0-255, tag issue, issuewild or iodef; issue values are a CA domain ' +
    'and optional "; key=value" parameters (or ";" for none), iodef values a mailto:, http: or https: URL',
  TXT:
    `must be 1-${MAX_TXT_LENGTH} printable ASCII characters; a value starting with a double quote must be ` +
    'zone-file strings ("part one" "part two", with \\" for a quote), which are joined',
};

/**
 * `legacyPriority` is the set-wide `priority` field of the API's first MX form: it gives the
 * priority of MX values written as a bare host name.
 */
export function canonicalRecordValues(type: DnsRecordType, raw: unknown, legacyPriority?: number): string[] {
  if (!Array.isArray(raw) || raw.length < 1 || raw.length > MAX_VALUES) {
    throw validationError("values", `must be a list of 1-${MAX_VALUES} strings`);
  }
  if (type === "CNAME" && raw.length !== 1) throw validationError("values", "a CNAME record takes exactly one host name");
  const values = raw.map((value: unknown, index) => {
    const field = `values[${index}]`;
    if (typeof value !== "string") throw validationError("values", `${field} must be a string`);
    const canonical = canonicalValue(type, value, legacyPriority);
    if (canonical === undefined) throw validationError("values", `${field} ${JSON.stringify(value)} ${RULE[type]}`);
    return canonical;
  });
  const sorted = [...values].sort();
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i] === sorted[i - 1]) throw validationError("values", `${JSON.stringify(sorted[i])} is given more than once`);
  }
  return sorted;
}

/** The host names of an MX set without their priorities, for a `PUT` that gives `priority` alone. */
export function mxExchanges(values: readonly string[]): string[] {
  return values.map((value) => value.slice(value.indexOf(" ") + 1));
}
