// `dataDir` / `--data-dir`: a restarted emulator answers exactly as the stopped one did (so a
// user's stack still matches), its API key, CA and dashboard tokens stay valid, a folder in use is
// refused, and a kill -9 in the middle of uploads leaves a folder that starts with every object
// whole and nothing half-written.
import { spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { once } from "node:events";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  DeleteObjectCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  PutObjectCommand,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import { startEmulator, type Emulator } from "../../emulator";
import { Api } from "./helpers";
import { newBucketWithCredential, sdkClient, type TestBucket } from "./s3-helpers";
import { edgeGetTls, newSiteBucket, newStorageResource } from "./cdn-helpers";

const cli = join(__dirname, "..", "..", "dist", "emulator", "cli.js");

let dir: string;
const running: Emulator[] = [];

async function start(options: Parameters<typeof startEmulator>[0] = {}): Promise<Emulator> {
  const emu = await startEmulator({ port: 0, dataDir: dir, ...options });
  running.push(emu);
  return emu;
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "emulator-data-dir-test-"));
});

afterEach(async () => {
  await Promise.all(running.splice(0).map((emu) => emu.close()));
  await rm(dir, { recursive: true, force: true });
});

async function getBytes(emu: Emulator, bucket: TestBucket, key: string): Promise<{ bytes: Buffer; etag?: string }> {
  const s3 = sdkClient(emu, bucket);
  try {
    const answer = await s3.send(new GetObjectCommand({ Bucket: bucket.name, Key: key }));
    return { bytes: Buffer.from(await answer.Body!.transformToByteArray()), etag: answer.ETag };
  } finally {
    s3.destroy();
  }
}

/**
 * What a refresh of a whole stack reads; the S3 endpoint (a new port) and the key's last use (this
 * very read) are the only things allowed to differ.
 */
async function everything(api: Api, ids: { bucket: string; zone: string; resource: string; certificate: string }) {
  const read = async (path: string) => {
    const answer = await api.get(path);
    expect(answer.status).toBe(200);
    const text = JSON.stringify(answer.body).split(api.emu.s3Url).join("<s3 endpoint>");
    return JSON.parse(text, (key, value) => (key === "last_used_at" ? "<last use>" : value));
  };
  return {
    buckets: await read("/object-storage/buckets"),
    credentials: await read(`/object-storage/buckets/${ids.bucket}/credentials`),
    files: await read(`/object-storage/buckets/${ids.bucket}/files`),
    zones: await read("/dns/zones"),
    records: await read(`/dns/zones/${ids.zone}/records`),
    resource: await read(`/cdn/resource/${ids.resource}`),
    certificate: await read(`/cdn/ssl-certificate/${ids.certificate}`),
    apiKey: await read("/security/apikey"),
  };
}

it("a restarted emulator answers with everything the stopped one made, and what it issued stays valid", async () => {
  const first = await start({ cdnDeployDelayMs: 0 });
  const api = new Api(first);
  const site = await newSiteBucket(first, api, "kept-site");
  await site.put("index.html", "kept home");
  const s3 = sdkClient(first, site);
  const parts = [randomBytes(5 * 1024 * 1024), randomBytes(1000)];
  const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: site.name, Key: "big/multi.bin" }));
  const etags: string[] = [];
  for (const [index, body] of parts.entries()) {
    etags.push(
      (await s3.send(new UploadPartCommand({ Bucket: site.name, Key: "big/multi.bin", UploadId, PartNumber: index + 1, Body: body })))
        .ETag!,
    );
  }
  await s3.send(
    new CompleteMultipartUploadCommand({
      Bucket: site.name,
      Key: "big/multi.bin",
      UploadId,
      MultipartUpload: { Parts: etags.map((ETag, index) => ({ ETag, PartNumber: index + 1 })) },
    }),
  );
  s3.destroy();

  const zone = (await api.post("/dns/zones", { domain: "kept.example" })).body;
  await api.post(`/dns/zones/${zone.id}/records`, { name: "mail", type: "MX", values: ["10 mx.kept.example."] });
  const certificate = (await api.post("/cdn/ssl-certificate", { domain_name: "www.kept.example" })).body;
  const [validation] = certificate.validation_records as { name: string; type: string; value: string }[];
  await api.post(`/dns/zones/${zone.id}/records`, { name: validation.name, type: validation.type, values: [validation.value] });
  const resource = await newStorageResource(api, "kept-cdn", site.id);
  const withDomain = await api.put(`/cdn/resource/${resource.id}`, {
    custom_domains: [{ domain_name: "www.kept.example", certificate_id: certificate.id }],
  });
  expect((await api.post(`/cdn/resource/${resource.id}/custom-domain/${withDomain.body.custom_domains[0].id}/activate`)).body.status).toBe(
    "active",
  );
  first.setSettings({ sslValidationDelayMs: 1234 });
  const token = first.dashboardToken();
  const ids = { bucket: site.id, zone: zone.id, resource: resource.id, certificate: certificate.id };
  const before = await everything(api, ids);
  expect(before.certificate.status).toBe("issued");
  await first.close();

  const second = await start();
  expect(second.apiKey).toBe(first.apiKey);
  expect(second.caCertificatePem).toBe(first.caCertificatePem);
  expect(second.settings()).toEqual({ cdnDeployDelayMs: 0, sslValidationDelayMs: 1234 });
  const after = await everything(new Api(second), ids);
  expect(after).toEqual(before);

  // The same S3 credential reads the same bytes and ETags.
  expect((await getBytes(second, site, "index.html")).bytes.toString()).toBe("kept home");
  const multi = await getBytes(second, site, "big/multi.bin");
  expect(multi.bytes.equals(Buffer.concat(parts))).toBe(true);
  expect(multi.etag).toMatch(/-2"$/);
  // The custom domain is served over HTTPS under the certificate issued before the restart, which
  // a client trusting the CA printed by the first run still accepts.
  expect(await edgeGetTls(second, { host: "www.kept.example", ca: first.caCertificatePem })).toMatchObject({
    status: 200,
    body: "kept home",
  });
  // A dashboard token from before the restart still opens the API.
  expect((await new Api(second).get("/dns/zones", { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
});

it("removes the bytes of overwritten, deleted and aborted objects once saved, and of a deleted bucket's", async () => {
  const emu = await start();
  const api = new Api(emu);
  const kept = await newSiteBucket(emu, api, "bytes-kept");
  const dropped = await newSiteBucket(emu, api, "bytes-dropped");
  await kept.put("overwritten.txt", "v1");
  await kept.put("overwritten.txt", "v2");
  await kept.put("deleted.txt", "gone");
  await kept.put("stays.txt", "stays");
  await dropped.put("index.html", "bucket goes");
  const s3 = sdkClient(emu, kept);
  const { UploadId } = await s3.send(new CreateMultipartUploadCommand({ Bucket: kept.name, Key: "aborted.bin" }));
  await s3.send(new UploadPartCommand({ Bucket: kept.name, Key: "aborted.bin", UploadId, PartNumber: 1, Body: "part" }));
  await s3.send(new AbortMultipartUploadCommand({ Bucket: kept.name, Key: "aborted.bin", UploadId }));
  await s3.send(new DeleteObjectCommand({ Bucket: kept.name, Key: "deleted.txt" }));
  s3.destroy();
  expect((await api.delete(`/object-storage/buckets/${dropped.id}`)).status).toBe(204);
  await emu.flush();
  const objects = emu.state.buckets.get(kept.id)!.objects;
  expect([...objects.keys()].sort()).toEqual(["overwritten.txt", "stays.txt"]);
  const named = [...objects.values()].map((object) => object.segments[0].blob).sort();
  expect((await readdir(join(dir, "objects"))).sort()).toEqual(named);
});

it("--api-key replaces the saved key, and the old key is then refused", async () => {
  const first = await start();
  await new Api(first).post("/object-storage/buckets", { name: "kept" });
  await first.close();
  const newKey = `mamute-${"cd34".repeat(10)}`;
  const second = await start({ apiKey: newKey });
  expect(second.apiKey).toBe(newKey);
  expect((await new Api(second).get("/object-storage/buckets")).body.pagination.total).toBe(1);
  expect((await new Api(second).get("/object-storage/buckets", { headers: { authorization: first.apiKey } })).status).toBe(401);
  await second.close();
  // And it is the key kept from then on.
  expect((await start()).apiKey).toBe(newKey);
});

it("refuses a data dir that a running emulator uses, saying so", async () => {
  await start();
  await expect(start()).rejects.toThrow(/is in use by another emulator \(pid \d+\)/);
});

it("refuses a state file it did not write, saying how to start over", async () => {
  const { writeFile } = await import("node:fs/promises");
  await writeFile(join(dir, "state.json"), "{ not json");
  await expect(start()).rejects.toThrow(/state\.json is not valid JSON .*move it away/);
});

describe("after a kill -9 in the middle of uploads", () => {
  it("starts again with every listed object whole, the ones saved before the burst kept, and no half-written file", async () => {
    const child = spawn(process.execPath, [cli, "--port", "0", "--data-dir", dir]);
    const exited = once(child, "exit");
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    while (!/^export .*\n/m.test(output)) {
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(`emulator exited: ${output}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const url = /Management API\s+(\S+)/.exec(output)![1];
    const s3Url = /S3 endpoint\s+(\S+)/.exec(output)![1];
    const apiKey = /API key\s+(\S+)/.exec(output)![1];
    const remote = { url, s3Url, apiKey } as Emulator;
    const bucket = await newBucketWithCredential(new Api(remote), "crash-site");
    const s3 = sdkClient(remote, bucket);
    const body = (n: number) => Buffer.concat([Buffer.from(`object ${n}\n`), randomBytes(200 * 1024)]);
    const md5 = (data: Buffer) => createHash("md5").update(data).digest("hex");
    try {
      const saved = new Map<string, string>();
      for (let n = 0; n < 5; n++) {
        const data = body(n);
        await s3.send(new PutObjectCommand({ Bucket: bucket.name, Key: `before/${n}`, Body: data }));
        saved.set(`before/${n}`, md5(data));
      }
      await new Promise((resolve) => setTimeout(resolve, 500)); // saves coalesce within a tick; this is many

      // A burst of concurrent uploads, killed part-way.
      let acknowledged = 0;
      const burst = Array.from({ length: 40 }, (_, n) =>
        s3.send(new PutObjectCommand({ Bucket: bucket.name, Key: `burst/${n}`, Body: body(100 + n) })).then(() => acknowledged++),
      );
      while (acknowledged < 10) await new Promise((resolve) => setTimeout(resolve, 5));
      child.kill("SIGKILL");
      await Promise.allSettled(burst);
    } finally {
      s3.destroy();
      child.kill("SIGKILL");
      await exited;
    }

    const restarted = await start();
    expect(restarted.apiKey).toBe(apiKey);
    const objects = restarted.state.buckets.get(bucket.id)!.objects;
    for (let n = 0; n < 5; n++) expect(objects.has(`before/${n}`)).toBe(true);
    for (const object of objects.values()) {
      const bytes = await restarted.state.blobs.readAll(object.segments);
      expect({ key: object.key, md5: md5(bytes), size: bytes.length }).toEqual({ key: object.key, md5: object.etag, size: object.size });
    }
    // No body left half-received (tmp/ keeps only its 16 empty subfolders).
    const leftInTmp = (await readdir(join(dir, "tmp"), { withFileTypes: true, recursive: true })).filter((entry) => !entry.isDirectory());
    expect(leftInTmp).toEqual([]);
    const named = [...objects.values()].flatMap((object) => object.segments.map((segment) => segment.blob)).sort();
    expect((await readdir(join(dir, "objects"))).sort()).toEqual(named);
  });
});
