// The S3 data plane through @aws-sdk/client-s3 and @aws-sdk/lib-storage at their default settings
// (endpoint, region, credentials, path style: nothing else), as a user of MamuteCloud would
// drive it: objects, ranges, conditions, listings, deletes, copies, multipart, addressing by id
// and by name, and the management API's view of what S3 stored.
import { createReadStream, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetBucketLocationCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListBucketsCommand,
  ListObjectsCommand,
  ListObjectsV2Command,
  ListPartsCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
  paginateListObjectsV2,
} from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { useEmulator } from "./helpers";
import { md5Hex, multipartEtag, newBucketWithCredential, sdkClient, signedSend, type TestBucket, failure } from "./s3-helpers";

const { emu, api } = useEmulator();

let site: TestBucket;
let s3: S3Client;
let workDir: string;

beforeAll(async () => {
  site = await newBucketWithCredential(api(), "sdk-site");
  s3 = sdkClient(emu(), site);
  workDir = mkdtempSync(join(tmpdir(), "s3-sdk-"));
});

afterAll(() => {
  s3?.destroy();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

async function getBytes(bucket: string, key: string, extra: Partial<ConstructorParameters<typeof GetObjectCommand>[0]> = {}) {
  const answer = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, ...extra }));
  return { answer, bytes: Buffer.from(await answer.Body!.transformToByteArray()) };
}

describe("PutObject and GetObject", () => {
  it("stores a string body and returns it with its headers and metadata", async () => {
    const put = await s3.send(
      new PutObjectCommand({
        Bucket: site.name,
        Key: "docs/hello.txt",
        Body: "Hello MamuteCloud",
        ContentType: "text/plain; charset=utf-8",
        CacheControl: "max-age=60",
        ContentDisposition: 'attachment; filename="hello.txt"',
        Metadata: { owner: "team-a", "build-id": "42" },
      }),
    );
    expect(put.ETag).toBe(`"${md5Hex("Hello MamuteCloud")}"`);

    const { answer, bytes } = await getBytes(site.name, "docs/hello.txt");
    expect(bytes.toString()).toBe("Hello MamuteCloud");
    expect(answer).toMatchObject({
      ContentType: "text/plain; charset=utf-8",
      CacheControl: "max-age=60",
      ContentDisposition: 'attachment; filename="hello.txt"',
      ContentLength: 17,
      ETag: put.ETag,
      AcceptRanges: "bytes",
      Metadata: { owner: "team-a", "build-id": "42" },
    });
    expect(answer.LastModified).toBeInstanceOf(Date);
    expect(Math.abs(answer.LastModified!.getTime() - Date.now())).toBeLessThan(60_000);
  });

  it("stores a Buffer body, verifying the CRC32 the SDK sends, and returns it on ChecksumMode", async () => {
    const body = Buffer.from(Array.from({ length: 70_000 }, (_, i) => (i * 7) & 0xff));
    const put = await s3.send(new PutObjectCommand({ Bucket: site.id, Key: "bin/data.bin", Body: body }));
    expect(put.ETag).toBe(`"${md5Hex(body)}"`);
    expect(put.ChecksumCRC32).toMatch(/^[A-Za-z0-9+/]{6}==$/);
    const { answer, bytes } = await getBytes(site.id, "bin/data.bin", { ChecksumMode: "ENABLED" });
    expect(bytes.equals(body)).toBe(true);
    expect(answer.ChecksumCRC32).toBe(put.ChecksumCRC32);
    const head = await s3.send(new HeadObjectCommand({ Bucket: site.id, Key: "bin/data.bin", ChecksumMode: "ENABLED" }));
    expect(head.ChecksumCRC32).toBe(put.ChecksumCRC32);
    expect(head.ContentType).toBe("application/octet-stream");
  });

  it("stores stream bodies (aws-chunked with a trailing CRC32) and keeps the real Content-Encoding only", async () => {
    const file = join(workDir, "stream.txt");
    const content = "streamed ".repeat(5000);
    writeFileSync(file, content);
    // A file stream: the SDK knows its length and sends STREAMING-UNSIGNED-PAYLOAD-TRAILER.
    const fromFile = await s3.send(
      new PutObjectCommand({ Bucket: site.name, Key: "stream/file.txt", Body: createReadStream(file), ContentType: "text/plain" }),
    );
    expect(fromFile.ETag).toBe(`"${md5Hex(content)}"`);
    expect((await getBytes(site.name, "stream/file.txt")).bytes.toString()).toBe(content);

    // Any Readable with a ContentLength, and a Content-Encoding of the user's own.
    const pieces = [Buffer.from("part one, "), Buffer.from("part two, "), Buffer.from("part three")];
    await s3.send(
      new PutObjectCommand({
        Bucket: site.name,
        Key: "stream/readable.txt",
        Body: Readable.from(pieces),
        ContentLength: 30,
        ContentEncoding: "identity",
      }),
    );
    const { answer, bytes } = await getBytes(site.name, "stream/readable.txt", { ChecksumMode: "ENABLED" });
    expect(bytes.toString()).toBe("part one, part two, part three");
    expect(answer.ContentEncoding).toBe("identity");
    expect(answer.ChecksumCRC32).toBeDefined();
    const stored = emu().state.buckets.get(site.id)!.objects.get("stream/readable.txt")!;
    expect(stored.contentEncoding).toBe("identity");
    expect(stored.checksum).toMatchObject({ algorithm: "CRC32", value: answer.ChecksumCRC32 });
  });

  it("defaults Content-Type to binary/octet-stream when none is sent", async () => {
    const answer = await signedSend(emu(), site, { method: "PUT", path: `/${site.name}/no-type`, body: "x" });
    expect(answer.status).toBe(200);
    expect((await s3.send(new HeadObjectCommand({ Bucket: site.name, Key: "no-type" }))).ContentType).toBe("binary/octet-stream");
  });

  it("keeps createdAt on overwrite and moves lastModified", async () => {
    await s3.send(new PutObjectCommand({ Bucket: site.name, Key: "overwrite.txt", Body: "v1" }));
    const first = { ...emu().state.buckets.get(site.id)!.objects.get("overwrite.txt")! };
    await new Promise((resolve) => setTimeout(resolve, 15));
    await s3.send(new PutObjectCommand({ Bucket: site.name, Key: "overwrite.txt", Body: "v2" }));
    const second = emu().state.buckets.get(site.id)!.objects.get("overwrite.txt")!;
    expect(second.createdAt).toEqual(first.createdAt);
    expect(second.lastModified.getTime()).toBeGreaterThan(first.lastModified.getTime());
    expect((await emu().state.blobs.readAll(second.segments)).toString()).toBe("v2");
  });

  it("round-trips keys with spaces, plus signs, unicode, reserved characters and dot segments", async () => {
    const keys = ["a b+c.txt", "ünï/cødé €.txt", "sym!*'()&$@=;:,?#[]~.txt", "dir//double/./../x", "100% sure", '<xml> & "quotes"'];
    for (const key of keys) await s3.send(new PutObjectCommand({ Bucket: site.name, Key: `keys/${key}`, Body: key }));
    for (const key of keys) expect((await getBytes(site.name, `keys/${key}`)).bytes.toString()).toBe(key);
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: site.name, Prefix: "keys/" }));
    expect(listed.Contents!.map((c) => c.Key).sort()).toEqual(keys.map((k) => `keys/${k}`).sort());
  });

  it("answers NoSuchKey for a missing key (404 on HEAD)", async () => {
    expect(await failure(s3.send(new GetObjectCommand({ Bucket: site.name, Key: "missing" })))).toEqual({ name: "NoSuchKey", status: 404 });
    expect(await failure(s3.send(new HeadObjectCommand({ Bucket: site.name, Key: "missing" })))).toEqual({ name: "NotFound", status: 404 });
  });
});

describe("ranges and conditions", () => {
  beforeAll(async () => {
    await s3.send(new PutObjectCommand({ Bucket: site.name, Key: "range.txt", Body: "0123456789" }));
  });

  it("answers 206 with Content-Range for bytes=a-b, a- and -n", async () => {
    for (const [range, body, contentRange] of [
      ["bytes=2-5", "2345", "bytes 2-5/10"],
      ["bytes=7-", "789", "bytes 7-9/10"],
      ["bytes=-3", "789", "bytes 7-9/10"],
      ["bytes=8-100", "89", "bytes 8-9/10"],
    ]) {
      const { answer, bytes } = await getBytes(site.name, "range.txt", { Range: range });
      expect([range, bytes.toString(), answer.ContentRange, answer.ContentLength, answer.$metadata.httpStatusCode]).toEqual([
        range,
        body,
        contentRange,
        body.length,
        206,
      ]);
    }
  });

  it("refuses an unsatisfiable range with 416 InvalidRange", async () => {
    expect(await failure(getBytes(site.name, "range.txt", { Range: "bytes=10-" }))).toEqual({ name: "InvalidRange", status: 416 });
  });

  it("answers 304 for a matching If-None-Match and 412 for a failing If-Match", async () => {
    const etag = `"${md5Hex("0123456789")}"`;
    expect(await failure(getBytes(site.name, "range.txt", { IfNoneMatch: etag }))).toMatchObject({ status: 304 });
    expect(await failure(getBytes(site.name, "range.txt", { IfMatch: '"0000"' }))).toEqual({ name: "PreconditionFailed", status: 412 });
    expect((await getBytes(site.name, "range.txt", { IfMatch: etag })).bytes.toString()).toBe("0123456789");
    expect((await getBytes(site.name, "range.txt", { IfNoneMatch: '"other"' })).bytes.toString()).toBe("0123456789");
    const later = new Date(Date.now() + 3_600_000);
    expect(await failure(getBytes(site.name, "range.txt", { IfModifiedSince: later }))).toMatchObject({ status: 304 });
  });
});

describe("listings", () => {
  let listing: TestBucket;
  let client: S3Client;
  const keys = ["a.txt", "b/1.txt", "b/2.txt", "b/c/3.txt", "d/4.txt", "e.txt", "f/5.txt", "f/6.txt", "g+h.txt"];

  beforeAll(async () => {
    listing = await newBucketWithCredential(api(), "sdk-listing");
    client = sdkClient(emu(), listing);
    for (const key of keys) await client.send(new PutObjectCommand({ Bucket: listing.id, Key: key, Body: key }));
  });
  afterAll(() => client?.destroy());

  it("lists keys in order with sizes and ETags, filtered by prefix", async () => {
    const all = await client.send(new ListObjectsV2Command({ Bucket: listing.name }));
    expect(all.Contents!.map((c) => c.Key)).toEqual(keys);
    expect(all).toMatchObject({ KeyCount: keys.length, IsTruncated: false, MaxKeys: 1000, Name: listing.name });
    expect(all.Contents![0]).toMatchObject({ Key: "a.txt", Size: 5, ETag: `"${md5Hex("a.txt")}"`, StorageClass: "STANDARD" });
    const b = await client.send(new ListObjectsV2Command({ Bucket: listing.name, Prefix: "b/" }));
    expect(b.Contents!.map((c) => c.Key)).toEqual(["b/1.txt", "b/2.txt", "b/c/3.txt"]);
  });

  it("rolls keys up into CommonPrefixes with a delimiter", async () => {
    const root = await client.send(new ListObjectsV2Command({ Bucket: listing.name, Delimiter: "/" }));
    expect(root.Contents!.map((c) => c.Key)).toEqual(["a.txt", "e.txt", "g+h.txt"]);
    expect(root.CommonPrefixes!.map((p) => p.Prefix)).toEqual(["b/", "d/", "f/"]);
    expect(root.KeyCount).toBe(6);
    const inB = await client.send(new ListObjectsV2Command({ Bucket: listing.name, Delimiter: "/", Prefix: "b/" }));
    expect(inB.Contents!.map((c) => c.Key)).toEqual(["b/1.txt", "b/2.txt"]);
    expect(inB.CommonPrefixes!.map((p) => p.Prefix)).toEqual(["b/c/"]);
  });

  it("pages with MaxKeys and the continuation token, also when a page ends on a common prefix", async () => {
    for (const delimiter of [undefined, "/"]) {
      const seen: string[] = [];
      let pages = 0;
      for await (const page of paginateListObjectsV2({ client, pageSize: 2 }, { Bucket: listing.name, Delimiter: delimiter })) {
        pages++;
        expect(page.KeyCount).toBeLessThanOrEqual(2);
        seen.push(...(page.Contents ?? []).map((c) => c.Key!), ...(page.CommonPrefixes ?? []).map((p) => p.Prefix!));
      }
      const expected = delimiter ? ["a.txt", "b/", "d/", "e.txt", "f/", "g+h.txt"] : keys;
      expect(seen.sort()).toEqual([...expected].sort());
      expect(pages).toBe(Math.ceil(expected.length / 2));
    }
    const first = await client.send(new ListObjectsV2Command({ Bucket: listing.name, MaxKeys: 3, StartAfter: "b/1.txt" }));
    expect(first.Contents!.map((c) => c.Key)).toEqual(["b/2.txt", "b/c/3.txt", "d/4.txt"]);
    expect(first.IsTruncated).toBe(true);
    expect(await failure(client.send(new ListObjectsV2Command({ Bucket: listing.name, ContinuationToken: "bm90LWEtdG9rZW4=" })))).toEqual({
      name: "InvalidArgument",
      status: 400,
    });
  });

  it("URL-encodes keys and prefixes in the XML with encoding-type=url", async () => {
    const encoded = await client.send(new ListObjectsV2Command({ Bucket: listing.name, Prefix: "g+", EncodingType: "url" }));
    expect(encoded.EncodingType).toBe("url");
    expect(encoded.Contents!.map((c) => c.Key)).toEqual(["g%2Bh.txt"]);
    expect(encoded.Prefix).toBe("g%2B");
  });

  it("lists with v1 markers, NextMarker given with a delimiter", async () => {
    const page1 = await client.send(new ListObjectsCommand({ Bucket: listing.name, Delimiter: "/", MaxKeys: 2 }));
    expect([...(page1.Contents ?? []).map((c) => c.Key), ...(page1.CommonPrefixes ?? []).map((p) => p.Prefix)]).toEqual(["a.txt", "b/"]);
    expect(page1).toMatchObject({ IsTruncated: true, NextMarker: "b/" });
    const page2 = await client.send(new ListObjectsCommand({ Bucket: listing.name, Delimiter: "/", MaxKeys: 2, Marker: page1.NextMarker }));
    expect(page2.CommonPrefixes!.map((p) => p.Prefix)).toEqual(["d/"]);
    expect(page2.Contents!.map((c) => c.Key)).toEqual(["e.txt"]);
    const noDelimiter = await client.send(new ListObjectsCommand({ Bucket: listing.name, MaxKeys: 4 }));
    expect(noDelimiter.NextMarker).toBeUndefined();
    expect(noDelimiter.IsTruncated).toBe(true);
    expect(noDelimiter.Contents![0].Owner?.ID).toMatch(/^[0-9a-f]{64}$/);
  });

  it("caps a page at 1000 keys and continues past them", async () => {
    const many = await newBucketWithCredential(api(), "sdk-many");
    const manyClient = sdkClient(emu(), many);
    try {
      const names = Array.from({ length: 1005 }, (_, i) => `k/${String(i).padStart(4, "0")}`);
      for (let i = 0; i < names.length; i += 100) {
        await Promise.all(
          names.slice(i, i + 100).map((key) => manyClient.send(new PutObjectCommand({ Bucket: many.name, Key: key, Body: "x" }))),
        );
      }
      const first = await manyClient.send(new ListObjectsV2Command({ Bucket: many.name, MaxKeys: 5000 }));
      expect(first).toMatchObject({ KeyCount: 1000, MaxKeys: 1000, IsTruncated: true });
      expect(first.NextContinuationToken).toBeDefined();
      const second = await manyClient.send(new ListObjectsV2Command({ Bucket: many.name, ContinuationToken: first.NextContinuationToken }));
      expect(second.Contents!.map((c) => c.Key)).toEqual(names.slice(1000));
      expect(second.IsTruncated).toBe(false);
    } finally {
      manyClient.destroy();
    }
  });
});

describe("deletes", () => {
  it("deletes one key (204, also when it is missing) and many with DeleteObjects", async () => {
    for (const key of ["del/1", "del/2", "del/3", "del/4"]) await s3.send(new PutObjectCommand({ Bucket: site.name, Key: key, Body: key }));
    const one = await s3.send(new DeleteObjectCommand({ Bucket: site.name, Key: "del/1" }));
    expect(one.$metadata.httpStatusCode).toBe(204);
    expect((await s3.send(new DeleteObjectCommand({ Bucket: site.name, Key: "del/never" }))).$metadata.httpStatusCode).toBe(204);

    const many = await s3.send(
      new DeleteObjectsCommand({ Bucket: site.name, Delete: { Objects: [{ Key: "del/2" }, { Key: "del/3" }, { Key: "del/none" }] } }),
    );
    expect(many.Deleted!.map((d) => d.Key)).toEqual(["del/2", "del/3", "del/none"]);
    expect(many.Errors).toBeUndefined();
    const quiet = await s3.send(new DeleteObjectsCommand({ Bucket: site.name, Delete: { Objects: [{ Key: "del/4" }], Quiet: true } }));
    expect(quiet.Deleted).toBeUndefined();
    const left = await s3.send(new ListObjectsV2Command({ Bucket: site.name, Prefix: "del/" }));
    expect(left.KeyCount).toBe(0);
  });

  it("refuses a DeleteObjects body without Content-MD5 or checksum, and one that is not the signed XML", async () => {
    const xml = "<Delete><Object><Key>x</Key></Object></Delete>";
    const unsigned = await signedSend(emu(), site, { method: "POST", path: `/${site.name}`, query: { delete: "" }, body: xml });
    expect(unsigned.status).toBe(400);
    expect(unsigned.text).toContain("<Code>InvalidRequest</Code>");
    const malformed = await signedSend(emu(), site, {
      method: "POST",
      path: `/${site.name}`,
      query: { delete: "" },
      body: "<Delete><Object>",
      headers: { "content-md5": Buffer.from(md5Hex("<Delete><Object>"), "hex").toString("base64") },
    });
    expect(malformed.status).toBe(400);
    expect(malformed.text).toContain("<Code>MalformedXML</Code>");
  });
});

describe("CopyObject", () => {
  it("copies within the bucket, keeping metadata (COPY) or replacing it (REPLACE)", async () => {
    const source = "copy/source file+.txt";
    await s3.send(
      new PutObjectCommand({ Bucket: site.name, Key: source, Body: "copy me", ContentType: "text/plain", Metadata: { origin: "src" } }),
    );
    const copied = await s3.send(
      new CopyObjectCommand({ Bucket: site.name, Key: "copy/kept.txt", CopySource: `${site.name}/${encodeURIComponent(source)}` }),
    );
    expect(copied.CopyObjectResult?.ETag).toBe(`"${md5Hex("copy me")}"`);
    expect(copied.CopyObjectResult?.LastModified).toBeInstanceOf(Date);
    const kept = await getBytes(site.name, "copy/kept.txt");
    expect([kept.bytes.toString(), kept.answer.ContentType, kept.answer.Metadata]).toEqual(["copy me", "text/plain", { origin: "src" }]);

    await s3.send(
      new CopyObjectCommand({
        Bucket: site.id,
        Key: "copy/replaced.txt",
        CopySource: `/${site.id}/${encodeURIComponent(source)}`,
        MetadataDirective: "REPLACE",
        ContentType: "text/markdown",
        Metadata: { origin: "new" },
      }),
    );
    const replaced = await getBytes(site.name, "copy/replaced.txt");
    expect([replaced.bytes.toString(), replaced.answer.ContentType, replaced.answer.Metadata]).toEqual([
      "copy me",
      "text/markdown",
      { origin: "new" },
    ]);
  });

  it("refuses a copy onto itself without changes, a missing source and another bucket", async () => {
    await s3.send(new PutObjectCommand({ Bucket: site.name, Key: "copy/self.txt", Body: "self" }));
    expect(
      await failure(s3.send(new CopyObjectCommand({ Bucket: site.name, Key: "copy/self.txt", CopySource: `${site.name}/copy/self.txt` }))),
    ).toEqual({
      name: "InvalidRequest",
      status: 400,
    });
    expect(
      (
        await s3.send(
          new CopyObjectCommand({
            Bucket: site.name,
            Key: "copy/self.txt",
            CopySource: `${site.name}/copy/self.txt`,
            MetadataDirective: "REPLACE",
            Metadata: { a: "b" },
          }),
        )
      ).CopyObjectResult?.ETag,
    ).toBe(`"${md5Hex("self")}"`);
    expect(
      await failure(s3.send(new CopyObjectCommand({ Bucket: site.name, Key: "copy/x", CopySource: `${site.name}/copy/none` }))),
    ).toEqual({ name: "NoSuchKey", status: 404 });
    const other = await newBucketWithCredential(api(), "sdk-copy-other");
    expect(
      await failure(s3.send(new CopyObjectCommand({ Bucket: site.name, Key: "copy/x", CopySource: `${other.name}/anything` }))),
    ).toEqual({
      name: "AccessDenied",
      status: 403,
    });
  });
});

describe("multipart", () => {
  it("uploads a 12 MiB body with lib-storage's Upload: multipart ETag, same bytes back", async () => {
    const body = Buffer.alloc(12 * 1024 * 1024 + 3);
    for (let i = 0; i < body.length; i += 4096) body[i] = (i / 4096) & 0xff;
    emu().resetRequests();
    const done = await new Upload({
      client: s3,
      params: { Bucket: site.name, Key: "big/object.bin", Body: body, ContentType: "application/x-test" },
    }).done();
    const partSize = 5 * 1024 * 1024;
    const parts = [body.subarray(0, partSize), body.subarray(partSize, 2 * partSize), body.subarray(2 * partSize)];
    expect(done.ETag).toBe(`"${multipartEtag(parts)}"`);
    expect(done.ETag).toMatch(/^"[0-9a-f]{32}-3"$/);
    expect(emu().requests().routes).toMatchObject({ "S3 CreateMultipartUpload": 1, "S3 UploadPart": 3, "S3 CompleteMultipartUpload": 1 });

    const { answer, bytes } = await getBytes(site.name, "big/object.bin", { ChecksumMode: "ENABLED" });
    expect(bytes.equals(body)).toBe(true);
    expect([answer.ETag, answer.ContentType, answer.ContentLength]).toEqual([done.ETag, "application/x-test", body.length]);
    // lib-storage asks for CRC32: the object's checksum is composite (checksum of the part checksums, -3).
    expect(answer.ChecksumType).toBe("COMPOSITE");
    expect(answer.ChecksumCRC32).toMatch(/^[A-Za-z0-9+/]{6}==-3$/);
    const part2 = await getBytes(site.name, "big/object.bin", { PartNumber: 2 });
    expect(part2.bytes.equals(parts[1])).toBe(true);
    expect(part2.answer.PartsCount).toBe(3);
  });

  it("enforces part order, part ETags and the 5 MiB minimum, and forgets aborted uploads", async () => {
    const key = "big/manual.bin";
    const create = await s3.send(new CreateMultipartUploadCommand({ Bucket: site.name, Key: key }));
    const UploadId = create.UploadId!;
    const small = Buffer.from("small part");
    const large = Buffer.alloc(5 * 1024 * 1024, 1);
    const p1 = await s3.send(new UploadPartCommand({ Bucket: site.name, Key: key, UploadId, PartNumber: 1, Body: small }));
    const p2 = await s3.send(new UploadPartCommand({ Bucket: site.name, Key: key, UploadId, PartNumber: 2, Body: large }));
    expect(p1.ETag).toBe(`"${md5Hex(small)}"`);
    const listed = await s3.send(new ListPartsCommand({ Bucket: site.name, Key: key, UploadId }));
    expect(listed.Parts!.map((p) => [p.PartNumber, p.Size, p.ETag])).toEqual([
      [1, small.length, p1.ETag],
      [2, large.length, p2.ETag],
    ]);

    const complete = (Parts: Array<{ PartNumber: number; ETag?: string }>) =>
      s3.send(new CompleteMultipartUploadCommand({ Bucket: site.name, Key: key, UploadId, MultipartUpload: { Parts } }));
    expect(
      await failure(
        complete([
          { PartNumber: 2, ETag: p2.ETag },
          { PartNumber: 1, ETag: p1.ETag },
        ]),
      ),
    ).toEqual({ name: "InvalidPartOrder", status: 400 });
    expect(await failure(complete([{ PartNumber: 1, ETag: '"00000000000000000000000000000000"' }]))).toEqual({
      name: "InvalidPart",
      status: 400,
    });
    expect(await failure(complete([{ PartNumber: 3, ETag: p1.ETag }]))).toEqual({ name: "InvalidPart", status: 400 });
    expect(
      await failure(
        complete([
          { PartNumber: 1, ETag: p1.ETag },
          { PartNumber: 2, ETag: p2.ETag },
        ]),
      ),
    ).toEqual({ name: "EntityTooSmall", status: 400 });

    // The small part last is fine.
    const p3 = await s3.send(new UploadPartCommand({ Bucket: site.name, Key: key, UploadId, PartNumber: 3, Body: small }));
    const done = await complete([
      { PartNumber: 2, ETag: p2.ETag },
      { PartNumber: 3, ETag: p3.ETag },
    ]);
    expect(done.ETag).toBe(`"${multipartEtag([large, small])}"`);
    expect((await getBytes(site.name, key)).bytes.equals(Buffer.concat([large, small]))).toBe(true);
    expect(await failure(complete([{ PartNumber: 2, ETag: p2.ETag }]))).toEqual({ name: "NoSuchUpload", status: 404 });

    const second = await s3.send(new CreateMultipartUploadCommand({ Bucket: site.name, Key: "big/aborted.bin" }));
    const aborted = await s3.send(
      new AbortMultipartUploadCommand({ Bucket: site.name, Key: "big/aborted.bin", UploadId: second.UploadId }),
    );
    expect(aborted.$metadata.httpStatusCode).toBe(204);
    expect(
      await failure(
        s3.send(new UploadPartCommand({ Bucket: site.name, Key: "big/aborted.bin", UploadId: second.UploadId, PartNumber: 1, Body: "x" })),
      ),
    ).toEqual({ name: "NoSuchUpload", status: 404 });
  });
});

describe("buckets", () => {
  it("answers to the bucket id and to its current name, not to an old one", async () => {
    const bucket = await newBucketWithCredential(api(), "sdk-rename-me");
    const client = sdkClient(emu(), bucket);
    try {
      await client.send(new PutObjectCommand({ Bucket: bucket.id, Key: "k", Body: "by id" }));
      expect((await client.send(new GetObjectCommand({ Bucket: bucket.name, Key: "k" }))).ContentLength).toBe(5);
      expect((await api().put(`/object-storage/buckets/${bucket.id}`, { name: "sdk-renamed" })).status).toBe(200);
      expect((await client.send(new HeadObjectCommand({ Bucket: "sdk-renamed", Key: "k" }))).ContentLength).toBe(5);
      expect(await failure(client.send(new HeadObjectCommand({ Bucket: "sdk-rename-me", Key: "k" })))).toMatchObject({ status: 404 });
      expect(await failure(client.send(new GetObjectCommand({ Bucket: "sdk-rename-me", Key: "k" })))).toEqual({
        name: "NoSuchBucket",
        status: 404,
      });
    } finally {
      client.destroy();
    }
  });

  it("lists only the credential's bucket, heads it and locates it in us-east-1", async () => {
    const listed = await s3.send(new ListBucketsCommand({}));
    expect(listed.Buckets!.map((b) => b.Name)).toEqual([site.name]);
    const head = await s3.send(new HeadBucketCommand({ Bucket: site.id }));
    expect(head.BucketRegion).toBe("us-east-1");
    const location = await s3.send(new GetBucketLocationCommand({ Bucket: site.name }));
    expect(location.LocationConstraint ?? "").toBe("");
  });
});

describe("the management API's view", () => {
  it("lists objects uploaded through S3 as files, with live bucket totals", async () => {
    const bucket = await newBucketWithCredential(api(), "sdk-files");
    const client = sdkClient(emu(), bucket);
    try {
      await client.send(new PutObjectCommand({ Bucket: bucket.name, Key: "index.html", Body: "<h1>hi</h1>", ContentType: "text/html" }));
      await client.send(
        new PutObjectCommand({ Bucket: bucket.name, Key: "assets/app.js", Body: "console.log(1)", ContentType: "text/javascript" }),
      );
      const files = await api().get(`/object-storage/buckets/${bucket.id}/files`);
      expect(files.status).toBe(200);
      expect(
        files.body.data.map((f: { key: string; size: number; content_type: string; etag: string }) => [
          f.key,
          f.size,
          f.content_type,
          f.etag,
        ]),
      ).toEqual([
        ["assets/app.js", 14, "text/javascript", md5Hex("console.log(1)")],
        ["index.html", 11, "text/html", md5Hex("<h1>hi</h1>")],
      ]);
      expect((await api().get(`/object-storage/buckets/${bucket.id}`)).body).toMatchObject({ object_count: 2, size_bytes: 25 });
      await client.send(new DeleteObjectCommand({ Bucket: bucket.name, Key: "index.html" }));
      expect((await api().get(`/object-storage/buckets/${bucket.id}/files`)).body.pagination.total).toBe(1);
    } finally {
      client.destroy();
    }
  });
});

describe("request counter and faults", () => {
  it("counts each request under S3 <Operation> and lets a fault rule target one operation", async () => {
    emu().resetRequests();
    emu().setFaults({ rules: [{ route: "S3 PutObject", fault: "status", status: 503, times: 1 }] });
    try {
      // The SDK retries the injected 503 on its own.
      await s3.send(new PutObjectCommand({ Bucket: site.name, Key: "faulted.txt", Body: "after a retry" }));
      await s3.send(new ListObjectsV2Command({ Bucket: site.name, Prefix: "faulted" }));
      await s3.send(new HeadObjectCommand({ Bucket: site.name, Key: "faulted.txt" }));
      expect(emu().requests().routes).toEqual({ "S3 PutObject": 2, "S3 ListObjectsV2": 1, "S3 HeadObject": 1 });
      expect(emu().faults().rules[0].injected).toBe(1);
    } finally {
      emu().clearFaults();
    }
  });
});
