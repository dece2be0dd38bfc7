// Every property that forces a replacement, changed one at a time in a Pulumi YAML program through
// the real CLI and the native plugin: the preview plans a replacement of exactly that resource, the
// update replaces it in the order the provider asks of the engine (the new object first, or the old
// one deleted first where the two would collide), the emulator then holds the new object and not
// the old, and a preview afterwards shows no change.
import * as fs from "node:fs";
import * as path from "node:path";
import { listAll } from "../harness/emulator";
import { linkPackage, useCliProject } from "./harness";

interface Shape {
  zoneDomain: string;
  recordType: "A" | "AAAA";
  credentialBucket: "media" | "backups";
  certificateDomain: string;
  domainResource: "cdnA" | "cdnB";
}

const FIRST: Shape = {
  zoneDomain: "first.example",
  recordType: "A",
  credentialBucket: "media",
  certificateDomain: "www.first.example",
  domainResource: "cdnA",
};

/** The program, with the properties under test taken from `shape`. */
function program(shape: Shape): string {
  const value = shape.recordType === "A" ? "192.0.2.1" : "2001:db8::1";
  return `name: mamutecloud-yaml
runtime: yaml
packages:
  mamutecloud: ./node_modules/pulumi-mamutecloud/plugin
resources:
  media:
    type: mamutecloud:index:Bucket
    properties:
      forceDestroy: true
  backups:
    type: mamutecloud:index:Bucket
    properties:
      forceDestroy: true
  credential:
    type: mamutecloud:index:BucketCredential
    properties:
      bucketId: \${${shape.credentialBucket}.id}
  zone:
    type: mamutecloud:index:DnsZone
    properties:
      domain: ${shape.zoneDomain}
  records:
    type: mamutecloud:index:DnsZone
    properties:
      domain: records.example
  www:
    type: mamutecloud:index:DnsRecord
    properties:
      zoneId: \${records.id}
      name: www
      type: ${shape.recordType}
      values: ["${value}"]
  certificate:
    type: mamutecloud:index:Certificate
    properties:
      domainName: ${shape.certificateDomain}
  cdnA:
    type: mamutecloud:index:CdnResource
    properties:
      storageOrigin:
        bucketId: \${media.id}
  cdnB:
    type: mamutecloud:index:CdnResource
    properties:
      storageOrigin:
        bucketId: \${backups.id}
  shop:
    type: mamutecloud:index:CdnCustomDomain
    properties:
      resourceId: \${${shape.domainResource}.id}
      domainName: shop.records.example
`;
}

const fixture = useCliProject("yaml", async ({ project }) => {
  linkPackage(project);
  fs.writeFileSync(path.join(project.dir, "Pulumi.yaml"), program(FIRST));
  await project.up();
});
const listed = (route: string) => listAll(fixture.emu, route);

const credentialBuckets = async () => {
  const buckets = await listed("/object-storage/buckets");
  const holding: string[] = [];
  for (const bucket of buckets) if ((await listed(`/object-storage/buckets/${bucket.id}/credentials`)).length) holding.push(bucket.name);
  return holding.map((name) => name.replace(/-[a-z0-9]{7}$/, ""));
};
const zoneDomains = async () => (await listed("/dns/zones")).map((zone) => zone.domain.replace(/\.$/, "")).sort();
const recordTypes = async () => {
  const zone = (await listed("/dns/zones")).find((candidate) => candidate.domain.startsWith("records.example"));
  return (await listed(`/dns/zones/${zone.id}/records`)).filter((record) => !record.managed).map((record) => record.type);
};
const certificateDomains = async () => (await listed("/cdn/ssl-certificate")).map((certificate) => certificate.domain_name);
const domainHolders = async () =>
  (await listed("/cdn/resource"))
    .filter((resource) => (resource.custom_domains ?? []).length)
    .map((resource) => resource.name.replace(/-[a-z0-9]{7}$/, ""));

test.each<[string, Partial<Shape>, "create first" | "delete first", () => Promise<unknown>, unknown]>([
  ["zone", { zoneDomain: "second.example" }, "create first", zoneDomains, ["records.example", "second.example"]],
  // An A and an AAAA record of one name coexist, so the new one comes first.
  ["www", { recordType: "AAAA" }, "create first", recordTypes, ["AAAA"]],
  ["credential", { credentialBucket: "backups" }, "create first", credentialBuckets, ["backups"]],
  ["certificate", { certificateDomain: "www.second.example" }, "create first", certificateDomains, ["www.second.example"]],
  // Auto-names are lower case: cdnB is "cdnb-…".
  ["shop", { domainResource: "cdnB" }, "delete first", domainHolders, ["cdnb"]],
])(
  "%s: a change of %j is one replacement, %s",
  async (name, change, order, observe, expected) => {
    const { project } = fixture;
    const shape = { ...FIRST, ...currentShape, ...change };
    fs.writeFileSync(path.join(project.dir, "Pulumi.yaml"), program(shape));
    expect((await project.preview()).changed).toEqual([`replace ${name}`]);
    const applied = await project.up();
    currentShape = shape;
    expect(applied.counts.replaced).toBe(1);
    const created = applied.output.search(new RegExp(`\\b${name} created replacement`));
    const deleted = applied.output.search(new RegExp(`\\b${name} deleted original`));
    expect(created).toBeGreaterThan(0);
    expect(deleted).toBeGreaterThan(0);
    expect(order === "create first" ? created < deleted : deleted < created).toBe(true);
    expect(await observe()).toEqual(expected);
    await project.expectNoChanges();
  },
  180_000,
);

let currentShape: Shape = FIRST;
