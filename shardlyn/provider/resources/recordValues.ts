// What a DNS record's name and content are as DNS compares them, and what each type's content
// must look like: the forms DnsRecord checks at preview and compares in its diffs and reads, where
// the API may answer a name relative, full or with a trailing dot, and TXT quoted.
import { isIPv4, isIPv6 } from "node:net";
import { canonicalDomain } from "./dnsZone";

export const RECORD_TYPES = ["A", "AAAA", "CNAME", "TXT", "MX", "NS", "SRV", "CAA"] as const;
export type RecordType = (typeof RECORD_TYPES)[number];

/** A name relative to its zone, lower case: `www`, `@` for the apex; whatever form it came in. */
export function relativeName(name: string, zone: string | undefined): string {
  const plain = canonicalDomain(name);
  if (plain === "" || plain === "@") return "@";
  if (zone) {
    if (plain === zone) return "@";
    if (plain.endsWith(`.${zone}`)) return plain.slice(0, -zone.length - 1);
  }
  return plain;
}

/** Content as DNS compares it: host names without the trailing dot and in lower case, TXT unquoted. */
export function canonicalContent(type: string, content: string): string {
  const text = content.trim();
  switch (type) {
    case "CNAME":
    case "NS":
      return canonicalDomain(text);
    case "MX":
    case "SRV":
      return text.replace(/\s+/g, " ").toLowerCase().replace(/\.$/, "");
    case "TXT":
      return text.length >= 2 && text.startsWith('"') && text.endsWith('"') ? text.slice(1, -1).replace(/"\s*"/g, "") : text;
    case "AAAA":
      return text.toLowerCase();
    default:
      return text;
  }
}

export const HOST = /^(\*\.)?([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?\.)*[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?\.?$/i;

/** Why `content` is not a record of `type`, or undefined when it is. */
export function contentProblem(type: RecordType, content: string): string | undefined {
  const text = content.trim();
  const host = (value: string) => value.length <= 253 && HOST.test(value);
  switch (type) {
    case "A":
      return isIPv4(text) ? undefined : `must be an IPv4 address for an A record, such as 203.0.113.10`;
    case "AAAA":
      return isIPv6(text) ? undefined : `must be an IPv6 address for an AAAA record, such as 2001:db8::1`;
    case "CNAME":
    case "NS":
      return host(text) ? undefined : `must be a host name for a ${type} record, such as target.example.net`;
    case "MX": {
      const [priority, target, ...rest] = text.split(/\s+/);
      return /^\d{1,5}$/.test(priority ?? "") && Number(priority) <= 65535 && target !== undefined && host(target) && rest.length === 0
        ? undefined
        : `must be "<priority> <mail host>" for an MX record, such as "10 mail.example.com"`;
    }
    case "SRV": {
      const parts = text.split(/\s+/);
      return parts.length === 4 && parts.slice(0, 3).every((part) => /^\d{1,5}$/.test(part) && Number(part) <= 65535) && host(parts[3])
        ? undefined
        : `must be "<priority> <weight> <port> <target>" for an SRV record, such as "10 5 25565 mc.example.com"`;
    }
    case "CAA":
      return /^\d{1,3}\s+[a-z0-9]+\s+"[^"]*"$/i.test(text)
        ? undefined
        : `must be '<flags> <tag> "<value>"' for a CAA record, such as '0 issue "letsencrypt.org"'`;
    case "TXT":
      return text.length <= 2048 ? undefined : "must be at most 2048 characters";
  }
}
