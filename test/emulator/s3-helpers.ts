// Helpers for the S3 data plane tests: buckets and credentials made through the management API
// (as a user would), AWS SDK clients at their default settings, and hand-built requests for what
// the SDK never sends (signed aws-chunked, tampered bodies), signed with @smithy/signature-v4
// (the signer inside the SDK) and sent with node:http so every header and byte is ours.
import { createHash, createHmac } from "node:crypto";
import { request as httpRequest } from "node:http";
import { S3Client } from "@aws-sdk/client-s3";
import { SignatureV4 } from "@smithy/signature-v4";
import type { Emulator } from "../../emulator";
import type { Api } from "./helpers";

export interface TestBucket {
  id: string;
  name: string;
  accessKeyId: string;
  secretAccessKey: string;
}

export async function newBucketWithCredential(api: Api, name: string): Promise<TestBucket> {
  const bucket = await api.post("/object-storage/buckets", { name });
  if (bucket.status !== 201) throw new Error(`create bucket ${name}: ${bucket.status} ${JSON.stringify(bucket.body)}`);
  const credential = await api.post(`/object-storage/buckets/${bucket.body.id}/credentials`);
  if (credential.status !== 201) throw new Error(`create credential: ${credential.status} ${JSON.stringify(credential.body)}`);
  return {
    id: bucket.body.id,
    name: bucket.body.name,
    accessKeyId: credential.body.access_key_id,
    secretAccessKey: credential.body.secret_access_key,
  };
}

/** The SDK as the docs configure it: endpoint, region, credentials, path style; nothing else. */
export function sdkClient(emu: Pick<Emulator, "s3Url">, credentials: { accessKeyId: string; secretAccessKey: string }): S3Client {
  return new S3Client({
    endpoint: emu.s3Url,
    region: "us-east-1",
    forcePathStyle: true,
    credentials: { accessKeyId: credentials.accessKeyId, secretAccessKey: credentials.secretAccessKey },
  });
}

/** The hash interface @smithy/signature-v4 expects, over node:crypto (SHA-256, or HMAC when given a key). */
type SourceData = string | ArrayBuffer | ArrayBufferView;

function bytes(data: SourceData): Buffer | string {
  if (typeof data === "string") return data;
  if (ArrayBuffer.isView(data)) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return Buffer.from(data);
}

class NodeSha256 {
  private readonly hash;
  constructor(secret?: SourceData) {
    this.hash = secret === undefined ? createHash("sha256") : createHmac("sha256", bytes(secret));
  }
  update(data: SourceData): void {
    this.hash.update(bytes(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
}

export function signer(credentials: { accessKeyId: string; secretAccessKey: string }): SignatureV4 {
  // S3 signs the path as sent (no double encoding) and takes the payload hash from its header.
  return new SignatureV4({
    credentials: { accessKeyId: credentials.accessKeyId, secretAccessKey: credentials.secretAccessKey },
    region: "us-east-1",
    service: "s3",
    sha256: NodeSha256,
    uriEscapePath: false,
    applyChecksum: false,
  });
}

export interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  text: string;
}

export interface RawRequest {
  method: string;
  /** Already percent-encoded path, e.g. `/bucket/a%20b`. */
  path: string;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  body?: Buffer | string;
}

function queryString(query: Record<string, string> | undefined): string {
  if (!query || Object.keys(query).length === 0) return "";
  return (
    "?" +
    Object.entries(query)
      .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
      .join("&")
  );
}

/** Sends exactly these headers and this body (in `pieces` writes when given). */
export function send(
  emu: Emulator,
  method: string,
  pathAndQuery: string,
  headers: Record<string, string>,
  body?: Buffer | string,
  pieces?: Buffer[],
): Promise<RawAnswer> {
  const url = new URL(emu.s3Url);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: url.hostname, port: url.port, method, path: pathAndQuery, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => {
        const buffer = Buffer.concat(chunks);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: buffer, text: buffer.toString("utf8") });
      });
      res.on("error", reject);
    });
    req.on("error", reject);
    if (pieces) {
      for (const piece of pieces) req.write(piece);
      req.end();
    } else {
      req.end(body);
    }
  });
}

/**
 * Signs `request` with the Authorization header, `x-amz-content-sha256` set to `payloadHash`
 * (the hex SHA-256 of `request.body` when omitted), and returns what to send.
 */
export async function signRequest(
  emu: Emulator,
  credentials: { accessKeyId: string; secretAccessKey: string },
  request: RawRequest,
  options: { payloadHash?: string; signingDate?: Date } = {},
): Promise<{ pathAndQuery: string; headers: Record<string, string> }> {
  const url = new URL(emu.s3Url);
  const body = request.body === undefined ? Buffer.alloc(0) : Buffer.from(request.body);
  const payloadHash = options.payloadHash ?? createHash("sha256").update(body).digest("hex");
  const signed = await signer(credentials).sign(
    {
      method: request.method,
      protocol: "http:",
      hostname: url.hostname,
      port: Number(url.port),
      path: request.path,
      query: request.query ?? {},
      headers: { host: url.host, "x-amz-content-sha256": payloadHash, ...request.headers },
    },
    { signingDate: options.signingDate },
  );
  return { pathAndQuery: request.path + queryString(request.query), headers: signed.headers as Record<string, string> };
}

export async function signedSend(
  emu: Emulator,
  credentials: { accessKeyId: string; secretAccessKey: string },
  request: RawRequest,
  options: { payloadHash?: string; signingDate?: Date; sendBody?: Buffer | string } = {},
): Promise<RawAnswer> {
  const { pathAndQuery, headers } = await signRequest(emu, credentials, request, options);
  return send(emu, request.method, pathAndQuery, headers, options.sendBody ?? request.body);
}

/** `<Code>` of an S3 XML error body. */
export function errorCode(answer: RawAnswer): string | undefined {
  return /<Code>([^<]*)<\/Code>/.exec(answer.text)?.[1];
}

// --- aws-chunked, built by hand from the documented format --------------------------------------

const EMPTY_SHA256 = createHash("sha256").digest("hex");

function hmac(key: Buffer | string, data: string): Buffer {
  return createHmac("sha256", key).update(data).digest();
}

export function signingKeyFor(secret: string, date: string): Buffer {
  return hmac(hmac(hmac(hmac(`AWS4${secret}`, date), "us-east-1"), "s3"), "aws4_request");
}

export interface ChunkedBody {
  wire: Buffer;
  /** The signatures, in order (seed excluded). */
  signatures: string[];
}

/**
 * Encodes `chunks` as a signed aws-chunked body chained from `seedSignature`, optionally with a
 * signed trailer (`trailer` lines as [name, value]).
 */
export function signedChunkedBody(
  chunks: Buffer[],
  context: { secret: string; amzDate: string; seedSignature: string },
  trailer?: Array<[string, string]>,
): ChunkedBody {
  const date = context.amzDate.slice(0, 8);
  const scope = `${date}/us-east-1/s3/aws4_request`;
  const key = signingKeyFor(context.secret, date);
  let previous = context.seedSignature;
  const parts: Buffer[] = [];
  const signatures: string[] = [];
  for (const chunk of [...chunks, Buffer.alloc(0)]) {
    const toSign = [
      "AWS4-HMAC-SHA256-PAYLOAD",
      context.amzDate,
      scope,
      previous,
      EMPTY_SHA256,
      createHash("sha256").update(chunk).digest("hex"),
    ].join("\n");
    const signature = createHmac("sha256", key).update(toSign).digest("hex");
    signatures.push(signature);
    parts.push(Buffer.from(`${chunk.length.toString(16)};chunk-signature=${signature}\r\n`), chunk);
    if (chunk.length > 0) parts.push(Buffer.from("\r\n"));
    previous = signature;
  }
  if (trailer) {
    const canonical = trailer.map(([name, value]) => `${name}:${value}\n`).join("");
    const toSign = [
      "AWS4-HMAC-SHA256-TRAILER",
      context.amzDate,
      scope,
      previous,
      createHash("sha256").update(canonical).digest("hex"),
    ].join("\n");
    const signature = createHmac("sha256", key).update(toSign).digest("hex");
    for (const [name, value] of trailer) parts.push(Buffer.from(`${name}:${value}\r\n`));
    parts.push(Buffer.from(`x-amz-trailer-signature:${signature}\r\n`));
  }
  parts.push(Buffer.from("\r\n"));
  return { wire: Buffer.concat(parts), signatures };
}

/** An unsigned aws-chunked body with trailing headers (STREAMING-UNSIGNED-PAYLOAD-TRAILER). */
export function unsignedChunkedBody(chunks: Buffer[], trailer: Array<[string, string]>): Buffer {
  const parts: Buffer[] = [];
  for (const chunk of chunks) parts.push(Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from("\r\n"));
  parts.push(Buffer.from("0\r\n"));
  for (const [name, value] of trailer) parts.push(Buffer.from(`${name}:${value}\r\n`));
  parts.push(Buffer.from("\r\n"));
  return Buffer.concat(parts);
}

/** The seed signature from a signed request's Authorization header. */
export function seedSignatureOf(headers: Record<string, string>): string {
  const authorization = headers["authorization"] ?? headers["Authorization"];
  const match = /Signature=([0-9a-f]{64})/.exec(authorization);
  if (!match) throw new Error("no signature");
  return match[1];
}

export function md5Hex(data: Buffer | string): string {
  return createHash("md5").update(data).digest("hex");
}

/** What S3 gives a multipart object: MD5 of the concatenated binary part MD5s, then -N. */
export function multipartEtag(parts: Buffer[]): string {
  const digests = Buffer.concat(parts.map((part) => createHash("md5").update(part).digest()));
  return `${createHash("md5").update(digests).digest("hex")}-${parts.length}`;
}

/** Rejects with the S3 error the SDK raised: its name (the XML Code) and HTTP status. */
export async function failure(promise: Promise<unknown>): Promise<{ name: string; status?: number }> {
  try {
    await promise;
  } catch (error) {
    const e = error as { name: string; $metadata?: { httpStatusCode?: number } };
    return { name: e.name, status: e.$metadata?.httpStatusCode };
  }
  throw new Error("expected the request to fail");
}

/**
 * Sends only the request line and headers (whatever content-length they claim) and resolves with
 * the answer the server gives before any body byte arrives; the request is then abandoned.
 */
export function sendHeadersOnly(emu: Emulator, method: string, pathAndQuery: string, headers: Record<string, string>): Promise<RawAnswer> {
  const url = new URL(emu.s3Url);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: url.hostname, port: url.port, method, path: pathAndQuery, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => {
        const buffer = Buffer.concat(chunks);
        req.destroy();
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: buffer, text: buffer.toString("utf8") });
      });
      res.on("error", reject);
    });
    req.on("error", reject);
    req.flushHeaders();
  });
}
