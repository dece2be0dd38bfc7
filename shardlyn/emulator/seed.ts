// What tests and users seed the fake external provider with (from code and `/_emulator`):
// credentials and their zones, and revoking a credential at its provider. Checked here, so a bad
// seed is a 400 naming the field from either side.
import { fail, validationError } from "./http";
import { isHostName } from "./dns-values";
import type { Credential, ShardlynState, Zone } from "./state";

export const CREDENTIAL_PROVIDERS = ["cloudflare", "aws", "gcp", "hetzner", "oci"];

export function seedCredential(state: ShardlynState, provider: unknown, name: unknown): Credential {
  const chosen = provider ?? "cloudflare";
  if (typeof chosen !== "string" || !CREDENTIAL_PROVIDERS.includes(chosen))
    throw validationError("provider", `must be one of ${CREDENTIAL_PROVIDERS.join(", ")}`);
  if (typeof name !== "string" || name.trim() === "" || name.length > 100) throw validationError("name", "is required: 1-100 characters");
  return state.addCredential(chosen, name);
}

export function seedZone(state: ShardlynState, credentialId: unknown, name: unknown): Zone {
  if (typeof credentialId !== "string") throw validationError("credential_id", "is required: a string");
  const domain = typeof name === "string" ? name.trim().toLowerCase().replace(/\.$/, "") : "";
  if (!isHostName(domain) || !domain.includes(".")) throw validationError("name", "must be a domain name such as example.com");
  return state.addZone(credentialId, domain);
}

export function setRevoked(state: ShardlynState, credentialId: string, revoked: boolean): void {
  const credential = state.credentials.get(credentialId);
  if (!credential) throw fail(404, "credential not found");
  credential.revoked = revoked;
}
