// DNS names and record values in the forms the MamuteCloud API answers, computed here so that
// check can hand the engine what the API will store and a refresh is followed by no diff.
// Pure (no network): zone domains, record names relative to a zone, and per-type values.
// The rules follow the API contract (the emulator's README); the code is the provider's own.

export const RECORD_TYPES = ["A", "AAAA", "CNAME", "MX", "TXT", "NS", "SRV", "CAA"] as const;
export type RecordType = (typeof RECORD_TYPES)[number];

export const TTL_MIN = 60;
export const TTL_MAX = 86400;
export const DEFAULT_TTL = 3600;
export const PRIORITY_MAX = 65535;
export const MAX_VALUES = 100;
export const MAX_TXT_LENGTH = 2048;
const MAX_NAME_LENGTH = 253;

const ZONE_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
// Record names and host-name values also take `_` (`_dmarc`, `_acme-challenge`, validation CNAMEs).
const HOST_LABEL = /^[a-z0-9_-]{1,63}$/;

/** "an A record", "a CNAME record": the article as the type is read aloud. */
export function aRecordOf(type: string): string {
  return `${/^(A|AAAA|MX|NS|SRV)$/.test(type) ? "an" : "a"} ${type} record`;
}

export function isRecordType(value: string): value is RecordType {
  return (RECORD_TYPES as readonly string[]).includes(value);
}

/** `Example.com.` → `example.com`, or the rule it breaks. */
export function canonicalZoneDomain(raw: string): { domain: string } | { error: string } {
  const domain = (raw.endsWith(".") ? raw.slice(0, -1) : raw).toLowerCase();
  const labels = domain.split(".");
  if (domain.length > MAX_NAME_LENGTH) return { error: `must be at most ${MAX_NAME_LENGTH} characters` };
  if (labels.length < 2) return { error: `must be a domain of at least two labels, like example.com (got "${raw}")` };
  const bad = labels.find((label) => !ZONE_LABEL.test(label));
  if (bad !== undefined) {
    return {
      error: `label "${bad}" of "${raw}" is invalid: each label must be 1-63 characters of a-z, 0-9 and -, not starting or ending with -`,
    };
  }
  if (/^\d+$/.test(labels[labels.length - 1])) return { error: `the top-level label of "${raw}" must not be all digits` };
  return { domain };
}

/** `@` and `""` name the zone apex. */
export function isApexName(name: string): boolean {
  return name === "@" || name === "";
}

function labelsValid(bare: string, allowWildcard: boolean): boolean {
  if (bare.length === 0 || bare.length > MAX_NAME_LENGTH) return false;
  return bare.split(".").every((label, index) => (allowWildcard && index === 0 && label === "*") || HOST_LABEL.test(label));
}

/**
 * A record name as the user wrote it, lower-cased (the zone's domain is not known at check, so
 * the relative/absolute choice stays the user's), or the rule it breaks.
 */
export function checkRecordName(raw: string): { name: string } | { error: string } {
  const name = raw.toLowerCase();
  if (isApexName(name)) return { name };
  const bare = name.endsWith(".") ? name.slice(0, -1) : name;
  if (!labelsValid(bare, true)) {
    return {
      error:
        `"${raw}" is not a valid record name: use "@" for the zone apex, a name relative to the zone ("www"), or an ` +
        `absolute one ("www.example.com"); labels are 1-63 characters of a-z, 0-9, - and _ ("*" only as the whole ` +
        `first label), ${MAX_NAME_LENGTH} characters at most`,
    };
  }
  return { name };
}

/**
 * The fully qualified name (lower case, trailing dot) a record name denotes in a zone, as the API
 * resolves it: `@`/`""` is the apex; a name ending in `.`, equal to the domain or ending in
 * `.<domain>` is absolute; anything else is relative to the zone.
 */
export function recordFqdn(name: string, zoneDomain: string): string {
  const lower = name.toLowerCase();
  const domain = zoneDomain.toLowerCase().replace(/\.$/, "");
  if (isApexName(lower)) return `${domain}.`;
  if (lower.endsWith(".")) return lower;
  if (lower === domain || lower.endsWith(`.${domain}`)) return `${lower}.`;
  return `${lower}.${domain}.`;
}

/** Whether an absolute name lies in the zone (relative names always do). */
export function inZone(fqdn: string, zoneDomain: string): boolean {
  return fqdn === `${zoneDomain}.` || fqdn.endsWith(`.${zoneDomain}.`);
}

/** What a user types in a browser: the FQDN without its trailing dot. */
export function withoutTrailingDot(fqdn: string): string {
  return fqdn.endsWith(".") ? fqdn.slice(0, -1) : fqdn;
}

/** Dotted-quad IPv4 without leading zeros (`192.0.2.1`; `192.0.2.01` is refused, as the API does). */
export function isIpv4(raw: string): boolean {
  const parts = raw.split(".");
  return parts.length === 4 && parts.every((part) => /^(0|[1-9]\d{0,2})$/.test(part) && Number(part) <= 255);
}

/** The eight 16-bit groups of an IPv6 address in any RFC 4291 text form, or undefined. */
function ipv6Groups(raw: string): number[] | undefined {
  // A zone index (`%eth0`) names an interface of one host; it is not an address a record can hold.
  if (raw.includes("%")) return undefined;
  let text = raw.toLowerCase();
  const lastColon = text.lastIndexOf(":");
  if (lastColon >= 0 && text.includes(".", lastColon)) {
    // An embedded dotted quad is the last 32 bits: rewrite it as two hex groups.
    const ipv4 = text.slice(lastColon + 1);
    if (!isIpv4(ipv4)) return undefined;
    const [a, b, c, d] = ipv4.split(".").map(Number);
    text = `${text.slice(0, lastColon + 1)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const halves = text.split("::");
  if (halves.length > 2) return undefined;
  const parse = (part: string): number[] | undefined => {
    if (part === "") return [];
    const groups = part.split(":");
    if (!groups.every((group) => /^[0-9a-f]{1,4}$/.test(group))) return undefined;
    return groups.map((group) => parseInt(group, 16));
  };
  const head = parse(halves[0]);
  const tail = halves.length === 2 ? parse(halves[1]) : [];
  if (head === undefined || tail === undefined) return undefined;
  if (halves.length === 1) return head.length === 8 ? head : undefined;
  // `::` stands for one or more zero groups.
  const missing = 8 - head.length - tail.length;
  if (missing < 1) return undefined;
  return [...head, ...new Array<number>(missing).fill(0), ...tail];
}

/**
 * RFC 5952 text of an IPv6 address: lower-case hex without leading zeros, the first longest run of
 * two or more zero groups written `::`. Embedded IPv4 comes out in hex (`::ffff:192.0.2.1` →
 * `::ffff:c000:201`), as the API (and the WHATWG URL parser) writes it.
 */
export function canonicalIpv6(raw: string): string | undefined {
  const groups = ipv6Groups(raw);
  if (!groups) return undefined;
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = groups.map((group) => group.toString(16));
  if (bestStart < 0) return hex.join(":");
  return `${hex.slice(0, bestStart).join(":")}::${hex.slice(bestStart + bestLength).join(":")}`;
}

/** A host name value (CNAME target, MX exchange, NS server): lower case with the trailing dot. */
export function canonicalHostName(raw: string): string | undefined {
  const lower = raw.toLowerCase();
  const bare = lower.endsWith(".") ? lower.slice(0, -1) : lower;
  return labelsValid(bare, false) ? `${bare}.` : undefined;
}

/** A host name that cannot be read as an address: its top label is not all digits. */
function canonicalTargetName(raw: string): string | undefined {
  const host = canonicalHostName(raw);
  if (host === undefined) return undefined;
  const labels = host.slice(0, -1).split(".");
  return /^\d+$/.test(labels[labels.length - 1]) ? undefined : host;
}

/** Decimal, `0`-`max`; leading zeros read as the number (`010` is 10). */
function decimalField(raw: string, max: number): number | undefined {
  return /^\d{1,6}$/.test(raw) && Number(raw) <= max ? Number(raw) : undefined;
}

const words = (raw: string) => raw.trim().split(/\s+/);

/**
 * `"<priority> <host>"`. A bare host name takes `priority` (the record-wide input of the first
 * version), when given.
 */
function canonicalMx(raw: string, priority: number | undefined): string | undefined {
  const parts = words(raw);
  const [level, exchange] = parts.length === 1 && priority !== undefined ? [String(priority), parts[0]] : parts;
  if (parts.length > 2 || exchange === undefined) return undefined;
  const number = decimalField(level, PRIORITY_MAX);
  const host = canonicalHostName(exchange);
  return number === undefined || host === undefined ? undefined : `${number} ${host}`;
}

/** `"<priority> <weight> <port> <target>"`; the target `.` means "no such service" (RFC 2782). */
function canonicalSrv(raw: string): string | undefined {
  const parts = words(raw);
  if (parts.length !== 4) return undefined;
  const numbers = parts.slice(0, 3).map((part) => decimalField(part, PRIORITY_MAX));
  const target = parts[3] === "." ? "." : canonicalTargetName(parts[3]);
  if (target === undefined || numbers.some((number) => number === undefined)) return undefined;
  return `${numbers.join(" ")} ${target}`;
}

const QUOTED_STRINGS = /^"(?:[^"\\]|\\.)*"(?:\s+"(?:[^"\\]|\\.)*")*$/;

/**
 * Zone-file character-strings (`"v=DKIM1; p=MIIB" "IjANBg"`) joined into the one text they stand
 * for, with `\"` and `\\` unescaped; undefined when `raw` is not in that form.
 */
export function joinQuotedStrings(raw: string): string | undefined {
  const text = raw.trim();
  if (!QUOTED_STRINGS.test(text)) return undefined;
  let joined = "";
  for (const [, inner] of text.matchAll(/"((?:[^"\\]|\\.)*)"/g)) joined += inner.replace(/\\(.)/g, "$1");
  return joined;
}

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

function canonicalTxt(raw: string): string | undefined {
  const text = raw.trimStart().startsWith('"') ? joinQuotedStrings(raw) : raw;
  return text !== undefined && text.length >= 1 && text.length <= MAX_TXT_LENGTH && PRINTABLE_ASCII.test(text) ? text : undefined;
}

/** RFC 8659 `issue`/`issuewild` value: a CA's domain (or none: `;`) and `key=value` parameters. */
function canonicalIssuer(value: string): string | undefined {
  const [domainPart, ...rest] = value.split(";");
  const domain = domainPart.trim().toLowerCase().replace(/\.$/, "");
  if (domain !== "" && !labelsValid(domain, false)) return undefined;
  const parameters = rest.map((part) => part.trim()).filter(Boolean);
  if (parameters.some((parameter) => !/^[A-Za-z0-9]+=[^\s;"]*$/.test(parameter))) return undefined;
  if (parameters.length > 0) return `${domain}; ${parameters.join("; ")}`;
  return domain === "" ? ";" : domain;
}

/** RFC 8659 `iodef` value: where to report refused issuance. */
function isIodefUrl(value: string): boolean {
  return URL.canParse(value) && ["mailto:", "http:", "https:"].includes(new URL(value).protocol);
}

/** `<flags> <tag> "<value>"`: the tag lower case, the value always quoted. */
function canonicalCaa(raw: string): string | undefined {
  const match = /^(\d+)\s+([A-Za-z0-9]+)\s+(.*)$/.exec(raw.trim());
  if (!match) return undefined;
  const [, flagsText, tagText, valueText] = match;
  const flags = decimalField(flagsText, 255);
  const tag = tagText.toLowerCase();
  const value = joinQuotedStrings(valueText) ?? valueText;
  if (flags === undefined || value.includes('"') || !PRINTABLE_ASCII.test(value)) return undefined;
  let canonical: string | undefined;
  if (tag === "iodef") canonical = isIodefUrl(value) ? value : undefined;
  else if (tag === "issue" || tag === "issuewild") canonical = canonicalIssuer(value);
  return canonical === undefined ? undefined : `${flags} ${tag} "${canonical}"`;
}

const HOST_RULE = "must be a host name (labels of 1-63 characters of a-z, 0-9, - and _), like mail.example.com";

export const VALUE_RULES: Record<RecordType, string> = {
  A: "must be a dotted-quad IPv4 address without leading zeros, like 192.0.2.10",
  AAAA: "must be an IPv6 address, like 2001:db8::1",
  CNAME: "must be a host name (labels of 1-63 characters of a-z, 0-9, - and _), like www.example.net, not an IP address",
  MX: `must be "<priority> <host>" with a priority from 0 to ${PRIORITY_MAX} (lower is preferred), like "10 mx1.example.com"`,
  NS: HOST_RULE,
  SRV:
    `must be "<priority> <weight> <port> <target>" (three integers from 0 to ${PRIORITY_MAX} and a host name, or "." ` +
    'for no service), like "10 5 5060 sip.example.com"',
  CAA:
    'must be "<flags> <tag> <value>" with flags 0-255 and the tag issue, issuewild or iodef, like ' +
    '"0 issue \\"letsencrypt.org\\"" (";" as the value: no CA may issue) or "0 iodef \\"mailto:security@example.com\\""',
  TXT:
    `must be 1-${MAX_TXT_LENGTH} printable ASCII characters; a value that starts with a double quote is read as ` +
    'zone-file strings ("part one" "part two") and joined',
};

/**
 * One value in the API's canonical form for its type, or undefined when the type refuses it.
 * `priority` is the record-wide MX priority of the first version, for values without their own.
 */
export function canonicalValue(type: RecordType, raw: string, priority?: number): string | undefined {
  switch (type) {
    case "A":
      return isIpv4(raw) ? raw : undefined;
    case "AAAA":
      return canonicalIpv6(raw);
    case "CNAME":
      return canonicalTargetName(raw);
    case "NS":
      return canonicalHostName(raw);
    case "MX":
      return canonicalMx(raw, priority);
    case "SRV":
      return canonicalSrv(raw);
    case "CAA":
      return canonicalCaa(raw);
    case "TXT":
      return canonicalTxt(raw);
  }
}

/**
 * A record set's values checked for its type and put in canonical form. Values in `unknown` (not
 * known yet at preview) are left where they are and not checked; the list is sorted (as the API
 * answers it) only when every value is known. Returns the problems, each with its fix.
 */
export function checkRecordValues(
  type: RecordType,
  values: unknown[],
  isUnknownValue: (value: unknown) => boolean,
  priority?: number,
): { values: unknown[]; problems: string[] } {
  const problems: string[] = [];
  if (values.length < 1 || values.length > MAX_VALUES) {
    problems.push(`must hold 1-${MAX_VALUES} values (got ${values.length})`);
  }
  if (type === "CNAME" && values.length !== 1) {
    problems.push(`a CNAME record takes exactly one host name (got ${values.length}); use one record per target name`);
  }
  const out = values.map((value, index) => {
    if (isUnknownValue(value)) return value;
    if (typeof value !== "string") {
      problems.push(`item ${index} must be a string`);
      return value;
    }
    const canonical = canonicalValue(type, value, priority);
    if (canonical === undefined) {
      problems.push(`item ${index} ${JSON.stringify(value)} ${VALUE_RULES[type]} for ${aRecordOf(type)}`);
      return value;
    }
    return canonical;
  });
  const known = out.filter((value): value is string => typeof value === "string" && !isUnknownValue(value));
  const seen = new Set<string>();
  for (const value of known) {
    if (seen.has(value)) problems.push(`${JSON.stringify(value)} is given more than once; list each value once`);
    seen.add(value);
  }
  const allKnown = known.length === out.length;
  return { values: allKnown && problems.length === 0 ? [...known].sort() : out, problems: [...new Set(problems)] };
}
