// The fields of a DNS record: its type, its name in any form the client sends (relative, `@`, the
// full name, with or without a trailing dot) and how it reads back, the content each type takes,
// the TTL. Each failure is a 400 naming the field. Content is stored as sent; `contentKey` is
// what two records are compared by (IPv6 spelling, host name case and trailing dots aside).
import { isIPv4, isIPv6 } from "node:net";
import { validationError } from "./http";

export const RECORD_TYPES = ["A", "AAAA", "CNAME", "TXT", "MX", "NS", "SRV", "CAA"] as const;
export type RecordType = (typeof RECORD_TYPES)[number];

export const TTL_RULE = "must be an integer from 60 to 86400, or 1 for automatic";
export const DEFAULT_TTL = 300;
const MAX_TXT = 2048;
const LABEL = /^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$/;

/** Labels of letters, digits, `-` and `_`, each 1-63, at most 253 characters in all. */
export function isHostName(name: string): boolean {
  return name.length > 0 && name.length <= 253 && name.split(".").every((label) => LABEL.test(label));
}

export function recordType(value: unknown, field = "type"): RecordType {
  const type = typeof value === "string" ? value.toUpperCase() : undefined;
  if (!RECORD_TYPES.includes(type as RecordType)) throw validationError(field, `must be one of ${RECORD_TYPES.join(", ")}`);
  return type as RecordType;
}

export function ttlValue(value: unknown, field = "ttl"): number {
  if (typeof value !== "number" || !Number.isInteger(value) || (value !== 1 && (value < 60 || value > 86400)))
    throw validationError(field, TTL_RULE);
  return value;
}

/** A record's name relative to `zone` (`@` for the apex), lower case, from any form. */
export function relativeName(value: unknown, zone: string): string {
  if (typeof value !== "string") throw validationError("name", "must be a string");
  let name = value.trim().toLowerCase();
  if (name === "@" || name === zone || name === `${zone}.`) return "@";
  if (name.endsWith(".")) {
    name = name.slice(0, -1);
    if (!name.endsWith(`.${zone}`)) throw validationError("name", `ends with a dot but is not a name in the zone ${zone}`);
  }
  if (name.endsWith(`.${zone}`)) name = name.slice(0, -(zone.length + 1));
  const labels = name.split(".");
  const rest = labels[0] === "*" ? labels.slice(1).join(".") : name;
  if (name === "" || (rest !== "" && !isHostName(rest)) || `${name}.${zone}`.length > 253)
    throw validationError(
      "name",
      `must be a name in the zone ${zone}: labels of a-z, 0-9, - and _ (an optional leading *), "@" for the apex, or the full name`,
    );
  return name;
}

/** The name as it reads back: relative (`mc`, `@`), full (`mc.example.com`) or with a trailing dot. */
export function displayName(name: string, zone: string, form: "relative" | "full" | "fqdn"): string {
  if (form === "relative") return name;
  const full = name === "@" ? zone : `${name}.${zone}`;
  return form === "fqdn" ? `${full}.` : full;
}

function hostKey(host: string): string | undefined {
  const bare = host.toLowerCase().replace(/\.$/, "");
  return isHostName(bare) ? bare : undefined;
}

function inRange(text: string, max: number): boolean {
  return /^\d{1,5}$/.test(text) && Number(text) <= max;
}

const CONTENT_RULES: Record<RecordType, string> = {
  A: "must be an IPv4 address",
  AAAA: "must be an IPv6 address",
  CNAME: "must be a host name",
  NS: "must be a host name",
  MX: 'must be "<priority 0-65535> <host name>"',
  TXT: `must be 1-${MAX_TXT} characters without control characters`,
  SRV: 'must be "<priority> <weight> <port> <target host>" (numbers 0-65535)',
  CAA: 'must be "<flags 0-255> <tag> \\"<value>\\"" (e.g. 0 issue "letsencrypt.org")',
};

/** The key two contents of one type are compared by; undefined when the content breaks the type's rule. */
function keyOf(type: RecordType, content: string): string | undefined {
  switch (type) {
    case "A":
      return isIPv4(content) ? content : undefined;
    case "AAAA":
      // No zone index (`fe80::1%eth0`): a DNS record holds a global address.
      return isIPv6(content) && !content.includes("%") ? new URL(`http://[${content}]`).hostname : undefined;
    case "CNAME":
    case "NS":
      return hostKey(content);
    case "MX": {
      const [, priority, host] = /^(\d+)\s+(\S+)$/.exec(content) ?? [];
      const target = host === "." ? "." : host && hostKey(host);
      return priority && target && inRange(priority, 65535) ? `${Number(priority)} ${target}` : undefined;
    }
    case "SRV": {
      const parts = /^(\d+)\s+(\d+)\s+(\d+)\s+(\S+)$/.exec(content);
      if (!parts || !parts.slice(1, 4).every((part) => inRange(part, 65535))) return undefined;
      const target = parts[4] === "." ? "." : hostKey(parts[4]);
      return target && `${parts.slice(1, 4).map(Number).join(" ")} ${target}`;
    }
    case "CAA": {
      const [, flags, tag, caaValue] = /^(\d+)\s+([A-Za-z0-9]+)\s+"([^"]*)"$/.exec(content) ?? [];
      return flags !== undefined && inRange(flags, 255) ? `${Number(flags)} ${tag.toLowerCase()} "${caaValue}"` : undefined;
    }
    case "TXT": {
      if (content.length === 0 || content.length > MAX_TXT || /[\u0000-\u0008\u000a-\u001f\u007f]/.test(content)) return undefined;
      return /^".*"$/s.test(content) && content.length >= 2 ? content.slice(1, -1) : content;
    }
  }
}

/** The content to store (trimmed; TXT as sent), or a 400 naming `content` with the type's rule. */
export function checkContent(type: RecordType, value: unknown): string {
  if (typeof value !== "string") throw validationError("content", "is required: a string");
  const content = type === "TXT" ? value : value.trim();
  if (keyOf(type, content) === undefined) throw validationError("content", `${CONTENT_RULES[type]} for a ${type} record`);
  return content;
}

/** What two records of one type are compared by (the content must have passed `checkContent`). */
export function contentKey(type: RecordType, content: string): string {
  return keyOf(type, content) ?? content;
}

/** TXT content as it reads back: wrapped in double quotes under `txt-quoted` (unless it already is). */
export function displayContent(type: string, content: string, quoted: boolean): string {
  return type === "TXT" && quoted && !/^".*"$/s.test(content) ? `"${content}"` : content;
}
