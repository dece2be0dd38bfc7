// What the real engine does around drift and replacement, on examples/basic: a record deleted in
// the dashboard is dropped by `pulumi refresh` and made again by the next `up`; a change to a
// property that forces replacement is planned and applied as the engine orders it (the new record
// first, then the old one deleted) and leaves exactly the new record.
import { api } from "../harness/emulator";
import { replaceIn, useCliProject } from "./harness";

const fixture = useCliProject("basic", ({ project }) => project.up().then(() => undefined));

/** The zone's records as the API names them (fully qualified, with the trailing dot). */
async function recordsOf(zoneId: string): Promise<Array<{ name: string; type: string }>> {
  const { body } = await api(fixture.emu, "GET", `/dns/zones/${zoneId}/records?limit=100`);
  return body.data.filter((record: any) => !record.managed).map((record: any) => ({ name: record.name, type: record.type }));
}

test("a record deleted out of band: refresh drops it from state, the next up makes it again", async () => {
  const { emu, project } = fixture;
  const www = (await project.resources()).find((resource) => resource.name === "www")!;
  const [zoneId, recordId] = www.id!.split("/");
  expect((await api(emu, "DELETE", `/dns/zones/${zoneId}/records/${recordId}`)).status).toBeLessThan(300);

  const refreshed = await project.refresh();
  expect(refreshed.counts.deleted).toBe(1);
  expect((await project.resources()).map((resource) => resource.name)).not.toContain("www");
  expect((await project.preview()).changed).toEqual(["create www"]);
  await project.up();
  expect(await recordsOf(zoneId)).toContainEqual({ name: "www.example.com.", type: "CNAME" });
  await project.expectNoChanges();
}, 180_000);

test("a record's name changed: planned as a replacement, the new record made before the old is deleted", async () => {
  const { project } = fixture;
  const zoneId = (await project.resources()).find((resource) => resource.name === "zone")!.id!;
  replaceIn(project, "index.ts", 'name: "www"', 'name: "web"');
  expect((await project.preview()).changed).toEqual(["replace www"]);
  const applied = await project.up();
  expect(applied.counts.replaced).toBe(1);
  const created = applied.output.search(/DnsRecord www created replacement/);
  const deleted = applied.output.search(/DnsRecord www deleted original/);
  expect(created).toBeGreaterThan(0);
  expect(deleted).toBeGreaterThan(created);
  const records = await recordsOf(zoneId);
  expect(records).toContainEqual({ name: "web.example.com.", type: "CNAME" });
  expect(records).not.toContainEqual({ name: "www.example.com.", type: "CNAME" });
  await project.expectNoChanges();
}, 180_000);
