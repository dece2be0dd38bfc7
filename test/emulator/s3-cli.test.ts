// The real aws CLI (/usr/bin/aws, Debian's awscli 2) against the S3 plane, configured as a user
// would: credentials and region in the environment, the endpoint on the command line, path-style
// addressing in a config file, nothing else. Uploads (a small file, and 12 MiB, which the CLI
// sends as a multipart upload), listings, downloads and deletes, with the bytes compared.
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { awsCliEnv } from "../harness/awsCli";
import { useEmulator } from "./helpers";
import { md5Hex, newBucketWithCredential, type TestBucket } from "./s3-helpers";

const AWS = "/usr/bin/aws";
const run = promisify(execFile);

// Another `aws` may come first on PATH; the tests name Debian's by its path. CI installs it.
const haveCli = existsSync(AWS);
const describeCli = haveCli ? describe : describe.skip;
if (!haveCli) {
  console.warn(`S3 aws CLI tests skipped: ${AWS} is not installed (apt-get install awscli)`);
}

const { emu, api } = useEmulator();

describeCli(`aws CLI (${AWS})`, () => {
  let bucket: TestBucket;
  let dir: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    bucket = await newBucketWithCredential(api(), "cli-site");
    dir = mkdtempSync(join(tmpdir(), "s3-cli-"));
    env = awsCliEnv(dir, bucket.accessKeyId, bucket.secretAccessKey);
  });

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** Runs the CLI without blocking the event loop (the emulator answers from this process). */
  async function aws(...args: string[]): Promise<string> {
    const { stdout } = await run(AWS, ["--endpoint-url", emu().s3Url, ...args], { env, timeout: 60_000, maxBuffer: 16 * 1024 * 1024 });
    return stdout;
  }

  it("uploads a small file and a 12 MiB file (multipart), and downloads the same bytes", async () => {
    const small = join(dir, "small.txt");
    writeFileSync(small, "hello from the aws CLI\n");
    const big = join(dir, "big.bin");
    const bigBytes = randomBytes(12 * 1024 * 1024);
    writeFileSync(big, bigBytes);

    emu().resetRequests();
    await aws("s3", "cp", small, `s3://${bucket.name}/dir/small file+.txt`);
    await aws("s3", "cp", big, `s3://${bucket.id}/big.bin`);
    const routes = emu().requests().routes;
    expect(routes["S3 PutObject"]).toBe(1);
    expect(routes["S3 CreateMultipartUpload"]).toBe(1);
    expect(routes["S3 UploadPart"]).toBeGreaterThanOrEqual(2);
    expect(routes["S3 CompleteMultipartUpload"]).toBe(1);

    const objects = emu().state.buckets.get(bucket.id)!.objects;
    expect((await emu().state.blobs.readAll(objects.get("dir/small file+.txt")!.segments)).toString()).toBe("hello from the aws CLI\n");
    expect(objects.get("dir/small file+.txt")?.contentType).toBe("text/plain");
    expect(objects.get("big.bin")?.etag).toMatch(/^[0-9a-f]{32}-\d+$/);

    await aws("s3", "cp", `s3://${bucket.name}/big.bin`, join(dir, "big.down"));
    await aws("s3", "cp", `s3://${bucket.name}/dir/small file+.txt`, join(dir, "small.down"));
    expect(readFileSync(join(dir, "big.down")).equals(bigBytes)).toBe(true);
    expect(readFileSync(join(dir, "small.down"), "utf8")).toBe("hello from the aws CLI\n");
  });

  it("lists with s3 ls and s3api list-objects-v2 (URL-encoded listing decoded by the CLI)", async () => {
    const top = await aws("s3", "ls", `s3://${bucket.name}/`);
    expect(top).toMatch(/^\s+PRE dir\/$/m);
    expect(top).toMatch(/^\S+ \S+\s+12582912 big\.bin$/m);
    const recursive = await aws("s3", "ls", `s3://${bucket.name}/`, "--recursive");
    expect(recursive).toMatch(/\s23 dir\/small file\+\.txt$/m);
    expect(await aws("s3", "ls")).toMatch(new RegExp(`^\\S+ \\S+ ${bucket.name}$`, "m"));

    const listed = JSON.parse(await aws("s3api", "list-objects-v2", "--bucket", bucket.name));
    expect(listed.Contents.map((c: { Key: string; Size: number; ETag: string }) => [c.Key, c.Size])).toEqual([
      ["big.bin", 12 * 1024 * 1024],
      ["dir/small file+.txt", 23],
    ]);
    expect(listed.Contents[1].ETag).toBe(`"${md5Hex("hello from the aws CLI\n")}"`);
    const paged = JSON.parse(await aws("s3api", "list-objects-v2", "--bucket", bucket.id, "--prefix", "dir/", "--delimiter", "/"));
    expect(paged.Contents.map((c: { Key: string }) => c.Key)).toEqual(["dir/small file+.txt"]);
  });

  it("deletes with s3 rm, one key and recursively", async () => {
    await aws("s3", "rm", `s3://${bucket.name}/dir/small file+.txt`);
    expect(emu().state.buckets.get(bucket.id)!.objects.has("dir/small file+.txt")).toBe(false);
    await aws("s3", "rm", `s3://${bucket.name}/`, "--recursive");
    expect(emu().state.buckets.get(bucket.id)!.objects.size).toBe(0);
    expect(await aws("s3", "ls", `s3://${bucket.name}/`, "--recursive")).toBe("");
  });

  it("fails with SignatureDoesNotMatch under a wrong secret", async () => {
    const wrong = run(AWS, ["--endpoint-url", emu().s3Url, "s3", "ls", `s3://${bucket.name}/`], {
      env: { ...env, AWS_SECRET_ACCESS_KEY: "W".repeat(40) },
      timeout: 60_000,
    });
    await expect(wrong).rejects.toMatchObject({ stderr: expect.stringContaining("SignatureDoesNotMatch") });
  });
});
