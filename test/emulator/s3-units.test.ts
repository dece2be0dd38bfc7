// The S3 plane's building blocks on their own: checksums against published check values, the
// aws-chunked decoder fed in every possible split, the XML reader and writer, SigV4
// canonicalisation agreeing with the SDK's signer, Range parsing, and operation names.
import { createHash } from "node:crypto";
import * as zlib from "node:zlib";
import { checksumOf, createHasher, crc32cUpdate, crc64nvmeUpdate } from "../../emulator/s3/checksums";
import { AwsChunkedDecoder } from "../../emulator/s3/chunked";
import { S3Error } from "../../emulator/s3/errors";
import { escapeXml, xmlDocument } from "../../emulator/s3/xml";
import { parseXml, child, childrenNamed } from "../../emulator/s3/xmlParse";
import { canonicalQuery, canonicalUri, signingKey, hmacHex, stringToSign, canonicalRequest } from "../../emulator/s3/sigv4";
import { parseQuery, parseTarget } from "../../emulator/s3/target";
import { parseRange } from "../../emulator/s3/objects";
import { operationOf } from "../../emulator/s3/operations";
import { signer, signedChunkedBody, unsignedChunkedBody, signingKeyFor } from "./s3-helpers";

const CHECK = Buffer.from("123456789");

describe("checksums", () => {
  it("match the published check values of CRC32, CRC32C and CRC64/NVME", () => {
    const hex = (algorithm: "CRC32" | "CRC32C" | "CRC64NVME") => Buffer.from(checksumOf(algorithm, CHECK), "base64").toString("hex");
    expect(hex("CRC32")).toBe("cbf43926");
    expect(hex("CRC32C")).toBe("e3069283");
    expect(hex("CRC64NVME")).toBe("ae8b14860a799888");
    expect(crc32cUpdate(0, new Uint8Array())).toBe(0);
    expect(crc64nvmeUpdate([0, 0], new Uint8Array())).toEqual([0, 0]);
  });

  it("give the values S3 documents for other inputs (empty, 32 zero bytes, 32 0xFF bytes)", () => {
    // RFC 3720 (iSCSI) test vectors for CRC32C.
    expect(crc32cUpdate(0, new Uint8Array(32))).toBe(0x8a9136aa);
    expect(crc32cUpdate(0, new Uint8Array(32).fill(0xff))).toBe(0x62a8ab43);
    expect(checksumOf("SHA256", Buffer.alloc(0))).toBe(createHash("sha256").digest("base64"));
    expect(checksumOf("SHA1", CHECK)).toBe(createHash("sha1").update(CHECK).digest("base64"));
  });

  it("are the same fed in pieces as in one go", () => {
    const data = Buffer.from(Array.from({ length: 10_000 }, (_, i) => (i * 31 + 7) & 0xff));
    for (const algorithm of ["CRC32", "CRC32C", "CRC64NVME", "SHA1", "SHA256"] as const) {
      const hasher = createHasher(algorithm);
      for (let i = 0; i < data.length; i += 997) hasher.update(data.subarray(i, i + 997));
      expect(hasher.digest().toString("base64")).toBe(checksumOf(algorithm, data));
    }
    expect(checksumOf("CRC32", data)).toBe(Buffer.from((zlib.crc32(data) >>> 0).toString(16).padStart(8, "0"), "hex").toString("base64"));
  });
});

function decodeInPieces(wire: Buffer, pieceSize: number, signing?: ConstructorParameters<typeof AwsChunkedDecoder>[0]["signing"]) {
  const out: Buffer[] = [];
  const decoder = new AwsChunkedDecoder({ signing, onData: (data) => out.push(Buffer.from(data)) });
  for (let i = 0; i < wire.length; i += pieceSize) decoder.push(wire.subarray(i, i + pieceSize));
  decoder.finish();
  return { data: Buffer.concat(out), trailers: decoder.trailers };
}

describe("aws-chunked decoder", () => {
  const payload = Buffer.from(Array.from({ length: 20_000 }, (_, i) => i & 0xff));
  const chunks = [payload.subarray(0, 8192), payload.subarray(8192, 16384), payload.subarray(16384)];
  const amzDate = "20261122T100000Z";
  const secret = "s".repeat(40);
  const seedSignature = "a".repeat(64);
  const signing = { amzDate, scope: "20261122/us-east-1/s3/aws4_request", key: signingKeyFor(secret, "20261122"), seedSignature };

  it("decodes a signed body however the socket splits it", () => {
    const { wire } = signedChunkedBody(chunks, { secret, amzDate, seedSignature });
    for (const size of [1, 2, 3, 7, 64, 8191, 8193, wire.length]) {
      expect(decodeInPieces(wire, size, signing).data.equals(payload)).toBe(true);
    }
  });

  it("refuses a corrupted chunk, a wrong seed and a truncated body", () => {
    const { wire } = signedChunkedBody(chunks, { secret, amzDate, seedSignature });
    const corrupted = Buffer.from(wire);
    corrupted[9000] ^= 0x01;
    expect(() => decodeInPieces(corrupted, 4096, signing)).toThrow(expect.objectContaining({ code: "SignatureDoesNotMatch", status: 403 }));
    expect(() => decodeInPieces(wire, 4096, { ...signing, seedSignature: "b".repeat(64) })).toThrow(
      expect.objectContaining({ code: "SignatureDoesNotMatch" }),
    );
    expect(() => decodeInPieces(wire.subarray(0, wire.length - 90), 4096, signing)).toThrow(
      expect.objectContaining({ code: "IncompleteBody" }),
    );
  });

  it("checks the signed trailer", () => {
    const trailer: Array<[string, string]> = [["x-amz-checksum-crc32c", checksumOf("CRC32C", payload)]];
    const { wire } = signedChunkedBody(chunks, { secret, amzDate, seedSignature }, trailer);
    for (const size of [1, 5, 1000]) {
      const decoded = decodeInPieces(wire, size, signing);
      expect(decoded.data.equals(payload)).toBe(true);
      expect(decoded.trailers.get("x-amz-checksum-crc32c")).toBe(trailer[0][1]);
    }
    const tampered = Buffer.from(wire.toString("latin1").replace(trailer[0][1], "AAAAAA=="), "latin1");
    expect(() => decodeInPieces(tampered, 100, signing)).toThrow(expect.objectContaining({ code: "SignatureDoesNotMatch" }));
  });

  it("refuses a small signed chunk that is not the last", () => {
    const small = [payload.subarray(0, 100), payload.subarray(100, 200)];
    const { wire } = signedChunkedBody(small, { secret, amzDate, seedSignature });
    expect(() => decodeInPieces(wire, 50, signing)).toThrow(expect.objectContaining({ code: "InvalidChunkSizeError" }));
  });

  it("decodes unsigned chunks with a trailer, byte by byte", () => {
    const wire = unsignedChunkedBody([Buffer.from("hello "), Buffer.from("world")], [["x-amz-checksum-crc32", "DUoRhQ=="]]);
    const decoded = decodeInPieces(wire, 1);
    expect(decoded.data.toString()).toBe("hello world");
    expect(decoded.trailers.get("x-amz-checksum-crc32")).toBe("DUoRhQ==");
    expect(() => decodeInPieces(Buffer.from("5\r\nhello world\r\n0\r\n\r\n"), 3)).toThrow(S3Error);
    expect(() => decodeInPieces(Buffer.from("zz\r\nhello\r\n"), 3)).toThrow(expect.objectContaining({ code: "InvalidRequest" }));
  });
});

describe("XML", () => {
  it("escapes what would break a document or be normalised away", () => {
    expect(escapeXml(`a&b<c>"d'e`)).toBe("a&amp;b&lt;c&gt;&quot;d&apos;e");
    expect(escapeXml("line\r\nnext\u0001")).toBe("line&#13;&#10;next&#1;");
    expect(
      xmlDocument("R", [
        ["Key", "<k>"],
        ["Gone", undefined],
        ["Empty", ""],
        ["N", [["X", 1]]],
      ]),
    ).toBe(
      `<?xml version="1.0" encoding="UTF-8"?>\n<R xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Key>&lt;k&gt;</Key><Empty/><N><X>1</X></N></R>`,
    );
  });

  it("reads the Delete document, with entities, CDATA, comments and namespaces", () => {
    const root = parseXml(
      Buffer.from(
        `<?xml version="1.0" encoding="UTF-8"?>\n<!-- c --><s3:Delete xmlns:s3="http://s3.amazonaws.com/doc/2006-03-01/">` +
          `<s3:Quiet>true</s3:Quiet><s3:Object><s3:Key>a&amp;b&#x20;&#60;</s3:Key></s3:Object>` +
          `<s3:Object><s3:Key><![CDATA[x<y>&z]]></s3:Key></s3:Object><s3:Object><s3:Key>  spaced  </s3:Key></s3:Object></s3:Delete>`,
      ),
      "Delete",
    );
    expect(child(root, "Quiet")?.text).toBe("true");
    expect(childrenNamed(root, "Object").map((o) => child(o, "Key")?.text)).toEqual(["a&b <", "x<y>&z", "  spaced  "]);
  });

  it("refuses what is not well-formed, DOCTYPEs and the wrong root", () => {
    const bad = [
      "<Delete><Object><Key>a</Object></Delete>",
      "<Delete>",
      `<!DOCTYPE x [<!ENTITY e "boom">]><Delete>&e;</Delete>`,
      "<Delete>&unknown;</Delete>",
      "<Delete></Delete><Extra/>",
      "not xml",
    ];
    for (const text of bad) expect(() => parseXml(Buffer.from(text), "Delete")).toThrow(expect.objectContaining({ code: "MalformedXML" }));
    expect(() => parseXml(Buffer.from("<Other/>"), "Delete")).toThrow(expect.objectContaining({ code: "MalformedXML" }));
  });
});

describe("SigV4 canonicalisation", () => {
  it("keeps the path as sent and sorts and strictly encodes the query", () => {
    expect(canonicalUri("/b/a%20b/./../c//d")).toBe("/b/a%20b/./../c//d");
    expect(canonicalUri("/b/it's+(1)!")).toBe("/b/it%27s%2B%281%29%21");
    expect(canonicalUri("/b/%e2%82%ac")).toBe("/b/%e2%82%ac");
    expect(canonicalQuery(parseQuery("uploads&b=2&a=%2F+x&a=1"), false)).toBe("a=%2F%2Bx&a=1&b=2&uploads=");
    expect(canonicalQuery(parseQuery("X-Amz-Signature=abc&X-Amz-Date=1"), true)).toBe("X-Amz-Date=1");
  });

  it("computes the signature @smithy/signature-v4 (the SDK's signer) computes", async () => {
    const credentials = { accessKeyId: "MCAKTEST0000000000", secretAccessKey: "secret/with+chars=" };
    const date = new Date(Date.UTC(2026, 10, 22, 10, 0, 0));
    const headers = {
      host: "127.0.0.1:4567",
      "x-amz-content-sha256": "UNSIGNED-PAYLOAD",
      "x-amz-meta-note": "  two   spaces ",
      "content-type": "text/plain",
    };
    const path = "/bucket/dir/a%20b%2Bc%21";
    const query = { "list-type": "2", prefix: "a b/ü", "max-keys": "5" };
    const signed = await signer(credentials).sign(
      { method: "GET", protocol: "http:", hostname: "127.0.0.1", port: 4567, path, query, headers },
      { signingDate: date },
    );
    const authorization = String(signed.headers.authorization);
    const signedHeaders = /SignedHeaders=([^,]+)/.exec(authorization)![1].split(";");
    const rawHeaders = Object.entries(signed.headers).flatMap(([name, value]) => [name, String(value)]);
    const rawQuery = Object.entries(query)
      .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
      .join("&");
    const target = parseTarget(`${path}?${rawQuery}`);
    const canonical = canonicalRequest("GET", target, rawHeaders, signedHeaders, "UNSIGNED-PAYLOAD", false);
    const ours = hmacHex(
      signingKey(credentials.secretAccessKey, "20261122"),
      stringToSign("20261122T100000Z", "20261122/us-east-1/s3/aws4_request", canonical),
    );
    expect(authorization).toContain(`Signature=${ours}`);
  });
});

describe("Range", () => {
  it("reads the three forms, ignores what is not one range, and knows unsatisfiable", () => {
    expect(parseRange("bytes=0-4", 10)).toEqual({ start: 0, end: 4 });
    expect(parseRange("bytes=6-", 10)).toEqual({ start: 6, end: 9 });
    expect(parseRange("bytes=-3", 10)).toEqual({ start: 7, end: 9 });
    expect(parseRange("bytes=-30", 10)).toEqual({ start: 0, end: 9 });
    expect(parseRange("bytes=5-100", 10)).toEqual({ start: 5, end: 9 });
    expect(parseRange("bytes=10-", 10)).toBe("unsatisfiable");
    expect(parseRange("bytes=-0", 10)).toBe("unsatisfiable");
    expect(parseRange("bytes=0-0", 0)).toBe("unsatisfiable");
    expect(parseRange("bytes=0-1,3-4", 10)).toBe("ignore");
    expect(parseRange("items=0-1", 10)).toBe("ignore");
    expect(parseRange("bytes=5-2", 10)).toBe("ignore");
  });
});

describe("operation names", () => {
  it("are named from method, path, query and headers", () => {
    const cases: Array<[string, string, Record<string, string>, string]> = [
      ["GET", "/", {}, "ListBuckets"],
      ["HEAD", "/b", {}, "HeadBucket"],
      ["GET", "/b?location", {}, "GetBucketLocation"],
      ["GET", "/b?list-type=2&prefix=a", {}, "ListObjectsV2"],
      ["GET", "/b/", {}, "ListObjects"],
      ["GET", "/b?uploads", {}, "ListMultipartUploads"],
      ["POST", "/b/?delete=", {}, "DeleteObjects"],
      ["PUT", "/b/k", {}, "PutObject"],
      ["PUT", "/b/k", { "x-amz-copy-source": "b/j" }, "CopyObject"],
      ["PUT", "/b/k?partNumber=1&uploadId=u", {}, "UploadPart"],
      ["PUT", "/b/k?partNumber=1&uploadId=u", { "x-amz-copy-source": "b/j" }, "UploadPartCopy"],
      ["POST", "/b/k?uploads", {}, "CreateMultipartUpload"],
      ["POST", "/b/k?uploadId=u", {}, "CompleteMultipartUpload"],
      ["DELETE", "/b/k?uploadId=u", {}, "AbortMultipartUpload"],
      ["GET", "/b/k?uploadId=u", {}, "ListParts"],
      ["GET", "/b/k", {}, "GetObject"],
      ["HEAD", "/b/k", {}, "HeadObject"],
      ["DELETE", "/b/k", {}, "DeleteObject"],
      ["GET", "/b/k?tagging", {}, "GetObjectTagging"],
      ["PUT", "/b?versioning", {}, "PutBucketVersioning"],
      ["PUT", "/b", {}, "CreateBucket"],
      ["PATCH", "/b/k", {}, "Unknown"],
    ];
    for (const [method, url, headers, expected] of cases)
      expect([method, url, operationOf(method, url, headers)]).toEqual([method, url, expected]);
  });

  it("decodes keys from the path: %2B and + are both a plus, %20 a space", () => {
    expect(parseTarget("/b/a%20b+c%2Bd/%C3%BC").key).toBe("a b+c+d/ü");
    expect(parseTarget("/bkt_0123/").key).toBe("");
    expect(() => parseTarget("/b/%zz")).toThrow(expect.objectContaining({ code: "InvalidURI" }));
  });
});
