// Readable, stable names for adopted objects: Pulumi logical names (kebab case, from what a person
// recognises in the dashboard: a zone's domain, a record's name and type, a bucket's name) and the
// TypeScript variable that holds each declaration. Pure, so running the command twice on the same
// account gives the same names, and unit tests pin them down.

/** `Example.com` → `example-com`; `_sip._tcp` → `sip-tcp`; `*` → `wildcard`. Never empty. */
export function slug(text: string): string {
  const out = text
    .toLowerCase()
    .replace(/\*/g, "wildcard")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
  return out === "" ? "x" : out;
}

/**
 * A record's name relative to its zone, as a DnsRecord takes it: `@` for the apex, `www` for
 * `www.example.com.`. The API answers absolute names; a name outside the zone stays absolute.
 */
export function relativeRecordName(fqdn: string, zoneDomain: string): string {
  const name = fqdn.toLowerCase().replace(/\.$/, "");
  const domain = zoneDomain.toLowerCase().replace(/\.$/, "");
  if (name === domain || name === "" || name === "@") return "@";
  if (name.endsWith(`.${domain}`)) return name.slice(0, -domain.length - 1);
  return `${name}.`;
}

/** A certificate validation label: `_` and 32 hex digits, which says nothing to a reader. */
const VALIDATION_LABEL = /^_[0-9a-f]{32}$/;

/**
 * `example-com-www-a`, `example-com-apex-mx`: zone, name and type, unique in an account's zone. A
 * certificate's validation record (`_<32 hex>.www`) is `example-com-www-validation-cname`.
 */
export function recordLogicalName(zoneDomain: string, relativeName: string, type: string): string {
  const labels = relativeName.split(".");
  const validation = labels.length > 1 && VALIDATION_LABEL.test(labels[0]);
  const name = relativeName === "@" ? "apex" : validation ? `${slug(labels.slice(1).join("."))}-validation` : slug(relativeName);
  return `${slug(zoneDomain)}-${name}-${type.toLowerCase()}`;
}

const RESERVED = new Set(
  (
    "break case catch class const continue debugger default delete do else enum export extends false finally for function if " +
    "import in instanceof new null return super switch this throw true try typeof var void while with as implements interface " +
    "let package private protected public static yield await any boolean number string symbol type from of " +
    "mamutecloud pulumi fs path"
  ).split(" "),
);

/** `example-com-www-a` → `exampleComWwwA`; a leading digit or a reserved word gets a prefix. */
export function variableName(logicalName: string): string {
  const words = logicalName.split(/[^A-Za-z0-9]+/).filter(Boolean);
  const camel = words
    .map((word, index) => (index === 0 ? word.toLowerCase() : word[0].toUpperCase() + word.slice(1).toLowerCase()))
    .join("");
  const name = camel === "" ? "resource" : camel;
  if (/^\d/.test(name)) return `r${name}`;
  return RESERVED.has(name) ? `${name}Resource` : name;
}

/**
 * Hands out names, each once: a second `media` becomes `media-2` (and its variable `media2`). Call
 * it in a stable order (the objects sorted by something the account fixes) to get stable names.
 */
export class NameTable {
  private readonly logical = new Set<string>();
  private readonly variables = new Set<string>();

  take(wanted: string): { logicalName: string; variable: string } {
    let logicalName = wanted;
    for (let n = 2; this.logical.has(logicalName) || this.variables.has(variableName(logicalName)); n++) logicalName = `${wanted}-${n}`;
    this.logical.add(logicalName);
    const variable = variableName(logicalName);
    this.variables.add(variable);
    return { logicalName, variable };
  }
}
