// Auto-names across SDK versions: a stack made by an SDK that sent no URN (random names, as every
// stack made before names were derived) previews no change and keeps its names under an SDK that
// sends one; what it then creates gets a derived name.
import { accountOf, derivedNaming } from "../../provider/naming";
import { resourceProps } from "../../sdk/resource";
import { api, listAll } from "../harness/emulator";
import { serializedShim } from "../harness/engine";
import { startLifecycle, type Lifecycle } from "../harness/lifecycle";
import { urnOf } from "../harness/providerHost";

let lifecycle: Lifecycle;
beforeAll(async () => {
  lifecycle = await startLifecycle();
});
afterAll(() => lifecycle?.close());

/** What an SDK that sends no `__urn` registers (the package before names were derived). */
async function withoutUrn(kind: string, name: string, args: Record<string, unknown>) {
  return { ...resourceProps(kind, name, args, []), __provider: await serializedShim() };
}

test("a stack with random names (state version 3, no URN sent) previews no change and keeps them under the new SDK", async () => {
  const { engine, emu } = lifecycle;
  await engine.apply("Bucket", "assets", await withoutUrn("Bucket", "assets", {}));
  const bucketId = engine.get("assets").id;
  await engine.apply("CdnResource", "cdn", await withoutUrn("CdnResource", "cdn", { storageOrigin: { bucketId } }));
  const before = { bucket: engine.get("assets"), cdn: engine.get("cdn") };
  expect(before.bucket.outputs).toMatchObject({ __version: 3, __autoname: true });
  expect(before.bucket.outputs.__nameFromUrn).toBeUndefined();

  const bucketStep = await engine.preview("Bucket", "assets", {});
  const cdnStep = await engine.preview("CdnResource", "cdn", { storageOrigin: { bucketId } });
  expect([bucketStep.op, cdnStep.op]).toEqual(["same", "same"]);
  expect(bucketStep.check.inputs.name).toBe(before.bucket.outputs.name);
  expect(cdnStep.check.inputs.name).toBe(before.cdn.outputs.name);
  // A random name is no mark: nothing found under it may be adopted.
  expect(bucketStep.check.inputs.__nameFromUrn).toBeUndefined();

  await engine.up("Bucket", "assets", {});
  await engine.up("CdnResource", "cdn", { storageOrigin: { bucketId } });
  expect(engine.get("assets").id).toBe(before.bucket.id);
  expect(engine.get("cdn").id).toBe(before.cdn.id);
  expect((await listAll(emu, "/object-storage/buckets")).map((bucket) => bucket.name)).toEqual([before.bucket.outputs.name]);
}, 60_000);

test("the new SDK's creates are named from the URN, and the URN is not kept in the outputs", async () => {
  const { engine } = lifecycle;
  await engine.up("Bucket", "logs", {});
  const first = engine.get("logs");
  expect(first.outputs).toMatchObject({ __nameFromUrn: true, name: expect.stringMatching(/^logs-[a-z0-9]{7}$/) });
  expect(first.outputs.__urn).toBeUndefined();
  // Another check of the same resource derives the same name: what a retry after a kill asks for.
  await engine.destroy("logs");
  await engine.up("Bucket", "logs", {});
  expect(engine.get("logs").outputs.name).toBe(first.outputs.name);
}, 60_000);

test("a CDN resource left under its derived name, with its chosen distribution domain set, is adopted and finished, not refused", async () => {
  const { engine, emu } = lifecycle;
  const bucketId = engine.get("assets").id;
  // What a create killed after its POST and its PUT left: the name this resource derives, the domain it asked for.
  const name = derivedNaming(urnOf("CdnResource", "site"), accountOf({ endpoint: emu.url, apiKey: emu.apiKey })!).name("site").name;
  const left = await api(emu, "POST", "/cdn/resource", { name, origin_group: { type: "storage", bucket_id: bucketId } });
  expect((await api(emu, "PUT", `/cdn/resource/${left.body.id}`, { distribution_domain: "derived-site" })).status).toBe(200);

  await engine.up("CdnResource", "site", { storageOrigin: { bucketId }, distributionDomain: "derived-site", description: "the site" });
  expect(engine.get("site").id).toBe(left.body.id);
  expect(engine.get("site").outputs).toMatchObject({
    name,
    description: "the site",
    distributionDomain: "derived-site.mamutecdn.com",
    status: "deployed",
  });
  expect((await listAll(emu, "/cdn/resource")).filter((resource) => resource.name === name)).toHaveLength(1);
}, 60_000);
