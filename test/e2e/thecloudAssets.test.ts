// examples/thecloud-assets through the real `pulumi` CLI against The Cloud's emulator, as its README
// runs it: pulumi-thecloud as `npm pack` makes it installed in the copy, its plugin folder named in
// Pulumi.yaml. What issue 22 asks of it: an `up` with nothing changed sends no request; one edited
// file costs one list of the bucket and one upload; the CI key's secret is a secret; `destroy`
// leaves nothing of the stack's.
import * as path from "node:path";
import { startTheCloudEmulator, type TheCloudEmulator } from "../../thecloud/emulator";
import { CliProject, manifestLinesInDiff } from "../harness/cli";
import { REPO_ROOT } from "../harness/providerHost";
import { theCloudApi } from "../thecloud/harness";
import { linkPackage, replaceIn } from "./harness";

let emu: TheCloudEmulator;
let project: CliProject;

beforeAll(async () => {
  emu = await startTheCloudEmulator({ port: 0, host: "127.0.0.1" });
  project = await CliProject.create({ source: "thecloud-assets", env: { THECLOUD_ENDPOINT: emu.url } });
  linkPackage(project, "pulumi-thecloud", path.join(REPO_ROOT, "thecloud"));
}, 180_000);

afterAll(async () => {
  project?.close();
  await emu?.stop();
});

async function list<T = any>(route: string): Promise<T[]> {
  const { status, body } = await theCloudApi<T[]>(emu, "GET", route);
  expect(status).toBe(200);
  return body;
}

test("thecloud-assets: up, no change sends nothing, one edited file is one list and one upload, the key stays secret, destroy leaves nothing", async () => {
  await project.config({ "thecloud:apiKey": emu.apiKey }, ["thecloud:apiKey"]);
  const first = await project.up();
  expect(first.counts.created).toBe(5); // the stack, bucket, rule, key, folder
  const outputs = await project.outputs();
  const [bucket] = (await list<{ name: string; versioning_enabled: boolean }>("/storage/buckets")).filter((b) => b.name === outputs.bucket);
  expect(bucket.versioning_enabled).toBe(true);
  expect(await list(`/storage/buckets/${bucket.name}/lifecycle`)).toEqual([
    expect.objectContaining({ prefix: "logs/", expiration_days: 30 }),
  ]);
  expect((await list<{ key: string }>(`/storage/${bucket.name}`)).map((object) => object.key).sort()).toEqual([
    "img/logo.svg",
    "index.html",
    "style.css",
  ]);

  await project.expectNoChanges();
  emu.resetRequests();
  const same = await project.up();
  expect(same.counts.unchanged).toBe(5);
  expect(emu.requestCounts().total).toBe(0);

  replaceIn(project, "www/style.css", "darkslateblue", "teal");
  expect((await project.preview()).changed).toEqual(["update assets-files"]);
  const diff = (await project.run(["preview", "--diff", "--stack", project.stack])).stdout;
  expect(manifestLinesInDiff(diff)).toEqual({ removed: ["style.css"], added: ["style.css"] });
  emu.resetRequests();
  await project.up();
  expect(emu.requestCounts().routes).toEqual({ "GET /storage/:bucket": 1, "PUT /storage/:bucket/*key": 1 });
  await project.expectNoChanges();

  // The CI key's secret: shown by the API once, a secret of the stack, in no plain output.
  const key = JSON.parse((await project.run(["stack", "output", "ciKey", "--show-secrets", "--json", "--stack", project.stack])).stdout);
  expect(key).toMatch(/^thecloud_/);
  const exported = JSON.stringify(await project.exportState());
  const printed = project.transcript.filter((entry) => !entry.split("\n")[0].includes("--show-secrets")).join("\n");
  for (const secret of [key, emu.apiKey]) expect([exported.includes(secret), printed.includes(secret)]).toEqual([false, false]);

  await project.destroy();
  expect(await project.resources()).toEqual([]);
  expect((await list<{ name: string }>("/storage/buckets")).map((b) => b.name)).not.toContain(bucket.name);
  expect((await list<{ name: string }>("/auth/keys")).map((k) => k.name)).not.toContain("ci-uploads");
}, 300_000);
