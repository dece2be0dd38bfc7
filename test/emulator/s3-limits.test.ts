// S3's size limits, each answered with S3's own error, and answered from the headers alone when
// they already tell (the request below sends its headers, claims gigabytes, and never sends a byte
// of body: an answer proves the emulator did not wait for the body).
import { readdir } from "node:fs/promises";
import { request as httpRequest } from "node:http";
import { join } from "node:path";
import { CreateMultipartUploadCommand, PutObjectCommand, S3Client, UploadPartCommand } from "@aws-sdk/client-s3";
import { useEmulator } from "./helpers";
import { errorCode, failure, newBucketWithCredential, sdkClient, send, sendHeadersOnly, signRequest, type TestBucket } from "./s3-helpers";

const { emu, api } = useEmulator();
const GIB = 1024 ** 3;

let site: TestBucket;
let s3: S3Client;

beforeAll(async () => {
  site = await newBucketWithCredential(api(), "limits-site");
  s3 = sdkClient(emu(), site);
});

afterAll(() => s3?.destroy());

/** A signed request whose headers claim `contentLength` body bytes, none of which are sent. */
async function claim(
  method: string,
  path: string,
  contentLength: number,
  headers: Record<string, string> = {},
  query?: Record<string, string>,
  payloadHash = "UNSIGNED-PAYLOAD",
) {
  const signed = await signRequest(
    emu(),
    site,
    { method, path, query, headers: { ...headers, "content-length": String(contentLength) } },
    { payloadHash },
  );
  return sendHeadersOnly(emu(), method, signed.pathAndQuery, signed.headers);
}

async function newUpload(key: string): Promise<string> {
  return (await s3.send(new CreateMultipartUploadCommand({ Bucket: site.name, Key: key }))).UploadId!;
}

/** Files under tmp/ (bodies being received), in any of its subfolders. */
async function temporaryFiles(): Promise<string[]> {
  const entries = await readdir(join(emu().state.blobs.root, "tmp"), { withFileTypes: true, recursive: true });
  return entries.filter((entry) => !entry.isDirectory()).map((entry) => entry.name);
}

/** A signed PUT with `Expect: 100-continue`: whether the server said continue, and its answer. */
async function putExpectingContinue(
  key: string,
  body: Buffer,
  claimedLength = body.length,
): Promise<{ continued: boolean; status: number; code?: string }> {
  const signed = await signRequest(
    emu(),
    site,
    { method: "PUT", path: `/${site.name}/${key}`, headers: { "content-length": String(claimedLength), expect: "100-continue" } },
    { payloadHash: "UNSIGNED-PAYLOAD" },
  );
  const url = new URL(emu().s3Url);
  return new Promise((resolve, reject) => {
    let continued = false;
    const req = httpRequest(
      { host: url.hostname, port: url.port, method: "PUT", path: signed.pathAndQuery, headers: signed.headers, agent: false },
      (res) => {
        let text = "";
        res.on("data", (chunk: Buffer) => (text += chunk.toString()));
        res.on("end", () => {
          req.destroy();
          resolve({ continued, status: res.statusCode ?? 0, code: /<Code>([^<]*)<\/Code>/.exec(text)?.[1] });
        });
      },
    );
    req.on("continue", () => {
      continued = true;
      req.end(body);
    });
    req.on("error", reject);
    req.flushHeaders();
  });
}

describe("S3 size limits", () => {
  it("answers Expect: 100-continue only once the headers pass, so a refused upload is never sent", async () => {
    expect(await putExpectingContinue("continue/ok.txt", Buffer.from("sent after 100"))).toEqual({
      continued: true,
      status: 200,
      code: undefined,
    });
    expect(await putExpectingContinue("continue/too-big.bin", Buffer.alloc(0), 5 * GIB + 1)).toEqual({
      continued: false,
      status: 400,
      code: "EntityTooLarge",
    });
  });

  it("refuses a single PUT over 5 GiB with EntityTooLarge before reading the body, and keeps nothing", async () => {
    const answer = await claim("PUT", `/${site.name}/too-big.bin`, 5 * GIB + 1);
    expect({ status: answer.status, code: errorCode(answer) }).toEqual({ status: 400, code: "EntityTooLarge" });
    expect(answer.text).toContain(`<MaxSizeAllowed>${5 * GIB}</MaxSizeAllowed>`);
    expect(emu().state.buckets.get(site.id)!.objects.has("too-big.bin")).toBe(false);
    expect(await temporaryFiles()).toEqual([]);
  });

  it("refuses an aws-chunked PUT whose decoded length is over 5 GiB", async () => {
    const answer = await claim(
      "PUT",
      `/${site.name}/too-big-chunked.bin`,
      1024,
      {
        "content-encoding": "aws-chunked",
        "x-amz-decoded-content-length": String(5 * GIB + 1),
      },
      undefined,
      "STREAMING-UNSIGNED-PAYLOAD-TRAILER",
    );
    expect(errorCode(answer)).toBe("EntityTooLarge");
  });

  it("refuses a part over 5 GiB with EntityTooLarge, and a part number over 10,000 or an unknown upload first", async () => {
    const uploadId = await newUpload("parts.bin");
    const tooBig = await claim("PUT", `/${site.name}/parts.bin`, 5 * GIB + 1, {}, { partNumber: "1", uploadId });
    expect(errorCode(tooBig)).toBe("EntityTooLarge");
    const badNumber = await claim("PUT", `/${site.name}/parts.bin`, GIB, {}, { partNumber: "10001", uploadId });
    expect({ status: badNumber.status, code: errorCode(badNumber) }).toEqual({ status: 400, code: "InvalidArgument" });
    const unknown = await claim("PUT", `/${site.name}/parts.bin`, GIB, {}, { partNumber: "1", uploadId: "no-such-upload" });
    expect({ status: unknown.status, code: errorCode(unknown) }).toEqual({ status: 404, code: "NoSuchUpload" });
  });

  it("refuses metadata over 2 KB with MetadataTooLarge before the body, on PUT and on CreateMultipartUpload", async () => {
    const metadata = { "x-amz-meta-big": "m".repeat(2048) };
    const put = await claim("PUT", `/${site.name}/meta.bin`, GIB, metadata);
    expect({ status: put.status, code: errorCode(put) }).toEqual({ status: 400, code: "MetadataTooLarge" });
    expect(
      await failure(s3.send(new CreateMultipartUploadCommand({ Bucket: site.name, Key: "meta.bin", Metadata: { big: "m".repeat(2048) } }))),
    ).toEqual({
      name: "MetadataTooLarge",
      status: 400,
    });
    // 2 KB exactly (name plus value) is accepted.
    await s3.send(new PutObjectCommand({ Bucket: site.name, Key: "meta.bin", Body: "x", Metadata: { big: "m".repeat(2045) } }));
  });

  it("refuses a key over 1024 bytes with KeyTooLongError", async () => {
    const answer = await claim("PUT", `/${site.name}/${"k".repeat(1025)}`, GIB);
    expect({ status: answer.status, code: errorCode(answer) }).toEqual({ status: 400, code: "KeyTooLongError" });
    await s3.send(new PutObjectCommand({ Bucket: site.name, Key: "k".repeat(1024), Body: "longest key" }));
  });

  it("refuses to complete an upload whose parts add up to more than 5 TiB with EntityTooLarge", async () => {
    const uploadId = await newUpload("huge.bin");
    const part = await s3.send(new UploadPartCommand({ Bucket: site.name, Key: "huge.bin", UploadId: uploadId, PartNumber: 1, Body: "p" }));
    // 1,025 parts of 5 GiB cannot be sent in a test: the parts table is given those sizes (the
    // completion reads sizes, not bytes, to decide).
    const upload = emu().state.buckets.get(site.id)!.uploads.get(uploadId)!;
    const first = upload.parts.get(1)!;
    for (let n = 1; n <= 1025; n++) upload.parts.set(n, { ...first, partNumber: n, segment: { ...first.segment, size: 5 * GIB } });
    const listed = Array.from({ length: 1025 }, (_, i) => `<Part><PartNumber>${i + 1}</PartNumber><ETag>${part.ETag}</ETag></Part>`).join(
      "",
    );
    const body = `<CompleteMultipartUpload>${listed}</CompleteMultipartUpload>`;
    const signed = await signRequest(emu(), site, { method: "POST", path: `/${site.name}/huge.bin`, query: { uploadId }, body });
    const answer = await send(emu(), "POST", signed.pathAndQuery, signed.headers, body);
    expect({ status: answer.status, code: errorCode(answer) }).toEqual({ status: 400, code: "EntityTooLarge" });
    expect(answer.text).toContain(`<MaxSizeAllowed>${5 * 1024 ** 4}</MaxSizeAllowed>`);
    expect(emu().state.buckets.get(site.id)!.objects.has("huge.bin")).toBe(false);
    upload.parts.clear();
  });
});
