// Reads an account into the model the renderer writes: every list walked to its end
// (`client.listAll`), then each object read through its kind's own `read`, exactly as the native
// plugin reads it for `pulumi import`, so the declared inputs are the ones the import records and
// a preview after the import shows no change. Only GETs: the command never writes.
//
// The list items are parsed with small schemas of the fields needed to enumerate (ids, names, the
// `managed` flag), not the resource modules' full ones: the reads validate the rest.
import { z } from "zod";
import type { ApiClient } from "../client";
import type { Context, PropertyMap, ResourceDefinition } from "../resource";
import { isInternal } from "../resource";
import { canonicalZoneDomain } from "../resources/dns";
import { bucket } from "../resources/bucket";
import { bucketCredential } from "../resources/bucketCredential";
import { dnsZone } from "../resources/dnsZone";
import { dnsRecord } from "../resources/dnsRecord";
import { certificate } from "../resources/certificate";
import { importedCertificate } from "../resources/importedCertificate";
import { cdnResource } from "../resources/cdnResource";
import { cdnCustomDomain } from "../resources/cdnCustomDomain";
import { Expr, Ref, certificateFiles, type Adopted, type AdoptedAccount, type AdoptedKind, type Skipped, type Value } from "./model";
import { NameTable, recordLogicalName, relativeRecordName, slug } from "./names";

export const GROUPS = ["buckets", "dns", "cdn"] as const;
export type Group = (typeof GROUPS)[number];

export interface InventoryOptions {
  only: ReadonlySet<Group>;
  /** Zone domains to adopt (canonical); all when empty. */
  zones: readonly string[];
  /** A line of progress (the CLI writes it to stderr). */
  progress(line: string): void;
  /** Reads in flight at once. */
  concurrency?: number;
}

const bucketItem = z.object({ id: z.string(), name: z.string() });
const credentialItem = z.object({ access_key_id: z.string(), bucket_id: z.string() });
const zoneItem = z.object({ id: z.string(), domain: z.string() });
const recordItem = z.object({ id: z.string(), name: z.string(), type: z.string(), managed: z.boolean().optional() });
const certificateItem = z.object({ id: z.string(), domain_name: z.string(), type: z.string() });
const cdnItem = z.object({
  id: z.string(),
  name: z.string(),
  custom_domains: z.array(z.object({ id: z.string(), domain_name: z.string() })),
});

/** Properties that hold another object's id: wired as that object's `id` when it is adopted too. */
const REFERENCES = new Set(["bucketId", "zoneId", "resourceId", "certificateId"]);

interface Pending {
  kind: AdoptedKind;
  definition: ResourceDefinition;
  wanted: string;
  importId: string;
  /** The API id other objects refer to this one by (its `id` output), when they do. */
  apiId?: string;
  /** State handed to `read` (a record's zone domain, so it is not read again for every record). */
  state?: PropertyMap;
  /** Adjusts the inputs read (relative record names, PEM files) and adds notes. */
  finish?(inputs: Record<string, Value>, object: Adopted): void;
  sortKey: string;
}

/** `items` mapped with at most `limit` calls in flight, results in input order. */
async function mapLimit<T, R>(items: readonly T[], limit: number, run: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await run(items[index], index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/**
 * The inputs a declaration needs: the import's inputs (the definition's inputs in the read state)
 * without internal keys, secrets (never written) and values equal to their default (check adds
 * them back), references to adopted objects as `Ref`s.
 */
export function declaredInputs(
  definition: ResourceDefinition,
  state: PropertyMap,
  idToVariable: ReadonlyMap<string, string>,
): Record<string, Value> {
  const inputs: Record<string, Value> = {};
  for (const [key, spec] of Object.entries(definition.inputs)) {
    const value = state[key];
    if (value === undefined || value === null || isInternal(key) || spec.secret) continue;
    if (spec.default !== undefined && value === spec.default) continue;
    inputs[key] = wire(key, value as Value, idToVariable);
  }
  return inputs;
}

function wire(key: string, value: Value, idToVariable: ReadonlyMap<string, string>): Value {
  if (typeof value === "string") {
    const variable = REFERENCES.has(key) ? idToVariable.get(value) : undefined;
    return variable ? new Ref(variable) : value;
  }
  if (Array.isArray(value)) return value.map((item) => wire("", item, idToVariable));
  if (value && typeof value === "object" && !(value instanceof Ref) && !(value instanceof Expr)) {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, item]) => item !== undefined && item !== null)
        .map(([name, item]) => [name, wire(name, item as Value, idToVariable)]),
    );
  }
  return value;
}

export async function readAccount(client: ApiClient, options: InventoryOptions): Promise<AdoptedAccount> {
  const { progress } = options;
  const pending: Pending[] = [];
  const skipped: Skipped[] = [];

  if (options.only.has("buckets")) {
    const buckets = await client.listAll({ operation: "list buckets", path: "/object-storage/buckets", item: bucketItem });
    progress(`buckets: ${buckets.length} listed`);
    let credentialCount = 0;
    for (const found of buckets) {
      pending.push({
        kind: "Bucket",
        definition: bucket,
        wanted: slug(found.name),
        importId: found.id,
        apiId: found.id,
        sortKey: `0 ${found.name} ${found.id}`,
      });
      const credentials = await client.listAll({
        operation: `list credentials of bucket ${found.id}`,
        path: `/object-storage/buckets/${encodeURIComponent(found.id)}/credentials`,
        item: credentialItem,
      });
      credentialCount += credentials.length;
      for (const credential of credentials) {
        pending.push({
          kind: "BucketCredential",
          definition: bucketCredential,
          wanted: `${slug(found.name)}-key-${slug(credential.access_key_id).slice(-6)}`,
          importId: `${found.id}/${credential.access_key_id}`,
          sortKey: `1 ${found.name} ${credential.access_key_id}`,
          finish(_inputs, object) {
            object.notes.push(
              `Access key ${credential.access_key_id}. Its secret was shown once, when it was made, and is not in the stack:`,
              "to have one there, set `rotation` to any string and run `pulumi up` (the old secret then stops working).",
            );
          },
        });
      }
    }
    progress(`bucket credentials: ${credentialCount} listed`);
  }

  if (options.only.has("dns")) {
    const zones = (await client.listAll({ operation: "list DNS zones", path: "/dns/zones", item: zoneItem })).filter((zone) => {
      if (options.zones.length === 0) return true;
      const canonical = canonicalZoneDomain(zone.domain);
      return "domain" in canonical && options.zones.includes(canonical.domain);
    });
    progress(`DNS zones: ${zones.length} listed${options.zones.length ? ` (of ${options.zones.join(", ")})` : ""}`);
    for (const missing of options.zones.filter(
      (domain) => !zones.some((zone) => zone.domain.replace(/\.$/, "").toLowerCase() === domain),
    )) {
      skipped.push({ what: `zone ${missing}`, why: "asked for with --zone, but the account has no such zone" });
    }
    for (const zone of zones) {
      const domain = zone.domain.replace(/\.$/, "").toLowerCase();
      pending.push({
        kind: "DnsZone",
        definition: dnsZone,
        wanted: slug(domain),
        importId: zone.id,
        apiId: zone.id,
        sortKey: `2 ${domain}`,
      });
      const records = await client.listAll({
        operation: `list DNS records of zone ${domain}`,
        path: `/dns/zones/${encodeURIComponent(zone.id)}/records`,
        item: recordItem,
      });
      const managed = records.filter((record) => record.managed);
      if (managed.length > 0) {
        skipped.push({
          what: `${managed.length} record set${managed.length === 1 ? "" : "s"} of ${domain} managed by MamuteCloud (${[...new Set(managed.map((r) => `${relativeRecordName(r.name, domain)} ${r.type}`))].join(", ")})`,
          why: "the API keeps them itself (the apex NS set lists the zone's nameservers, the DnsZone's `nameservers` output); a DnsRecord cannot declare them",
        });
      }
      progress(`DNS zone ${domain}: ${records.length} records listed, ${managed.length} managed by MamuteCloud (skipped)`);
      for (const record of records.filter((item) => !item.managed)) {
        const name = relativeRecordName(record.name, domain);
        pending.push({
          kind: "DnsRecord",
          definition: dnsRecord,
          wanted: recordLogicalName(domain, name, record.type),
          importId: `${zone.id}/${record.id}`,
          // The relative name, kept by read because it denotes the API's FQDN in this zone.
          state: { zoneId: zone.id, name, __zoneDomain: domain },
          sortKey: `3 ${domain} ${name === "@" ? "" : name.split(".").reverse().join(".")} ${record.type} ${record.id}`,
        });
      }
    }
  }

  if (options.only.has("cdn")) {
    const certificates = await client.listAll({ operation: "list certificates", path: "/cdn/ssl-certificate", item: certificateItem });
    progress(`certificates: ${certificates.length} listed`);
    for (const cert of certificates) {
      const imported = cert.type === "imported";
      pending.push({
        kind: imported ? "ImportedCertificate" : "Certificate",
        definition: imported ? importedCertificate : certificate,
        wanted: `cert-${slug(cert.domain_name)}`,
        importId: cert.id,
        apiId: cert.id,
        sortKey: `${imported ? 5 : 4} ${cert.domain_name} ${cert.id}`,
        finish: imported
          ? (inputs, object) => {
              // The API never returns the PEM: the program reads the user's files; the import
              // matches them to this certificate by fingerprint, so that is no change.
              const files = certificateFiles(object.logicalName);
              inputs.certificate = new Expr(`fs.readFileSync(${JSON.stringify(files.certificate)}, "utf8")`);
              inputs.privateKey = new Expr(`pulumi.secret(fs.readFileSync(${JSON.stringify(files.privateKey)}, "utf8"))`);
              object.notes.push(
                `Certificate for ${cert.domain_name} (${cert.id}). The API never gives its PEM back: put the certificate and its`,
                `key in ${files.certificate} and ${files.privateKey} (add \`certificateChain\` the same way if it has one).`,
              );
            }
          : undefined,
      });
    }
    const resources = await client.listAll({ operation: "list CDN resources", path: "/cdn/resource", item: cdnItem });
    progress(`CDN resources: ${resources.length} listed`);
    for (const resource of resources) {
      pending.push({
        kind: "CdnResource",
        definition: cdnResource,
        wanted: slug(resource.name),
        importId: resource.id,
        apiId: resource.id,
        sortKey: `6 ${resource.name} ${resource.id}`,
      });
      for (const domain of resource.custom_domains) {
        pending.push({
          kind: "CdnCustomDomain",
          definition: cdnCustomDomain,
          wanted: slug(domain.domain_name),
          importId: `${resource.id}/${domain.id}`,
          sortKey: `7 ${domain.domain_name} ${resource.name} ${domain.id}`,
        });
      }
    }
  }

  // Names in a fixed order (kinds, then what the account fixes), so a second run names alike.
  pending.sort((a, b) => (a.sortKey < b.sortKey ? -1 : a.sortKey > b.sortKey ? 1 : 0));
  const names = new NameTable();
  const named = pending.map((item) => ({ ...item, ...names.take(item.wanted) }));
  const idToVariable = new Map(named.filter((item) => item.apiId !== undefined).map((item) => [item.apiId!, item.variable]));

  const ctx: Context = { client: () => client, config: () => client.config };
  let done = 0;
  const total = named.length;
  progress(`reading ${total} objects`);
  const read = await mapLimit(named, options.concurrency ?? 8, async (item) => {
    const state = await item.definition.read(ctx, item.importId, item.state ?? {});
    done++;
    if (done % 100 === 0 || done === total) progress(`read ${done}/${total}`);
    if (state === undefined) return undefined; // deleted while we listed
    const object: Adopted = {
      kind: item.kind,
      logicalName: item.logicalName,
      variable: item.variable,
      importId: item.importId,
      inputs: declaredInputs(item.definition, { ...item.state, ...state }, idToVariable),
      notes: [],
    };
    item.finish?.(object.inputs, object);
    return object;
  });
  for (const [index, object] of read.entries()) {
    if (object === undefined)
      skipped.push({ what: `${named[index].kind} ${named[index].importId}`, why: "it was deleted while the account was read" });
  }
  return { objects: read.filter((object): object is Adopted => object !== undefined), skipped };
}
