// The fake external DNS provider behind each stored credential: Shardlyn asks it for every zone
// and record operation, and a revoked credential is refused by it (`403 Forbidden` there), which
// Shardlyn answers as `502` (`403` under `external-403`) naming the credential.
import { fail } from "./http";
import type { ShardlynDialect } from "./dialect";
import { displayName } from "./dns-values";
import type { Credential, DnsRecord, ShardlynState } from "./state";

/** Throws the refusal a revoked credential meets at its provider. */
export function reach(credential: Credential, dialect: ShardlynDialect): void {
  if (!credential.revoked) return;
  throw fail(
    dialect.external403 ? 403 : 502,
    `${credential.provider} credential ${credential.id} (${JSON.stringify(credential.name)}): the DNS provider refused it (403 Forbidden)`,
  );
}

/** A record as the provider holds it: its own id, the full name, the content as stored. */
export function externalRecordJson(state: ShardlynState, record: DnsRecord) {
  const zone = state.zones.get(record.zoneId);
  return {
    id: record.externalId,
    zone_id: record.zoneId,
    type: record.type,
    name: displayName(record.name, zone?.name ?? "", "full"),
    content: record.content,
    ttl: record.ttl,
  };
}
