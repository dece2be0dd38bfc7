// What the S3 plane refuses, and that it still accepts the real thing: wrong secrets, revoked,
// deactivated and rotated keys, clock skew, bodies changed after signing, keys used on another
// bucket, unsigned requests, signed aws-chunked bodies with a corrupted chunk, wrong checksums,
// and presigned URLs (working, tampered, expired).
import { createHash } from "node:crypto";
import { GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { useEmulator } from "./helpers";
import {
  errorCode,
  md5Hex,
  newBucketWithCredential,
  sdkClient,
  seedSignatureOf,
  send,
  signRequest,
  signedChunkedBody,
  signedSend,
  signer,
  unsignedChunkedBody,
  type TestBucket,
  failure,
} from "./s3-helpers";
import { checksumOf } from "../../emulator/s3/checksums";

const { emu, api } = useEmulator();

let site: TestBucket;
let s3: S3Client;

beforeAll(async () => {
  site = await newBucketWithCredential(api(), "auth-site");
  s3 = sdkClient(emu(), site);
  await s3.send(new PutObjectCommand({ Bucket: site.name, Key: "existing.txt", Body: "old verified value" }));
});

afterAll(() => s3?.destroy());

/** The stored bytes of a key, read straight from the emulator's state. */
async function stored(key: string): Promise<string | undefined> {
  const object = emu().state.buckets.get(site.id)?.objects.get(key);
  return object && (await emu().state.blobs.readAll(object.segments)).toString();
}

describe("credentials", () => {
  it("refuses a wrong secret with SignatureDoesNotMatch, without echoing any secret", async () => {
    const wrong = { accessKeyId: site.accessKeyId, secretAccessKey: "W".repeat(40) };
    const client = sdkClient(emu(), wrong);
    try {
      expect(await failure(client.send(new PutObjectCommand({ Bucket: site.name, Key: "w.txt", Body: "x" })))).toEqual({
        name: "SignatureDoesNotMatch",
        status: 403,
      });
    } finally {
      client.destroy();
    }
    const raw = await signedSend(emu(), wrong, { method: "GET", path: `/${site.name}/existing.txt` });
    expect(raw.status).toBe(403);
    expect(raw.headers["content-type"]).toBe("application/xml");
    expect(raw.text).toMatch(/^<\?xml[^>]*>\s*<Error><Code>SignatureDoesNotMatch<\/Code><Message>[^<]+<\/Message>/);
    expect(raw.text).toContain(`<Resource>/${site.name}/existing.txt</Resource>`);
    expect(raw.text).toMatch(/<RequestId>[0-9A-F]+<\/RequestId>/);
    expect(raw.text).toContain("<StringToSign>AWS4-HMAC-SHA256&#10;");
    expect(raw.text).not.toContain(site.secretAccessKey);
    expect(raw.text).not.toContain(wrong.secretAccessKey);
    expect(await stored("w.txt")).toBeUndefined();
  });

  it("refuses unknown, deactivated and revoked keys with InvalidAccessKeyId, and a rotated secret", async () => {
    const unknown = sdkClient(emu(), { accessKeyId: "MCAKNOSUCHKEY0000000", secretAccessKey: site.secretAccessKey });
    expect(await failure(unknown.send(new HeadObjectCommand({ Bucket: site.name, Key: "existing.txt" })))).toMatchObject({ status: 403 });
    expect(
      errorCode(
        await signedSend(
          emu(),
          { accessKeyId: "MCAKNOSUCHKEY0000000", secretAccessKey: "x" },
          { method: "GET", path: `/${site.name}/existing.txt` },
        ),
      ),
    ).toBe("InvalidAccessKeyId");
    unknown.destroy();

    const bucket = await newBucketWithCredential(api(), "auth-lifecycle");
    const client = sdkClient(emu(), bucket);
    const base = `/object-storage/buckets/${bucket.id}/credentials/${bucket.accessKeyId}`;
    try {
      await client.send(new PutObjectCommand({ Bucket: bucket.name, Key: "k", Body: "v" }));

      expect((await api().post(`${base}/deactivate`)).status).toBe(200);
      expect(await failure(client.send(new GetObjectCommand({ Bucket: bucket.name, Key: "k" })))).toEqual({
        name: "InvalidAccessKeyId",
        status: 403,
      });
      expect((await api().post(`${base}/activate`)).status).toBe(200);
      expect((await client.send(new GetObjectCommand({ Bucket: bucket.name, Key: "k" }))).ContentLength).toBe(1);

      const rotated = await api().post(`${base}/regenerate`);
      expect(await failure(client.send(new GetObjectCommand({ Bucket: bucket.name, Key: "k" })))).toEqual({
        name: "SignatureDoesNotMatch",
        status: 403,
      });
      const fresh = sdkClient(emu(), { accessKeyId: bucket.accessKeyId, secretAccessKey: rotated.body.secret_access_key });
      expect((await fresh.send(new GetObjectCommand({ Bucket: bucket.name, Key: "k" }))).ContentLength).toBe(1);

      expect((await api().delete(base)).status).toBe(204);
      expect(await failure(fresh.send(new GetObjectCommand({ Bucket: bucket.name, Key: "k" })))).toEqual({
        name: "InvalidAccessKeyId",
        status: 403,
      });
      fresh.destroy();
    } finally {
      client.destroy();
    }
  });

  it("refuses a credential on another bucket (by id or name) with AccessDenied, and an unknown bucket with NoSuchBucket", async () => {
    const other = await newBucketWithCredential(api(), "auth-other");
    expect(await failure(s3.send(new PutObjectCommand({ Bucket: other.name, Key: "k", Body: "x" })))).toEqual({
      name: "AccessDenied",
      status: 403,
    });
    expect(await failure(s3.send(new ListObjectsV2Command({ Bucket: other.id })))).toEqual({ name: "AccessDenied", status: 403 });
    expect(emu().state.buckets.get(other.id)!.objects.size).toBe(0);
    expect(await failure(s3.send(new ListObjectsV2Command({ Bucket: "no-such-bucket" })))).toEqual({ name: "NoSuchBucket", status: 404 });
  });

  it("refuses unsigned requests and other signature schemes", async () => {
    const anonymous = await fetch(`${emu().s3Url}/${site.name}/existing.txt`);
    expect(anonymous.status).toBe(403);
    expect(await anonymous.text()).toContain("<Code>AccessDenied</Code>");
    const sigv2 = await fetch(`${emu().s3Url}/${site.name}/existing.txt`, {
      headers: { authorization: `AWS ${site.accessKeyId}:c2lnbmF0dXJl` },
    });
    expect(sigv2.status).toBe(400);
    expect(await sigv2.text()).toContain("<Code>InvalidRequest</Code>");
  });
});

describe("clock skew", () => {
  afterEach(() => {
    emu().state.clockOffsetMs = 0;
  });

  it("refuses a request more than 15 minutes from the emulator's clock with RequestTimeTooSkewed", async () => {
    for (const offsetMinutes of [16, -16]) {
      const signed = await signRequest(emu(), site, { method: "GET", path: `/${site.name}/existing.txt` });
      emu().state.clockOffsetMs = offsetMinutes * 60_000;
      const answer = await send(emu(), "GET", signed.pathAndQuery, signed.headers);
      expect([offsetMinutes, answer.status, errorCode(answer)]).toEqual([offsetMinutes, 403, "RequestTimeTooSkewed"]);
      expect(answer.text).toContain("<MaxAllowedSkewMilliseconds>900000</MaxAllowedSkewMilliseconds>");
    }
    const signed = await signRequest(emu(), site, { method: "GET", path: `/${site.name}/existing.txt` });
    emu().state.clockOffsetMs = 14 * 60_000;
    expect((await send(emu(), "GET", signed.pathAndQuery, signed.headers)).status).toBe(200);
  });

  it("lets the SDK correct its clock from the answer, as it does against S3", async () => {
    const client = sdkClient(emu(), site);
    try {
      emu().state.clockOffsetMs = 16 * 60_000;
      emu().resetRequests();
      await client.send(new PutObjectCommand({ Bucket: site.name, Key: "skewed.txt", Body: "after correction" }));
      // The first attempt was refused as skewed; the SDK read the emulator's Date and signed again.
      expect(emu().requests().routes["S3 PutObject"]).toBe(2);
      const read = await client.send(new GetObjectCommand({ Bucket: site.name, Key: "skewed.txt" }));
      expect(await read.Body!.transformToString()).toBe("after correction");
    } finally {
      client.destroy();
    }
  });
});

describe("bodies changed after signing", () => {
  it("refuses a body that does not match its signed x-amz-content-sha256 with XAmzContentSHA256Mismatch", async () => {
    const answer = await signedSend(
      emu(),
      site,
      { method: "PUT", path: `/${site.name}/existing.txt`, body: "signed body!", headers: { "content-type": "text/plain" } },
      { sendBody: "evil body!!!" },
    );
    expect([answer.status, errorCode(answer)]).toEqual([400, "XAmzContentSHA256Mismatch"]);
    expect(answer.text).toContain(
      `<ClientComputedContentSHA256>${createHash("sha256").update("signed body!").digest("hex")}</ClientComputedContentSHA256>`,
    );
    expect(await stored("existing.txt")).toBe("old verified value");
  });

  it("refuses a signed header changed, or an x-amz header added, after signing", async () => {
    const signed = await signRequest(emu(), site, {
      method: "PUT",
      path: `/${site.name}/existing.txt`,
      body: "x",
      headers: { "content-type": "text/plain" },
    });
    const changed = await send(emu(), "PUT", signed.pathAndQuery, { ...signed.headers, "content-type": "text/html" }, "x");
    expect([changed.status, errorCode(changed)]).toEqual([403, "SignatureDoesNotMatch"]);
    const added = await send(emu(), "PUT", signed.pathAndQuery, { ...signed.headers, "x-amz-meta-injected": "yes" }, "x");
    expect([added.status, errorCode(added)]).toEqual([403, "AccessDenied"]);
    const otherKey = await send(emu(), "PUT", `/${site.name}/other.txt`, signed.headers, "x");
    expect([otherKey.status, errorCode(otherKey)]).toEqual([403, "SignatureDoesNotMatch"]);
    expect(await stored("existing.txt")).toBe("old verified value");
  });

  it("refuses a wrong Content-MD5 or x-amz-checksum header with BadDigest (SDK)", async () => {
    expect(
      await failure(
        s3.send(
          new PutObjectCommand({
            Bucket: site.name,
            Key: "existing.txt",
            Body: "new",
            ContentMD5: Buffer.from(md5Hex("other"), "hex").toString("base64"),
          }),
        ),
      ),
    ).toEqual({
      name: "BadDigest",
      status: 400,
    });
    expect(
      await failure(s3.send(new PutObjectCommand({ Bucket: site.name, Key: "existing.txt", Body: "new", ChecksumCRC32: "AAAAAA==" }))),
    ).toEqual({
      name: "BadDigest",
      status: 400,
    });
    expect(
      await failure(
        s3.send(
          new PutObjectCommand({
            Bucket: site.name,
            Key: "existing.txt",
            Body: "new",
            ChecksumSHA256: checksumOf("SHA256", Buffer.from("nope")),
          }),
        ),
      ),
    ).toEqual({
      name: "BadDigest",
      status: 400,
    });
    expect(await stored("existing.txt")).toBe("old verified value");
  });
});

describe("aws-chunked bodies built by hand", () => {
  const payload = Buffer.from(Array.from({ length: 20_000 }, (_, i) => (i * 13) & 0xff));
  const chunks = [payload.subarray(0, 8192), payload.subarray(8192, 16384), payload.subarray(16384)];

  /** Signs a streaming PUT (the wire length is known up front: signatures have a fixed size). */
  async function streamingPut(
    key: string,
    mode: string,
    build: (seed: string, amzDate: string) => Buffer,
    extraHeaders: Record<string, string> = {},
  ) {
    const length = build("0".repeat(64), "20260101T000000Z").length;
    const signed = await signRequest(
      emu(),
      site,
      {
        method: "PUT",
        path: `/${site.name}/${key}`,
        headers: {
          "content-encoding": "aws-chunked",
          "content-type": "application/octet-stream",
          "content-length": String(length),
          "x-amz-decoded-content-length": String(payload.length),
          ...extraHeaders,
        },
      },
      { payloadHash: mode },
    );
    const wire = build(seedSignatureOf(signed.headers), signed.headers["x-amz-date"]);
    // Written in uneven pieces, so chunk headers and signatures straddle writes.
    const pieces: Buffer[] = [];
    for (let i = 0; i < wire.length; i += 1777) pieces.push(wire.subarray(i, i + 1777));
    return {
      wire,
      send: (body: Buffer = wire) => send(emu(), "PUT", signed.pathAndQuery, signed.headers, undefined, body === wire ? pieces : [body]),
    };
  }

  const signedBody = (trailer?: Array<[string, string]>) => (seed: string, amzDate: string) =>
    signedChunkedBody(chunks, { secret: site.secretAccessKey, amzDate, seedSignature: seed }, trailer).wire;

  it("accepts STREAMING-AWS4-HMAC-SHA256-PAYLOAD, checking every chunk signature, and stores the decoded bytes", async () => {
    const put = await streamingPut("chunked/signed.bin", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD", signedBody());
    const answer = await put.send();
    expect([answer.status, answer.text]).toEqual([200, ""]);
    expect(answer.headers.etag).toBe(`"${md5Hex(payload)}"`);
    const object = await s3.send(new GetObjectCommand({ Bucket: site.name, Key: "chunked/signed.bin" }));
    expect(Buffer.from(await object.Body!.transformToByteArray()).equals(payload)).toBe(true);
    expect(object.ContentEncoding).toBeUndefined();
  });

  it("refuses a corrupted chunk with SignatureDoesNotMatch and stores nothing", async () => {
    const put = await streamingPut("chunked/corrupt.bin", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD", signedBody());
    const corrupted = Buffer.from(put.wire);
    corrupted[12_000] ^= 0xff; // inside the second chunk's data
    const answer = await put.send(corrupted);
    expect([answer.status, errorCode(answer)]).toEqual([403, "SignatureDoesNotMatch"]);
    expect(await stored("chunked/corrupt.bin")).toBeUndefined();
  });

  it("accepts STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER with a signed CRC32C trailer, and refuses a tampered trailer", async () => {
    const crc32c = checksumOf("CRC32C", payload);
    const good = await streamingPut(
      "chunked/trailer.bin",
      "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER",
      signedBody([["x-amz-checksum-crc32c", crc32c]]),
      {
        "x-amz-trailer": "x-amz-checksum-crc32c",
      },
    );
    expect((await good.send()).status).toBe(200);
    const head = await s3.send(new HeadObjectCommand({ Bucket: site.name, Key: "chunked/trailer.bin", ChecksumMode: "ENABLED" }));
    expect(head.ChecksumCRC32C).toBe(crc32c);

    const bad = await streamingPut(
      "chunked/trailer-bad.bin",
      "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER",
      signedBody([["x-amz-checksum-crc32c", crc32c]]),
      {
        "x-amz-trailer": "x-amz-checksum-crc32c",
      },
    );
    const tampered = Buffer.from(
      bad.wire.toString("latin1").replace(`x-amz-checksum-crc32c:${crc32c}`, "x-amz-checksum-crc32c:AAAAAA=="),
      "latin1",
    );
    const answer = await bad.send(tampered);
    expect([answer.status, errorCode(answer)]).toEqual([403, "SignatureDoesNotMatch"]);
  });

  it("refuses a wrong trailing checksum in STREAMING-UNSIGNED-PAYLOAD-TRAILER with BadDigest", async () => {
    const wrongCrc = checksumOf("CRC32", Buffer.from("something else"));
    const put = await streamingPut(
      "chunked/unsigned.bin",
      "STREAMING-UNSIGNED-PAYLOAD-TRAILER",
      () => unsignedChunkedBody(chunks, [["x-amz-checksum-crc32", wrongCrc]]),
      {
        "x-amz-trailer": "x-amz-checksum-crc32",
      },
    );
    const answer = await put.send();
    expect([answer.status, errorCode(answer)]).toEqual([400, "BadDigest"]);
    expect(await stored("chunked/unsigned.bin")).toBeUndefined();

    const right = await streamingPut(
      "chunked/unsigned.bin",
      "STREAMING-UNSIGNED-PAYLOAD-TRAILER",
      () => unsignedChunkedBody(chunks, [["x-amz-checksum-crc32", checksumOf("CRC32", payload)]]),
      {
        "x-amz-trailer": "x-amz-checksum-crc32",
      },
    );
    expect((await right.send()).status).toBe(200);
  });
});

describe("presigned URLs", () => {
  async function presign(method: string, key: string, expiresIn: number, signingDate = new Date()): Promise<string> {
    const url = new URL(emu().s3Url);
    const presigned = await signer(site).presign(
      {
        method,
        protocol: "http:",
        hostname: url.hostname,
        port: Number(url.port),
        path: `/${site.name}/${key.split("/").map(encodeURIComponent).join("/")}`,
        query: {},
        // As @aws-sdk/s3-request-presigner does: the payload is unsigned, said in the query.
        headers: { host: url.host, "X-Amz-Content-Sha256": "UNSIGNED-PAYLOAD" },
      },
      { expiresIn, signingDate },
    );
    const query = Object.entries(presigned.query ?? {})
      .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`)
      .join("&");
    return `${emu().s3Url}${presigned.path}?${query}`;
  }

  afterEach(() => {
    emu().state.clockOffsetMs = 0;
  });

  it("serves a presigned GET to a plain HTTP client and accepts a presigned PUT", async () => {
    const get = await fetch(await presign("GET", "existing.txt", 300));
    expect([get.status, await get.text()]).toEqual([200, "old verified value"]);

    const put = await fetch(await presign("PUT", "presigned/upload file.txt", 300), { method: "PUT", body: "uploaded by URL" });
    expect(put.status).toBe(200);
    expect(await stored("presigned/upload file.txt")).toBe("uploaded by URL");
  });

  it("refuses a tampered, an expired, and a clock-expired presigned URL", async () => {
    const url = await presign("GET", "existing.txt", 300);
    const tampered = await fetch(url.replace("existing.txt", "skewed.txt"));
    expect(tampered.status).toBe(403);
    expect(await tampered.text()).toContain("<Code>SignatureDoesNotMatch</Code>");

    const expired = await fetch(await presign("GET", "existing.txt", 60, new Date(Date.now() - 120_000)));
    expect(expired.status).toBe(403);
    const text = await expired.text();
    expect(text).toContain("<Code>AccessDenied</Code>");
    expect(text).toContain("Request has expired");

    const short = await presign("GET", "existing.txt", 60);
    emu().state.clockOffsetMs = 61_000;
    expect((await fetch(short)).status).toBe(403);
  });
});
