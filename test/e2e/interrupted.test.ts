// An `up` interrupted with Ctrl+C in the middle of an upload, run again, through the real CLI: the
// first Ctrl+C lets the engine wait for the operation in flight, a second one stops the CLI at
// once (what an impatient user does), killing the upload half-way. The user then does what the CLI
// tells them and runs `up` again: the site is complete, there is one bucket and one CDN resource,
// and no unfinished multipart upload is left in the bucket.
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { GetObjectCommand, ListMultipartUploadsCommand, S3Client } from "@aws-sdk/client-s3";
import { edgeGet } from "../emulator/cdn-helpers";
import { listAll } from "../harness/emulator";
import type { CliProject } from "../harness/cli";
import { useCliProject } from "./harness";

const fixture = useCliProject("static-site");

async function until(condition: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

test("Ctrl+C twice during a multipart upload, then up again: the site complete, nothing duplicated, no stray upload", async () => {
  const { emu, project } = fixture;
  const big = randomBytes(40 * 1024 * 1024);
  fs.writeFileSync(path.join(project.dir, "www", "video.bin"), big);
  // Each part takes a while, so the interruption lands in the middle of the upload.
  emu.setFaults({ rules: [{ plane: "s3", route: "S3 UploadPart", fault: "delay", delayMs: 1500 }] });

  let child: import("node:child_process").ChildProcess | undefined;
  const interrupted = project.run(["up", "--yes", "--skip-preview", "--stack", project.stack], {
    allowFailure: true,
    started: (started) => (child = started),
  });
  await until(() => (emu.requests().routes["S3 UploadPart"] ?? 0) > 0, 120_000);
  child!.kill("SIGINT");
  await new Promise((resolve) => setTimeout(resolve, 300));
  child!.kill("SIGINT");
  const first = await interrupted;
  expect(first.code).not.toBe(0);
  expect(first.stdout).toContain("^C received; terminating");
  expect(first.stdout).toMatch(/SyncedFolder site-files creating \(interrupted\)/);
  emu.clearFaults();

  // The same `up` again, as the user would: the engine warns of the interrupted create, and the
  // folder is uploaded whole, its unfinished multipart upload aborted.
  const again = await project.up();
  expect(again.output).toContain("interrupted while creating");
  expect(again.counts.created).toBe(1);
  await project.expectNoChanges();

  expect(await listAll(emu, "/object-storage/buckets")).toHaveLength(1);
  expect(await listAll(emu, "/cdn/resource")).toHaveLength(1);
  const outputs = await project.outputs();
  const served = await edgeGet(emu, { host: outputs.distributionDomain, path: "/video.bin" });
  expect(served.status).toBe(200);
  expect(Number(served.headers["content-length"])).toBe(big.length);

  const state = await project.resources();
  const credential = state.find((resource) => resource.type.endsWith("BucketCredential"))!;
  const s3 = new S3Client({
    endpoint: emu.s3Url,
    region: "us-east-1",
    forcePathStyle: true,
    credentials: { accessKeyId: credential.outputs.accessKeyId, secretAccessKey: await secretOf(project, credential.urn) },
  });
  const stored = await s3.send(new GetObjectCommand({ Bucket: outputs.bucketId, Key: "video.bin" }));
  expect(Buffer.from(await stored.Body!.transformToByteArray()).equals(big)).toBe(true);
  const uploads = await s3.send(new ListMultipartUploadsCommand({ Bucket: outputs.bucketId }));
  expect(uploads.Uploads ?? []).toEqual([]);
  s3.destroy();
}, 600_000);

/** A secret output of a resource, decrypted as `pulumi stack export --show-secrets` shows it. */
async function secretOf(project: CliProject, urn: string): Promise<string> {
  const state = JSON.parse((await project.run(["stack", "export", "--show-secrets", "--stack", project.stack])).stdout);
  const resource = state.deployment.resources.find((candidate: any) => candidate.urn === urn);
  const value = resource.outputs.secretAccessKey;
  return typeof value === "string" ? value : JSON.parse(value.plaintext);
}
