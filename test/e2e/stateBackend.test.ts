// State in MamuteCloud storage, the GitOps setup of the README: a first stack with local state
// (examples/state-bucket) makes a bucket and a credential scoped to it; the static site's stack then
// keeps its state in that bucket, `pulumi login s3://…` through the CLI's own S3 client against the
// emulator's S3 endpoint with that credential: up, a preview that shows no change, destroy.
import { S3Client, ListObjectsV2Command } from "@aws-sdk/client-s3";
import { startTestEmulator, type Emulator } from "../harness/emulator";
import { CliProject } from "../harness/cli";

let emu: Emulator;
let bootstrap: CliProject;
let site: CliProject | undefined;

beforeAll(async () => {
  emu = await startTestEmulator();
  emu.setSettings({ cdnDeployDelayMs: 100 });
  bootstrap = await CliProject.create({ source: "state-bucket", emu, stack: "bootstrap" });
}, 120_000);

afterAll(async () => {
  site?.close();
  bootstrap?.close();
  await emu?.close();
});

test("a stack whose state lives in a bucket the provider made: up, no change, destroy; the state objects are in the bucket", async () => {
  // The test may destroy what a user's bootstrap protects.
  await bootstrap.config({ protect: "false", forceDestroy: "true" });
  await bootstrap.up();
  const state = await bootstrap.outputs();
  expect(state.loginUrl).toBe(`s3://${state.bucketId}?endpoint=${emu.s3Url}&s3ForcePathStyle=true&region=us-east-1`);

  const credentials = { AWS_ACCESS_KEY_ID: state.accessKeyId, AWS_SECRET_ACCESS_KEY: state.secretAccessKey, AWS_REGION: "us-east-1" };
  site = await CliProject.create({
    source: "static-site",
    emu,
    backend: state.loginUrl,
    env: { ...credentials, AWS_CA_BUNDLE: undefined },
  });
  await site.up();
  await site.expectNoChanges();

  const s3 = new S3Client({
    endpoint: emu.s3Url,
    region: "us-east-1",
    forcePathStyle: true,
    credentials: { accessKeyId: state.accessKeyId, secretAccessKey: state.secretAccessKey },
  });
  const listed = await s3.send(new ListObjectsV2Command({ Bucket: state.bucketId, Prefix: ".pulumi/" }));
  const keys = (listed.Contents ?? []).map((object) => object.Key);
  expect(keys).toContain(".pulumi/stacks/mamutecloud-static-site/test.json");
  s3.destroy();

  await site.destroy();
  expect(await site.resources()).toEqual([]);
  await site.run(["stack", "rm", "--yes", "--stack", site.stack]);
  await bootstrap.destroy();
  expect(await bootstrap.resources()).toEqual([]);
}, 300_000);
