// DNS names in the forms the API answers: zone domains lower-case without the trailing dot,
// record names and host-name values lower-case, fully qualified, with it.
import { validationError } from "./http";

const ZONE_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
/** Record names and host-name values also allow `_` (`_acme-challenge`, `_dmarc`, validation CNAMEs). */
const HOST_LABEL = /^[a-z0-9_-]{1,63}$/;
const MAX_NAME_LENGTH = 253;

/** `Example.com.` → `example.com`; `field` names the request field in the error (certificates reuse the rule). */
export function canonicalZoneDomain(raw: string, field = "domain"): string {
  const domain = (raw.endsWith(".") ? raw.slice(0, -1) : raw).toLowerCase();
  if (domain.length > MAX_NAME_LENGTH) throw validationError(field, `must be at most ${MAX_NAME_LENGTH} characters`);
  const labels = domain.split(".");
  if (labels.length < 2) throw validationError(field, "must have at least two labels, like example.com");
  if (!labels.every((label) => ZONE_LABEL.test(label))) {
    throw validationError(field, "each label must be 1-63 characters of a-z, 0-9 and -, not starting or ending with -");
  }
  if (/^\d+$/.test(labels[labels.length - 1])) throw validationError(field, "the top-level label must not be all digits");
  return domain;
}

function checkHostLabels(fqdn: string, allowWildcard: boolean): boolean {
  const bare = fqdn.slice(0, -1);
  if (bare.length === 0 || bare.length > MAX_NAME_LENGTH) return false;
  return bare.split(".").every((label, index) => (allowWildcard && index === 0 && label === "*") || HOST_LABEL.test(label));
}

/**
 * A record name relative to its zone: `@` or `""` is the apex, `www` is `www.example.com.`, a name
 * ending in `.` or equal to / ending in the zone domain is absolute and must lie in the zone.
 */
export function canonicalRecordName(raw: string, zoneDomain: string): string {
  const name = raw.toLowerCase();
  const apex = `${zoneDomain}.`;
  let fqdn: string;
  if (name === "@" || name === "") fqdn = apex;
  else if (name.endsWith(".")) fqdn = name;
  else if (name === zoneDomain || name.endsWith(`.${zoneDomain}`)) fqdn = `${name}.`;
  else fqdn = `${name}.${apex}`;
  if (!checkHostLabels(fqdn, true)) {
    throw validationError(
      "name",
      `must be labels of 1-63 characters of a-z, 0-9, - and _ (\`*\` only as the whole first label), ${MAX_NAME_LENGTH} characters at most`,
    );
  }
  if (fqdn !== apex && !fqdn.endsWith(`.${apex}`)) throw validationError("name", `${fqdn} is outside the zone ${zoneDomain}`);
  return fqdn;
}

/** A host name value (CNAME target, MX exchange, NS server): lower-cased, with the trailing dot. */
export function canonicalHostName(raw: string): string | undefined {
  const lower = raw.toLowerCase();
  const fqdn = lower.endsWith(".") ? lower : `${lower}.`;
  return checkHostLabels(fqdn, false) ? fqdn : undefined;
}
