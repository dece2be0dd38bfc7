// A 62-resource stack (a bucket, 10 credentials, a DNS zone, 50 records) applied through the
// scripted engine the way the engine runs a program: resources without dependencies at once, then
// their dependents at once; on a failure the others still run and the step fails at the end. Used
// by the reliability test and the benchmark.
import type { Engine } from "./engine";
import { listAll, type Emulator } from "./emulator";

export const CREDENTIALS = 10;
export const RECORDS = 50;
export const STACK_SIZE = 2 + CREDENTIALS + RECORDS;

/** `version` 0 creates the stack; 1 renames the bucket, rotates every secret and changes every record. */
export async function upStack(engine: Engine, prefix: string, version: 0 | 1): Promise<void> {
  await settleAll([
    engine.up("Bucket", "bucket", { name: version ? `${prefix}-bucket-renamed` : `${prefix}-bucket` }),
    engine.up("DnsZone", "zone", { domain: `${prefix}.example` }),
  ]);
  const bucketId = engine.get("bucket").id;
  const zoneId = engine.get("zone").id;
  await settleAll([
    ...Array.from({ length: CREDENTIALS }, (_, i) =>
      engine.up("BucketCredential", `credential-${i}`, { bucketId, ...(version ? { rotation: "r1" } : {}) }),
    ),
    ...Array.from({ length: RECORDS }, (_, i) =>
      engine.up("DnsRecord", `record-${i}`, { zoneId, name: `r${i}`, type: "A", values: [`192.0.2.${version ? 100 + i : i + 1}`] }),
    ),
  ]);
}

/** `pulumi destroy`: dependents first, each wave at once. */
export async function destroyStack(engine: Engine): Promise<void> {
  const names = [...engine.state.keys()];
  const parents = ["bucket", "zone"];
  await settleAll(names.filter((name) => !parents.includes(name)).map((name) => engine.destroy(name)));
  await settleAll(names.filter((name) => parents.includes(name)).map((name) => engine.destroy(name)));
}

export async function settleAll(steps: Array<Promise<unknown>>): Promise<void> {
  const failed = (await Promise.allSettled(steps)).filter((result): result is PromiseRejectedResult => result.status === "rejected");
  if (failed.length) {
    const reasons = failed.map((result) => String((result.reason as Error)?.message ?? result.reason));
    throw new AggregateError(
      failed.map((result) => result.reason),
      `${failed.length} resource(s) failed: ${reasons.slice(0, 3).join(" | ")}`,
    );
  }
}

/** Every object the emulator holds, as the provider's resource ids (records without the zone's own NS). */
export async function inventory(emu: Emulator): Promise<string[]> {
  const ids: string[] = [];
  for (const bucket of await listAll(emu, "/object-storage/buckets")) {
    ids.push(bucket.id);
    for (const credential of await listAll(emu, `/object-storage/buckets/${bucket.id}/credentials`)) {
      ids.push(`${bucket.id}/${credential.access_key_id}`);
    }
  }
  for (const zone of await listAll(emu, "/dns/zones")) {
    ids.push(zone.id);
    for (const record of await listAll(emu, `/dns/zones/${zone.id}/records`)) {
      if (!record.managed) ids.push(`${zone.id}/${record.id}`);
    }
  }
  return ids.sort();
}

export function stateIds(engine: Engine): string[] {
  return [...engine.state.values()].map((resource) => resource.id).sort();
}

/** The ids of the API objects the state holds: all but the kinds that are not objects of their own. */
export function apiObjectIds(engine: Engine): string[] {
  const notObjects = ["CertificateValidation", "SyncedFolder"];
  return [...engine.state.values()]
    .filter((resource) => !notObjects.includes(resource.kind))
    .map((resource) => resource.id)
    .sort();
}

/** `inventory` plus the CDN plane: resources, their custom domains (`<resource>/<domain>`), certificates. */
export async function fullInventory(emu: Emulator): Promise<string[]> {
  const ids = await inventory(emu);
  for (const resource of await listAll(emu, "/cdn/resource")) {
    ids.push(String(resource.id));
    for (const domain of resource.custom_domains ?? []) ids.push(`${resource.id}/${domain.id}`);
  }
  for (const certificate of await listAll(emu, "/cdn/ssl-certificate")) ids.push(String(certificate.id));
  return ids.sort();
}
