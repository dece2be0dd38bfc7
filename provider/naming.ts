// Auto-names: `<logical>-<7 characters>`. When the resource's URN is known (the SDK sends it as
// `__urn`, the native plugin has it in the Check request), the 7 characters are derived from it,
// so a create interrupted before the engine learnt its id (the host killed inside the create) is
// retried under the same name, and the object it left holds a name only this resource derives:
// an ownership mark the adopt rule trusts (adopt.ts). A replacement derives from the name it
// replaces too, so the new object differs from the old one and yet is the same on a retry.
//
// The derivation is keyed by the account (endpoint and credential): a URN is not unique across
// users (every copy of an example has the same project, stack and resource names), and bucket
// names are unique across all of a cloud's accounts, so a name from the URN alone would be refused (409) to
// everyone but the first user of that URN. Without a URN (an older SDK) or a credential (a
// preview without one), the characters are random, as before.
import { createHmac, randomBytes } from "node:crypto";
import type { ClientConfig } from "./config";
import type { PropertyMap } from "./properties";

const ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";
const SUFFIX_LENGTH = 7;

export interface AutoNaming {
  /** `<logical>-<7 characters>`; `derived` when they come from the URN (the name is then a mark). */
  name(logicalName: unknown, replacing?: string): { name: string; derived: boolean };
  /**
   * 12 characters only this resource derives, for a kind that can carry them on the object it
   * makes (a CDN resource's empty description, an imported certificate's tags); undefined without
   * a URN. `of`: what tells this resource's objects apart across replacements, when its objects can
   * coexist (an imported certificate's fingerprint and chain).
   */
  mark(of?: string): string | undefined;
}

/** `<logical>` shaped to pass both name rules (bucket and CDN resource) whatever the logical name is. */
function baseOf(logicalName: unknown): string {
  return (
    String(typeof logicalName === "string" ? logicalName : "bucket")
      .toLowerCase()
      .replace(/[^a-z0-9-]+/g, "-")
      .replace(/^-+|-+$/g, "")
      .slice(0, 55)
      .replace(/-+$/, "") || "bucket"
  );
}

function suffixOf(bytes: Uint8Array, length = SUFFIX_LENGTH): string {
  // One byte per character, each mapped to one of 36: the bias (256 mod 36) does not matter for a name.
  return Array.from(bytes.subarray(0, length), (byte) => ALPHABET[byte % ALPHABET.length]).join("");
}

/** Random characters: a resource whose URN is not known. */
export const randomNaming: AutoNaming = {
  name: (logicalName) => ({ name: `${baseOf(logicalName)}-${suffixOf(randomBytes(SUFFIX_LENGTH))}`, derived: false }),
  mark: () => undefined,
};

/** Characters derived from the URN (and the name replaced), keyed by the account. */
export function derivedNaming(urn: string, account: string): AutoNaming {
  return {
    name: (logicalName, replacing) => {
      const digest = createHmac("sha256", account)
        .update(urn)
        .update("\0")
        .update(replacing ?? "")
        .digest();
      return { name: `${baseOf(logicalName)}-${suffixOf(digest)}`, derived: true };
    },
    // Another message than any name's (a name's ends in "\0<name replaced or nothing>").
    mark: (of) =>
      suffixOf(
        createHmac("sha256", account)
          .update(urn)
          .update("\0\0mark\0")
          .update(of ?? "")
          .digest(),
        12,
      ),
  };
}

/**
 * What identifies the account the names are made in. A dashboard JWT is renewed often, so its
 * subject stands for it (read, not verified: it only keys a hash); an API key stands for itself.
 */
export function accountOf(config: Pick<ClientConfig, "endpoint" | "apiKey" | "token">): string | undefined {
  const credential = config.apiKey ?? (config.token && (subjectOf(config.token) ?? config.token));
  return credential ? `${config.endpoint}\n${credential}` : undefined;
}

function subjectOf(jwt: string): string | undefined {
  try {
    const payload = JSON.parse(Buffer.from(jwt.split(".")[1] ?? "", "base64url").toString("utf8")) as { sub?: unknown };
    return typeof payload.sub === "string" && payload.sub !== "" ? `sub:${payload.sub}` : undefined;
  } catch {
    return undefined;
  }
}

/** The naming for one check: derived when the URN and the account are both known. */
export function namingFor(urn: unknown, account: () => string | undefined): AutoNaming {
  // Anything else (absent, the preview's unknown) is no URN.
  if (typeof urn !== "string" || !urn.startsWith("urn:pulumi:")) return randomNaming;
  const key = account();
  return key === undefined ? randomNaming : derivedNaming(urn, key);
}

/**
 * Sets `name` of an auto-named resource: `kept` (the name chosen on an earlier run) unless this
 * change replaces the resource, which needs a new name so both can exist until the old one goes.
 * `__nameFromUrn` records whether the name is a mark, for create's adopt rule.
 */
export function autoname(
  inputs: PropertyMap,
  olds: PropertyMap,
  naming: AutoNaming = randomNaming,
  kept: string | undefined,
  replacing: boolean,
): void {
  const chosen =
    kept !== undefined && !replacing ? { name: kept, derived: olds.__nameFromUrn === true } : naming.name(inputs.__logicalName, kept);
  inputs.name = chosen.name;
  inputs.__autoname = true;
  if (chosen.derived) inputs.__nameFromUrn = true;
  else delete inputs.__nameFromUrn;
}
